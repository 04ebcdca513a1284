// End to end in browser mode: the puzzle editor and library on the real server (temporary TRM_HOME) in Debian's
// Chromium. One scripted task is edited with the mouse and keyboard (paint, flood fill, undo/redo, select-copy-
// paste with the live preview, rotate, resize with the warning), survives a reload through its autosaved draft,
// and is exported byte for byte; a malformed import changes nothing; "Train on this set" starts a run on
// exactly the edited task. Screenshots go to test-artifacts/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { newTask, serializeTask } from '../../renderer/editor/model/index.ts';
import { skip, startBrowserUi, temporaryWorkspace, waitUntil, type BrowserUi } from './browser-harness.ts';

/** The scripted task after every edit below, as the editor exports it (compact ARC JSON). */
const EXPECTED_EXPORT = '{"train":[{"input":[[2,2],[3,3]],"output":[[0,0,0],[0,2,0],[0,2,0]]}],"test":[{"input":[[0,0,0],[0,0,0],[0,0,0]],"output":[[0,0,0],[0,0,0],[0,0,0]]}]}';

let workspace: string;
let ui: BrowserUi;
let page: Page;
let api: BrowserUi['api'];
let setId: number;
let taskId: number;

before(async () => {
  if (skip) return;
  workspace = temporaryWorkspace('trm-editor-ui-');
  ui = await startBrowserUi(workspace);
  ({ page, api } = ui);
  const set = await api.library.createSet({ name: 'My tasks', kind: 'arc' });
  setId = set.id;
  taskId = (await api.library.saveTask({ setId, name: 'scripted', content: serializeTask(newTask('scripted')) })).id;
});

after(async () => {
  if (!ui) return;
  for (const run of await api.runs.list({}).catch(() => [])) await api.runs.kill({ runId: run.id }).catch(() => null);
  await ui.close();
});

const gridOf = (label: string) => page.getByTestId(label);

/** The page position of a cell's centre in the grid with this test id. */
async function cell(label: string, row: number, col: number): Promise<{ x: number; y: number }> {
  const grid = gridOf(label);
  const box = (await grid.boundingBox())!;
  const cols = Number(await grid.getAttribute('data-cols'));
  const size = box.width / cols;
  return { x: box.x + (col + 0.5) * size, y: box.y + (row + 0.5) * size };
}

async function clickCell(label: string, row: number, col: number): Promise<void> {
  const { x, y } = await cell(label, row, col);
  await page.mouse.click(x, y);
}

async function drag(label: string, from: [number, number], to: [number, number]): Promise<void> {
  const a = await cell(label, ...from);
  const b = await cell(label, ...to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 6 });
  await page.mouse.up();
}

type Pairs = { train: { input: number[][]; output: number[][] }[] };
/** Waits until the autosaved draft (what a reload restores) shows `expected` for train pair 1's `side`. */
async function expectDraft(side: 'input' | 'output', expected: number[][]): Promise<void> {
  let last = '';
  await waitUntil(`the draft's train 1 ${side} is ${JSON.stringify(expected)} (last: ${last})`, async () => {
    const draft = await api.drafts.get({ key: `task:${taskId}` });
    if (!draft) return false;
    last = JSON.stringify((JSON.parse(draft.content) as Pairs).train[0][side]);
    return last === JSON.stringify(expected);
  });
}

test('editing a task: paint, flood fill, undo/redo, select-copy-paste, rotate, resize with a warning', { skip }, async () => {
  await page.goto(`${ui.server.url}#/editor/${taskId}`);
  const input = 'train 1 input';
  const output = 'train 1 output';
  await gridOf(input).waitFor();

  // Pencil (the default tool) with colour 2, dragged across the top row.
  await page.keyboard.press('2');
  await drag(input, [0, 0], [0, 2]);
  await expectDraft('input', [[2, 2, 2], [0, 0, 0], [0, 0, 0]]);

  // Flood fill the black region with colour 3.
  await page.keyboard.press('f');
  await page.keyboard.press('3');
  await clickCell(input, 2, 2);
  await expectDraft('input', [[2, 2, 2], [3, 3, 3], [3, 3, 3]]);

  // Undo and both redo shortcuts.
  await page.keyboard.press('Control+z');
  await expectDraft('input', [[2, 2, 2], [0, 0, 0], [0, 0, 0]]);
  await page.keyboard.press('Control+Shift+Z');
  await expectDraft('input', [[2, 2, 2], [3, 3, 3], [3, 3, 3]]);
  await page.keyboard.press('Control+z');
  await expectDraft('input', [[2, 2, 2], [0, 0, 0], [0, 0, 0]]);
  await page.keyboard.press('Control+y');
  await expectDraft('input', [[2, 2, 2], [3, 3, 3], [3, 3, 3]]);

  // Select two red cells, copy, paste into the output with the live preview under the pointer.
  await page.keyboard.press('s');
  await drag(input, [0, 0], [0, 1]);
  await page.keyboard.press('c');
  await clickCell(output, 1, 1); // activates the output grid
  await page.keyboard.press('v');
  const target = await cell(output, 1, 1);
  await page.mouse.move(target.x + 1, target.y + 1);
  await page.locator('.paste-outline').waitFor();
  await ui.shot('editor-paste-preview');
  await page.mouse.click(target.x, target.y);
  await expectDraft('output', [[0, 0, 0], [0, 2, 2], [0, 0, 0]]);

  // Rotate the whole output clockwise.
  await page.keyboard.press('Escape');
  await page.getByTitle('Rotate clockwise').click();
  await expectDraft('output', [[0, 0, 0], [0, 2, 0], [0, 2, 0]]);

  // Shrinking the input would drop coloured cells: a warning first; Cancel keeps the grid.
  await clickCell(input, 0, 0);
  await page.keyboard.press('Escape');
  await page.getByLabel('Width').fill('2');
  await page.getByLabel('Height').fill('2');
  await page.getByRole('button', { name: 'Resize', exact: true }).click();
  const dialog = page.getByRole('alertdialog');
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /removes 5 coloured cells/);
  await ui.shot('editor-resize-warning');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  assert.equal(await gridOf(input).getAttribute('data-rows'), '3');
  await page.getByRole('button', { name: 'Resize', exact: true }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Resize' }).click();
  await expectDraft('input', [[2, 2], [3, 3]]);
  assert.equal(await gridOf(input).getAttribute('data-rows'), '2');
  await ui.shot('editor-arc');
  assert.deepEqual(ui.pageProblems, []);
});

test('a reload restores the autosaved draft, and the export equals the expected file byte for byte', { skip }, async () => {
  await page.reload();
  await page.getByText(/Restored unsaved changes/).waitFor();
  assert.equal(await gridOf('train 1 input').getAttribute('data-rows'), '2');
  await page.getByRole('button', { name: 'Review & export' }).click();
  await page.getByRole('dialog').getByTestId('validation').waitFor();
  await ui.shot('editor-review');
  assert.equal((await ui.download(/Download scripted\.json/)).bytes.toString('utf8'), EXPECTED_EXPORT);
  // Save writes the task to the library and drops the draft.
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await waitUntil('saved', async () => (await page.getByTestId('save-state').innerText()) === 'Saved');
  assert.equal((await api.library.getTask({ taskId })).content, EXPECTED_EXPORT);
  assert.equal(await api.drafts.get({ key: `task:${taskId}` }), null);
});

test('importing a malformed file names its problem and leaves the library unchanged', { skip }, async () => {
  await page.goto(`${ui.server.url}#/library?set=${setId}`);
  await page.locator('.task-card').first().waitFor();
  await ui.shot('library');
  const before = await api.library.tasks({ setId });
  await page.getByTestId('import-files').setInputFiles([
    { name: 'good.json', mimeType: 'application/json', buffer: Buffer.from('{"train":[{"input":[[1]],"output":[[2]]}],"test":[{"input":[[1]],"output":[[2]]}]}') },
    { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"train":[{"input":[[1,2],[3]],"output":[[1]]}],"test":[]}') },
  ]);
  const errors = page.getByTestId('import-errors');
  await errors.waitFor();
  const text = await errors.innerText();
  assert.match(text, /bad\.json/);
  assert.match(text, /Nothing was imported/);
  assert.doesNotMatch(text, /good\.json/);
  await ui.shot('library-import-error');
  assert.deepEqual((await api.library.tasks({ setId })).map((t) => t.name), before.map((t) => t.name));
});

test('"Train on this set" starts a run on exactly the edited tasks', { skip }, async () => {
  await page.goto(`${ui.server.url}#/library?set=${setId}`);
  await page.getByRole('button', { name: 'Train on this set' }).click();
  const tasksField = page.locator('[data-field="data.tasks"] input');
  await tasksField.waitFor();
  const folder = await tasksField.inputValue();
  assert.equal(folder, join(workspace, 'tasksets', String(setId)));
  await page.getByTestId('estimate').getByText(/Parameters/).waitFor({ timeout: 30_000 });
  await ui.shot('editor-train-form');
  await page.getByRole('button', { name: 'Start run' }).click();
  await page.waitForURL(/#\/runs\/\d+$/);
  const runId = Number(/#\/runs\/(\d+)$/.exec(page.url())![1]);
  await api.runs.kill({ runId }).catch(() => null); // only the config matters here; spare the shared CPUs
  const run = await api.runs.get({ runId });
  const data = run.config.data as { kind: string; tasks: string };
  assert.equal(data.kind, 'arc');
  assert.equal(data.tasks, folder);
  assert.deepEqual(readdirSync(folder), ['scripted.json']);
  assert.equal(readFileSync(join(folder, 'scripted.json'), 'utf8'), EXPECTED_EXPORT);
});

test('Sudoku and maze editors check their puzzles live; solve mode grades an attempt', { skip }, async () => {
  const sudokuSet = await api.library.createSet({ name: 'My Sudoku', kind: 'sudoku' });
  const sudoku = await api.library.saveTask({ setId: sudokuSet.id, name: 'clash', content: '11..\n....\n....\n....' });
  await page.goto(`${ui.server.url}#/editor/${sudoku.id}`);
  await page.locator('.sudoku-cell.conflict').first().waitFor();
  assert.equal(await page.locator('.sudoku-cell.conflict').count(), 2);
  await page.getByRole('button', { name: 'Generate 6×6' }).click();
  await page.getByText('✓ Exactly one solution').waitFor();
  await ui.shot('editor-sudoku');

  const mazeSet = await api.library.createSet({ name: 'My mazes', kind: 'maze' });
  const maze = await api.library.saveTask({ setId: mazeSet.id, name: 'corridor', content: '#####\n#S  #\n### #\n#G  #\n#####' });
  await page.goto(`${ui.server.url}#/editor/${maze.id}`);
  await page.getByText(/Shortest path: 6 moves/).waitFor();
  assert.equal(await page.locator('.maze-cell.path').count(), 5);
  await ui.shot('editor-maze');

  await page.goto(`${ui.server.url}#/editor/${taskId}?mode=solve`);
  await gridOf('answer').waitFor();
  await clickCell('answer', 0, 0); // colour 1 on a grid whose answer is all black
  await page.getByRole('button', { name: 'Submit' }).click();
  assert.match(await page.getByTestId('solve-result').innerText(), /Wrong — 1 attempt left/);
  await page.getByRole('button', { name: 'Reset grid' }).click();
  await page.getByRole('button', { name: 'Submit' }).click();
  assert.match(await page.getByTestId('solve-result').innerText(), /Correct!/);
  await ui.shot('editor-solve');
});
