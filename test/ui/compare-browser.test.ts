// End to end in browser mode: three real tiny runs (the real trainer, different seed / L cycles) compared in the
// real server's UI through Debian's Chromium — selection from the runs table, one curve per run per chart, the
// hover tooltip, the config diff, the per-puzzle filter, saved views and the exports; the epoch x-axis with two
// runs on a fixed training set (an official-layout folder) beside a generated one; and a run that trains while it
// is compared (a real job), whose curves grow in place while the zoom, the baseline, a run taken out, a hidden chart
// and the smoothing stay as the user set them. Screenshots go to test-artifacts/compare-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { buildSudokuDataset } from '../../main/puzzles/build.ts';
import { skip, startBrowserUi, temporaryWorkspace, TINY_SUDOKU4, trainRun, waitUntil, type BrowserUi } from './browser-harness.ts';

const TINY = { ...TINY_SUDOKU4, 'train.evalInterval': '10' };
const VARIANTS = [
  { name: 'seed 1 L2', overrides: { 'train.seed': '1', 'model.lCycles': '2' } },
  { name: 'seed 2 L2', overrides: { 'train.seed': '2', 'model.lCycles': '2' } },
  { name: 'seed 1 L3', overrides: { 'train.seed': '1', 'model.lCycles': '3' } },
];

let ui: BrowserUi;
let page: Page;
let api: BrowserUi['api'];
const runIds: number[] = [];
let dataFolder: string;
/** Two runs on the folder's 20 training puzzles: batch 8 (0.4 epochs per step) and batch 4 (0.2). */
const epochRuns: { id: number; name: string; finalEpoch: number }[] = [];

before(async () => {
  if (skip) return;
  const workspace = temporaryWorkspace('trm-compare-');
  for (const variant of VARIANTS) {
    runIds.push(await trainRun({ preset: 'sudoku4-mlp', name: variant.name, overrides: { ...TINY, ...variant.overrides } }));
  }
  dataFolder = join(workspace, 'sudoku4-data');
  buildSudokuDataset({ boxRows: 2, boxCols: 2, source: 'generate', trainCount: 20, testCount: 16, augmentations: 1, seed: 9, out: dataFolder, minBlanks: 4, maxBlanks: 8 });
  const { 'data.testExamples': _generatedOnly, ...tinyModel } = TINY;
  for (const batchSize of [8, 4]) {
    const name = `folder batch ${batchSize}`;
    const id = await trainRun({ preset: 'sudoku4-mlp', name, dataDir: dataFolder, overrides: { ...tinyModel, 'train.batchSize': String(batchSize) } });
    epochRuns.push({ id, name, finalEpoch: (20 * batchSize) / 20 });
  }
  ui = await startBrowserUi(workspace);
  ({ page, api } = ui);
});

after(() => ui?.close());

const shot = (name: string) => ui.shot(`compare-${name}`);

/** The main (smoothed) curves drawn in the chart of `key`. */
const mainCurves = (key: string) => page.locator(`[data-chart="${key}"] .recharts-line.series-main path.recharts-line-curve`);
const puzzleRows = () => page.locator('.puzzle-matrix tbody tr');

test('select three runs in the runs table and compare them: one curve per run, hover lists every run', { skip, timeout: 120_000 }, async () => {
  await ui.open('#/runs');
  await page.locator('.runs-table tbody tr').nth(2).waitFor();
  for (const id of runIds) await page.getByLabel(`Select run ${id}`).check();
  await page.getByRole('button', { name: 'Compare' }).click();
  await page.waitForURL(new RegExp(`#/compare\\?runs=${runIds.join('%2C')}`));

  await waitUntil('the loss chart draws three curves', async () => (await mainCurves('train/lm_loss').count()) === 3);
  for (const key of ['train/lm_loss', 'eval/exact_accuracy', 'train/lr']) assert.equal(await mainCurves(key).count(), 3, `${key}: one curve per run`);
  // Smoothing is on by default: each run's raw curve is drawn faint behind.
  assert.equal(await page.locator('[data-chart="train/lm_loss"] .recharts-line.series-raw').count(), 3);
  const strokes = await mainCurves('train/lm_loss').evaluateAll((paths) => paths.map((p) => p.getAttribute('stroke')));
  assert.equal(new Set(strokes).size, 3, 'each run has its own colour');

  const plot = page.locator('[data-chart="train/lm_loss"] .zoom-layer');
  const box = (await plot.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
  const tooltip = page.locator('[data-chart="train/lm_loss"] .compare-tooltip');
  await tooltip.waitFor();
  assert.equal(await tooltip.locator('.compare-tooltip-row').count(), 3);
  for (const variant of VARIANTS) assert.match(await tooltip.innerText(), new RegExp(variant.name));
  await shot('charts');
  await page.mouse.move(0, 0);
});

test('the config table shows exactly the differing fields, and all fields on request', { skip }, async () => {
  const paths = () => page.locator('.config-diff tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-path')));
  assert.deepEqual(await paths(), ['model.lCycles', 'train.seed']);
  await page.getByLabel('Show all fields').check();
  assert.ok((await paths()).length > 10);
  await page.getByLabel('Show all fields').uncheck();
  assert.deepEqual(await paths(), ['model.lCycles', 'train.seed']);
});

test('"solved by A, not B" filters the per-puzzle matrix to what the evaluations say', { skip }, async () => {
  const latest = await Promise.all(runIds.map(async (runId) => {
    const [evaluation] = await api.evaluations.list({ runId });
    return new Map((await api.evaluations.puzzles({ evaluationId: evaluation.id, limit: 1000 })).map((p) => [p.puzzleKey, p.correct]));
  }));
  const allKeys = [...new Set(latest.flatMap((m) => [...m.keys()]))];
  await waitUntil('the puzzle matrix fills', async () => (await puzzleRows().count()) === allKeys.length);

  await page.getByRole('button', { name: 'Solved by A, not B' }).click();
  for (const [a, b] of [[0, 1], [2, 0], [1, 2]]) {
    await page.getByLabel('Run A').selectOption(String(runIds[a]));
    await page.getByLabel('Run B').selectOption(String(runIds[b]));
    const expected = allKeys.filter((key) => latest[a].get(key) === true && latest[b].get(key) !== true).sort();
    await waitUntil(`A=${a} B=${b} shows ${expected.length} puzzles`, async () => (await puzzleRows().count()) === expected.length);
    const shown = await puzzleRows().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-puzzle') ?? ''));
    assert.deepEqual(shown.sort(), expected);
    if (expected.length > 0) {
      assert.equal(await puzzleRows().first().locator('a').getAttribute('href'), `#/viewer?runs=${runIds[a]}%2C${runIds[b]}&puzzle=${encodeURIComponent(shown[0])}`);
    }
  }
  await page.getByRole('button', { name: 'Solved by none' }).click();
  const none = allKeys.filter((key) => latest.every((m) => m.get(key) !== true));
  await waitUntil('solved by none', async () => (await puzzleRows().count()) === none.length);
  await page.getByRole('button', { name: 'All', exact: true }).click();
  await waitUntil('all puzzles', async () => (await puzzleRows().count()) === allKeys.length);
  await page.locator('[aria-label="Per-puzzle results"]').scrollIntoViewIfNeeded();
  await shot('tables');
});

test('exports: metrics CSV has every selected run\'s rows; JSON, Markdown, SVG and PNG download', { skip }, async () => {
  const csv = await ui.download('Metrics CSV');
  assert.match(csv.name, /\.csv$/);
  const lines = csv.bytes.toString('utf8').trimEnd().split('\r\n');
  assert.equal(lines[0], 'run_id,run_name,key,step,wall_time_ms,value');
  let expectedRows = 0;
  for (const runId of runIds) {
    const series = await api.metrics.series({ runId });
    const count = Object.values(series).reduce((sum, s) => sum + s.steps.length, 0);
    expectedRows += count;
    assert.equal(lines.filter((line) => line.startsWith(`${runId},`)).length, count, `run ${runId}: every point`);
  }
  assert.equal(lines.length - 1, expectedRows);

  const json = JSON.parse((await ui.download('Metrics JSON')).bytes.toString('utf8'));
  assert.deepEqual(json.runs.map((r: { id: number }) => r.id), runIds);
  const markdown = (await ui.download('Comparison Markdown')).bytes.toString('utf8');
  assert.match(markdown, /## Summary[\s\S]*\| seed 1 L2 \(#\d+\)/);
  assert.match(markdown, /\| model\.lCycles \| 2 \| 2 \| 3 \|/);

  const chart = page.locator('[data-chart="train/lm_loss"]');
  const svg = await ui.download('SVG', chart);
  assert.match(svg.bytes.toString('utf8'), /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*recharts-line-curve/);
  const png = await ui.download('PNG', chart);
  assert.deepEqual([...png.bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  assert.ok(png.bytes.length > 2000, 'the PNG has content');
});

test('baseline, grouping over the seed, and a saved view that restores the state', { skip }, async () => {
  await page.locator(`.compare-run[data-run-id="${runIds[0]}"]`).getByRole('button', { name: 'Pin as baseline' }).click();
  assert.equal(await mainCurves('train/lm_loss').evaluateAll((paths) => paths.filter((p) => p.getAttribute('stroke-width') === '3').length), 1);
  assert.ok(await page.locator('.summary-matrix .delta').count() > 0, 'differences to the baseline');

  await page.getByLabel('Group over').selectOption('train.seed');
  // Seeds 1 and 2 with L=2 form one group, L=3 the other: two mean curves with bands.
  await waitUntil('two group curves', async () => (await mainCurves('train/lm_loss').count()) === 2);
  assert.equal(await page.locator('[data-chart="train/lm_loss"] .group-band').count(), 2);
  await page.getByLabel('Smoothing').fill('0.3');
  await page.getByLabel('X-axis').selectOption('relative');
  await shot('grouped');

  await page.getByLabel('View name').fill('seed groups');
  await page.getByRole('button', { name: 'Save view' }).click();
  await page.waitForURL(/view=\d+/);
  const [saved] = await api.views.list();
  assert.equal(saved.name, 'seed groups');
  assert.deepEqual({ ...saved.state, runIds: saved.state.runIds }, { ...saved.state, runIds, groupBy: 'train.seed', smoothing: 0.3, xAxis: 'relative', baselineRunId: runIds[0] });

  await ui.open(`#/compare?view=${saved.id}`);
  await page.waitForURL(new RegExp(`runs=${runIds.join('%2C')}`));
  await waitUntil('the view restores the groups', async () => (await mainCurves('train/lm_loss').count()) === 2);
  assert.equal(await page.getByLabel('X-axis').inputValue(), 'relative');
  assert.equal(await page.getByLabel('Group over').inputValue(), 'train.seed');
});

/** The leftmost and rightmost x (px) of a run's main curve in the chart of `key`. */
async function curveExtent(key: string, runId: number): Promise<{ left: number; right: number }> {
  return page.locator(`[data-chart="${key}"] .recharts-line.series-main.run-${runId} path.recharts-line-curve`).evaluate((path) => {
    const box = (path as unknown as { getBBox(): { x: number; width: number } }).getBBox();
    return { left: box.x, right: box.x + box.width };
  });
}

const lastTickLabel = (key: string) => page.locator(`[data-chart="${key}"] .recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value`).last().textContent();

test('the epoch x-axis plots runs on a fixed training set by epoch and lists the generated run as excluded, with why', { skip, timeout: 60_000 }, async () => {
  const [wide, narrow] = epochRuns;
  const generated = runIds[0];
  await ui.open(`#/compare?runs=${wide.id}%2C${narrow.id}%2C${generated}`);
  await waitUntil('three loss curves by step', async () => (await mainCurves('train/lm_loss').count()) === 3);
  // By step the two folder runs end together (step 20).
  const byStep = [await curveExtent('train/lm_loss', wide.id), await curveExtent('train/lm_loss', narrow.id)];
  assert.ok(Math.abs(byStep[0].right - byStep[1].right) < 2, `same last step: ${JSON.stringify(byStep)}`);
  assert.equal(await page.locator('.axis-exclusions').count(), 0, 'no exclusions on the step axis');

  await page.getByLabel('X-axis').selectOption('epoch');
  await waitUntil('two loss curves by epoch', async () => (await mainCurves('train/lm_loss').count()) === 2);
  assert.equal(await page.locator(`[data-chart="train/lm_loss"] .series-main.run-${generated}`).count(), 0, 'the generated run is not drawn');
  for (const key of ['train/lm_loss', 'eval/exact_accuracy']) {
    for (const run of epochRuns) assert.equal(await page.locator(`[data-chart="${key}"] .series-main.run-${run.id}`).count(), 1, `${key}: ${run.name} is drawn`);
  }
  // Batch 4 saw half the examples of batch 8 in 20 steps: its curve ends halfway along the epoch axis (0.2 … 8).
  const wideExtent = await curveExtent('train/lm_loss', wide.id);
  const narrowExtent = await curveExtent('train/lm_loss', narrow.id);
  const plotLeft = narrowExtent.left; // epoch 0.2, the smallest x drawn
  const ratio = (narrowExtent.right - plotLeft) / (wideExtent.right - plotLeft);
  const expected = (narrow.finalEpoch - 0.2) / (wide.finalEpoch - 0.2);
  assert.ok(Math.abs(ratio - expected) < 0.03, `the batch-4 run ends at ${ratio.toFixed(3)} of the axis, expected ${expected.toFixed(3)}`);
  const lastTick = Number(await lastTickLabel('train/lm_loss'));
  assert.ok(lastTick > narrow.finalEpoch && lastTick <= wide.finalEpoch, `the axis ends near epoch ${wide.finalEpoch}, not step 20 (last tick ${lastTick})`);

  const excluded = page.locator('.axis-exclusions li');
  assert.equal(await excluded.count(), 1);
  assert.equal(await excluded.getAttribute('data-run-id'), String(generated));
  assert.match(await excluded.innerText(), /seed 1 L2 .*generated on the fly/);

  const plot = page.locator('[data-chart="train/lm_loss"] .zoom-layer');
  const box = (await plot.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2);
  assert.match(await page.locator('[data-chart="train/lm_loss"] .compare-tooltip-x').innerText(), /^epoch \d/);
  await shot('epoch-axis');
  await page.mouse.move(0, 0);

  // The run page shows where the run is in its training set.
  await ui.open(`#/runs/${wide.id}`);
  assert.equal(await page.locator('.run-summary-bar .run-epoch').innerText(), `epoch ${wide.finalEpoch}`);
  await ui.open(`#/runs/${generated}`);
  await page.locator('.run-summary-bar').waitFor();
  assert.equal(await page.locator('.run-summary-bar .run-epoch').count(), 0);
});

/** Points in a run's main curve (its path's M/L commands): grows while the run trains, up to the display cap. */
async function curvePoints(key: string, runId: number): Promise<number> {
  const d = await page.locator(`[data-chart="${key}"] .recharts-line.series-main.run-${runId} path.recharts-line-curve`).getAttribute('d', { timeout: 1000 }).catch(() => null);
  return d ? (d.match(/[ML]/g) ?? []).length : 0;
}

/** The largest x (px) among a run's main curve's points (its path's M/L commands); 0 while it is not drawn. */
async function curveRightX(key: string, runId: number): Promise<number> {
  const d = await page.locator(`[data-chart="${key}"] .recharts-line.series-main.run-${runId} path.recharts-line-curve`).getAttribute('d', { timeout: 1000 }).catch(() => null);
  return Math.max(0, ...[...(d ?? '').matchAll(/[ML]([-\d.e]+),/g)].map((m) => Number(m[1])));
}

/** The x range a chart spans (its data-x-domain: the zoom, else the curves' extent). */
async function xDomain(key: string): Promise<[number, number]> {
  const text = await page.locator(`[data-chart="${key}"]`).getAttribute('data-x-domain');
  const [from, to] = (text ?? '').split(',').map(Number);
  assert.ok(Number.isFinite(from) && Number.isFinite(to), `${key} has an x-domain (${text})`);
  return [from, to];
}

test('a run training while it is compared grows in place, by step and by epoch, without a reload or losing zoom and selection', { skip, timeout: 300_000 }, async () => {
  const { 'data.testExamples': _generatedOnly, ...tinyModel } = TINY;
  // A run on the folder stopped at step 3 (the real trainer), then resumed as a real job process while the page
  // shows it: the job's throttled events reach the page over the WebSocket, and the page fetches the new points.
  const { createRun, trainRun: train } = await import('../../main/train/run.ts');
  const { runId } = await createRun({ preset: 'sudoku4-mlp', name: 'live folder run', dataDir: dataFolder, overrides: { ...tinyModel, 'train.maxSteps': '100000', 'train.evalInterval': '0', 'train.checkpointInterval': '1000' } });
  const abort = new AbortController();
  await train(runId, { signal: abort.signal, onEvent: (event) => { if (event.type === 'metric' && event.step === 3) abort.abort(); } });
  try {
    await ui.open(`#/compare?runs=${runIds[0]}%2C${runIds[1]}%2C${runId}`);
    await waitUntil('the stopped run draws its 3 steps', async () => (await curvePoints('train/lm_loss', runId)) === 3);

    // The user's view before the run resumes: one run taken out of the comparison, the live run pinned as the
    // baseline, a chart hidden, smoothing away from its default, and the charts zoomed into part of the steps.
    await page.getByLabel(`Remove ${VARIANTS[1].name} from the comparison`).click();
    await page.waitForURL(new RegExp(`runs=${runIds[0]}%2C${runId}$`));
    await page.locator(`.compare-run[data-run-id="${runId}"]`).getByRole('button', { name: 'Pin as baseline' }).click();
    await page.getByLabel('Hide chart train/lr').click();
    await page.getByLabel('Smoothing').fill('0.85');
    await waitUntil('two loss curves', async () => (await mainCurves('train/lm_loss').count()) === 2);
    const fullDomain = await xDomain('train/lm_loss');
    const layer = (await page.locator('[data-chart="train/lm_loss"] .zoom-layer').boundingBox())!;
    await page.mouse.move(layer.x + layer.width * 0.1, layer.y + layer.height / 2);
    await page.mouse.down();
    await page.mouse.move(layer.x + layer.width * 0.6, layer.y + layer.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.getByRole('button', { name: 'Reset zoom' }).waitFor();
    const zoomed = await xDomain('train/lm_loss');
    assert.ok(zoomed[0] > fullDomain[0] && zoomed[1] < fullDomain[1] && zoomed[1] < 16, `zoomed into steps ${zoomed} of ${fullDomain}`);
    assert.deepEqual(await xDomain('eval/exact_accuracy'), zoomed, 'the zoom is shared by every chart');
    await page.evaluate(() => { (globalThis as unknown as { loadedOnce: boolean }).loadedOnce = true; });

    await api.runs.resume({ runId });
    // A job process loads the engine first: slow on a busy machine.
    await waitUntil('the run is shown running', async () => /running/i.test(await page.locator(`.compare-run[data-run-id="${runId}"]`).innerText()), 150_000);
    await waitUntil('the live curve grows inside the zoomed steps', async () => (await curvePoints('train/lm_loss', runId)) > 6, 60_000);
    // The first point past the zoom is drawn too (clipped), so the curve's path reaches beyond the plot's right edge.
    const plotRight = await page.locator('[data-chart="train/lm_loss"] .zoom-layer').evaluate((rect) => Number(rect.getAttribute('x')) + Number(rect.getAttribute('width')));
    await waitUntil('points past the zoomed steps arrive', async () => {
      assert.deepEqual(await xDomain('train/lm_loss'), zoomed, 'the zoom is kept while the run trains');
      return (await curveRightX('train/lm_loss', runId)) > plotRight + 1;
    }, 60_000);

    // None of it was lost to the live updates.
    assert.deepEqual(await xDomain('train/lm_loss'), zoomed, 'the zoom is kept');
    const ticks = (await page.locator('[data-chart="train/lm_loss"] .recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value').allTextContents()).map(Number);
    assert.ok(ticks.length > 0 && ticks.every((tick) => tick >= zoomed[0] && tick <= zoomed[1]), `x ticks ${ticks} within the zoom ${zoomed}`);
    assert.match(page.url(), new RegExp(`runs=${runIds[0]}%2C${runId}$`), 'the removed run stays out');
    assert.equal(await page.locator('.compare-run').count(), 2);
    assert.equal(await page.locator(`.series-main.run-${runIds[1]}`).count(), 0, 'the removed run is not drawn');
    assert.equal(await page.locator(`.compare-run[data-run-id="${runId}"]`).getByRole('button', { name: 'Baseline ★' }).getAttribute('aria-pressed'), 'true', 'the baseline stays pinned');
    await waitUntil('the baseline curve stays thick', async () => (await page.locator(`[data-chart="train/lm_loss"] .series-main.run-${runId} path.recharts-line-curve`).getAttribute('stroke-width')) === '3', 5000);
    assert.equal(await page.locator('[data-chart="train/lr"]').count(), 0, 'the hidden chart stays hidden');
    assert.equal(await page.getByLabel('Smoothing').inputValue(), '0.85', 'the smoothing is kept');
    assert.equal(await page.locator('[data-chart="train/lm_loss"] .recharts-line.series-raw').count(), 2, 'raw curves behind the smoothed ones');
    await shot('live-zoomed');

    // Back to every step: the axis now reaches the live run's latest step, and the curve keeps growing.
    await page.getByRole('button', { name: 'Reset zoom' }).click();
    await waitUntil('the axis spans every step again', async () => { const [from, to] = await xDomain('train/lm_loss'); return from === fullDomain[0] && to >= fullDomain[1]; }, 5000);
    // How far the live curve is drawn: the axis end while the curve reaches the plot's right edge (its point
    // count would stop at the display cap, which a fast run passes within a minute).
    const liveReach = async () => (Math.abs((await curveRightX('train/lm_loss', runId)) - plotRight) < 1.5 ? (await xDomain('train/lm_loss'))[1] : -Infinity);
    let reach = -Infinity;
    await waitUntil('the live curve ends at the right edge', async () => (reach = await liveReach()) > fullDomain[1], 5000);
    await waitUntil('the live curve keeps growing', async () => (await liveReach()) > reach + 2, 60_000);
    assert.equal(await page.evaluate(() => (globalThis as unknown as { loadedOnce?: boolean }).loadedOnce), true, 'the page was not reloaded');
    // (Polled: recharts redraws the paths on every update, so one read can land between two renders.)
    await waitUntil('the finished run keeps its 20 points', async () => (await curvePoints('train/lm_loss', runIds[0])) === 20, 5000);

    // The epoch axis follows the live run too.
    await page.getByLabel('X-axis').selectOption('epoch');
    await waitUntil('the live run is drawn by epoch', async () => (reach = await liveReach()) > 0);
    await waitUntil('the live curve grows on the epoch axis', async () => (await liveReach()) > reach + 2, 60_000);
    assert.equal(await page.evaluate(() => (globalThis as unknown as { loadedOnce?: boolean }).loadedOnce), true, 'still not reloaded');
    await shot('live');
  } finally {
    await api.runs.stop({ runId });
    await waitUntil('the live run stops', async () => (await api.runs.get({ runId })).status !== 'running', 60_000);
  }
});

test('the compare page loaded without errors or CSP violations', { skip }, () => {
  assert.deepEqual(ui.unexpectedPageProblems(), []);
});
