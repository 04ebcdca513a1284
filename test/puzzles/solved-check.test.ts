// The tasks' rule checks (TaskData.isSolved, solvedCheck(config)): a correct answer is correct even when it is not
// the target. Sudoku: a complete grid that keeps the givens and breaks no rule; maze: any shortest S→G path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTaskData, solvedCheck } from '../../main/puzzles/index.ts';
import { countSolutions, parseGrid, solve, writeTokens } from '../../main/puzzles/sudoku.ts';
import { parseMaze, solveMaze } from '../../main/puzzles/maze.ts';
import type { DataConfig } from '../../main/trm/config.ts';

const SHAPE = { boxRows: 2, boxCols: 2 };
const SUDOKU4: DataConfig = { kind: 'sudoku', boxRows: 2, boxCols: 2, source: 'generate', minBlanks: 4, maxBlanks: 8, testExamples: 2, augment: false };

/** Sudoku rows → tokens (blank 1, digit d → d + 1). */
const sudokuTokens = (rows: string) => {
  const tokens = new Int32Array(16);
  writeTokens(parseGrid(rows.replace(/\s/g, ''), SHAPE), tokens, 0);
  return tokens;
};

// Two solutions that differ in a rectangle of four cells (r1c1, r1c2, r3c1, r3c2) spanning two boxes.
const PUZZLE = sudokuTokens('..34 3412 ..43 4321');
const SOLUTION_A = sudokuTokens('1234 3412 2143 4321');
const SOLUTION_B = sudokuTokens('2134 3412 1243 4321');

test('a Sudoku with two solutions: both are solved, whichever the target is', () => {
  assert.equal(countSolutions(parseGrid('..343412..434321', SHAPE), SHAPE, 3), 2);
  const isSolved = solvedCheck(SUDOKU4)!;
  assert.ok(isSolved(PUZZLE, SOLUTION_A));
  assert.ok(isSolved(PUZZLE, SOLUTION_B));
  // The task's data carries the same check.
  const data = openTaskData(SUDOKU4, 1);
  assert.ok(data.isSolved!(PUZZLE, SOLUTION_B));
});

test('a Sudoku answer that breaks a rule, changes a given or leaves a blank is not solved', () => {
  const isSolved = solvedCheck(SUDOKU4)!;
  const broken = SOLUTION_B.slice();
  broken[0] = SOLUTION_B[1]; // r1 now holds that digit twice
  assert.equal(isSolved(PUZZLE, broken), false, 'a repeated digit');
  // Digits 3 ↔ 4 swapped everywhere: a valid grid, but not this puzzle's (its givens change).
  const relabelled = SOLUTION_A.map((t) => (t === 4 ? 5 : t === 5 ? 4 : t));
  assert.ok(isSolved(new Int32Array(16).fill(1), relabelled), 'valid on an empty puzzle');
  assert.equal(isSolved(PUZZLE, relabelled), false, 'a given changed');
  const blank = SOLUTION_A.slice();
  blank[5] = 1;
  assert.equal(isSolved(PUZZLE, blank), false, 'a blank left');
  const pad = SOLUTION_A.slice();
  pad[5] = 0;
  assert.equal(isSolved(PUZZLE, pad), false, 'a PAD token');
  assert.equal(isSolved(PUZZLE, SOLUTION_A.subarray(0, 15)), false, 'too short');
});

test('a 9×9 Sudoku check accepts the solver solution and rejects a swapped pair', () => {
  const shape = { boxRows: 3, boxCols: 3 };
  const puzzle = parseGrid('53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79', shape);
  const inputs = new Int32Array(81), answer = new Int32Array(81);
  writeTokens(puzzle, inputs, 0);
  writeTokens(solve(puzzle, shape)!, answer, 0);
  const isSolved = solvedCheck({ ...SUDOKU4, boxRows: 3, boxCols: 3 })!;
  assert.ok(isSolved(inputs, answer));
  [answer[2], answer[3]] = [answer[3], answer[2]];
  assert.equal(isSolved(inputs, answer), false);
});

const MAZE5: DataConfig = { kind: 'maze', size: 5, minPathLength: 1, testExamples: 2, augment: false };
const mazeTokens = (rows: string[]) => Int32Array.from(parseMaze(rows.join('\n')).cells);

// S to G in 4 moves two ways: right then down, or down then right.
const TWO_WAYS = ['#####', '#S  #', '# # #', '#  G#', '#####'];

test('a maze with two shortest paths: either path is solved, whichever the target marks', () => {
  const isSolved = solvedCheck(MAZE5)!;
  const maze = mazeTokens(TWO_WAYS);
  const target = solveMaze(parseMaze(TWO_WAYS.join('\n')))!;
  assert.equal(target.unique, false);
  const top = mazeTokens(['#####', '#Soo#', '# #o#', '#  G#', '#####']);
  const bottom = mazeTokens(['#####', '#S  #', '#o# #', '#ooG#', '#####']);
  assert.ok(isSolved(maze, top));
  assert.ok(isSolved(maze, bottom));
  assert.ok(isSolved(maze, Int32Array.from(target.solution.cells)));
  assert.ok(openTaskData(MAZE5, 1).isSolved!(maze, bottom), "the task's data carries the same check");
});

test('a longer, broken or overlapping maze path is not solved', () => {
  const isSolved = solvedCheck(MAZE5)!;
  const maze = mazeTokens(TWO_WAYS);
  assert.equal(isSolved(maze, mazeTokens(['#####', '#So #', '# #o#', '#  G#', '#####'])), false, 'a gap');
  assert.equal(isSolved(maze, mazeTokens(['#####', '#Soo#', '#o#o#', '#ooG#', '#####'])), false, 'both paths at once');
  assert.equal(isSolved(maze, mazeTokens(['#####', '#Soo#', '# #o#', '#  G#', '##o##'])), false, 'a wall overwritten');
  assert.equal(isSolved(maze, maze), false, 'no path at all');
  // A detour: the long way round is a path from S to G, but not a shortest one.
  const size7: DataConfig = { ...MAZE5, size: 7 } as DataConfig;
  const detourMaze = ['#######', '#S   G#', '# ### #', '#     #', '#######'];
  const padded = (rows: string[]) => mazeTokens([...rows, '#######', '#######']);
  const check7 = solvedCheck(size7)!;
  assert.ok(check7(padded(detourMaze), padded(['#######', '#SoooG#', '# ### #', '#     #', '#######'])));
  assert.equal(check7(padded(detourMaze), padded(['#######', '#S   G#', '#o###o#', '#ooooo#', '#######'])), false, 'a longer path');
});
