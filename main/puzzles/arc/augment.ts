// ARC augmentation (spec §5.5, official `aug` / `inverse_aug`): a version of a task is a colour permutation that
// keeps 0 (black) fixed, followed by one of the 8 dihedral transforms, applied to every grid of the task.
// The version's name `<task_id>|||t<tid>|||<10-digit colour map>` is enough to invert it at evaluation time.
import type { Rng } from '../../common/rng.ts';
import { ARC_MAX_SIDE, gridCols, gridRows, hashCells, type ArcTask, type Grid } from './grid.ts';

/** 0 identity, 1–3 rot90×k counter-clockwise, 4 flip left-right, 5 flip up-down, 6 transpose, 7 anti-transpose. */
export type DihedralId = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;
export const DIHEDRAL_INVERSE: readonly DihedralId[] = [0, 3, 2, 1, 4, 5, 6, 7];
export const VERSION_SEPARATOR = '|||';

export interface ArcVersion {
  taskId: string;
  dihedralId: DihedralId;
  /** colours[old] = new; colours[0] = 0. */
  colours: number[];
  /** The official puzzle name; the un-augmented original is named by its task id alone. */
  name: string;
}

const IDENTITY_COLOURS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

export function originalVersion(taskId: string): ArcVersion {
  return { taskId, dihedralId: 0, colours: IDENTITY_COLOURS, name: taskId };
}

export function makeVersion(taskId: string, dihedralId: DihedralId, colours: number[]): ArcVersion {
  const name = [taskId, `t${dihedralId}`, colours.join('')].join(VERSION_SEPARATOR);
  return { taskId, dihedralId, colours, name };
}

/** The version a puzzle name stands for (a name without separators is the original task). */
export function parseVersionName(name: string): ArcVersion {
  const parts = name.split(VERSION_SEPARATOR);
  if (parts.length === 1) return originalVersion(name);
  const [transform, colourText] = parts.slice(-2);
  const taskId = parts.slice(0, -2).join(VERSION_SEPARATOR);
  const dihedralId = Number(transform.slice(1));
  const colours = [...colourText].map(Number);
  const isPermutation = colours.length === 10 && colours[0] === 0 && [...colours].sort().join('') === '0123456789';
  if (!/^t[0-7]$/.test(transform) || !isPermutation) throw new Error(`'${name}' is not an ARC version name (<task>|||t<0-7>|||<colour map>)`);
  return { taskId, dihedralId: dihedralId as DihedralId, colours, name };
}

/** Official `dihedral_transform` (numpy rot90 / fliplr / flipud / .T semantics). */
export function dihedral(grid: Grid, id: DihedralId): Grid {
  return mapGrid(grid, id, IDENTITY_COLOURS);
}

/** Colours first, then the dihedral transform (official order). */
export function transformGrid(grid: Grid, version: ArcVersion): Grid {
  return mapGrid(grid, version.dihedralId, version.colours);
}

/** Exact inverse of transformGrid: inverse dihedral, then inverse colour map. */
export function inverseTransformGrid(grid: Grid, version: ArcVersion): Grid {
  const inverseColours: number[] = [];
  version.colours.forEach((to, from) => { inverseColours[to] = from; });
  return mapGrid(grid, DIHEDRAL_INVERSE[version.dihedralId], inverseColours);
}

/** Recolours and transforms; colour mapping commutes with moving cells, so the order does not matter here. */
function mapGrid(grid: Grid, id: DihedralId, colours: number[]): Grid {
  const rows = gridRows(grid);
  const cols = gridCols(grid);
  const { outRows, outCols, source } = dihedralIndices(id, rows, cols);
  const out: Grid = [];
  for (let i = 0; i < outRows; i++) {
    const row: number[] = new Array(outCols);
    for (let j = 0; j < outCols; j++) {
      const from = source[i * outCols + j];
      row[j] = colours[grid[Math.floor(from / cols)][from % cols]];
    }
    out.push(row);
  }
  return out;
}

/** For transform `id` of a rows×cols grid: the output shape and, per output cell (row-major), the input cell
 *  it comes from (row-major). Cached: there are at most 8 × 30 × 30 of them. */
function dihedralIndices(id: DihedralId, rows: number, cols: number): { outRows: number; outCols: number; source: Int32Array } {
  const key = (id * 31 + rows) * 31 + cols;
  const cached = indexCache.get(key);
  if (cached) return cached;
  const swapsSides = id === 1 || id === 3 || id === 6 || id === 7;
  const outRows = swapsSides ? cols : rows;
  const outCols = swapsSides ? rows : cols;
  const source = new Int32Array(outRows * outCols);
  for (let i = 0; i < outRows; i++) {
    for (let j = 0; j < outCols; j++) {
      const [r, c] = sourceCell(id, rows, cols, i, j);
      source[i * outCols + j] = r * cols + c;
    }
  }
  const entry = { outRows, outCols, source };
  indexCache.set(key, entry);
  return entry;
}
const indexCache = new Map<number, { outRows: number; outCols: number; source: Int32Array }>();

/** For output cell (i, j) of transform `id` on a rows×cols grid, the input cell it comes from. */
function sourceCell(id: DihedralId, rows: number, cols: number, i: number, j: number): [number, number] {
  switch (id) {
    case 0: return [i, j];
    case 1: return [j, cols - 1 - i];
    case 2: return [rows - 1 - i, cols - 1 - j];
    case 3: return [rows - 1 - j, i];
    case 4: return [i, cols - 1 - j];
    case 5: return [rows - 1 - i, j];
    case 6: return [j, i];
    case 7: return [rows - 1 - j, cols - 1 - i];
  }
}

/** Official `puzzle_hash`: the sorted set of (input, output) grid hashes over every pair of the task. */
export function puzzleHash(task: ArcTask, version: ArcVersion): string {
  return versionHasher(task)(version);
}

/** puzzleHash for many versions of one task: grids are flattened once and hashed without building them. */
function versionHasher(task: ArcTask): (version: ArcVersion) => string {
  const flatten = (grid: Grid) => ({ rows: gridRows(grid), cols: gridCols(grid), cells: Uint8Array.from(grid.flat()) });
  const pairs = [...task.train, ...task.test].map((pair) => ({ input: flatten(pair.input), output: pair.output ? flatten(pair.output) : undefined }));
  const buffer = new Uint8Array(ARC_MAX_SIDE * ARC_MAX_SIDE);
  const hashOf = (grid: { rows: number; cols: number; cells: Uint8Array }, version: ArcVersion): string => {
    const { outRows, outCols, source } = dihedralIndices(version.dihedralId, grid.rows, grid.cols);
    for (let k = 0; k < source.length; k++) buffer[k] = version.colours[grid.cells[source[k]]];
    return hashCells(outRows, outCols, buffer);
  };
  return (version) => pairs.map((pair) => `${hashOf(pair.input, version)}|${pair.output ? hashOf(pair.output, version) : ''}`).sort().join('|');
}

/**
 * The original plus up to `count` distinct random versions (official `convert_single_arc_puzzle`): at most
 * 5·count tries; a try that reproduces an existing version's grids (e.g. a permutation of unused colours) is
 * dropped, so tasks with few colours or symmetric grids may get fewer.
 */
export function augmentVersions(task: ArcTask, count: number, rng: Rng): ArcVersion[] {
  const versions = [originalVersion(task.id)];
  if (count <= 0) return versions;
  const hashOf = versionHasher(task);
  const seen = new Set([hashOf(versions[0])]);
  for (let trial = 0; trial < 5 * count && versions.length < count + 1; trial++) {
    const dihedralId = rng.int(0, 7) as DihedralId;
    const colours = [0, ...rng.shuffle([1, 2, 3, 4, 5, 6, 7, 8, 9])];
    const version = makeVersion(task.id, dihedralId, colours);
    const hash = hashOf(version);
    if (seen.has(hash)) continue;
    seen.add(hash);
    versions.push(version);
  }
  return versions;
}
