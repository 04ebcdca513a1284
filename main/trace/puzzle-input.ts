// A puzzle file → the model input of one run, encoded exactly as the run's TaskData encodes its examples (the
// task modules' own encoders; nothing is re-implemented here). Accepted files:
//   ARC task JSON      test[i].input (i = testIndex, default 0); test[i].output, when present, is the target
//   Sudoku             rows of digits, '.' or '0' for blanks (box separators '|', '-', '+' and spaces ignored);
//                      the target is the engine's solver's solution
//   maze               rows of '#', ' ', 'S', 'G' (Maze-Hard characters); the target is a shortest path
// A puzzle that does not fit the run (another kind, another size, a grid larger than the canvas) is refused
// with a message saying what the run expects.
import { createHash } from 'node:crypto';
import { ExpectedError } from '../common/errors.ts';
import type { TaskData } from '../puzzles/task-data.ts';
import type { DataConfig } from '../trm/config.ts';
import { conflicts, countSolutions, formatGrid, parseGrid, solve, sudokuVocabSize, writeTokens, type BoxShape } from '../puzzles/sudoku.ts';
import { MAZE_VOCAB_SIZE, MazeError, OPEN, PATH, parseMaze, solveMaze } from '../puzzles/maze.ts';
import { ARC_VOCAB_SIZE, writeGrid } from '../puzzles/arc/encode.ts';
import { gridCols, gridRows } from '../puzzles/arc/grid.ts';
import { parseTaskJson } from '../puzzles/arc/parse.ts';
import { formatArcTaskError } from '../puzzles/arc/validate.ts';
import type { ArcTaskData } from '../puzzles/arc/arc-task.ts';
import type { TraceInput } from './trace.ts';

export type PuzzleKind = 'sudoku' | 'maze' | 'arc';

export interface PuzzleInput extends TraceInput {
  kind: PuzzleKind;
  /** Identifies the puzzle across traces: "sudoku:<digits>", "maze:<hash>", "arc:<task id>:<test index>". */
  puzzleKey: string;
  /** Things the user should know that do not stop the trace (several solutions, unknown ARC task…). */
  warnings: string[];
}

export interface PuzzleFileOptions {
  /** The run's data config: gives the Sudoku box shape (otherwise inferred from the side: 4 → 2×2, 6 → 2×3, 9 → 3×3). */
  dataConfig?: DataConfig;
  /** ARC: which test pair (default 0). */
  testIndex?: number;
  /** File name, for messages and the ARC task id. */
  name?: string;
}

/** A puzzle file that cannot be used with this run; the message says why. */
export class PuzzleInputError extends ExpectedError {
  constructor(message: string) {
    super(message, { code: 'conflict' }); // the API's code for it before ExpectedError
    this.name = 'PuzzleInputError';
  }
}

/** What the run's data holds, as far as puzzle files are concerned. */
type RunPuzzles =
  | { kind: 'sudoku'; shape: BoxShape; side: number }
  | { kind: 'maze'; size: number }
  | { kind: 'arc'; canvas: number; identifiers: string[] | null };

const SUDOKU_BOXES: Record<number, BoxShape> = { 4: { boxRows: 2, boxCols: 2 }, 6: { boxRows: 2, boxCols: 3 }, 9: { boxRows: 3, boxCols: 3 } };

function runPuzzles(data: TaskData, dataConfig?: DataConfig): RunPuzzles {
  const side = data.grid.rows;
  switch (data.kind) {
    case 'sudoku': {
      const shape = dataConfig?.kind === 'sudoku' ? { boxRows: dataConfig.boxRows, boxCols: dataConfig.boxCols } : SUDOKU_BOXES[side];
      if (!shape) throw new PuzzleInputError(`cannot tell the box shape of this run's ${side}×${side} Sudoku`);
      return { kind: 'sudoku', shape, side };
    }
    case 'maze':
      return { kind: 'maze', size: side };
    case 'arc':
      return { kind: 'arc', canvas: side, identifiers: (data as ArcTaskData).dataset?.identifiers ?? null };
    case 'official': {
      // An official folder does not say which task it holds; its vocabulary and length do.
      const square = data.grid.rows * data.grid.cols === data.seqLen && data.grid.rows === data.grid.cols;
      if (square && SUDOKU_BOXES[side] && data.vocabSize === sudokuVocabSize(SUDOKU_BOXES[side])) return { kind: 'sudoku', shape: SUDOKU_BOXES[side], side };
      if (square && data.vocabSize === MAZE_VOCAB_SIZE) return { kind: 'maze', size: side };
      if (square && data.vocabSize === ARC_VOCAB_SIZE) return { kind: 'arc', canvas: side, identifiers: null };
      throw new PuzzleInputError(`this run's official dataset (vocabulary ${data.vocabSize}, ${data.seqLen} tokens) is not a Sudoku, maze or ARC layout; puzzle files cannot be traced on it`);
    }
  }
}

function describeRun(run: RunPuzzles): string {
  switch (run.kind) {
    case 'sudoku': return `${run.side}×${run.side} Sudoku (${run.shape.boxRows}×${run.shape.boxCols} boxes)`;
    case 'maze': return `${run.size}×${run.size} mazes`;
    case 'arc': return `ARC tasks on a ${run.canvas}×${run.canvas} canvas`;
  }
}

/** Which kind of puzzle a file holds, from its text alone. */
export function detectPuzzleKind(text: string): PuzzleKind {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return 'arc';
  if (/[#SG]/.test(trimmed)) return 'maze';
  return 'sudoku';
}

/** Parses a puzzle file and encodes it for a run whose data is `runData`. Throws PuzzleInputError. */
export function parsePuzzleFile(text: string, runData: TaskData, options: PuzzleFileOptions = {}): PuzzleInput {
  const run = runPuzzles(runData, options.dataConfig);
  const kind = detectPuzzleKind(text);
  const name = options.name ?? 'puzzle';
  if (kind !== run.kind) throw new PuzzleInputError(`${name} looks like ${kind === 'arc' ? 'an ARC task' : `a ${kind}`}, but this run trains on ${describeRun(run)}`);
  let puzzle: PuzzleInput;
  switch (run.kind) {
    // Whether the run judges answers by the rules (TaskData.isSolved) or only against the target (official folders).
    case 'sudoku': puzzle = sudokuInput(text, run, name, !!runData.isSolved); break;
    case 'maze': puzzle = mazeInput(text, run, name, !!runData.isSolved); break;
    case 'arc': puzzle = arcInput(text, run, name, options.testIndex ?? 0); break;
  }
  if (puzzle.inputs.length !== runData.seqLen) throw new PuzzleInputError(`${name} encodes to ${puzzle.inputs.length} tokens but the run's examples have ${runData.seqLen}`);
  return puzzle;
}

function sudokuInput(text: string, run: Extract<RunPuzzles, { kind: 'sudoku' }>, name: string, ruled: boolean): PuzzleInput {
  const cells = text.split(/\r?\n/).filter((line) => !/^[\s\-+]*$/.test(line)).join('').replace(/[\s|]/g, '');
  const expected = run.side * run.side;
  if (cells.length !== expected) {
    const side = Math.round(Math.sqrt(cells.length));
    const looksLike = side * side === cells.length ? ` (a ${side}×${side} Sudoku)` : '';
    throw new PuzzleInputError(`${name} has ${cells.length} cells${looksLike}, but this run trains on ${describeRun(run)}: ${expected} cells, digits 1–${run.side} with '.' or '0' for blanks`);
  }
  let grid;
  try {
    grid = parseGrid(cells, run.shape);
  } catch (error) {
    throw new PuzzleInputError(`${name}: ${(error as Error).message} (digits 1–${run.side}, '.' or '0' for blanks)`);
  }
  const clashing = conflicts(grid, run.shape);
  if (clashing.length > 0) {
    const where = clashing.slice(0, 4).map((cell) => `r${Math.floor(cell / run.side) + 1}c${(cell % run.side) + 1}`).join(', ');
    throw new PuzzleInputError(`${name}: the given digits break the Sudoku rules at ${where}${clashing.length > 4 ? ', …' : ''}`);
  }
  const solution = solve(grid, run.shape);
  if (!solution) throw new PuzzleInputError(`${name}: this Sudoku has no solution, so there is no target to compare with`);
  const warnings = countSolutions(grid, run.shape, 2) > 1 ? [ruled
    ? 'this Sudoku has several solutions; the target is one of them, and any valid answer counts as solved'
    : 'this Sudoku has several solutions; the target is one of them, so a different valid answer counts as wrong'] : [];
  const inputs = new Int32Array(expected);
  const labels = new Int32Array(expected);
  writeTokens(grid, inputs, 0);
  writeTokens(solution, labels, 0);
  return { kind: 'sudoku', inputs, labels, puzzleIdentifier: 0, puzzleKey: `sudoku:${formatGrid(grid)}`, warnings };
}

function mazeInput(text: string, run: Extract<RunPuzzles, { kind: 'maze' }>, name: string, ruled: boolean): PuzzleInput {
  let maze;
  try {
    maze = parseMaze(text);
  } catch (error) {
    if (error instanceof MazeError) throw new PuzzleInputError(`${name}: ${error.message}`);
    throw error;
  }
  if (maze.rows !== run.size || maze.cols !== run.size) throw new PuzzleInputError(`${name} is a ${maze.rows}×${maze.cols} maze, but this run trains on ${describeRun(run)}`);
  // A file with a path drawn in ('o') is taken as the maze without it.
  const cells = maze.cells.map((token) => (token === PATH ? OPEN : token));
  const solved = solveMaze({ ...maze, cells });
  if (!solved) throw new PuzzleInputError(`${name}: G cannot be reached from S, so there is no target path`);
  const warnings = solved.unique ? [] : [ruled
    ? 'this maze has several shortest paths; the target is one of them, and any shortest path counts as solved'
    : 'this maze has several shortest paths; the target is one of them, so another shortest path counts as wrong'];
  const key = createHash('sha256').update(cells).digest('hex').slice(0, 16);
  return { kind: 'maze', inputs: Int32Array.from(cells), labels: Int32Array.from(solved.solution.cells), puzzleIdentifier: 0, puzzleKey: `maze:${key}`, warnings };
}

function arcInput(text: string, run: Extract<RunPuzzles, { kind: 'arc' }>, name: string, testIndex: number): PuzzleInput {
  const { task, errors } = parseTaskJson(text, name);
  if (!task) throw new PuzzleInputError(errors.length > 0 ? errors.map(formatArcTaskError).join('; ') : `${name} is not an ARC task`);
  if (!Number.isInteger(testIndex) || testIndex < 0 || testIndex >= task.test.length)
    throw new PuzzleInputError(`${name} has ${task.test.length} test pair(s); --test-index must be 0..${task.test.length - 1} (got ${testIndex})`);
  const pair = task.test[testIndex];
  for (const [what, grid] of [['input', pair.input], ['output', pair.output]] as const) {
    if (grid && (gridRows(grid) > run.canvas || gridCols(grid) > run.canvas))
      throw new PuzzleInputError(`${name}: test[${testIndex}].${what} is ${gridRows(grid)}×${gridCols(grid)}, larger than this run's ${run.canvas}×${run.canvas} canvas`);
  }
  const seqLen = run.canvas * run.canvas;
  // Held-out pairs are placed at (0, 0), as the run's test split places them.
  const inputs = new Int32Array(seqLen);
  writeGrid(inputs, 0, pair.input, run.canvas);
  let labels: Int32Array | undefined;
  if (pair.output) {
    labels = new Int32Array(seqLen);
    writeGrid(labels, 0, pair.output, run.canvas);
  }
  const warnings: string[] = [];
  // The original (un-augmented) version of a task the run knows is named by the task id.
  let puzzleIdentifier = run.identifiers?.indexOf(task.id) ?? -1;
  if (puzzleIdentifier < 0) {
    puzzleIdentifier = 0;
    warnings.push(run.identifiers
      ? `task '${task.id}' is not in this run's data: it gets the blank puzzle embedding (identifier 0), which the model never trained with`
      : `this run's data does not name its puzzle identifiers: task '${task.id}' gets the blank puzzle embedding (identifier 0)`);
  }
  if (!pair.output) warnings.push(`test[${testIndex}] has no output: no target, so no accuracy or flags`);
  return { kind: 'arc', inputs, labels, puzzleIdentifier, puzzleKey: `arc:${task.id}:${testIndex}`, warnings };
}
