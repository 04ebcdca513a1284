// "Run a model on this puzzle" end to end in browser mode: tiny ARC and Sudoku runs trained by the real trainer
// in a temporary TRM_HOME, the real server and Chromium. A library task is edited, traced through a run and
// checkpoint picked in the editor's dialog, and opened in the step viewer (N_sup steps, the edited puzzle as the
// input, main's warning about an ambiguous Sudoku above it); a puzzle that does not fit the run shows main's reason
// in the dialog and stays in the editor.
// Screenshots go to test-artifacts/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { cellColour } from '../../renderer/common/palette.ts';
import { skip, startBrowserUi, temporaryWorkspace, TINY_SUDOKU4, trainRun, type BrowserUi } from './browser-harness.ts';

/** A 3×3 recolouring task: the ARC run's canvas is 4×4 (the grids plus the EOS border). */
const TASK = {
  train: [
    { input: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], output: [[2, 0, 0], [0, 2, 0], [0, 0, 2]] },
    { input: [[0, 1, 0], [0, 1, 0], [0, 1, 0]], output: [[0, 2, 0], [0, 2, 0], [0, 2, 0]] },
  ],
  test: [{ input: [[1, 1, 0], [0, 0, 0], [0, 0, 1]], output: [[2, 2, 0], [0, 0, 0], [0, 0, 2]] }],
};
/** The test input after the edit below: colour 5 painted at row 2, column 2 (0-based 1, 1). */
const EDITED_INPUT = [[1, 1, 0], [0, 5, 0], [0, 0, 1]];
/** N_sup of both runs, different from the presets' so the step count is the run's own. */
const N_SUP = 3;
const TINY = { 'model.hiddenSize': '16', 'model.numHeads': '2', 'model.puzzleEmbDim': '16', 'train.batchSize': '8', 'train.maxSteps': '6', 'train.checkpointInterval': '3', 'model.haltMaxSteps': String(N_SUP) };

let ui: BrowserUi;
let page: Page;
let api: BrowserUi['api'];
let arcRunId: number;
let sudokuRunId: number;
let arcTaskId: number;
let sudokuSetId: number;

before(async () => {
  if (skip) return;
  const workspace = temporaryWorkspace('trm-run-model-');
  const tasks = join(workspace, 'run-tasks');
  mkdirSync(tasks);
  writeFileSync(join(tasks, 'recolour.json'), JSON.stringify(TASK));
  const arc = { ...TINY, 'data.tasks': tasks, 'data.augmentations': '2' };
  arcRunId = await trainRun({ preset: 'arc-mini-att', overrides: arc, name: 'tiny arc', backend: 'wasm' });
  // A second ARC run whose checkpoints (steps 2 and 4) the first one does not have.
  await trainRun({ preset: 'arc-mini-att', overrides: { ...arc, 'train.maxSteps': '4', 'train.checkpointInterval': '2' }, name: 'other arc', backend: 'wasm' });
  sudokuRunId = await trainRun({ preset: 'sudoku4-mlp', overrides: { ...TINY_SUDOKU4, ...TINY }, name: 'tiny sudoku', backend: 'wasm' });
  ui = await startBrowserUi(workspace);
  ({ page, api } = ui);
  const arcSet = await api.library.createSet({ name: 'My tasks', kind: 'arc' });
  arcTaskId = (await api.library.saveTask({ setId: arcSet.id, name: 'recolour', content: JSON.stringify(TASK) })).id;
  sudokuSetId = (await api.library.createSet({ name: 'My Sudoku', kind: 'sudoku' })).id;
});

after(() => ui?.close());

const dialog = () => page.getByRole('dialog', { name: 'Run a model on this puzzle' });

/** Clicks a cell of the editor grid with this test id. */
async function clickCell(label: string, row: number, col: number): Promise<void> {
  const grid = page.getByTestId(label);
  const box = (await grid.boundingBox())!;
  const size = box.width / Number(await grid.getAttribute('data-cols'));
  await page.mouse.click(box.x + (col + 0.5) * size, box.y + (row + 0.5) * size);
}

/** A grid drawn by the shared <Grid> renderer (a background rect, then one rect per cell, row-major, then the
 *  glyphs): each cell's colour and glyph. */
async function drawnGrid(label: string): Promise<{ colours: string[][]; glyphs: string[][] }> {
  return page.locator(`svg.grid[aria-label="${label}"]`).first().evaluate((svg) => {
    const [background, ...cells] = [...svg.querySelectorAll('rect')];
    const cellSize = Number(cells[0].getAttribute('width')) + Number(cells[0].getAttribute('x')) * 2;
    const rows = Math.round(Number(background.getAttribute('height')) / cellSize);
    const cols = Math.round(Number(background.getAttribute('width')) / cellSize);
    const colours = Array.from({ length: rows }, (_, r) => cells.slice(r * cols, (r + 1) * cols).map((cell) => cell.getAttribute('fill') ?? ''));
    const glyphs = Array.from({ length: rows }, () => Array.from({ length: cols }, () => ''));
    for (const text of svg.querySelectorAll('text')) {
      glyphs[Math.floor(Number(text.getAttribute('y')) / cellSize)][Math.floor(Number(text.getAttribute('x')) / cellSize)] = text.textContent ?? '';
    }
    return { colours, glyphs };
  });
}

/** Picks a run (by a name pattern) and, if given, a checkpoint in the open dialog. */
async function pick(runName: RegExp, checkpoint?: string): Promise<void> {
  const runSelect = dialog().getByLabel('Run', { exact: true });
  await runSelect.locator('option', { hasText: runName }).waitFor({ state: 'attached' });
  await runSelect.selectOption({ label: (await runSelect.locator('option', { hasText: runName }).innerText()).trim() });
  if (checkpoint === undefined) return;
  const checkpointSelect = dialog().getByLabel('Checkpoint');
  await checkpointSelect.locator(`option[value="${checkpoint}"]`).waitFor({ state: 'attached' });
  await checkpointSelect.selectOption(checkpoint);
}

const submit = () => dialog().getByRole('button', { name: 'Run and open in the viewer' }).click();

/** Waits for the viewer to open a trace (failing at once with the dialog's error if it shows one); returns its id. */
async function openedTrace(): Promise<number> {
  const refused = dialog().getByRole('alert').waitFor({ timeout: 60_000 }).then(async () => {
    throw new Error(`the dialog refused: ${await dialog().getByRole('alert').innerText()}`);
  }, () => undefined);
  await Promise.race([page.waitForURL(/#\/viewer\?trace=\d+/, { timeout: 60_000 }), refused]);
  await page.locator('.trace-view').waitFor({ timeout: 60_000 });
  return Number(/trace=(\d+)/.exec(page.url())![1]);
}

/** The notice above a trace listing the puzzle's warnings. */
const warningNote = () => page.getByRole('note', { name: 'Puzzle warnings' });

/** The viewer shows N_sup steps, in the scrubber and the film strip. */
async function assertStepCount(): Promise<void> {
  assert.equal(await page.getByTestId('step-label').innerText(), `step ${N_SUP} / ${N_SUP}`);
  assert.equal(await page.locator('.film-strip .film-frame').count(), N_SUP);
}

test('an edited ARC task runs through the picked run and opens in the step viewer', { skip, timeout: 90_000 }, async () => {
  await ui.open(`#/editor/${arcTaskId}`);
  await page.getByTestId('pair-test-0').click();
  await page.getByTestId('test 1 input').waitFor();
  await page.keyboard.press('5');
  await clickCell('test 1 input', 1, 1);

  // Enter on the focused button opens the dialog; while it is open the editor's keys (Delete clears the grid)
  // leave the task alone, and Escape closes it.
  await page.getByRole('button', { name: 'Run a model…' }).focus();
  await page.keyboard.press('Enter');
  await dialog().waitFor();
  await page.keyboard.press('Delete');
  await page.keyboard.press('Escape');
  assert.equal(await dialog().count(), 0);

  // Another run's checkpoint does not carry over to the run picked after it: "latest" of the picked run is used.
  await page.getByRole('button', { name: 'Run a model…' }).click();
  await pick(/other arc/, 'step_4');
  await pick(/tiny arc/);
  assert.equal(await dialog().getByLabel('Checkpoint').inputValue(), 'latest');
  await ui.shot('run-model-dialog');
  await submit();
  const traceId = await openedTrace();
  const trace = await api.traces.get({ traceId });
  assert.equal(trace.run.id, arcRunId);
  assert.equal(trace.info.checkpointStep, 6);
  assert.equal(trace.info.puzzleKey, 'arc:recolour:0');
  await assertStepCount();
  assert.match(await page.locator('.trace-facts').innerText(), /checkpoint step 6/);
  assert.equal(await warningNote().count(), 0);
  // The edited test input (at the canvas corner) and the task's expected output.
  const corner = (rows: string[][]) => rows.slice(0, 3).map((row) => row.slice(0, 3));
  assert.deepEqual(corner((await drawnGrid('input')).colours), EDITED_INPUT.map((row) => row.map(cellColour)));
  assert.deepEqual(corner((await drawnGrid('target')).colours), TASK.test[0].output.map((row) => row.map(cellColour)));
  await ui.shot('run-model-arc-viewer');
});

test("an ARC test input larger than the run's canvas is refused in the dialog, which stays open", { skip, timeout: 60_000 }, async () => {
  await api.drafts.delete({ key: `task:${arcTaskId}` });
  await ui.open(`#/editor/${arcTaskId}`);
  await page.getByTestId('pair-test-0').click();
  await clickCell('test 1 input', 0, 0);
  await page.getByLabel('Width').fill('6');
  await page.getByLabel('Height').fill('6');
  await page.getByRole('button', { name: 'Resize', exact: true }).click();
  await page.getByTestId('size-input').getByText('6×6').waitFor();
  const tracesBefore = (await api.traces.list({})).length;
  const editorUrl = page.url();

  await page.getByRole('button', { name: 'Run a model…' }).click();
  await pick(/tiny arc/, 'step_3');
  await submit();
  const alert = dialog().getByRole('alert');
  await alert.waitFor({ timeout: 30_000 });
  assert.match(await alert.innerText(), /test\[0\]\.input is 6×6, larger than this run's 4×4 canvas/);
  await ui.shot('run-model-arc-too-large');
  assert.equal(page.url(), editorUrl);
  assert.equal((await api.traces.list({})).length, tracesBefore);
  await dialog().getByRole('button', { name: 'Cancel' }).click();
  assert.equal(await dialog().count(), 0);
});

test('a Sudoku runs through a Sudoku run and checkpoint; one of another size is refused', { skip, timeout: 90_000 }, async () => {
  const sudoku = await api.library.saveTask({ setId: sudokuSetId, name: 'four', content: '12..\n34..\n....\n....' });
  await ui.open(`#/editor/${sudoku.id}`);
  await page.getByRole('button', { name: 'Run a model…' }).click();
  // Only runs on Sudoku are offered.
  assert.deepEqual(await dialog().getByLabel('Run', { exact: true }).locator('option').allInnerTexts(), [`#${sudokuRunId} tiny sudoku (finished)`]);
  await pick(/tiny sudoku/, 'step_3');
  await submit();
  const trace = await api.traces.get({ traceId: await openedTrace() });
  assert.equal(trace.run.id, sudokuRunId);
  assert.equal(trace.info.checkpointStep, 3);
  assert.equal(trace.info.puzzleKey, 'sudoku:12..34..........');
  await assertStepCount();
  assert.deepEqual((await drawnGrid('input')).glyphs, [['1', '2', '', ''], ['3', '4', '', ''], ['', '', '', ''], ['', '', '', '']]);
  // Main's warning about this puzzle, kept with the trace and shown above it.
  assert.match(await warningNote().innerText(), /this Sudoku has several solutions/);
  await ui.shot('run-model-sudoku-viewer');

  const six = await api.library.saveTask({ setId: sudokuSetId, name: 'six', content: '1.....\n......\n......\n......\n......\n......' });
  await ui.open(`#/editor/${six.id}`);
  await page.getByRole('button', { name: 'Run a model…' }).click();
  await pick(/tiny sudoku/);
  await submit();
  const alert = dialog().getByRole('alert');
  await alert.waitFor({ timeout: 30_000 });
  assert.match(await alert.innerText(), /36 cells \(a 6×6 Sudoku\), but this run trains on 4×4 Sudoku/);
  assert.match(page.url(), new RegExp(`#/editor/${six.id}$`));
});

test('the pages loaded without errors', { skip }, () => {
  assert.deepEqual(ui.unexpectedPageProblems(), []);
});
