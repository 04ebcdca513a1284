// Live checks for Sudoku and maze puzzles in the library, stored as text: Sudoku as rows of digits with '.' for
// blanks, mazes as rows of '#', ' ', 'S', 'G'. The solvers are main/puzzles/{sudoku,maze}.ts. maze.ts has no Node
// imports; sudoku.ts does (node:fs for its collections), so these checks run in main and reach the renderer
// through the API rather than being imported there.
import { parseMaze, solveMaze, type Maze } from '../puzzles/maze.ts';
import { conflicts, countSolutions, parseGrid, sideOf, type BoxShape, type Grid } from '../puzzles/sudoku.ts';

/** The usual box for each supported side: 4 → 2×2, 6 → 2×3, 9 → 3×3. */
export const BOX_FOR_SIDE: Record<number, BoxShape> = { 4: { boxRows: 2, boxCols: 2 }, 6: { boxRows: 2, boxCols: 3 }, 9: { boxRows: 3, boxCols: 3 } };

/** Reads Sudoku text: one row per line (or all cells on one line), '.' or '0' for blanks; whitespace between
 *  lines is ignored. The box defaults to the usual one for the side. Throws an Error saying what is wrong. */
export function parseSudokuText(text: string, box?: BoxShape): { grid: Grid; box: BoxShape } {
  const cells = text.replace(/\s+/g, '');
  const side = Math.round(Math.sqrt(cells.length));
  const shape = box ?? BOX_FOR_SIDE[side];
  if (!shape) throw new Error(`a Sudoku needs 16, 36 or 81 cells (4×4, 6×6, 9×9), got ${cells.length}`);
  return { grid: parseGrid(cells, shape), box: shape };
}

/** Sudoku text with one row per line, '.' for blanks (how the library stores it). */
export function formatSudokuRows(grid: Grid, box: BoxShape): string {
  const side = sideOf(box);
  return Array.from({ length: side }, (_, r) => Array.from(grid.subarray(r * side, (r + 1) * side), (d) => (d === 0 ? '.' : String(d))).join('')).join('\n');
}

export interface SudokuStatus {
  /** Cells (row-major indices) whose digit repeats in a row, column or box. */
  conflicts: number[];
  /** 0 (unsolvable or conflicting givens), 1 (a proper puzzle) or 2 (meaning two or more). */
  solutionCount: 0 | 1 | 2;
}

export function sudokuStatus(grid: Grid, box: BoxShape): SudokuStatus {
  const clashes = conflicts(grid, box);
  if (clashes.length > 0) return { conflicts: clashes, solutionCount: 0 };
  return { conflicts: [], solutionCount: Math.min(2, countSolutions(grid, box, 2)) as 0 | 1 | 2 };
}

export interface MazeStatus {
  /** Why the text is not a maze, or that the goal cannot be reached; empty for a good maze. */
  errors: string[];
  /** Moves on the shortest S→G path (null when there is none or the maze does not parse). */
  shortestPath: number | null;
  /** Whether that shortest path is the only one (an unambiguous label). */
  uniquePath: boolean;
  /** The maze with one shortest path marked 'o', for display. */
  solution: Maze | null;
}

export function mazeStatus(text: string): MazeStatus {
  let maze: Maze;
  try {
    maze = parseMaze(text);
  } catch (error) {
    return { errors: [(error as Error).message], shortestPath: null, uniquePath: false, solution: null };
  }
  const solved = solveMaze(maze);
  if (!solved) return { errors: ['G cannot be reached from S'], shortestPath: null, uniquePath: false, solution: null };
  return { errors: [], shortestPath: solved.moves, uniquePath: solved.unique, solution: solved.solution };
}
