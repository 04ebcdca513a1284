// The task being edited and every change the editor can make to it, as data (`EditOp`) applied by one pure
// function (`applyEdit`). Keeping changes as data is what lets the history record, coalesce and replay them.
import type { ArcPair, ArcTestPair } from '../../../main/puzzles/arc/grid.ts';
import {
  clearGrid, fillRect, floodFill, gridCols, gridRows, newGrid, paintStroke, paste, resizeGrid, shiftGrid, transformGrid,
  type Cell, type Clipboard, type Grid, type Rect, type ShiftOptions, type Transform,
} from './grid-ops.ts';

/** An ARC task as the editor holds it: train pairs always have an output, test outputs may be missing. */
export interface EditorTask {
  name: string;
  train: ArcPair[];
  test: ArcTestPair[];
}

export type Split = 'train' | 'test';
export type Side = 'input' | 'output';

/** One grid of the task, e.g. the output of test pair 0. */
export interface GridRef {
  split: Split;
  pair: number;
  side: Side;
}

/** The size new tasks and first pairs start with. */
export const DEFAULT_SIZE = { rows: 3, cols: 3 };

export type EditOp =
  /** `stroke` identifies one pencil drag: consecutive paints with the same stroke become one undo entry. */
  | { kind: 'paint'; ref: GridRef; cells: Cell[]; colour: number; stroke?: number }
  | { kind: 'floodFill'; ref: GridRef; cell: Cell; colour: number }
  | { kind: 'fillRect'; ref: GridRef; colour: number; area?: Rect }
  | { kind: 'clear'; ref: GridRef; area?: Rect }
  | { kind: 'paste'; ref: GridRef; clipboard: Clipboard; at: Cell }
  | { kind: 'transform'; ref: GridRef; transform: Transform; area?: Rect }
  | { kind: 'shift'; ref: GridRef; dRows: number; dCols: number; options?: ShiftOptions; area?: Rect }
  | { kind: 'resize'; ref: GridRef; rows: number; cols: number }
  /** Replaces a grid (a test output that is missing gets one). */
  | { kind: 'setGrid'; ref: GridRef; grid: Grid }
  /** Removes a test output (an unlabelled test input); train outputs cannot be removed. */
  | { kind: 'removeTestOutput'; pair: number }
  | { kind: 'copyInputToOutput'; split: Split; pair: number }
  /** Appends a pair (or inserts it at `at`) sized like the pair before it. */
  | { kind: 'addPair'; split: Split; at?: number }
  | { kind: 'duplicatePair'; split: Split; pair: number }
  | { kind: 'movePair'; split: Split; from: number; to: number }
  | { kind: 'deletePair'; split: Split; pair: number }
  | { kind: 'rename'; name: string }
  /** Replaces the whole task (an import into the open document), undoable like any change. */
  | { kind: 'replaceTask'; task: EditorTask };

export function newTask(name = 'untitled', rows = DEFAULT_SIZE.rows, cols = DEFAULT_SIZE.cols): EditorTask {
  return { name, train: [{ input: newGrid(rows, cols), output: newGrid(rows, cols) }], test: [{ input: newGrid(rows, cols), output: newGrid(rows, cols) }] };
}

/** The grid a reference points at; undefined when the pair does not exist or a test output is missing. */
export function gridAt(task: EditorTask, ref: GridRef): Grid | undefined {
  return task[ref.split][ref.pair]?.[ref.side];
}

/** A short label for menus and the history list, e.g. "Flood fill train 1 output". */
export function describeEdit(op: EditOp): string {
  const where = (ref: GridRef): string => `${ref.split} ${ref.pair + 1} ${ref.side}`;
  switch (op.kind) {
    case 'paint': return `Paint ${where(op.ref)}`;
    case 'floodFill': return `Flood fill ${where(op.ref)}`;
    case 'fillRect': return `Fill ${op.area ? 'selection' : 'grid'} in ${where(op.ref)}`;
    case 'clear': return `Clear ${op.area ? 'selection' : 'grid'} in ${where(op.ref)}`;
    case 'paste': return `Paste into ${where(op.ref)}`;
    case 'transform': return `${op.transform} ${op.area ? 'selection' : 'grid'} in ${where(op.ref)}`;
    case 'shift': return `Shift ${where(op.ref)}`;
    case 'resize': return `Resize ${where(op.ref)} to ${op.rows}×${op.cols}`;
    case 'setGrid': return `Set ${where(op.ref)}`;
    case 'removeTestOutput': return `Remove test ${op.pair + 1} output`;
    case 'copyInputToOutput': return `Copy input to output in ${op.split} ${op.pair + 1}`;
    case 'addPair': return `Add ${op.split} pair`;
    case 'duplicatePair': return `Duplicate ${op.split} ${op.pair + 1}`;
    case 'movePair': return `Move ${op.split} ${op.from + 1} to ${op.to + 1}`;
    case 'deletePair': return `Delete ${op.split} ${op.pair + 1}`;
    case 'rename': return `Rename to ${op.name}`;
    case 'replaceTask': return `Replace task with ${op.task.name}`;
  }
}

/** The task after one change. Returns `task` itself when the change changes nothing (e.g. painting a cell its
 *  own colour), so callers can tell no-ops apart. Throws RangeError for a pair that does not exist. */
export function applyEdit(task: EditorTask, op: EditOp): EditorTask {
  switch (op.kind) {
    case 'paint': return updateGrid(task, op.ref, (grid) => paintStroke(grid, op.cells, op.colour));
    case 'floodFill': return updateGrid(task, op.ref, (grid) => floodFill(grid, op.cell, op.colour));
    case 'fillRect': return updateGrid(task, op.ref, (grid) => fillRect(grid, op.colour, op.area));
    case 'clear': return updateGrid(task, op.ref, (grid) => clearGrid(grid, op.area));
    case 'paste': return updateGrid(task, op.ref, (grid) => paste(grid, op.clipboard, op.at));
    case 'transform': return updateGrid(task, op.ref, (grid) => transformGrid(grid, op.transform, op.area));
    case 'shift': return updateGrid(task, op.ref, (grid) => shiftGrid(grid, op.dRows, op.dCols, op.options, op.area));
    case 'resize': return updateGrid(task, op.ref, (grid) => resizeGrid(grid, op.rows, op.cols));
    case 'setGrid': return setGrid(task, op.ref, op.grid);
    case 'removeTestOutput': {
      const pair = pairAt(task, 'test', op.pair);
      if (!pair.output) return task;
      return withPairs(task, 'test', task.test.map((existing, index) => (index === op.pair ? { input: existing.input } : existing)));
    }
    case 'copyInputToOutput': {
      const pair = pairAt(task, op.split, op.pair);
      return setGrid(task, { split: op.split, pair: op.pair, side: 'output' }, pair.input.map((row) => row.slice()));
    }
    case 'addPair': {
      const at = op.at ?? task[op.split].length;
      if (at < 0 || at > task[op.split].length) throw new RangeError(`cannot insert a ${op.split} pair at ${at}`);
      return withPairs(task, op.split, [...task[op.split].slice(0, at), pairLike(task, op.split, at), ...task[op.split].slice(at)]);
    }
    case 'duplicatePair': {
      const pair = pairAt(task, op.split, op.pair);
      const copy = pair.output ? { input: pair.input, output: pair.output } : { input: pair.input };
      return withPairs(task, op.split, [...task[op.split].slice(0, op.pair + 1), copy, ...task[op.split].slice(op.pair + 1)]);
    }
    case 'movePair': {
      pairAt(task, op.split, op.from);
      pairAt(task, op.split, op.to);
      if (op.from === op.to) return task;
      const pairs = task[op.split].slice();
      const [moved] = pairs.splice(op.from, 1);
      pairs.splice(op.to, 0, moved);
      return withPairs(task, op.split, pairs);
    }
    case 'deletePair': {
      pairAt(task, op.split, op.pair);
      return withPairs(task, op.split, task[op.split].filter((_, index) => index !== op.pair));
    }
    case 'rename': return op.name === task.name ? task : { ...task, name: op.name };
    case 'replaceTask': return op.task;
  }
}

function pairAt(task: EditorTask, split: Split, index: number): ArcTestPair {
  const pair = task[split][index];
  if (!pair) throw new RangeError(`there is no ${split} pair ${index} (the task has ${task[split].length})`);
  return pair;
}

/** Grids are shared between tasks (never mutated), so a pair list can be rebuilt cheaply. */
function withPairs(task: EditorTask, split: Split, pairs: ArcTestPair[]): EditorTask {
  return split === 'train' ? { ...task, train: pairs as ArcPair[] } : { ...task, test: pairs };
}

function setGrid(task: EditorTask, ref: GridRef, grid: Grid): EditorTask {
  const pair = pairAt(task, ref.split, ref.pair);
  if (pair[ref.side] === grid) return task;
  return withPairs(task, ref.split, task[ref.split].map((existing, index) => (index === ref.pair ? { ...existing, [ref.side]: grid } : existing)));
}

function updateGrid(task: EditorTask, ref: GridRef, change: (grid: Grid) => Grid): EditorTask {
  const grid = pairAt(task, ref.split, ref.pair)[ref.side];
  if (!grid) throw new RangeError(`${ref.split} pair ${ref.pair} has no ${ref.side} grid`);
  return setGrid(task, ref, change(grid));
}

/** A blank pair sized like the pair before position `at` (or after it, for a first pair; else the default). */
function pairLike(task: EditorTask, split: Split, at: number): ArcPair {
  const model = task[split][at - 1] ?? task[split][at] ?? task.train.at(-1) ?? task.test.at(-1);
  const input = model ? newGrid(gridRows(model.input), gridCols(model.input)) : newGrid(DEFAULT_SIZE.rows, DEFAULT_SIZE.cols);
  const output = model?.output ? newGrid(gridRows(model.output), gridCols(model.output)) : newGrid(gridRows(input), gridCols(input));
  return { input, output };
}
