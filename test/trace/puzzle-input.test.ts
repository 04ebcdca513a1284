// Puzzle files → model inputs: each kind encodes exactly as the run's own held-out examples, and a puzzle that
// does not fit the run is refused with a message that says why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { openSudokuTask } from '../../main/puzzles/sudoku-task.ts';
import { createMazeTask } from '../../main/puzzles/maze-task.ts';
import { openArcTask } from '../../main/puzzles/arc/arc-task.ts';
import { formatMaze } from '../../main/puzzles/maze.ts';
import { dataDir } from '../../main/common/paths.ts';
import type { DataConfig } from '../../main/trm/config.ts';
import type { TaskData } from '../../main/puzzles/task-data.ts';
import { detectPuzzleKind, parsePuzzleFile, PuzzleInputError } from '../../main/trace/puzzle-input.ts';

const sudokuConfig: Extract<DataConfig, { kind: 'sudoku' }> = { kind: 'sudoku', boxRows: 2, boxCols: 3, minBlanks: 14, maxBlanks: 20, source: 'generate', testExamples: 3, augment: false };
const sudoku6 = openSudokuTask(sudokuConfig, 0);
const maze7 = createMazeTask({ kind: 'maze', size: 7, minPathLength: 4, testExamples: 2, augment: false });
const ARC_TASK = join(dataDir(), 'arc-agi-1', 'training', '007bbfb7.json');
const arc = openArcTask({ kind: 'arc', subsets: [], testSet: 'custom', tasks: ARC_TASK, augmentations: 2, canvas: 0, translate: false }, 0);

function firstTestRow(data: TaskData) {
  const batch = [...data.testBatches(1, 1)][0];
  return { inputs: batch.inputs, labels: batch.labels, puzzleIdentifier: batch.puzzleIdentifiers[0], key: batch.keys[0] };
}

test('a Sudoku typed as rows of digits encodes like the run\'s own test puzzle; the target is the solution', () => {
  const row = firstTestRow(sudoku6);
  const digits = Array.from(row.inputs, (t) => (t === 1 ? '.' : String(t - 1)));
  const text = Array.from({ length: 6 }, (_, r) => digits.slice(r * 6, r * 6 + 6).join('')).join('\n') + '\n';
  const puzzle = parsePuzzleFile(text, sudoku6, { dataConfig: sudokuConfig });
  assert.equal(puzzle.kind, 'sudoku');
  assert.deepEqual(puzzle.inputs, row.inputs);
  assert.deepEqual(puzzle.labels, row.labels);
  assert.equal(puzzle.puzzleIdentifier, 0);
  assert.deepEqual(puzzle.warnings, []);
  // '0' for blanks, box separators and spaces are fine too.
  const boxed = Array.from({ length: 6 }, (_, r) => {
    const cells = digits.slice(r * 6, r * 6 + 6).map((d) => (d === '.' ? '0' : d));
    return `${cells.slice(0, 3).join(' ')} | ${cells.slice(3).join(' ')}`;
  });
  boxed.splice(2, 0, '------+------');
  assert.deepEqual(parsePuzzleFile(boxed.join('\n'), sudoku6).inputs, row.inputs);
});

test('Sudoku errors: size, characters, broken rules, no solution; several solutions warn', () => {
  const nine = '.'.repeat(81);
  assert.throws(() => parsePuzzleFile(nine, sudoku6), (e: Error) => e instanceof PuzzleInputError && /81 cells \(a 9×9 Sudoku\), but this run trains on 6×6 Sudoku \(2×3 boxes\)/.test(e.message));
  assert.throws(() => parsePuzzleFile('12345x' + '.'.repeat(30), sudoku6), /invalid Sudoku character 'x'/);
  assert.throws(() => parsePuzzleFile('7' + '.'.repeat(35), sudoku6), /invalid Sudoku character '7'/);
  assert.throws(() => parsePuzzleFile('11' + '.'.repeat(34), sudoku6), /break the Sudoku rules at r1c1, r1c2/);
  // Row 1 leaves only a 6 for r1c6, but column 6 already has a 6 (r2c6): no solution, yet no direct clash.
  assert.throws(() => parsePuzzleFile('12345.' + '.....6' + '.'.repeat(24), sudoku6), /no solution/);
  const empty = parsePuzzleFile('.'.repeat(36), sudoku6);
  assert.match(empty.warnings[0], /several solutions/);
  assert.equal(empty.puzzleKey, `sudoku:${'.'.repeat(36)}`);
});

test('a maze encodes like the run\'s own test maze, with the shortest path as the target', () => {
  const row = firstTestRow(maze7);
  const text = formatMaze({ rows: 7, cols: 7, cells: Uint8Array.from(row.inputs) });
  const puzzle = parsePuzzleFile(text, maze7);
  assert.equal(puzzle.kind, 'maze');
  assert.deepEqual(puzzle.inputs, row.inputs);
  assert.deepEqual(puzzle.labels, row.labels);
  assert.match(puzzle.puzzleKey, /^maze:[0-9a-f]{16}$/);
  // The solved file (path drawn in) is the same puzzle.
  const solved = formatMaze({ rows: 7, cols: 7, cells: Uint8Array.from(row.labels) });
  assert.deepEqual(parsePuzzleFile(solved, maze7).inputs, row.inputs);
});

test('maze errors: size, ragged rows, missing goal, unreachable goal; wrong kind for the run', () => {
  assert.throws(() => parsePuzzleFile('#####\n#S G#\n#####', maze7), /3×5 maze, but this run trains on 7×7 mazes/);
  assert.throws(() => parsePuzzleFile('#######\n#S  G#\n', maze7), /row 2 has 6 characters/);
  assert.throws(() => parsePuzzleFile('#######\n#S    #\n#######', maze7), /exactly one G/);
  const walled = ['#######', '#S#   #', '###   #', '#     #', '#   ###', '#   #G#', '#######'].join('\n');
  assert.throws(() => parsePuzzleFile(walled, maze7), /G cannot be reached/);
  assert.throws(() => parsePuzzleFile('.'.repeat(36), maze7), /looks like a sudoku, but this run trains on 7×7 mazes/);
  assert.throws(() => parsePuzzleFile(walled, sudoku6), /looks like a maze, but this run trains on 6×6 Sudoku/);
  assert.throws(() => parsePuzzleFile('{"train": [], "test": []}', sudoku6), /looks like an ARC task/);
});

test('an ARC task encodes its test pair like the run\'s held-out row, with the task\'s own puzzle identifier', () => {
  const text = readFileSync(ARC_TASK, 'utf8');
  const puzzle = parsePuzzleFile(text, arc, { name: '007bbfb7.json' });
  const row = firstTestRow(arc); // the original version comes first
  assert.equal(row.key, '007bbfb7:0|007bbfb7');
  assert.equal(puzzle.kind, 'arc');
  assert.deepEqual(puzzle.inputs, row.inputs);
  assert.deepEqual(puzzle.labels, row.labels);
  assert.equal(puzzle.puzzleIdentifier, row.puzzleIdentifier);
  assert.ok(puzzle.puzzleIdentifier > 0);
  assert.equal(puzzle.puzzleKey, 'arc:007bbfb7:0');
  assert.deepEqual(puzzle.warnings, []);

  // Another task: blank identifier, with a warning; without an output there is no target.
  const unknown = JSON.stringify({ train: [{ input: [[1]], output: [[2]] }], test: [{ input: [[3, 3]] }] });
  const other = parsePuzzleFile(unknown, arc, { name: 'mine.json' });
  assert.equal(other.puzzleIdentifier, 0);
  assert.equal(other.labels, undefined);
  assert.equal(other.warnings.length, 2);
  assert.match(other.warnings[0], /'mine' is not in this run's data/);
});

test('ARC errors: bad JSON, test index, grid larger than the canvas', () => {
  const text = readFileSync(ARC_TASK, 'utf8');
  assert.throws(() => parsePuzzleFile('{"train": ', arc, { name: 't.json' }), /t\.json: is not valid JSON/);
  assert.throws(() => parsePuzzleFile(text, arc, { testIndex: 1 }), /1 test pair\(s\); --test-index must be 0\.\.0 \(got 1\)/);
  const big = JSON.stringify({ train: [{ input: [[1]], output: [[2]] }], test: [{ input: Array.from({ length: 12 }, () => Array(12).fill(1)) }] });
  assert.throws(() => parsePuzzleFile(big, arc), /test\[0\]\.input is 12×12, larger than this run's 10×10 canvas/);
});

test('kind detection', () => {
  assert.equal(detectPuzzleKind('  {"train": []}'), 'arc');
  assert.equal(detectPuzzleKind('###\n#SG\n###'), 'maze');
  assert.equal(detectPuzzleKind('1.2.\n....'), 'sudoku');
});
