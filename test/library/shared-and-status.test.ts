import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir } from '../../main/common/paths.ts';
import { temporaryDatabase, temporaryFolder } from '../db/fixtures.ts';
import { exportSetToFolder, formatSudokuRows, importSharedSets, mazeStatus, parseSudokuText, sudokuStatus } from '../../main/library/index.ts';

test('shared sets register read-only with 400/400/1000/70/160 tasks, once; exports are the original files', async () => {
  const db = temporaryDatabase();
  const started = performance.now();
  const results = await importSharedSets(db);
  const elapsedMs = performance.now() - started;
  assert.deepEqual(results.map((result) => [result.set.source, result.set.taskCount, result.set.readOnly, result.errors.length]), [
    ['shared:arc-agi-1/training', 400, true, 0], ['shared:arc-agi-1/evaluation', 400, true, 0], ['shared:arc-agi-2/training', 1000, true, 0],
    ['shared:arc-agi-2/evaluation', 70, true, 0], ['shared:concept-arc', 160, true, 0],
  ]);
  console.log(`importSharedSets: 2,030 tasks in ${elapsedMs.toFixed(0)} ms`);
  assert.deepEqual((await importSharedSets(db)).map((result) => result.imported), [0, 0, 0, 0, 0]); // already complete
  assert.equal(db.listTaskSets().length, 5);

  const concept = results[4].set;
  assert.equal(db.searchTasks({ setId: concept.id, tag: 'AboveBelow' }).length, 10);
  const [task] = db.searchTasks({ text: '007bbfb7' });
  assert.deepEqual(task.summary.sizes, ['3x3>9x9', '3x3>9x9', '3x3>9x9', '3x3>9x9', '3x3>9x9', '3x3>9x9']);
  assert.throws(() => db.updateTask(task.id, { tags: ['x'] }), /read-only/);

  const folder = temporaryFolder();
  const written = exportSetToFolder(db, concept.id, folder);
  assert.equal(written.length, 160);
  const original = readFileSync(join(dataDir(), 'concept-arc', 'Order', 'Order7.json'), 'utf8');
  assert.equal(readFileSync(join(folder, 'Order7.json'), 'utf8'), original);
});

test('sudokuStatus: conflicts, 0 / 1 / 2+ solutions; text rows round trip', () => {
  const puzzle = readFileSync(join(dataDir(), 'sudoku', 'magictour_top1465.txt'), 'utf8').split('\n')[0];
  const { grid, box } = parseSudokuText(puzzle);
  assert.deepEqual(box, { boxRows: 3, boxCols: 3 });
  assert.deepEqual(sudokuStatus(grid, box), { conflicts: [], solutionCount: 1 });
  const rows = formatSudokuRows(grid, box);
  assert.equal(rows.split('\n').length, 9);
  assert.deepEqual(parseSudokuText(rows).grid, grid);

  const empty = parseSudokuText('....\n....\n....\n....');
  assert.deepEqual(sudokuStatus(empty.grid, empty.box), { conflicts: [], solutionCount: 2 });
  const clash = parseSudokuText('1..1\n....\n....\n....');
  assert.deepEqual(sudokuStatus(clash.grid, clash.box), { conflicts: [0, 3], solutionCount: 0 });
  // No conflict among the givens, yet no solution: cell (0,3) can hold neither 1, 2, 3 (row) nor 4 (column).
  const stuck = parseSudokuText('123.\n....\n....\n...4');
  assert.deepEqual(sudokuStatus(stuck.grid, stuck.box), { conflicts: [], solutionCount: 0 });
  assert.throws(() => parseSudokuText('12345'), /16, 36 or 81 cells/);
});

test('mazeStatus: errors or the shortest path length', () => {
  assert.deepEqual({ ...mazeStatus('#####\n#S G#\n#####'), solution: null }, { errors: [], shortestPath: 2, uniquePath: true, solution: null });
  assert.equal(mazeStatus('#####\n#S G#\n#####').solution!.cells.length, 15);
  assert.deepEqual(mazeStatus('#####\n#S#G#\n#####').errors, ['G cannot be reached from S']);
  assert.match(mazeStatus('#####\n#S  #\n#####').errors[0], /exactly one G/);
  assert.match(mazeStatus('####\n#S G#').errors[0], /row 2 has 5 characters/);
});
