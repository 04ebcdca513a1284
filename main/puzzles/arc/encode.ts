// Grid ↔ token sequence (spec §5.5, official `np_grid_to_seq_translational_augment` and the evaluator's crop):
// colours become tokens 2–11 on a canvas×canvas board of PAD (0), with an EOS (1) row below the grid and an EOS
// column to its right when they fit; the board is flattened row-major.
import type { Rng } from '../../common/rng.ts';
import { ARC_MAX_SIDE, gridCols, gridRows, taskGrids, type ArcTask, type Grid } from './grid.ts';

export const PAD_TOKEN = 0;
export const EOS_TOKEN = 1;
export const COLOUR_TOKEN_OFFSET = 2;
/** PAD + EOS + colours 0–9. */
export const ARC_VOCAB_SIZE = 12;

export interface CanvasOffset {
  row: number;
  col: number;
}

/** Writes a grid at (row, col) into target[offset … offset + canvas²), which must already hold PAD. */
export function writeGrid(target: Uint8Array | Int32Array, offset: number, grid: Grid, canvas: number, at: CanvasOffset = { row: 0, col: 0 }): void {
  const rows = gridRows(grid);
  const cols = gridCols(grid);
  if (at.row + rows > canvas || at.col + cols > canvas)
    throw new Error(`a ${rows}×${cols} grid at (${at.row}, ${at.col}) does not fit a ${canvas}×${canvas} canvas`);
  for (let r = 0; r < rows; r++) {
    const base = offset + (at.row + r) * canvas + at.col;
    for (let c = 0; c < cols; c++) target[base + c] = grid[r][c] + COLOUR_TOKEN_OFFSET;
    if (at.col + cols < canvas) target[base + cols] = EOS_TOKEN;
  }
  if (at.row + rows < canvas) target.fill(EOS_TOKEN, offset + (at.row + rows) * canvas + at.col, offset + (at.row + rows) * canvas + at.col + cols);
}

export function encodeGrid(grid: Grid, canvas: number, at?: CanvasOffset): Uint8Array {
  const tokens = new Uint8Array(canvas * canvas);
  writeGrid(tokens, 0, grid, canvas, at);
  return tokens;
}

/** A uniform offset at which both grids of a pair fit (they share it so the output stays aligned). */
export function randomOffset(rng: Rng, grids: Grid[], canvas: number): CanvasOffset {
  const rows = Math.max(...grids.map(gridRows));
  const cols = Math.max(...grids.map(gridCols));
  return { row: rng.int(0, canvas - rows), col: rng.int(0, canvas - cols) };
}

/**
 * The official crop: the largest top-left rectangle of colour tokens, scanning rows downwards while the run of
 * colour tokens from column 0 can only shrink. Returns an empty grid when the top-left token is not a colour.
 */
export function decodeGrid(tokens: ArrayLike<number>, canvas = Math.round(Math.sqrt(tokens.length))): Grid {
  let bestArea = 0;
  let bestRows = 0;
  let bestCols = 0;
  let width = canvas;
  for (let rows = 1; rows <= canvas; rows++) {
    for (let c = 0; c < width; c++) {
      const token = tokens[(rows - 1) * canvas + c];
      if (token < COLOUR_TOKEN_OFFSET || token >= ARC_VOCAB_SIZE) { width = c; break; }
    }
    if (rows * width > bestArea) {
      bestArea = rows * width;
      bestRows = rows;
      bestCols = width;
    }
  }
  return Array.from({ length: bestRows }, (_, r) =>
    Array.from({ length: bestCols }, (_, c) => tokens[r * canvas + c] - COLOUR_TOKEN_OFFSET));
}

/** `canvas: 0` → the smallest square that holds every grid of the tasks (either orientation, since dihedral
 *  transforms swap sides) plus the EOS border, capped at the official 30. */
export function smallestCanvas(tasks: ArcTask[]): number {
  let side = 1;
  for (const task of tasks) for (const grid of taskGrids(task)) side = Math.max(side, gridRows(grid), gridCols(grid));
  return Math.min(ARC_MAX_SIDE, side + 1);
}

/** Tasks with a grid larger than the canvas (either side, as transforms may rotate it). */
export function tasksTooLarge(tasks: ArcTask[], canvas: number): string[] {
  return tasks.filter((task) => taskGrids(task).some((grid) => Math.max(gridRows(grid), gridCols(grid)) > canvas)).map((task) => task.id);
}
