// Composition of an ARC training set (spec §5.5): which pairs go to the train and test splits, the augmented
// versions of every task, their puzzle identifiers, and the encoded example rows in the official hierarchy
// (group = task, puzzle = version, example = pair). The TaskData and the official-format build both use it.
import { Rng } from '../../common/rng.ts';
import type { PuzzleHierarchy } from '../hierarchy.ts';
import { augmentVersions, transformGrid, type ArcVersion } from './augment.ts';
import { randomOffset, smallestCanvas, tasksTooLarge, writeGrid, type CanvasOffset } from './encode.ts';
import { gridHash, type ArcTask, type Grid } from './grid.ts';
import { arcRowKey } from './voting.ts';

export interface ArcSubset {
  name: string;
  tasks: ArcTask[];
}

export interface ArcComposeOptions {
  /** The subset whose test pairs are held out; its demonstration pairs still train (test-time training). */
  testSet: string;
  /** Augmented versions per task besides the original (official 1000). */
  augmentations: number;
  seed: number;
  /** Canvas side; 0 = the smallest that fits every task plus the EOS border (see smallestCanvas). */
  canvas: number;
  /** Random placement of training pairs (one example per version stays at (0, 0)); test pairs never move. */
  translate: boolean;
}

/** One split in the official CSR layout, with a key per example row saying where it came from. */
export interface ArcSplit extends PuzzleHierarchy {
  inputs: Uint8Array;
  labels: Uint8Array;
  /** arcRowKey per row; the pair index counts the split's pairs of that task (test index in the test split). */
  rowKeys: string[];
}

export interface ArcDataset {
  canvas: number;
  seqLen: number;
  /** Index = puzzle identifier; 0 is "<blank>", then one per (task, version), shared by both splits. */
  identifiers: string[];
  train: ArcSplit;
  test: ArcSplit;
  /** The held-out tasks as loaded (with answers where known): the voting reference and test_puzzles.json. */
  testTasks: ArcTask[];
  warnings: string[];
}

export const BLANK_IDENTIFIER = '<blank>';

/** A task's pairs per split and its versions, before encoding. */
interface ComposedGroup {
  task: ArcTask;
  trainPairs: { input: Grid; output?: Grid }[];
  testPairs: { input: Grid; output?: Grid }[];
  versions: ArcVersion[];
  firstIdentifier: number;
}

/** The tasks a composition uses (one copy per id, leak warnings) and the canvas they fit; throws when a grid
 *  does not fit the requested canvas. Shared by composeArc and the streaming builder. */
export function selectTasksAndCanvas(subsets: ArcSubset[], options: Pick<ArcComposeOptions, 'testSet' | 'canvas'>): { warnings: string[]; tasks: { task: ArcTask; held: boolean }[]; canvas: number } {
  const warnings = leakWarnings(subsets.map((s) => s.name), options.testSet);
  let tasks = uniqueTasks(subsets, options.testSet, warnings);
  const canvas = options.canvas > 0 ? options.canvas : smallestCanvas(tasks.map((t) => t.task));
  const listed = (ids: string[]) => `${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}`;
  const tooLarge = tasksTooLarge(tasks.filter((t) => t.held).map((t) => t.task), canvas);
  if (tooLarge.length > 0)
    throw new Error(`${tooLarge.length} task(s) have grids larger than the ${canvas}×${canvas} canvas (${listed(tooLarge)}); use a larger canvas or canvas 0`);
  // A chosen canvas filters the training-only tasks: "train on every training task that fits 8×8" is a choice.
  const skipped = new Set(tasksTooLarge(tasks.map((t) => t.task), canvas));
  if (skipped.size > 0) {
    warnings.push(`${skipped.size} training-only task(s) have grids larger than the ${canvas}×${canvas} canvas and are left out (${listed([...skipped])})`);
    tasks = tasks.filter((t) => !skipped.has(t.task.id));
  }
  if (tasks.length === 0) throw new Error(`no task fits the ${canvas}×${canvas} canvas`);
  return { warnings, tasks, canvas };
}

export function composeArc(subsets: ArcSubset[], options: ArcComposeOptions): ArcDataset {
  const { warnings, tasks, canvas } = selectTasksAndCanvas(subsets, options);

  const problem = splitSizeProblem(tasks, options.augmentations, canvas * canvas);
  if (problem) throw new Error(problem);

  const rng = new Rng(options.seed);
  const groups: ComposedGroup[] = [];
  const identifiers = [BLANK_IDENTIFIER];
  for (const { task, held } of tasks) {
    const versions = augmentVersions(task, options.augmentations, rng);
    // Pairs without an answer cannot train; held-out pairs keep them (their labels are all ignored).
    const trainPairs = held ? task.train : [...task.train, ...task.test.filter((pair) => pair.output)];
    groups.push({ task, trainPairs, testPairs: held ? task.test : [], versions, firstIdentifier: identifiers.length });
    identifiers.push(...versions.map((v) => v.name));
  }
  warnings.push(...pairOverlapWarnings(groups));

  const encodeRng = rng.fork();
  return {
    canvas,
    seqLen: canvas * canvas,
    identifiers,
    train: encodeSplit(groups, 'trainPairs', canvas, options.translate ? encodeRng : null),
    test: encodeSplit(groups.filter((g) => g.testPairs.length > 0), 'testPairs', canvas, null),
    testTasks: tasks.filter((t) => t.held).map((t) => t.task),
    warnings,
  };
}

/** Every task once, in subset order; a task id seen twice keeps the test set's copy (else the first). */
/** One copy per task id (the held-out subset's copy wins), with a warning per duplicate. */
export function uniqueTasks(subsets: ArcSubset[], testSet: string, warnings: string[]): { task: ArcTask; held: boolean }[] {
  const chosen = new Map<string, { task: ArcTask; held: boolean; subset: string }>();
  for (const subset of subsets) {
    for (const task of subset.tasks) {
      const held = subset.name === testSet;
      const previous = chosen.get(task.id);
      if (previous) {
        const keep = held ? subset.name : previous.subset;
        warnings.push(`task ${task.id} is in both '${previous.subset}' and '${subset.name}'; using the copy from '${keep}'`);
        if (!held) continue;
      }
      chosen.set(task.id, { task, held, subset: subset.name });
    }
  }
  return [...chosen.values()];
}

/** Token arrays are held in memory (inputs + labels, one byte per token); refuse what cannot fit. */
export const MAX_SPLIT_BYTES = 2 ** 31;

function splitSizeProblem(tasks: { task: ArcTask; held: boolean }[], augmentations: number, seqLen: number): string | null {
  const rows = tasks.reduce((sum, { task }) => sum + task.train.length + task.test.length, 0) * (1 + Math.max(0, augmentations));
  const bytes = 2 * rows * seqLen;
  if (bytes <= MAX_SPLIT_BYTES) return null;
  return `the ARC dataset would hold up to ${rows.toLocaleString('en')} examples × ${seqLen} tokens (${(bytes / 2 ** 30).toFixed(1)} GiB for inputs and labels), above the in-memory limit of ${MAX_SPLIT_BYTES / 2 ** 30} GiB; use fewer augmentations, fewer tasks or a smaller canvas`;
}

/** Rows for one split: every version of every group, its pairs transformed and encoded. */
function encodeSplit(groups: ComposedGroup[], pairsOf: 'trainPairs' | 'testPairs', canvas: number, translateRng: Rng | null): ArcSplit {
  const seqLen = canvas * canvas;
  const rowCount = groups.reduce((sum, g) => sum + g.versions.length * g[pairsOf].length, 0);
  const puzzleCount = groups.reduce((sum, g) => sum + g.versions.length, 0);
  const split: ArcSplit = {
    seqLen,
    inputs: new Uint8Array(rowCount * seqLen),
    labels: new Uint8Array(rowCount * seqLen),
    puzzleIdentifiers: new Int32Array(puzzleCount),
    puzzleIndices: new Int32Array(puzzleCount + 1),
    groupIndices: new Int32Array(groups.length + 1),
    rowKeys: [],
  };
  let row = 0;
  let puzzle = 0;
  groups.forEach((group, g) => {
    const pairs = group[pairsOf];
    group.versions.forEach((version, v) => {
      // Official: per version one randomly chosen example stays at (0, 0), the others are translated.
      const untranslated = translateRng ? translateRng.int(0, pairs.length - 1) : -1;
      pairs.forEach((pair, p) => {
        const input = transformGrid(pair.input, version);
        const output = pair.output ? transformGrid(pair.output, version) : undefined;
        const grids = output ? [input, output] : [input];
        const at: CanvasOffset = translateRng && p !== untranslated ? randomOffset(translateRng, grids, canvas) : { row: 0, col: 0 };
        writeGrid(split.inputs, row * seqLen, input, canvas, at);
        if (output) writeGrid(split.labels, row * seqLen, output, canvas, at);
        split.rowKeys.push(arcRowKey(group.task.id, p, version.name));
        row++;
      });
      split.puzzleIdentifiers[puzzle] = group.firstIdentifier + v;
      split.puzzleIndices[++puzzle] = row;
    });
    split.groupIndices[g + 1] = puzzle;
  });
  return split;
}

/** Known overlaps between the shared subsets (data README) that leak test answers into training. */
export function leakWarnings(subsets: string[], testSet: string): string[] {
  const has = (name: string): boolean => subsets.includes(name) && name !== testSet;
  const warnings: string[] = [];
  if ((testSet === 'evaluation' || testSet === 'training') && has('training2'))
    warnings.push(`ARC-AGI-2 'training2' contains ARC-AGI-1 tasks (376 evaluation, 391 training ids, same pairs): training on it leaks the '${testSet}' answers`);
  if (testSet === 'evaluation' && has('training'))
    warnings.push("ARC-AGI-1 training 40853293 and evaluation 070dd51e are the same task: its 'evaluation' answer is seen in training");
  if (testSet === 'training' && has('evaluation'))
    warnings.push("ARC-AGI-1 evaluation 070dd51e and training 40853293 are the same task: its 'training' answer is seen in training");
  if (testSet === 'evaluation2' && has('evaluation'))
    warnings.push("ARC-AGI-2 evaluation 0934a4d8, 136b0064, 16b78196, 981571dc, aa4ec2a5, da515329 exist in ARC-AGI-1 'evaluation' in a changed form, and db695cfb shares a pair with 55783887");
  if (testSet === 'evaluation' && has('evaluation2'))
    warnings.push("ARC-AGI-1 evaluation 0934a4d8, 136b0064, 16b78196, 981571dc, aa4ec2a5, da515329 reappear in 'evaluation2' in a changed form");
  return warnings;
}

/** Held-out pairs whose exact (input, output) also appears among the training pairs of another task. */
export function pairOverlapWarnings(groups: Pick<ComposedGroup, 'task' | 'trainPairs' | 'testPairs'>[]): string[] {
  const pairKey = (pair: { input: Grid; output?: Grid }): string => `${gridHash(pair.input)}|${pair.output ? gridHash(pair.output) : ''}`;
  const trainedBy = new Map<string, string>();
  for (const group of groups) for (const pair of group.trainPairs) trainedBy.set(pairKey(pair), group.task.id);
  const leaks: string[] = [];
  for (const group of groups) {
    group.testPairs.forEach((pair, index) => {
      const other = pair.output ? trainedBy.get(pairKey(pair)) : undefined;
      if (other !== undefined && other !== group.task.id) leaks.push(`${group.task.id} test[${index}] (= ${other})`);
    });
  }
  if (leaks.length === 0) return [];
  return [`${leaks.length} held-out pair(s) also appear in training: ${leaks.slice(0, 5).join(', ')}${leaks.length > 5 ? ', …' : ''}`];
}

/** Bytes of the puzzle-embedding table: one float32 row of puzzleEmbDim per identifier. */
export function identifierTableBytes(numIdentifiers: number, puzzleEmbDim: number): number {
  return numIdentifiers * puzzleEmbDim * 4;
}

/** At most this many identifiers for `taskCount` tasks (dedupe can only lower it): blank + (1 + augmentations) each. */
export function maxArcIdentifiers(taskCount: number, augmentations: number): number {
  return 1 + taskCount * (1 + Math.max(0, augmentations));
}

/** A refusal message when the identifier table would exceed `limitBytes` (null = fine); call before a run. */
export function identifierTableProblem(numIdentifiers: number, puzzleEmbDim: number, limitBytes: number): string | null {
  const bytes = identifierTableBytes(numIdentifiers, puzzleEmbDim);
  if (bytes <= limitBytes) return null;
  const mib = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MiB`;
  return `the puzzle-embedding table needs ${numIdentifiers.toLocaleString('en')} identifiers × ${puzzleEmbDim} × 4 bytes = ${mib(bytes)}, above the limit of ${mib(limitBytes)}; use fewer augmentations, fewer tasks or a smaller puzzleEmbDim`;
}
