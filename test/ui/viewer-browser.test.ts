// The step viewer end to end in browser mode: a tiny Sudoku run trained by the real trainer in a temporary
// TRM_HOME, the real server and Chromium. Traces a pasted puzzle (with inner updates), scrubs with the keyboard,
// toggles overlays, opens a cell's distribution, checks the halting chart, exports the film strip and the GIF
// (checked with the test decoder and with Chromium's own), opens the dataset view and traces a puzzle from it,
// and shows two checkpoints side by side. A Sudoku with two solutions: an answer that is the other solution reads
// solved (not "4 wrong" and "stuck"), next to the target's "exact". Screenshots: test-artifacts/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { decodeGif } from '../common/gif-decode.ts';
import { skip, startBrowserUi, temporaryWorkspace, TINY_SUDOKU4, trainRun, type BrowserUi } from './browser-harness.ts';

const OVERRIDES = { ...TINY_SUDOKU4, 'model.haltMaxSteps': '8', 'train.evalInterval': '20', 'train.checkpointInterval': '10' };

let ui: BrowserUi;
let page: Page;
let runId: number;
let puzzleText: string;
/** N_sup of the preset: the number of steps every trace has. */
let N: number;

before(async () => {
  if (skip) return;
  const workspace = temporaryWorkspace('trm-viewer-');
  runId = await trainRun({ preset: 'sudoku4-mlp', overrides: OVERRIDES, name: 'tiny sudoku', backend: 'wasm' });
  // The first held-out puzzle, as a user would paste it.
  const { resolveConfig } = await import('../../main/train/run.ts');
  const { data, config } = resolveConfig('sudoku4-mlp', OVERRIDES);
  N = config.model.haltMaxSteps;
  const tokens = [...data.testBatches(1, 1)][0].inputs;
  const digits = Array.from(tokens, (t) => (t === 1 ? '.' : String(t - 1)));
  puzzleText = [0, 1, 2, 3].map((r) => digits.slice(r * 4, r * 4 + 4).join('')).join('\n');
  ui = await startBrowserUi(workspace);
  ({ page } = ui);
});

after(() => ui?.close());

const stepLabel = () => page.getByTestId('step-label').innerText();

test('trace a pasted puzzle: scrub, overlays, cell distribution, halting chart, inner strip, PNG and GIF export', { skip, timeout: 120_000 }, async () => {
  await ui.open(`#/viewer?run=${runId}`);
  await page.getByRole('link', { name: 'Step viewer' }).waitFor();
  await page.getByLabel('Puzzle text').fill(puzzleText);
  await page.getByLabel('record inner updates (logit lens)').check();
  await ui.shot('viewer-start');
  await page.getByRole('button', { name: 'Trace', exact: true }).click();
  await page.waitForURL(/#\/viewer\?trace=\d+/);
  await page.locator('.trace-view').waitFor({ timeout: 60_000 });

  // Opens on the last step; arrow keys and Home/End move the shown step.
  assert.equal(await stepLabel(), `step ${N} / ${N}`);
  await page.keyboard.press('ArrowLeft');
  assert.equal(await stepLabel(), `step ${N - 1} / ${N}`);
  assert.equal(await page.locator('.trace-view').getAttribute('data-step'), String(N - 1));
  await page.keyboard.press('Home');
  assert.equal(await stepLabel(), `step 1 / ${N}`);
  await page.keyboard.press('ArrowRight');
  assert.equal(await stepLabel(), `step 2 / ${N}`);
  assert.equal(await page.locator('.film-frame.current').getAttribute('data-step'), '2');
  await page.locator(`.film-frame[data-step="${N}"]`).click();
  assert.equal(await stepLabel(), `step ${N} / ${N}`);

  // Overlays: the wrong-cell marks follow the checkbox (a 20-step model gets cells wrong), the heatmap appears.
  const answer = page.locator('.answer-panel');
  const wrongBefore = await answer.locator('.overlay-wrong').count();
  const summary = await answer.locator('.grid-note').innerText();
  assert.equal(wrongBefore, /exact ✓/.test(summary) ? 0 : Number(/(\d+) wrong|differs from the target in (\d+)/.exec(summary)?.slice(1).find(Boolean)));
  await page.getByLabel('Differs from target').uncheck();
  assert.equal(await answer.locator('.overlay-wrong').count(), 0);
  await page.getByLabel('Differs from target').check();
  assert.equal(await page.locator('.confidence-panel').count(), 0);
  await page.getByLabel('Confidence heatmap').check();
  await page.locator('.confidence-panel svg rect').first().waitFor();
  assert.equal(await page.locator('.confidence-panel svg rect').count(), 16);
  await page.getByLabel('Changed since previous step').uncheck();
  assert.equal(await answer.locator('.overlay-changed').count(), 0);
  await page.getByLabel('Changed since previous step').check();

  // A click on a cell shows its distribution over all the steps.
  const grid = answer.locator('svg.grid');
  const box = (await grid.boundingBox())!;
  await page.mouse.click(box.x + box.width * 0.6, box.y + box.height * 0.1);
  const cellPanel = page.getByTestId('cell-distribution');
  await cellPanel.waitFor();
  assert.match(await cellPanel.locator('h2').innerText(), /Cell r1 c3 over the steps/i);
  assert.ok(await cellPanel.locator('.cell-distribution rect.clickable').count() >= N * 4, 'a row per digit, a column per step');

  // Halting: σ(q_halt) with the 0.5 line and an explicit halting statement.
  const halting = page.locator('[data-chart="Halting"]');
  await halting.locator('.recharts-line').first().waitFor();
  assert.match(await halting.innerText(), /halt 0\.5/);
  assert.match(await page.getByTestId('halting-summary').innerText(), /ran to the maximum|would halt at step \d+/);
  assert.ok(await page.locator('[data-chart="Convergence"] .recharts-line').count() === 2, '‖Δy‖ and ‖Δz‖');
  assert.equal(await page.locator('[data-chart="PCA"] circle').count(), 2 * (N + 1), 'initial carry + N steps, for y and z');
  assert.ok(await page.getByTestId('inner-strip').locator('.film-frame').count() > 1);
  await ui.shot('viewer-trace');

  const png = (await ui.download('Export film strip PNG')).bytes;
  assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')]);
  assert.ok(png.length > 2000);

  // The GIF: a frame per step, each showing that step (so no two frames in a row are alike), the last held longer.
  const traceId = await page.locator('.trace-view').getAttribute('data-trace-id');
  const gifFile = await ui.download('Export GIF');
  assert.equal(gifFile.name, `trace-${traceId}-steps.gif`);
  assert.equal(gifFile.bytes.subarray(0, 6).toString('latin1'), 'GIF89a');
  const gif = decodeGif(gifFile.bytes);
  assert.equal(gif.loopCount, 0, 'loops forever');
  assert.equal(gif.frames.length, N, 'one frame per step');
  assert.deepEqual(gif.frames.map((frame) => frame.delayMs), [...Array(N - 1).fill(700), 2000]);
  gif.frames.slice(1).forEach((frame, i) => assert.ok(frame.indices.some((index, pixel) => index !== gif.frames[i].indices[pixel]), `frame ${i + 2} differs from frame ${i + 1}`));
  const colourOf = (index: number) => gif.palette[index].join(',');
  assert.ok(gif.frames[0].indices.some((index) => colourOf(index) === '85,85,85'), 'the grids are drawn (their #555 gaps)');
  // Chromium's own decoder reads the file and gets the same first frame, pixel for pixel.
  const chromiumPixels = Buffer.from(await page.evaluate(firstFrameRgbaBase64(gifFile.bytes.toString('base64'))) as string, 'base64');
  const mismatches = gif.frames[0].indices.filter((index, pixel) => colourOf(index) !== [...chromiumPixels.subarray(pixel * 4, pixel * 4 + 3)].join(',')).length;
  assert.equal(mismatches, 0, 'pixels Chromium decodes differently');
});

/** A page script: the first frame of a GIF (base64) decoded by the browser, as base64 RGBA. A string, so this
 *  Node-typed file needs no DOM types. */
function firstFrameRgbaBase64(gifBase64: string): string {
  return `(async () => {
    const bytes = Uint8Array.from(atob('${gifBase64}'), (char) => char.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/gif' }));
    const context = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d');
    context.drawImage(bitmap, 0, 0);
    const rgba = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
    let text = '';
    for (let i = 0; i < rgba.length; i += 8192) text += String.fromCharCode(...rgba.subarray(i, i + 8192));
    return btoa(text);
  })()`;
}

test('dataset view: the evaluated puzzles, halting histogram, click-through to a trace', { skip, timeout: 120_000 }, async () => {
  await ui.open(`#/viewer?run=${runId}&dataset=latest`);
  await page.locator('.dataset-puzzles tbody tr').first().waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('.dataset-puzzles tbody tr').count(), 16);
  await page.locator('[data-chart="Halting steps"] .recharts-bar-rectangle').first().waitFor();
  assert.ok(await page.locator('[data-chart="Accuracy if stopped"] .recharts-line').count() === 1);
  await ui.shot('viewer-dataset');
  const row = page.locator('.dataset-puzzles tbody tr').nth(3);
  const key = await row.getAttribute('data-puzzle-key');
  await row.click();
  await page.waitForURL(/#\/viewer\?trace=\d+/);
  await page.locator('.trace-view').waitFor({ timeout: 60_000 });
  assert.match(await page.locator('.trace-facts').innerText(), new RegExp(key!.replace('/', '\\/')));
  assert.equal(await stepLabel(), `step ${N} / ${N}`);
});

test('two checkpoints side by side on one held-out puzzle (the compare view link)', { skip, timeout: 120_000 }, async () => {
  await ui.open(`#/viewer?runs=${runId}&puzzle=test/0&checkpoints=step_10,step_20`);
  await page.locator('.pair-column').nth(1).waitFor({ timeout: 60_000 });
  assert.match(await page.locator('.pair-column').nth(0).locator('h2').innerText(), /step 10/i);
  assert.match(await page.locator('.pair-column').nth(1).locator('h2').innerText(), /step 20/i);
  await page.keyboard.press('Home');
  assert.equal(await stepLabel(), `step 1 / ${N}`);
  assert.equal(await page.locator('.pair-column .film-frame.current[data-step="1"]').count(), 2);
  await ui.shot('viewer-pair');
});

/** A stored trace of `traceId` in which every step answers `answer`, stored as a trace recorded before rule-based
 *  scoring held it: target match, cell accuracy and flags against the target only. Returns the new trace's id. */
async function storeTraceAnswering(traceId: number, answer: Int32Array): Promise<number> {
  const [{ openDatabase }, { decodeTrace, encodeTrace }, { detectFlags, scorePrediction }] = await Promise.all([
    import('../../db/index.ts'), import('../../main/trace/trace-codec.ts'), import('../../main/trace/trace.ts'),
  ]);
  const db = openDatabase();
  try {
    const { blob, ...row } = db.getTrace(traceId)!;
    const stored = decodeTrace(blob);
    const steps = stored.steps.map((s) => {
      const { cellAccuracy, exact } = scorePrediction(answer, stored.input.labels!);
      return { ...s, prediction: answer.slice(), cellAccuracy, exact, solved: undefined };
    });
    const flags = detectFlags(steps.map((s) => s.prediction), steps.map((s) => s.exact));
    return db.addTrace({ runId: row.runId, checkpointStep: row.checkpointStep, puzzleKey: row.puzzleKey, innerSteps: false, summary: { ...row.summary, flags }, blob: encodeTrace({ ...stored, steps, flags }) });
  } finally {
    db.close();
  }
}

test('a Sudoku with two solutions: the other valid answer reads solved, not wrong and stuck, beside the target\'s exact', { skip, timeout: 120_000 }, async () => {
  // Blanks at r1c1, r1c2, r3c1, r3c2: 1 2 / 2 1 or 2 1 / 1 2 both complete the grid.
  const twoSolutions = '..34\n3412\n..43\n4321';
  const { traceId } = await ui.api.traces.create({ runId, puzzleText: twoSolutions, puzzleName: 'two-solutions.txt' });
  const detail = await ui.api.traces.get({ traceId });
  const target = Int32Array.from(detail.target!);
  const other = target.slice();
  for (const [a, b] of [[0, 1], [8, 9]]) [other[a], other[b]] = [target[b], target[a]];
  assert.notDeepEqual(Array.from(other), Array.from(target));
  const otherTrace = await storeTraceAnswering(traceId, other);
  const targetTrace = await storeTraceAnswering(traceId, target);

  await ui.open(`#/viewer?trace=${otherTrace}`);
  await page.locator('.trace-view').waitFor({ timeout: 60_000 });
  assert.match(await page.getByRole('note', { name: 'Puzzle warnings' }).innerText(), /several solutions.*any valid answer counts as solved/);
  const note = await page.locator('.answer-panel .grid-note').innerText();
  assert.match(note, /solved \(by the rules\) ✓ · differs from the target in 4 cells/);
  assert.doesNotMatch(note, /wrong/);
  assert.equal(await page.locator('[data-flag="stuck"]').count(), 0, 'a valid answer held is no wrong fixed point');
  assert.match(await page.getByTestId('halting-summary').innerText(), /no stuck \/ overthinking flags/);
  assert.equal(await page.locator('.film-frame .ok').count(), N, 'every step is marked solved');
  // The target comparison stays: the differing cells are still marked, and the chart draws "matches target".
  assert.equal(await page.locator('.answer-panel .overlay-wrong').count(), 4);
  assert.match(await page.locator('[data-chart="Halting"]').innerText(), /matches target/);
  await ui.shot('viewer-other-solution');

  // Side by side: the target's answer is exact, the other one solved; neither is stuck.
  await ui.open(`#/viewer?trace=${targetTrace}&with=${otherTrace}`);
  await page.locator('.pair-column').nth(1).waitFor({ timeout: 60_000 });
  assert.match(await page.locator('.pair-column').nth(0).locator('.answer-panel figcaption').innerText(), /exact ✓/);
  assert.match(await page.locator('.pair-column').nth(1).locator('.answer-panel figcaption').innerText(), /solved \(by the rules\) ✓/);
  assert.equal(await page.locator('.pair-column [data-flag="stuck"]').count(), 0);
  await ui.shot('viewer-pair-two-solutions');
});

test('the viewer pages loaded without errors', { skip }, () => {
  assert.deepEqual(ui.unexpectedPageProblems(), []);
});
