// Grid operations of the puzzle editor. Every function is pure: it returns a new grid and never changes its
// argument, and it returns the argument itself when nothing changes (so the history can skip no-op edits).
// Grids are lists of rows of colours 0–9, 1×1 to 30×30 (the ARC format). Operations that take an optional
// `area` work on that rectangle only and leave the rest of the grid as it was; without one, on the whole grid.
import { ARC_MAX_SIDE, gridCols, gridRows, gridsEqual, type Grid } from '../../../main/puzzles/arc/grid.ts';

export { gridCols, gridRows, gridsEqual, type Grid };

export const MIN_SIDE = 1;
export const MAX_SIDE = ARC_MAX_SIDE;
/** Colour 0 (black) is the background: cleared and vacated cells become 0. */
export const BACKGROUND = 0;

export interface Cell {
  row: number;
  col: number;
}

/** A normalised rectangle: top-left corner and a positive size. */
export interface Rect {
  top: number;
  left: number;
  rows: number;
  cols: number;
}

/** Copied cells, with their shape, ready to paste anywhere. */
export interface Clipboard {
  rows: number;
  cols: number;
  cells: Grid;
}

export type Transform = 'rotate90' | 'rotate180' | 'rotate270' | 'flipHorizontal' | 'flipVertical' | 'transpose';
export const TRANSFORMS: readonly Transform[] = ['rotate90', 'rotate180', 'rotate270', 'flipHorizontal', 'flipVertical', 'transpose'];

export function newGrid(rows: number, cols: number, colour = BACKGROUND): Grid {
  return Array.from({ length: rows }, () => new Array<number>(cols).fill(colour));
}

const inside = (grid: Grid, cell: Cell): boolean =>
  cell.row >= 0 && cell.col >= 0 && cell.row < gridRows(grid) && cell.col < gridCols(grid);

/** The rectangle spanned by two corner cells given in any order (a rubber-band selection). */
export function selectionRect(a: Cell, b: Cell): Rect {
  const top = Math.min(a.row, b.row);
  const left = Math.min(a.col, b.col);
  return { top, left, rows: Math.abs(a.row - b.row) + 1, cols: Math.abs(a.col - b.col) + 1 };
}

/** The part of `rect` inside the grid, or null when none of it is. */
export function clipRect(grid: Grid, rect: Rect): Rect | null {
  const top = Math.max(0, rect.top);
  const left = Math.max(0, rect.left);
  const bottom = Math.min(gridRows(grid), rect.top + rect.rows);
  const right = Math.min(gridCols(grid), rect.left + rect.cols);
  return bottom > top && right > left ? { top, left, rows: bottom - top, cols: right - left } : null;
}

const wholeGrid = (grid: Grid): Rect => ({ top: 0, left: 0, rows: gridRows(grid), cols: gridCols(grid) });

/** Sets cells; unchanged grid (same object) when every cell already had its colour or lay outside. */
function setCells(grid: Grid, cells: Iterable<Cell>, colourAt: (cell: Cell) => number): Grid {
  let copy: Grid | undefined;
  for (const cell of cells) {
    if (!inside(grid, cell)) continue;
    const colour = colourAt(cell);
    if ((copy ?? grid)[cell.row][cell.col] === colour) continue;
    copy ??= grid.map((row) => row.slice());
    copy[cell.row][cell.col] = colour;
  }
  return copy ?? grid;
}

function* cellsOf(rect: Rect): Generator<Cell> {
  for (let row = rect.top; row < rect.top + rect.rows; row++) for (let col = rect.left; col < rect.left + rect.cols; col++) yield { row, col };
}

export function paintCell(grid: Grid, cell: Cell, colour: number): Grid {
  return setCells(grid, [cell], () => colour);
}

/** A drag of the pencil: every listed cell (cells outside the grid are ignored). */
export function paintStroke(grid: Grid, cells: readonly Cell[], colour: number): Grid {
  return setCells(grid, cells, () => colour);
}

/** Flood fill from `start` over the 4-connected region of its colour. */
export function floodFill(grid: Grid, start: Cell, colour: number): Grid {
  if (!inside(grid, start)) return grid;
  const target = grid[start.row][start.col];
  if (target === colour) return grid;
  const region: Cell[] = [];
  const seen = new Set<number>();
  const stack: Cell[] = [start];
  const cols = gridCols(grid);
  while (stack.length > 0) {
    const cell = stack.pop()!;
    const key = cell.row * cols + cell.col;
    if (!inside(grid, cell) || seen.has(key) || grid[cell.row][cell.col] !== target) continue;
    seen.add(key);
    region.push(cell);
    stack.push({ row: cell.row + 1, col: cell.col }, { row: cell.row - 1, col: cell.col }, { row: cell.row, col: cell.col + 1 }, { row: cell.row, col: cell.col - 1 });
  }
  return setCells(grid, region, () => colour);
}

/** Fills a selection (or the whole grid) with one colour; the part outside the grid is ignored. */
export function fillRect(grid: Grid, colour: number, area?: Rect): Grid {
  const rect = area ? clipRect(grid, area) : wholeGrid(grid);
  return rect ? setCells(grid, cellsOf(rect), () => colour) : grid;
}

/** Resets a selection (or the whole grid) to the background colour. */
export function clearGrid(grid: Grid, area?: Rect): Grid {
  return fillRect(grid, BACKGROUND, area);
}

/** Copies the part of `area` inside the grid (the whole grid without one); null when nothing is inside. */
export function copyRect(grid: Grid, area?: Rect): Clipboard | null {
  const rect = area ? clipRect(grid, area) : wholeGrid(grid);
  if (!rect) return null;
  const cells = grid.slice(rect.top, rect.top + rect.rows).map((row) => row.slice(rect.left, rect.left + rect.cols));
  return { rows: rect.rows, cols: rect.cols, cells };
}

/** The grid after pasting with the clipboard's top-left at `at` (the part falling outside is clipped), and the
 *  rectangle the pasted cells cover (null when none land inside) — for drawing a paste preview. */
export function pastePreview(grid: Grid, clipboard: Clipboard, at: Cell): { grid: Grid; rect: Rect | null } {
  const rect = clipRect(grid, { top: at.row, left: at.col, rows: clipboard.rows, cols: clipboard.cols });
  if (!rect) return { grid, rect: null };
  return { grid: setCells(grid, cellsOf(rect), (cell) => clipboard.cells[cell.row - at.row][cell.col - at.col]), rect };
}

export function paste(grid: Grid, clipboard: Clipboard, at: Cell): Grid {
  return pastePreview(grid, clipboard, at).grid;
}

/** A whole grid transformed. rotate90 turns clockwise; flipHorizontal mirrors left↔right, flipVertical top↔bottom;
 *  transpose mirrors along the main diagonal. */
export function transformWhole(grid: Grid, transform: Transform): Grid {
  const rows = gridRows(grid);
  const cols = gridCols(grid);
  switch (transform) {
    case 'rotate90': return Array.from({ length: cols }, (_, r) => Array.from({ length: rows }, (_, c) => grid[rows - 1 - c][r]));
    case 'rotate180': return grid.map((_, r) => grid[rows - 1 - r].slice().reverse());
    case 'rotate270': return Array.from({ length: cols }, (_, r) => Array.from({ length: rows }, (_, c) => grid[c][cols - 1 - r]));
    case 'flipHorizontal': return grid.map((row) => row.slice().reverse());
    case 'flipVertical': return grid.map((_, r) => grid[rows - 1 - r].slice());
    case 'transpose': return Array.from({ length: cols }, (_, r) => Array.from({ length: rows }, (_, c) => grid[c][r]));
  }
}

/** Whether a transform swaps rows and columns. */
export const swapsSides = (transform: Transform): boolean => transform === 'rotate90' || transform === 'rotate270' || transform === 'transpose';

/** Where a transformed selection lands: same top-left corner, sides swapped by quarter turns and transposes. */
export function transformedRect(area: Rect, transform: Transform): Rect {
  return swapsSides(transform) ? { ...area, rows: area.cols, cols: area.rows } : area;
}

/** Transforms the whole grid (its shape may change), or the cells of a selection: the selection is cleared and
 *  the transformed block pasted at its top-left corner, clipped to the grid (a non-square quarter turn near an
 *  edge loses what falls outside). */
export function transformGrid(grid: Grid, transform: Transform, area?: Rect): Grid {
  if (!area) {
    const result = transformWhole(grid, transform);
    return gridsEqual(result, grid) ? grid : result;
  }
  const clipboard = copyRect(grid, area);
  if (!clipboard) return grid;
  const source = clipRect(grid, area)!;
  const cells = transformWhole(clipboard.cells, transform);
  const block: Clipboard = { rows: gridRows(cells), cols: gridCols(cells), cells };
  const result = paste(clearGrid(grid, source), block, { row: source.top, col: source.left });
  return gridsEqual(result, grid) ? grid : result;
}

export interface ShiftOptions {
  /** Cells pushed over one edge come back at the opposite edge (default); otherwise they are lost. */
  wrap?: boolean;
  /** Colour of vacated cells when not wrapping (default: background). */
  fill?: number;
}

/** Moves the content of the grid (or of a selection, within that selection) by whole cells. */
export function shiftGrid(grid: Grid, dRows: number, dCols: number, options: ShiftOptions = {}, area?: Rect): Grid {
  const rect = area ? clipRect(grid, area) : wholeGrid(grid);
  if (!rect || (dRows === 0 && dCols === 0)) return grid;
  const wrap = options.wrap ?? true;
  const fill = options.fill ?? BACKGROUND;
  const modulo = (value: number, n: number): number => ((value % n) + n) % n;
  return setCells(grid, cellsOf(rect), ({ row, col }) => {
    let fromRow = row - rect.top - dRows;
    let fromCol = col - rect.left - dCols;
    if (wrap) {
      fromRow = modulo(fromRow, rect.rows);
      fromCol = modulo(fromCol, rect.cols);
    } else if (fromRow < 0 || fromCol < 0 || fromRow >= rect.rows || fromCol >= rect.cols) {
      return fill;
    }
    return grid[rect.top + fromRow][rect.left + fromCol];
  });
}

/** A size is valid when both sides are integers from 1 to 30. */
export const isValidSize = (rows: number, cols: number): boolean =>
  Number.isInteger(rows) && Number.isInteger(cols) && rows >= MIN_SIDE && cols >= MIN_SIDE && rows <= MAX_SIDE && cols <= MAX_SIDE;

/** Resizes keeping the top-left content; new cells are background. Throws on a size outside 1×1–30×30. */
export function resizeGrid(grid: Grid, rows: number, cols: number): Grid {
  if (!isValidSize(rows, cols)) throw new RangeError(`grid size ${rows}×${cols} is outside 1×1–${MAX_SIDE}×${MAX_SIDE}`);
  if (rows === gridRows(grid) && cols === gridCols(grid)) return grid;
  return Array.from({ length: rows }, (_, r) =>
    Array.from({ length: cols }, (_, c) => (r < gridRows(grid) && c < gridCols(grid) ? grid[r][c] : BACKGROUND)));
}

/** How many non-background cells a resize to rows×cols would discard (0 = safe, no warning needed). */
export function cellsLostByResize(grid: Grid, rows: number, cols: number): number {
  let lost = 0;
  grid.forEach((row, r) => row.forEach((cell, c) => { if ((r >= rows || c >= cols) && cell !== BACKGROUND) lost++; }));
  return lost;
}
