// Mazes as in Maze-Hard (spec §5.4): a character grid with the walls included — `#` wall, ` ` open, `S` start,
// `G` goal — whose label is the same grid with the shortest S→G path marked `o`. This file holds the maze itself:
// generation, parsing, solving, validation and the 8 dihedral symmetries. The TaskData wrapper is maze-task.ts.
import type { Rng } from '../common/rng.ts';
import { ExpectedError } from '../common/errors.ts';

/** The official charset "# SGo" (`TRM:dataset/build_maze_dataset.py`): token id = index + 1, 0 is PAD. */
export const MAZE_CHARS = '# SGo';
export const WALL = 1;
export const OPEN = 2;
export const START = 3;
export const GOAL = 4;
export const PATH = 5;
/** Tokens per cell: PAD + the five characters. */
export const MAZE_VOCAB_SIZE = 6;

export interface Maze {
  rows: number;
  cols: number;
  /** [rows·cols] row-major token ids, WALL..PATH. */
  cells: Uint8Array;
}

/** Maze text that cannot be used; the message says which row or cell. */
export class MazeError extends ExpectedError {
  constructor(message: string) {
    super(message, { code: 'invalid-input' });
    this.name = 'MazeError';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Text form

/** Reads rows of `#`, space, `S`, `G` (and `o`, so labels parse too). Exactly one S and one G. */
export function parseMaze(text: string): Maze {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new MazeError('maze is empty');
  const cols = lines[0].length;
  if (cols === 0) throw new MazeError('row 1 is empty');
  const cells = new Uint8Array(lines.length * cols);
  lines.forEach((line, r) => {
    if (line.length !== cols) {
      throw new MazeError(`row ${r + 1} has ${line.length} characters but row 1 has ${cols} (every row must be equally wide; open cells are spaces, do not trim them)`);
    }
    for (let c = 0; c < cols; c++) {
      const token = MAZE_CHARS.indexOf(line[c]) + 1;
      if (token === 0) throw new MazeError(`row ${r + 1}, column ${c + 1}: unexpected character ${JSON.stringify(line[c])} (allowed: '#', ' ', 'S', 'G', 'o')`);
      cells[r * cols + c] = token;
    }
  });
  const maze = { rows: lines.length, cols, cells };
  for (const [token, name] of [[START, 'S'], [GOAL, 'G']] as const) {
    const count = countCells(maze, token);
    if (count !== 1) throw new MazeError(`a maze needs exactly one ${name} (found ${count})`);
  }
  return maze;
}

/** The text form: one line per row, no trailing newline. PAD (0) shows as `.`. */
export function formatMaze(maze: Maze): string {
  const lines: string[] = [];
  for (let r = 0; r < maze.rows; r++) {
    let line = '';
    for (let c = 0; c < maze.cols; c++) line += charOfToken(maze.cells[r * maze.cols + c]);
    lines.push(line);
  }
  return lines.join('\n');
}

export function charOfToken(token: number): string {
  return token === 0 ? '.' : (MAZE_CHARS[token - 1] ?? '?');
}

// ---------------------------------------------------------------------------------------------------------------
// Shortest paths

interface Bfs {
  /** Moves from the source; −1 = unreachable. */
  distance: Int32Array;
  /** Number of distinct shortest paths from the source, capped at 2 (we only ask "unique or not"). */
  pathCount: Uint8Array;
}

/** Breadth-first search from `from` over the cells whose token `passable` accepts. */
function bfs(maze: Maze, from: number, passable: (token: number) => boolean): Bfs {
  const { rows, cols, cells } = maze;
  const distance = new Int32Array(cells.length).fill(-1);
  const pathCount = new Uint8Array(cells.length);
  const queue = new Int32Array(cells.length);
  let head = 0;
  let tail = 0;
  distance[from] = 0;
  pathCount[from] = 1;
  queue[tail++] = from;
  while (head < tail) {
    const cell = queue[head++];
    const r = Math.floor(cell / cols);
    const c = cell - r * cols;
    const neighbours = [r > 0 ? cell - cols : -1, r < rows - 1 ? cell + cols : -1, c > 0 ? cell - 1 : -1, c < cols - 1 ? cell + 1 : -1];
    for (const next of neighbours) {
      if (next < 0 || !passable(cells[next])) continue;
      if (distance[next] === -1) {
        distance[next] = distance[cell] + 1;
        queue[tail++] = next;
      }
      if (distance[next] === distance[cell] + 1) pathCount[next] = Math.min(2, pathCount[next] + pathCount[cell]);
    }
  }
  return { distance, pathCount };
}

const notWall = (token: number): boolean => token !== WALL;

function neighboursOf(maze: Maze, cell: number): number[] {
  const r = Math.floor(cell / maze.cols);
  const c = cell - r * maze.cols;
  const out: number[] = [];
  if (r > 0) out.push(cell - maze.cols);
  if (r < maze.rows - 1) out.push(cell + maze.cols);
  if (c > 0) out.push(cell - 1);
  if (c < maze.cols - 1) out.push(cell + 1);
  return out;
}

/** The label for a maze: a copy with the cells of one shortest S→G path (S and G excluded) set to PATH. */
function markPath(maze: Maze, search: Bfs, goal: number): Maze {
  const cells = maze.cells.map((t) => (t === PATH ? OPEN : t));
  let cell = goal;
  while (search.distance[cell] > 0) {
    // Walk back along decreasing distance; the first neighbour in a fixed order breaks ties deterministically.
    cell = neighboursOf(maze, cell).find((n) => search.distance[n] === search.distance[cell] - 1)!;
    if (cells[cell] === OPEN) cells[cell] = PATH;
  }
  return { rows: maze.rows, cols: maze.cols, cells };
}

export interface MazeSolution {
  /** The maze with one shortest path marked `o` (S and G keep their characters). */
  solution: Maze;
  /** Length of the shortest S→G path in moves (= path cells + 1). */
  moves: number;
  /** Whether that shortest path is the only one (so the label is unambiguous). */
  unique: boolean;
}

/** Solves a maze (existing `o` cells count as open). null when G cannot be reached from S. */
export function solveMaze(maze: Maze): MazeSolution | null {
  const start = findCell(maze, START);
  const goal = findCell(maze, GOAL);
  const search = bfs(maze, start, notWall);
  if (search.distance[goal] < 0) return null;
  return { solution: markPath(maze, search, goal), moves: search.distance[goal], unique: search.pathCount[goal] === 1 };
}

/** True when `label` is `maze` with exactly the cells of some shortest S→G path marked `o`. Any shortest path
 *  counts, not only the one solveMaze picks. */
export function isValidShortestPath(maze: Maze, label: Maze): boolean {
  if (label.rows !== maze.rows || label.cols !== maze.cols) return false;
  let pathCells = 0;
  for (let i = 0; i < maze.cells.length; i++) {
    const expected = maze.cells[i] === PATH ? OPEN : maze.cells[i];
    const got = label.cells[i];
    if (got === PATH) {
      if (expected !== OPEN) return false;
      pathCells++;
    } else if (got !== expected) return false;
  }
  const start = findCell(maze, START);
  const goal = findCell(maze, GOAL);
  // If G is reachable through the marked cells alone in k moves and there are exactly k − 1 marked cells, those
  // cells are precisely one S→G path (no extra, none missing, contiguous); it is a shortest one when k is the
  // maze's shortest distance. The search along the marks is small and rejects most wrong answers (evaluation
  // checks every row at every step), so the search of the whole maze runs only for a complete path.
  const alongMarks = bfs(label, start, (t) => t === PATH || t === GOAL || t === START).distance[goal];
  if (alongMarks < 0 || pathCells !== alongMarks - 1) return false;
  return alongMarks === bfs(maze, start, notWall).distance[goal];
}

function findCell(maze: Maze, token: number): number {
  const index = maze.cells.indexOf(token);
  if (index < 0) throw new MazeError(`maze has no ${charOfToken(token)}`);
  return index;
}

function countCells(maze: Maze, token: number): number {
  let count = 0;
  for (const t of maze.cells) if (t === token) count++;
  return count;
}

// ---------------------------------------------------------------------------------------------------------------
// Generation

/** Walls knocked out after carving, as a fraction of lattice cells: enough loops that the shortest path is not
 *  the only path (10 on 30×30), few enough that long shortest paths stay common. Measured on 30×30 with
 *  minPathLength 111: 0.05 → 0.7 ms per accepted maze, 0.08 → 3.6 ms (more rejections). */
const EXTRA_OPENING_FRACTION = 0.05;
/** Start cells tried per carved maze before carving a new one. */
const STARTS_PER_MAZE = 4;
const MAX_ATTEMPTS = 1000;

export interface GeneratedMaze {
  maze: Maze;
  solution: Maze;
  moves: number;
}

/**
 * A random size×size maze (walls included) whose shortest S→G path has at least `minPathLength` moves and is
 * unique, so the label is unambiguous; other, longer routes exist through the extra openings.
 * Carving: randomised depth-first search on the odd lattice (cells at odd coordinates ≤ size−2), which gives
 * long winding corridors; for even sizes the last row and column stay wall, like a thicker border.
 */
export function generateMaze(rng: Rng, size: number, minPathLength: number): GeneratedMaze {
  if (!Number.isInteger(size) || size < 5) throw new MazeError(`maze size must be an integer ≥ 5 (got ${size})`);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const maze = carveMaze(rng, size);
    for (let tries = 0; tries < STARTS_PER_MAZE; tries++) {
      const placed = placeStartAndGoal(rng, maze, minPathLength);
      if (placed) return placed;
    }
  }
  throw new MazeError(`found no ${size}×${size} maze with a unique shortest path of ≥ ${minPathLength} moves in ${MAX_ATTEMPTS} attempts; lower minPathLength`);
}

function carveMaze(rng: Rng, size: number): Maze {
  const cells = new Uint8Array(size * size).fill(WALL);
  const latticeSide = Math.floor((size - 1) / 2);
  const gridIndex = (i: number, j: number): number => (2 * i + 1) * size + (2 * j + 1);
  const visited = new Uint8Array(latticeSide * latticeSide);
  const first = rng.int(0, latticeSide * latticeSide - 1);
  const stack = [first];
  visited[first] = 1;
  cells[gridIndex(Math.floor(first / latticeSide), first % latticeSide)] = OPEN;
  while (stack.length > 0) {
    const current = stack[stack.length - 1];
    const i = Math.floor(current / latticeSide);
    const j = current % latticeSide;
    const unvisited = [[i - 1, j], [i + 1, j], [i, j - 1], [i, j + 1]]
      .filter(([a, b]) => a >= 0 && b >= 0 && a < latticeSide && b < latticeSide && !visited[a * latticeSide + b]);
    if (unvisited.length === 0) { stack.pop(); continue; }
    const [a, b] = unvisited[rng.int(0, unvisited.length - 1)];
    visited[a * latticeSide + b] = 1;
    cells[gridIndex(a, b)] = OPEN;
    cells[(i + a + 1) * size + (j + b + 1)] = OPEN; // the wall between the two lattice cells
    stack.push(a * latticeSide + b);
  }
  // Loops: open some of the remaining walls that separate two lattice cells.
  const closedWalls: number[] = [];
  for (let i = 0; i < latticeSide; i++) {
    for (let j = 0; j < latticeSide; j++) {
      if (i + 1 < latticeSide && cells[(2 * i + 2) * size + 2 * j + 1] === WALL) closedWalls.push((2 * i + 2) * size + 2 * j + 1);
      if (j + 1 < latticeSide && cells[(2 * i + 1) * size + 2 * j + 2] === WALL) closedWalls.push((2 * i + 1) * size + 2 * j + 2);
    }
  }
  rng.shuffle(closedWalls);
  const openings = Math.min(closedWalls.length, Math.round(EXTRA_OPENING_FRACTION * latticeSide * latticeSide));
  for (let k = 0; k < openings; k++) cells[closedWalls[k]] = OPEN;
  return { rows: size, cols: size, cells };
}

/** Puts S on a random open cell and G on a random open cell whose unique shortest path from S is long enough. */
function placeStartAndGoal(rng: Rng, maze: Maze, minPathLength: number): GeneratedMaze | null {
  const open: number[] = [];
  maze.cells.forEach((t, i) => { if (t === OPEN) open.push(i); });
  const start = open[rng.int(0, open.length - 1)];
  const search = bfs(maze, start, notWall);
  const goals = open.filter((i) => search.distance[i] >= minPathLength && search.pathCount[i] === 1);
  if (goals.length === 0) return null;
  const goal = goals[rng.int(0, goals.length - 1)];
  const cells = maze.cells.slice();
  cells[start] = START;
  cells[goal] = GOAL;
  const placed = { rows: maze.rows, cols: maze.cols, cells };
  return { maze: placed, solution: markPath(placed, search, goal), moves: search.distance[goal] };
}

// ---------------------------------------------------------------------------------------------------------------
// Symmetry

/** The 8 elements of the dihedral group of the square (Maze-Hard's 8 augmentations). */
export const DIHEDRAL_TRANSFORMS = 8;

const sourceIndexCache = new Map<string, Int32Array>();

/**
 * For dihedral transform t (0 identity, 1–3 rotations by 90°/180°/270° clockwise, 4 mirror left-right,
 * 5 mirror top-bottom, 6 transpose, 7 anti-transpose) of a rows×cols grid: the transformed grid's shape and,
 * for each of its cells, the index of the source cell.
 */
export function dihedralSourceIndex(rows: number, cols: number, t: number): { rows: number; cols: number; source: Int32Array } {
  if (!Number.isInteger(t) || t < 0 || t >= DIHEDRAL_TRANSFORMS) throw new RangeError(`dihedral transform must be 0..7 (got ${t})`);
  const swapsAxes = t === 1 || t === 3 || t === 6 || t === 7;
  const outRows = swapsAxes ? cols : rows;
  const outCols = swapsAxes ? rows : cols;
  const key = `${rows}x${cols}:${t}`;
  let source = sourceIndexCache.get(key);
  if (!source) {
    source = new Int32Array(rows * cols);
    for (let r = 0; r < outRows; r++) {
      for (let c = 0; c < outCols; c++) {
        const [sr, sc] = [
          [r, c], [rows - 1 - c, r], [rows - 1 - r, cols - 1 - c], [c, cols - 1 - r],
          [r, cols - 1 - c], [rows - 1 - r, c], [c, r], [rows - 1 - c, cols - 1 - r],
        ][t];
        source[r * outCols + c] = sr * cols + sc;
      }
    }
    sourceIndexCache.set(key, source);
  }
  return { rows: outRows, cols: outCols, source };
}

export function transformMaze(maze: Maze, t: number): Maze {
  const { rows, cols, source } = dihedralSourceIndex(maze.rows, maze.cols, t);
  const cells = new Uint8Array(source.length);
  for (let i = 0; i < source.length; i++) cells[i] = maze.cells[source[i]];
  return { rows, cols, cells };
}

/** The same key for a maze and all its rotations and mirror images: the text of the smallest of its 8 transforms
 *  (by shape, then cell by cell). Compared in place, so only the winner is ever built. */
export function canonicalMazeKey(maze: Maze): string {
  let best = dihedralSourceIndex(maze.rows, maze.cols, 0);
  for (let t = 1; t < DIHEDRAL_TRANSFORMS; t++) {
    const candidate = dihedralSourceIndex(maze.rows, maze.cols, t);
    if (compareTransforms(maze.cells, candidate, best) < 0) best = candidate;
  }
  let text = `${best.rows}x${best.cols}:`;
  for (const source of best.source) text += String.fromCharCode(maze.cells[source]);
  return text;
}

type Transform = ReturnType<typeof dihedralSourceIndex>;

function compareTransforms(cells: Uint8Array, a: Transform, b: Transform): number {
  if (a.rows !== b.rows) return a.rows - b.rows;
  for (let i = 0; i < a.source.length; i++) {
    const difference = cells[a.source[i]] - cells[b.source[i]];
    if (difference !== 0) return difference;
  }
  return 0;
}
