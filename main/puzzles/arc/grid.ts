// ARC grids and tasks: the plain JSON shapes every other ARC module works on.
// A grid is a list of rows of colours 0–9; a task has demonstration pairs (`train`) and test pairs whose
// outputs may be missing (unlabelled tasks, e.g. a Kaggle challenges file without its solutions).

export type Grid = number[][];

export interface ArcPair {
  input: Grid;
  output: Grid;
}

/** A test pair; `output` is absent when the task comes without its answers. */
export interface ArcTestPair {
  input: Grid;
  output?: Grid;
}

export interface ArcTask {
  /** File name without `.json`, or the key in a Kaggle bundle. */
  id: string;
  train: ArcPair[];
  test: ArcTestPair[];
}

export const ARC_COLOURS = 10;
export const ARC_MAX_SIDE = 30;

export const gridRows = (grid: Grid): number => grid.length;
export const gridCols = (grid: Grid): number => (grid.length > 0 ? grid[0].length : 0);

/** A 64-bit-strength hash (two independent 32-bit lanes) of shape and cells, as 16 hex digits.
 *  Used to dedupe augmented versions and to group identical predicted grids when voting. */
export function gridHash(grid: Grid): string {
  return hashCells(gridRows(grid), gridCols(grid), grid.flat());
}

/** gridHash of a rows×cols grid given as row-major cells (the augmentation hot path uses it directly). */
export function hashCells(rows: number, cols: number, cells: ArrayLike<number>): string {
  let h1 = 0xdeadbeef ^ rows;
  let h2 = 0x41c6ce57 ^ cols;
  const shape = rows * 64 + cols;
  h1 = Math.imul(h1 ^ shape, 2654435761);
  h2 = Math.imul(h2 ^ shape, 1597334677);
  for (let i = 0; i < rows * cols; i++) {
    const value = cells[i] + 1;
    h1 = Math.imul(h1 ^ value, 2654435761);
    h2 = Math.imul(h2 ^ value, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

export function gridsEqual(a: Grid, b: Grid): boolean {
  if (a.length !== b.length) return false;
  return a.every((row, r) => row.length === b[r].length && row.every((cell, c) => cell === b[r][c]));
}

/** Rows of digits, one line per row (CLI output, logs, error messages). */
export function formatGrid(grid: Grid): string {
  return grid.map((row) => row.join('')).join('\n');
}

/** Every grid of a task: demonstration inputs and outputs, test inputs and the test outputs that exist. */
export function taskGrids(task: ArcTask): Grid[] {
  const grids: Grid[] = [];
  for (const pair of task.train) grids.push(pair.input, pair.output);
  for (const pair of task.test) grids.push(pair.input, ...(pair.output ? [pair.output] : []));
  return grids;
}
