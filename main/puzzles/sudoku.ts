// Sudoku with rectangular boxes (2×2 → 4×4, 2×3 → 6×6, 3×3 → 9×9): solver, unique-solution generator,
// symmetry augmentation (spec §5.3 generalised), canonical forms for train/test separation, and the
// shared-data collections. A grid is a Uint8Array of N·N cells in row-major order, 0 = blank, 1..N = digits.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir } from '../common/paths.ts';
import type { Rng } from '../common/rng.ts';

export interface BoxShape {
  /** Rows per box (= rows per band). */
  boxRows: number;
  /** Columns per box (= columns per stack). */
  boxCols: number;
}

export type Grid = Uint8Array;

export interface SudokuPair {
  puzzle: Grid;
  solution: Grid;
}

/** Precomputed cell → row/column/box tables for one box shape. */
interface Geometry {
  side: number;
  cells: number;
  rowOf: Uint8Array;
  colOf: Uint8Array;
  boxOf: Uint8Array;
  allDigits: number;
}

const geometries = new Map<string, Geometry>();
// Bit count of every digit mask (N ≤ 9 → 9 bits).
const POPCOUNT = Uint8Array.from({ length: 1 << 9 }, (_, m) => m.toString(2).replace(/0/g, '').length);

export const sideOf = (shape: BoxShape): number => shape.boxRows * shape.boxCols;

function geometry(shape: BoxShape): Geometry {
  const key = `${shape.boxRows}x${shape.boxCols}`;
  let g = geometries.get(key);
  if (g) return g;
  const side = sideOf(shape);
  if (!Number.isInteger(shape.boxRows) || !Number.isInteger(shape.boxCols) || shape.boxRows < 1 || shape.boxCols < 1 || side > 9)
    throw new Error(`unsupported Sudoku boxes ${key} (need integer box sides with rows·cols ≤ 9)`);
  const cells = side * side;
  const rowOf = new Uint8Array(cells), colOf = new Uint8Array(cells), boxOf = new Uint8Array(cells);
  const stacks = side / shape.boxCols;
  for (let c = 0; c < cells; c++) {
    rowOf[c] = Math.floor(c / side);
    colOf[c] = c % side;
    boxOf[c] = Math.floor(rowOf[c] / shape.boxRows) * stacks + Math.floor(colOf[c] / shape.boxCols);
  }
  g = { side, cells, rowOf, colOf, boxOf, allDigits: (1 << side) - 1 };
  geometries.set(key, g);
  return g;
}

// ---------------------------------------------------------------------------------------------------------
// Solver: bitmask backtracking that always branches on the most constrained blank cell.

export interface SearchResult {
  /** Solutions found, capped at the limit. */
  solutions: number;
  /** The first solution found, or null. */
  solution: Grid | null;
  /** Search nodes visited (branching points): the solver-effort difficulty measure. */
  nodes: number;
}

/** Searches for up to `limit` solutions; with `rng`, digits are tried in random order (random full grids). */
export function search(grid: Grid, shape: BoxShape, limit = 2, rng?: Rng): SearchResult {
  const g = geometry(shape);
  if (grid.length !== g.cells) throw new Error(`a ${g.side}×${g.side} grid has ${g.cells} cells, got ${grid.length}`);
  const cells = Uint8Array.from(grid);
  const rowMask = new Int32Array(g.side), colMask = new Int32Array(g.side), boxMask = new Int32Array(g.side);
  const blanks: number[] = [];
  for (let c = 0; c < g.cells; c++) {
    const digit = cells[c];
    if (digit === 0) { blanks.push(c); continue; }
    if (digit > g.side) throw new Error(`cell ${c} holds ${digit}, outside 1..${g.side}`);
    const bit = 1 << (digit - 1);
    if ((rowMask[g.rowOf[c]] | colMask[g.colOf[c]] | boxMask[g.boxOf[c]]) & bit) return { solutions: 0, solution: null, nodes: 0 };
    rowMask[g.rowOf[c]] |= bit; colMask[g.colOf[c]] |= bit; boxMask[g.boxOf[c]] |= bit;
  }
  const result: SearchResult = { solutions: 0, solution: null, nodes: 0 };
  const digits: number[] = [];

  // Returns true when the limit is reached and the search should stop.
  const fill = (depth: number): boolean => {
    if (depth === blanks.length) {
      result.solutions++;
      if (!result.solution) result.solution = Uint8Array.from(cells);
      return result.solutions >= limit;
    }
    result.nodes++;
    let bestIndex = -1, bestCandidates = 0, bestCount = 99;
    for (let i = depth; i < blanks.length; i++) {
      const c = blanks[i];
      const candidates = g.allDigits & ~(rowMask[g.rowOf[c]] | colMask[g.colOf[c]] | boxMask[g.boxOf[c]]);
      const count = POPCOUNT[candidates];
      if (count < bestCount) {
        bestIndex = i; bestCandidates = candidates; bestCount = count;
        if (count <= 1) break;
      }
    }
    if (bestCount === 0) return false;
    const c = blanks[bestIndex];
    blanks[bestIndex] = blanks[depth];
    blanks[depth] = c;
    const r = g.rowOf[c], col = g.colOf[c], b = g.boxOf[c];
    // Candidate digits as bits on a shared stack; shuffled when building random grids.
    const start = digits.length;
    for (let m = bestCandidates; m; m &= m - 1) digits.push(m & -m);
    if (rng) {
      for (let i = digits.length - 1; i > start; i--) {
        const j = start + Math.floor(rng.next() * (i - start + 1));
        [digits[i], digits[j]] = [digits[j], digits[i]];
      }
    }
    for (let k = start; k < start + bestCount; k++) {
      const bit = digits[k];
      rowMask[r] |= bit; colMask[col] |= bit; boxMask[b] |= bit;
      cells[c] = 32 - Math.clz32(bit);
      const stop = fill(depth + 1);
      rowMask[r] &= ~bit; colMask[col] &= ~bit; boxMask[b] &= ~bit;
      cells[c] = 0;
      if (stop) { digits.length = start; return true; }
    }
    digits.length = start;
    return false;
  };
  fill(0);
  return result;
}

/** The solution of a puzzle (the first found if there are several), or null when it has none. */
export function solve(grid: Grid, shape: BoxShape): Grid | null {
  return search(grid, shape, 1).solution;
}

/** Number of solutions, counted up to `limit` (2 is enough to decide uniqueness). */
export function countSolutions(grid: Grid, shape: BoxShape, limit = 2): number {
  return search(grid, shape, limit).solutions;
}

/** Cells whose digit repeats in their row, column or box, sorted (the editor highlights them). */
export function conflicts(grid: Grid, shape: BoxShape): number[] {
  const g = geometry(shape);
  const bad = new Set<number>();
  const units = [g.rowOf, g.colOf, g.boxOf];
  for (const unitOf of units) {
    const seen = new Map<string, number>();
    for (let c = 0; c < g.cells; c++) {
      if (grid[c] === 0) continue;
      const key = `${unitOf[c]}:${grid[c]}`;
      const other = seen.get(key);
      if (other === undefined) seen.set(key, c);
      else { bad.add(other); bad.add(c); }
    }
  }
  return [...bad].sort((a, b) => a - b);
}

/** True when `solution` is a complete grid without conflicts (and keeps every given of `puzzle`, if passed). */
export function isValidSolution(solution: Grid, shape: BoxShape, puzzle?: Grid): boolean {
  const g = geometry(shape);
  if (solution.length !== g.cells) return false;
  // One digit mask per row, column and box, filled in one pass: evaluation scores every row at every step with it.
  const rowMask = new Uint16Array(g.side), colMask = new Uint16Array(g.side), boxMask = new Uint16Array(g.side);
  for (let c = 0; c < g.cells; c++) {
    const digit = solution[c];
    if (digit < 1 || digit > g.side) return false;
    if (puzzle && puzzle[c] !== 0 && puzzle[c] !== digit) return false;
    const bit = 1 << (digit - 1);
    if ((rowMask[g.rowOf[c]] | colMask[g.colOf[c]] | boxMask[g.boxOf[c]]) & bit) return false;
    rowMask[g.rowOf[c]] |= bit;
    colMask[g.colOf[c]] |= bit;
    boxMask[g.boxOf[c]] |= bit;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// Generator.

export interface GenerateOptions {
  minBlanks: number;
  maxBlanks: number;
  /** Solver nodes needed to prove the solution unique (9×9 difficulty); puzzles outside are regenerated. */
  minDifficulty?: number;
  maxDifficulty?: number;
}

export interface GeneratedSudoku extends SudokuPair {
  blanks: number;
  /** Solver nodes (see SearchResult.nodes) for the finished puzzle. */
  difficulty: number;
}

/** A random complete grid (randomised backtracking, so every valid grid can come out). */
export function randomSolvedGrid(shape: BoxShape, rng: Rng): Grid {
  const solution = search(new Uint8Array(geometry(shape).cells), shape, 1, rng).solution;
  if (!solution) throw new Error('no solved grid exists for this box shape'); // cannot happen for valid shapes
  return solution;
}

const MAX_GENERATE_ATTEMPTS = 1000;

/** A puzzle with a unique solution and a blank count in [minBlanks, maxBlanks]: clues of a random full grid
 *  are removed in random order as long as the solution stays unique, until a random target count is reached. */
export function generateSudoku(shape: BoxShape, rng: Rng, options: GenerateOptions): GeneratedSudoku {
  const g = geometry(shape);
  const minBlanks = Math.max(0, options.minBlanks);
  const maxBlanks = Math.min(g.cells, options.maxBlanks);
  if (minBlanks > maxBlanks) throw new Error(`minBlanks ${options.minBlanks} > maxBlanks ${options.maxBlanks}`);
  for (let attempt = 0; attempt < MAX_GENERATE_ATTEMPTS; attempt++) {
    const solution = randomSolvedGrid(shape, rng);
    const puzzle = Uint8Array.from(solution);
    const target = rng.int(minBlanks, maxBlanks);
    let blanks = 0;
    for (const c of rng.permutation(g.cells)) {
      if (blanks >= target) break;
      puzzle[c] = 0;
      if (countSolutions(puzzle, shape, 2) === 1) blanks++;
      else puzzle[c] = solution[c];
    }
    if (blanks < minBlanks) continue; // the puzzle became minimal before reaching enough blanks
    const difficulty = search(puzzle, shape, 2).nodes;
    if (options.minDifficulty !== undefined && difficulty < options.minDifficulty) continue;
    if (options.maxDifficulty !== undefined && difficulty > options.maxDifficulty) continue;
    return { puzzle, solution, blanks, difficulty };
  }
  throw new Error(`could not generate a ${g.side}×${g.side} Sudoku with ${minBlanks}..${maxBlanks} blanks` +
    `${options.minDifficulty !== undefined || options.maxDifficulty !== undefined ? ' and the requested difficulty' : ''} in ${MAX_GENERATE_ATTEMPTS} attempts`);
}

// ---------------------------------------------------------------------------------------------------------
// Augmentation: the validity-preserving symmetries (spec §5.3, rectangular boxes).

export interface SudokuTransform {
  /** New digit of each old digit; index 0 (blank) maps to 0. */
  digitMap: number[];
  /** Swap rows and columns first (only for square boxes). */
  transpose: boolean;
  /** New row i takes old row rowOrder[i] (bands permuted, rows permuted inside each band). */
  rowOrder: number[];
  /** New column j takes old column colOrder[j] (stacks permuted, columns permuted inside each stack). */
  colOrder: number[];
}

/** Lines permuted as blocks of `width`, and inside each block. */
function blockOrder(side: number, width: number, rng: Rng): number[] {
  return rng.permutation(side / width).flatMap((block) => rng.permutation(width).map((i) => block * width + i));
}

export function randomTransform(shape: BoxShape, rng: Rng): SudokuTransform {
  const side = sideOf(shape);
  return {
    digitMap: [0, ...rng.permutation(side).map((d) => d + 1)],
    transpose: shape.boxRows === shape.boxCols && rng.next() < 0.5,
    rowOrder: blockOrder(side, shape.boxRows, rng),
    colOrder: blockOrder(side, shape.boxCols, rng),
  };
}

export function applyTransform(grid: Grid, shape: BoxShape, t: SudokuTransform): Grid {
  const side = sideOf(shape);
  const out = new Uint8Array(side * side);
  for (let i = 0; i < side; i++) {
    for (let j = 0; j < side; j++) {
      const r = t.rowOrder[i], c = t.colOrder[j];
      out[i * side + j] = t.digitMap[t.transpose ? grid[c * side + r] : grid[r * side + c]];
    }
  }
  return out;
}

export function transformPair(pair: SudokuPair, shape: BoxShape, t: SudokuTransform): SudokuPair {
  return { puzzle: applyTransform(pair.puzzle, shape, t), solution: applyTransform(pair.solution, shape, t) };
}

// ---------------------------------------------------------------------------------------------------------
// Equivalence under the augmentation group, so held-out puzzles never reach training in any disguise.

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, k) => [...p.slice(0, k), n - 1, ...p.slice(k)]));
}

/** Every line order of a side: block permutations × permutations inside each block. */
function allBlockOrders(side: number, width: number): number[][] {
  const inner = permutations(width);
  const orders: number[][] = [];
  for (const blocks of permutations(side / width)) {
    let partial: number[][] = [[]];
    for (const block of blocks) partial = partial.flatMap((prefix) => inner.map((p) => [...prefix, ...p.map((i) => block * width + i)]));
    orders.push(...partial);
  }
  return orders;
}

const CANONICAL_MAX_SIDE = 6;
const orderCache = new Map<string, { rows: number[][]; cols: number[][] }>();

/**
 * The canonical representative of a grid under the whole augmentation group: the smallest cell sequence over
 * every band/row/stack/column permutation (and transpose for square boxes), with digits relabelled in order of
 * first appearance. Two grids are equivalent exactly when their canonical forms are equal. Only for N ≤ 6
 * (3,456 symmetries for 6×6); 9×9 has 3.4M and uses `relabelledForm` plus the solution grid instead.
 */
export function canonicalForm(grid: Grid, shape: BoxShape): string {
  const side = sideOf(shape);
  if (side > CANONICAL_MAX_SIDE) throw new Error(`canonicalForm supports N ≤ ${CANONICAL_MAX_SIDE}; got ${side}`);
  const key = `${shape.boxRows}x${shape.boxCols}`;
  let orders = orderCache.get(key);
  if (!orders) orderCache.set(key, (orders = { rows: allBlockOrders(side, shape.boxRows), cols: allBlockOrders(side, shape.boxCols) }));
  const cells = side * side;
  let best: Uint8Array | null = null;
  const current = new Uint8Array(cells);
  const relabel = new Uint8Array(side + 1);
  for (const transpose of shape.boxRows === shape.boxCols ? [false, true] : [false]) {
    for (const rowOrder of orders.rows) {
      for (const colOrder of orders.cols) {
        relabel.fill(0);
        let nextLabel = 1;
        let comparison = best ? 0 : -1; // −1: already smaller than best, 0: equal so far
        let k = 0;
        for (; k < cells; k++) {
          const r = rowOrder[Math.floor(k / side)], c = colOrder[k % side];
          let v = transpose ? grid[c * side + r] : grid[r * side + c];
          if (v !== 0) v = relabel[v] || (relabel[v] = nextLabel++);
          current[k] = v;
          if (comparison === 0 && best) {
            if (v < best[k]) comparison = -1;
            else if (v > best[k]) break;
          }
        }
        if (k === cells && comparison < 0) best = Uint8Array.from(current);
      }
    }
  }
  return formatGrid(best!);
}

/** The grid with digits relabelled in order of first appearance (canonical under digit permutations only). */
export function relabelledForm(grid: Grid): string {
  const relabel = new Uint8Array(10);
  let nextLabel = 1;
  return formatGrid(grid.map((v) => (v === 0 ? 0 : relabel[v] || (relabel[v] = nextLabel++))));
}

/** Cheap group invariant (sorted clue counts per row, column, box and digit) that rules out most pairs
 *  before the costly canonical form is needed. */
function invariantOf(grid: Grid, shape: BoxShape): string {
  const g = geometry(shape);
  const rows = new Array(g.side).fill(0), cols = new Array(g.side).fill(0), boxes = new Array(g.side).fill(0), digits = new Array(g.side + 1).fill(0);
  for (let c = 0; c < g.cells; c++) {
    if (grid[c] === 0) continue;
    rows[g.rowOf[c]]++; cols[g.colOf[c]]++; boxes[g.boxOf[c]]++; digits[grid[c]]++;
  }
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b).join(',');
  let lines = [sorted(rows), sorted(cols)];
  if (shape.boxRows === shape.boxCols) lines = lines.sort(); // transposing swaps rows and columns
  return [...lines, sorted(boxes), sorted(digits.slice(1))].join('|');
}

/**
 * A set of puzzles closed under the augmentation group. N ≤ 6: full equivalence (canonical forms, computed only
 * when the invariant matches). 9×9: a puzzle matches when its digit-relabelled puzzle string or its
 * digit-relabelled solution grid equals a member's (row/column symmetries are not checked: 3.4M transforms).
 */
export class EquivalenceSet {
  private readonly byInvariant = new Map<string, Set<string>>();
  private readonly keys = new Set<string>();
  private readonly full: boolean;

  constructor(private readonly shape: BoxShape) {
    this.full = sideOf(shape) <= CANONICAL_MAX_SIDE;
  }

  add(pair: SudokuPair): void {
    if (this.full) {
      const invariant = invariantOf(pair.puzzle, this.shape);
      let forms = this.byInvariant.get(invariant);
      if (!forms) this.byInvariant.set(invariant, (forms = new Set()));
      forms.add(canonicalForm(pair.puzzle, this.shape));
    } else {
      this.keys.add(`p:${relabelledForm(pair.puzzle)}`);
      this.keys.add(`s:${relabelledForm(pair.solution)}`);
    }
  }

  has(pair: SudokuPair): boolean {
    if (this.full) {
      const forms = this.byInvariant.get(invariantOf(pair.puzzle, this.shape));
      return forms !== undefined && forms.has(canonicalForm(pair.puzzle, this.shape));
    }
    return this.keys.has(`p:${relabelledForm(pair.puzzle)}`) || this.keys.has(`s:${relabelledForm(pair.solution)}`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Text form, tokens and the shared collections.

/** Row-major digits, '.' for blank (the collection file format). */
export function formatGrid(grid: ArrayLike<number>): string {
  return Array.from(grid, (d) => (d === 0 ? '.' : String(d))).join('');
}

export function parseGrid(text: string, shape: BoxShape): Grid {
  const g = geometry(shape);
  const trimmed = text.trim();
  if (trimmed.length !== g.cells) throw new Error(`a ${g.side}×${g.side} Sudoku needs ${g.cells} characters, got ${trimmed.length}`);
  return Uint8Array.from(trimmed, (ch) => {
    if (ch === '.' || ch === '0') return 0;
    const d = Number(ch);
    if (!Number.isInteger(d) || d < 1 || d > g.side) throw new Error(`invalid Sudoku character '${ch}'`);
    return d;
  });
}

/** Token ids (spec §1.2): 0 PAD, 1 blank, 2..N+1 digits; vocabulary N + 2. */
export const BLANK_TOKEN = 1;
export const tokenOfCell = (digit: number): number => digit + 1;
export const cellOfToken = (token: number): number | null => (token < 1 ? null : token - 1);
export const sudokuVocabSize = (shape: BoxShape): number => sideOf(shape) + 2;

export function writeTokens(grid: Grid, out: Int32Array | Uint8Array, offset: number): void {
  for (let c = 0; c < grid.length; c++) out[offset + c] = tokenOfCell(grid[c]);
}

/** A grid drawn with box separators, '.' for blank. */
export function renderGrid(grid: ArrayLike<number | null>, shape: BoxShape): string {
  const side = sideOf(shape);
  const lines: string[] = [];
  for (let r = 0; r < side; r++) {
    if (r > 0 && r % shape.boxRows === 0) lines.push(Array.from({ length: side / shape.boxCols }, () => '-'.repeat(shape.boxCols * 2 - 1)).join('-+-'));
    const cells = Array.from({ length: side }, (_, c) => {
      const v = grid[r * side + c];
      return (c > 0 && c % shape.boxCols === 0 ? '| ' : '') + (v === null ? ' ' : v === 0 ? '.' : String(v));
    });
    lines.push(cells.join(' '));
  }
  return lines.join('\n');
}

export const COLLECTION_PREFIX = 'collection:';
const collectionDir = () => join(dataDir(), 'sudoku');

/** Names of the 9×9 collections in the shared data folder (files `sudoku/NAME.txt`). */
export function listCollections(): string[] {
  try {
    return readdirSync(collectionDir()).filter((f) => f.endsWith('.txt') && f !== 'LICENSE.txt').map((f) => f.slice(0, -4)).sort();
  } catch {
    return [];
  }
}

/** The puzzles of a collection (9×9, 81 chars a line, '.' blank), without solutions. */
export function loadCollection(name: string): Grid[] {
  const path = join(collectionDir(), `${name}.txt`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`unknown Sudoku collection '${name}' (no ${path}); available: ${listCollections().join(', ') || 'none'}`);
  }
  const shape = { boxRows: 3, boxCols: 3 };
  return text.split('\n').filter((line) => line.trim().length > 0).map((line, i) => {
    try { return parseGrid(line, shape); } catch (error) { throw new Error(`${path}:${i + 1}: ${(error as Error).message}`); }
  });
}
