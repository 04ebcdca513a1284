import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LibraryError, openDatabase } from '../../db/index.ts';
import { temporaryDatabase, temporaryFolder } from '../db/fixtures.ts';
import { copyTask, exportSetToFolder, importFiles, saveArcTask, updateArcTask } from '../../main/library/index.ts';
import { parseArcJson } from '../../renderer/editor/model/arc-json.ts';
import { applyEdit, newTask } from '../../renderer/editor/model/task.ts';

const TASK_A = '{"train": [{"input": [[1, 0]], "output": [[0, 1]]}], "test": [{"input": [[2, 0]], "output": [[0, 2]]}]}';
const TASK_B = '{"train":[{"input":[[3]],"output":[[4]]}],"test":[{"input":[[5]]}]}\n';

test('sets and tasks: create, list with counts, search by text and tag, update, delete, cascade', () => {
  const db = temporaryDatabase();
  const mine = db.createTaskSet({ name: 'Mine', kind: 'arc' });
  const sudokus = db.createTaskSet({ name: 'Sudokus', kind: 'sudoku' });
  const a = db.createTask({ setId: mine.id, name: 'mirror-row', content: TASK_A, tags: ['easy', 'symmetry'], summary: { train: 1 } });
  db.createTask({ setId: mine.id, name: 'colour 100%_done', content: TASK_B, tags: ['hard'] });
  db.createTask({ setId: sudokus.id, name: 'first', content: '12..\n....\n....\n....' });
  assert.deepEqual(db.listTaskSets().map((set) => [set.name, set.taskCount]), [['Mine', 2], ['Sudokus', 1]]);
  assert.deepEqual(db.getTask(a.id), { ...a });
  assert.equal(db.getTask(a.id)!.content, TASK_A);

  const names = (filter: Parameters<typeof db.searchTasks>[0]): string[] => db.searchTasks(filter).map((task) => task.name);
  assert.deepEqual(names({}), ['colour 100%_done', 'mirror-row', 'first']);
  assert.deepEqual(names({ text: 'MIRROR' }), ['mirror-row']);
  assert.deepEqual(names({ text: 'symm' }), ['mirror-row']); // tags match text too
  assert.deepEqual(names({ text: '%_' }), ['colour 100%_done']); // LIKE wildcards are literal
  assert.deepEqual(names({ tag: 'hard' }), ['colour 100%_done']);
  assert.deepEqual(names({ tag: 'har' }), []);
  assert.deepEqual(names({ kind: 'sudoku' }), ['first']);
  assert.deepEqual(names({ setId: mine.id, limit: 1, offset: 1 }), ['mirror-row']);
  assert.deepEqual(db.listTaskTags(), ['easy', 'hard', 'symmetry']);

  const updated = db.updateTask(a.id, { name: 'mirror', tags: ['easy'] });
  assert.equal(updated.name, 'mirror');
  assert.equal(updated.content, TASK_A);
  assert.throws(() => db.updateTask(a.id, { name: 'colour 100%_done' }), /already has a task named/);
  assert.throws(() => db.createTask({ setId: mine.id, name: 'mirror', content: '{}' }), LibraryError);
  assert.throws(() => db.createTask({ setId: mine.id, name: 'x', kind: 'maze', content: 'S G' }), /a maze task cannot go in the arc set/);
  assert.equal(db.renameTaskSet(mine.id, 'Renamed').name, 'Renamed');
  assert.ok(db.deleteTask(a.id));
  assert.equal(db.deleteTask(a.id), false);
  assert.ok(db.deleteTaskSet(mine.id));
  assert.deepEqual(names({}), ['first']);
});

test('read-only sets refuse edits; their tasks can be copied elsewhere', () => {
  const db = temporaryDatabase();
  const shared = db.createTaskSet({ name: 'Shared', kind: 'arc', readOnly: true, source: 'shared:x' });
  assert.throws(() => db.createTask({ setId: shared.id, name: 'a', content: TASK_A }), /read-only/);
  const task = db.createTask({ setId: shared.id, name: 'a', content: TASK_A }, { evenIfReadOnly: true });
  assert.throws(() => db.updateTask(task.id, { tags: ['x'] }), /read-only set 'Shared'; copy it/);
  assert.throws(() => db.deleteTask(task.id), /read-only/);
  assert.throws(() => db.renameTaskSet(shared.id, 'y'), /read-only/);
  const mine = db.createTaskSet({ name: 'Mine', kind: 'arc' });
  assert.equal(copyTask(db, task.id, mine.id).name, 'a');
  assert.equal(copyTask(db, task.id, mine.id).name, 'a (2)');
});

test('drafts: one row per document, rewritten on every change, restored after reopening', () => {
  const db = temporaryDatabase();
  const set = db.createTaskSet({ name: 'Mine', kind: 'arc' });
  const task = db.createTask({ setId: set.id, name: 't', content: TASK_A });
  db.saveDraft({ key: 'task:1', taskId: task.id, kind: 'arc', name: 't', content: 'v1' });
  db.saveDraft({ key: 'new:1', kind: 'arc', name: 'untitled', content: '{}' });
  db.saveDraft({ key: 'task:1', taskId: task.id, kind: 'arc', name: 't', content: 'v2' });
  assert.equal(db.getDraft('task:1')!.content, 'v2');
  assert.deepEqual(db.listDrafts().map((draft) => draft.key).sort(), ['new:1', 'task:1']);

  db.close(); // a reload: a new connection to the same file
  const again = openDatabase(db.path);
  try {
    assert.deepEqual({ ...again.getDraft('task:1')!, updatedAt: 0 }, { key: 'task:1', taskId: task.id, kind: 'arc', name: 't', content: 'v2', updatedAt: 0 });
    again.deleteTask(task.id);
    assert.equal(again.getDraft('task:1')!.taskId, null); // the draft survives its task
    assert.ok(again.deleteDraft('task:1'));
    assert.equal(again.getDraft('task:1'), undefined);
    assert.equal(again.deleteDraft('task:1'), false);
  } finally {
    again.close();
  }
});

test('importFiles: task files, folders and a Kaggle pair; stored text exports byte for byte', () => {
  const db = temporaryDatabase();
  const folder = temporaryFolder();
  mkdirSync(join(folder, 'in', 'sub'), { recursive: true });
  writeFileSync(join(folder, 'in', 'a.json'), TASK_A);
  writeFileSync(join(folder, 'in', 'sub', 'b.json'), TASK_B);
  writeFileSync(join(folder, 'in', 'notes.txt'), 'ignored');
  writeFileSync(join(folder, 'k_challenges.json'), JSON.stringify({ k1: { train: [{ input: [[1]], output: [[2]] }], test: [{ input: [[3]] }] } }));
  writeFileSync(join(folder, 'k_solutions.json'), JSON.stringify({ k1: [[[4]]] }));
  const set = db.createTaskSet({ name: 'Mine', kind: 'arc' });
  const result = importFiles(db, set.id, [join(folder, 'in'), join(folder, 'k_challenges.json')]);
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.imported.map((task) => task.name), ['a', 'b', 'k1']);
  assert.deepEqual(result.imported[0].summary, { train: 1, test: 1, sizes: ['1x2>1x2', '1x2>1x2'], sameSize: true });
  const k1 = db.searchTasks({ text: 'k1' })[0];
  assert.equal(db.getTask(k1.id)!.content, '{"train":[{"input":[[1]],"output":[[2]]}],"test":[{"input":[[3]],"output":[[4]]}]}');

  const out = join(folder, 'out');
  assert.deepEqual(exportSetToFolder(db, set.id, out).map((path) => path.slice(out.length + 1)), ['a.json', 'b.json', 'k1.json']);
  assert.equal(readFileSync(join(out, 'a.json'), 'utf8'), TASK_A);
  assert.equal(readFileSync(join(out, 'b.json'), 'utf8'), TASK_B);
});

test('importFiles: a malformed file names its problem and leaves the library unchanged', () => {
  const db = temporaryDatabase();
  const folder = temporaryFolder();
  writeFileSync(join(folder, 'good.json'), TASK_A);
  writeFileSync(join(folder, 'colour.json'), '{"train":[{"input":[[1]],"output":[[12]]}],"test":[]}');
  writeFileSync(join(folder, 'broken.json'), '{"train": [');
  const set = db.createTaskSet({ name: 'Mine', kind: 'arc' });
  db.createTask({ setId: set.id, name: 'existing', content: TASK_B });
  writeFileSync(join(folder, 'existing.json'), TASK_B);
  const result = importFiles(db, set.id, [folder, join(folder, 'missing.json')]);
  assert.deepEqual(result.imported, []);
  const problems = result.errors.map((error) => `${error.file.replace(folder, '')} ${error.pair} ${error.problem}`);
  assert.equal(problems.length, 4);
  assert.match(problems[0], /^\/broken.json {2}is not valid JSON/);
  assert.equal(problems[1], '/colour.json train[0].output cell (0, 0) is number 12, colours are integers 0–9');
  assert.match(problems[2], /missing.json {2}does not exist/);
  assert.equal(problems[3], "existing  a task named 'existing' already exists in 'Mine'");
  assert.deepEqual(db.searchTasks({ setId: set.id }).map((task) => task.name), ['existing']);

  const partial = importFiles(db, set.id, [folder], { partial: true });
  assert.deepEqual(partial.imported.map((task) => task.name), ['good']);
  assert.equal(partial.errors.length, 3);
  assert.throws(() => importFiles(db, db.createTaskSet({ name: 'S', kind: 'sudoku' }).id, [folder]), /is a sudoku set, not an ARC set/);
});

test('editor tasks save to and update the library in the compact style', () => {
  const db = temporaryDatabase();
  const set = db.createTaskSet({ name: 'Mine', kind: 'arc' });
  const task = newTask('drawn', 1, 2);
  const saved = saveArcTask(db, set.id, task, undefined, ['wip']);
  assert.equal(db.getTask(saved.id)!.content, '{"train":[{"input":[[0,0]],"output":[[0,0]]}],"test":[{"input":[[0,0]],"output":[[0,0]]}]}');
  const edited = applyEdit(task, { kind: 'paint', ref: { split: 'train', pair: 0, side: 'output' }, cells: [{ row: 0, col: 1 }], colour: 6 });
  updateArcTask(db, saved.id, edited);
  assert.deepEqual(parseArcJson(db.getTask(saved.id)!.content, 'drawn.json').task, edited);
  assert.deepEqual(db.getTask(saved.id)!.tags, ['wip']);
});
