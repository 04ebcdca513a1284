// ARC in the official TRM folder layout (spec §5.1/§5.5): `buildArcDataset` writes it (so a run can move to the
// official PyTorch code), and `openOfficialArcVoting` gives the evaluator what such a folder holds for voting:
// identifiers.json names → inverse transforms, test_puzzles.json → answers.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy, toNumbers } from '../../common/npy.ts';
import { officialMetadata, writeOfficialDataset, type OfficialSplit } from '../official-format.ts';
import { loadArcSubsets } from './arc-task.ts';
import { composeArc, type ArcSplit } from './compose.ts';
import { ARC_VOCAB_SIZE } from './encode.ts';
import type { ArcTask } from './grid.ts';
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

/** Writes the official folder and returns a short human-readable summary. */
export function buildArcDataset(options: ArcBuildOptions): string {
  const { subsets, errors } = loadArcSubsets({ subsets: options.subsets, testSet: options.testSet, tasks: options.tasks ?? '' });
  const dataset = composeArc(subsets, { testSet: options.testSet, augmentations: options.augmentations, seed: options.seed, canvas: options.canvas ?? 30, translate: true });
  const numPuzzleIdentifiers = dataset.identifiers.length;
  const official = (split: ArcSplit): OfficialSplit => ({
    inputs: split.inputs,
    labels: split.labels,
    puzzleIdentifiers: split.puzzleIdentifiers,
    puzzleIndices: split.puzzleIndices,
    groupIndices: split.groupIndices,
    metadata: officialMetadata({ vocabSize: ARC_VOCAB_SIZE, seqLen: dataset.seqLen, numPuzzleIdentifiers, puzzleIndices: split.puzzleIndices, groupIndices: split.groupIndices }),
  });
  writeOfficialDataset(options.out, {
    train: official(dataset.train),
    test: official(dataset.test),
    identifiers: dataset.identifiers,
    testPuzzles: Object.fromEntries(dataset.testTasks.map((task) => [task.id, { train: task.train, test: task.test }])),
  });
  const rows = (split: ArcSplit): number => split.inputs.length / dataset.seqLen;
  return [
    `wrote ${options.out}: canvas ${dataset.canvas}×${dataset.canvas}, ${numPuzzleIdentifiers} identifiers`,
    `train: ${dataset.train.groupIndices.length - 1} tasks, ${dataset.train.puzzleIdentifiers.length} versions, ${rows(dataset.train)} examples`,
    `test: ${dataset.testTasks.length} tasks, ${dataset.test.puzzleIdentifiers.length} versions, ${rows(dataset.test)} examples`,
    ...dataset.warnings.map((w) => `warning: ${w}`),
    ...errors.map((e) => `skipped: ${formatArcTaskError(e)}`),
  ].join('\n');
}

/** What voting needs from an official ARC folder, without reading its token arrays. */
export interface OfficialArcVoting {
  /** The held-out tasks from test_puzzles.json. */
  tasks: ArcTask[];
  /** Version name (identifiers.json) of each test-split example row. */
  versionNameOfRow(row: number): string;
  /** Votes predictions keyed 'test/<row>' (the official TaskData's keys) or by version name. */
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
  return {
    tasks,
    versionNameOfRow,
    vote: (predictions) => voteArc(predictions.map((p) => {
      const row = /^test\/(\d+)$/.exec(p.key);
      return row ? { ...p, key: versionNameOfRow(Number(row[1])) } : p;
    }), tasks),
  };
}
