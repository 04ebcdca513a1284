// ARC in the official TRM folder layout (spec §5.1/§5.5): `buildArcDataset` writes it, streamed (so a run, even the
// paper-scale one, can move to the official PyTorch code), and `openOfficialArcVoting` gives the evaluator what
// such a folder holds for voting: identifiers.json names → inverse transforms, test_puzzles.json → answers.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy, toNumbers } from '../../common/npy.ts';
import { loadArcSubsets } from './arc-task.ts';
import type { ArcTask } from './grid.ts';
import { checkOutputFolder, planArc, writeArcFolder, type StreamHooks } from './stream-build.ts';
import { formatArcTaskError, validateArcTask } from './validate.ts';
import { voteArc, type ArcPrediction, type ArcVoteResult } from './voting.ts';

export interface ArcBuildOptions {
  subsets: string[];
  testSet: string;
  /** Custom task folder or comma-separated files (the subset 'custom'). */
  tasks?: string;
  augmentations: number;
  seed: number;
  out: string;
  /** Canvas side; default 30 (official); 0 = smallest that fits. */
  canvas?: number;
}

/**
 * Writes the official folder, streamed (stream-build.ts) so any size fits in memory, and returns a short
 * human-readable summary. A failure or an abort leaves nothing under `out`.
 */
export async function buildArcDataset(options: ArcBuildOptions, hooks: StreamHooks = {}): Promise<string> {
  const started = performance.now();
  checkOutputFolder(options.out);
  const { subsets, errors } = loadArcSubsets({ subsets: options.subsets, testSet: options.testSet, tasks: options.tasks ?? '' });
  const plan = await planArc(subsets, { testSet: options.testSet, augmentations: options.augmentations, seed: options.seed, canvas: options.canvas ?? 30, translate: true }, hooks);
  const { bytes } = await writeArcFolder(options.out, plan, hooks);
  const numPuzzleIdentifiers = plan.identifiers.length;
  return [
    `wrote ${options.out}: canvas ${plan.canvas}×${plan.canvas}, ${numPuzzleIdentifiers} identifiers, ${(bytes / 2 ** 30).toFixed(2)} GiB in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    `train: ${plan.train.groupIndices.length - 1} tasks, ${plan.train.puzzleIdentifiers.length} versions, ${plan.train.rows} examples`,
    `test: ${plan.testTasks.length} tasks, ${plan.test.puzzleIdentifiers.length} versions, ${plan.test.rows} examples`,
    ...plan.warnings.map((w) => `warning: ${w}`),
    ...errors.map((e) => `skipped: ${formatArcTaskError(e)}`),
  ].join('\n');
}

/** What voting needs from an official ARC folder, without reading its token arrays. */
export interface OfficialArcVoting {
  /** The held-out tasks from test_puzzles.json. */
  tasks: ArcTask[];
  /** Version name (identifiers.json) of each test-split example row. */
  versionNameOfRow(row: number): string;
  /** The key voting understands for a prediction's key: 'test/<row>' (the official TaskData's keys) becomes the
   *  row's version name; other keys are kept. */
  voteKey(key: string): string;
  /** Votes predictions keyed 'test/<row>' or by version name. */
  vote(predictions: ArcPrediction[]): ArcVoteResult;
}

export function openOfficialArcVoting(dir: string): OfficialArcVoting {
  const readJson = (name: string): unknown => {
    const path = join(dir, name);
    if (!existsSync(path)) throw new Error(`${path} is missing: voting needs it (build the folder with 'trm data build arc')`);
    return JSON.parse(readFileSync(path, 'utf8'));
  };
  const identifiers = readJson('identifiers.json') as string[];
  const rawTasks = readJson('test_puzzles.json') as Record<string, unknown>;
  const tasks = Object.entries(rawTasks).map(([id, raw]) => {
    const { task, errors } = validateArcTask(raw, join(dir, 'test_puzzles.json'), id);
    if (!task) throw new Error(errors.map(formatArcTaskError).join('\n'));
    return task;
  });
  const puzzleIdentifiers = toNumbers(readNpy(join(dir, 'test', 'all__puzzle_identifiers.npy')));
  const puzzleIndices = toNumbers(readNpy(join(dir, 'test', 'all__puzzle_indices.npy')));
  const identifierOfRow: number[] = [];
  puzzleIdentifiers.forEach((identifier, p) => {
    for (let row = puzzleIndices[p]; row < puzzleIndices[p + 1]; row++) identifierOfRow[row] = identifier;
  });
  const versionNameOfRow = (row: number): string => {
    const name = identifiers[identifierOfRow[row]];
    if (name === undefined) throw new Error(`test row ${row} has no identifier in ${dir}`);
    return name;
  };
  const voteKey = (key: string): string => {
    const row = /^test\/(\d+)$/.exec(key);
    return row ? versionNameOfRow(Number(row[1])) : key;
  };
  return {
    tasks,
    versionNameOfRow,
    voteKey,
    vote: (predictions) => voteArc(predictions.map((p) => ({ ...p, key: voteKey(p.key) })), tasks),
  };
}
