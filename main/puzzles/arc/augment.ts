// ARC augmentation (spec §5.5, official `aug` / `inverse_aug`): a version of a task is a colour permutation that
// keeps 0 (black) fixed, followed by one of the 8 dihedral transforms, applied to every grid of the task.
// The version's name `<task_id>|||t<tid>|||<10-digit colour map>` is enough to invert it at evaluation time.
import type { Rng } from '../../common/rng.ts';
import { gridCols, gridHash, gridRows, type ArcTask, type Grid } from './grid.ts';

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
  const rows = gridRows(grid);
  const cols = gridCols(grid);
  const swapsSides = id === 1 || id === 3 || id === 6 || id === 7;
  const outRows = swapsSides ? cols : rows;
  const outCols = swapsSides ? rows : cols;
  const source = sourceCell(id, rows, cols);
  return Array.from({ length: outRows }, (_, i) => Array.from({ length: outCols }, (_, j) => {
    const [r, c] = source(i, j);
    return grid[r][c];
  }));
}

/** For output cell (i, j) of transform `id` on a rows×cols grid, the input cell it comes from. */
function sourceCell(id: DihedralId, rows: number, cols: number): (i: number, j: number) => [number, number] {
  switch (id) {
    case 0: return (i, j) => [i, j];
    case 1: return (i, j) => [j, cols - 1 - i];
    case 2: return (i, j) => [rows - 1 - i, cols - 1 - j];
    case 3: return (i, j) => [rows - 1 - j, i];
    case 4: return (i, j) => [i, cols - 1 - j];
    case 5: return (i, j) => [rows - 1 - i, j];
    case 6: return (i, j) => [j, i];
    case 7: return (i, j) => [rows - 1 - j, cols - 1 - i];
  }
}

const mapColours = (grid: Grid, colours: number[]): Grid => grid.map((row) => row.map((cell) => colours[cell]));

/** Colours first, then the dihedral transform (official order). */
export function transformGrid(grid: Grid, version: ArcVersion): Grid {
  return dihedral(mapColours(grid, version.colours), version.dihedralId);
}

/** Exact inverse of transformGrid: inverse dihedral, then inverse colour map. */
export function inverseTransformGrid(grid: Grid, version: ArcVersion): Grid {
  const inverseColours: number[] = [];
  version.colours.forEach((to, from) => { inverseColours[to] = from; });
  return mapColours(dihedral(grid, DIHEDRAL_INVERSE[version.dihedralId]), inverseColours);
}

/** Official `puzzle_hash`: the sorted set of (input, output) grid hashes over every pair of the task. */
export function puzzleHash(task: ArcTask, version: ArcVersion): string {
  const pairs = [...task.train, ...task.test].map((pair) =>
    `${gridHash(transformGrid(pair.input, version))}|${pair.output ? gridHash(transformGrid(pair.output, version)) : ''}`);
  return pairs.sort().join('|');
}

/**
 * The original plus up to `count` distinct random versions (official `convert_single_arc_puzzle`): at most
 * 5·count tries; a try that reproduces an existing version's grids (e.g. a permutation of unused colours) is
 * dropped, so tasks with few colours or symmetric grids may get fewer.
 */
export function augmentVersions(task: ArcTask, count: number, rng: Rng): ArcVersion[] {
  const versions = [originalVersion(task.id)];
  if (count <= 0) return versions;
  const seen = new Set([puzzleHash(task, versions[0])]);
  for (let trial = 0; trial < 5 * count && versions.length < count + 1; trial++) {
    const dihedralId = rng.int(0, 7) as DihedralId;
    const colours = [0, ...rng.shuffle([1, 2, 3, 4, 5, 6, 7, 8, 9])];
    const version = makeVersion(task.id, dihedralId, colours);
    const hash = puzzleHash(task, version);
    if (seen.has(hash)) continue;
    seen.add(hash);
    versions.push(version);
  }
  return versions;
}
