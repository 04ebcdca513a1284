// End to end in browser mode: three real tiny runs (the real trainer, different seed / L cycles) compared in the
// real server's UI through Debian's Chromium — selection from the runs table, one curve per run per chart, the
// hover tooltip, the config diff, the per-puzzle filter, saved views and the exports. Screenshots go to
// test-artifacts/compare-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
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

before(async () => {
  if (skip) return;
  const workspace = temporaryWorkspace('trm-compare-');
  for (const variant of VARIANTS) {
    runIds.push(await trainRun({ preset: 'sudoku4-mlp', name: variant.name, overrides: { ...TINY, ...variant.overrides } }));
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

test('the compare page loaded without errors or CSP violations', { skip }, () => {
  assert.deepEqual(ui.unexpectedPageProblems(), []);
});
