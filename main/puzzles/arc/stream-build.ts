// The ARC export in the official folder layout (spec §5.1/§5.5), streamed so the paper-scale build (ARC-AGI-1
// with 1000 augmentations: ≈4M rows × 900 tokens, ≈7.4 GB) needs little memory. First the plan: tasks, their
// versions, identifiers and the small index arrays, so every row count is known; then the rows, encoded task by
// task and appended to the token files. Byte for byte what composeArc + writeOfficialDataset give for the same
// options (composeArc is the in-memory twin the ARC TaskData trains from; the test compares the two).
// Everything is written into a hidden sibling folder that is renamed to the real name only when complete.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ExpectedError } from '../../common/errors.ts';
import { writeNpy } from '../../common/npy.ts';
import { NpyFileWriter } from '../../common/npy-stream.ts';
import { Rng } from '../../common/rng.ts';
import { yieldToEventLoop } from '../../common/slices.ts';
import { hierarchyProblems } from '../hierarchy.ts';
import { officialMetadata } from '../official-format.ts';
import { augmentVersions, transformGrid, type ArcVersion } from './augment.ts';
import { BLANK_IDENTIFIER, pairOverlapWarnings, selectTasksAndCanvas, type ArcComposeOptions, type ArcSubset } from './compose.ts';
import { ARC_VOCAB_SIZE, randomOffset, writeGrid, type CanvasOffset } from './encode.ts';
import type { ArcTask, Grid } from './grid.ts';

/** A failure the user can act on (reported as one line by the CLI). */
export class ArcBuildError extends ExpectedError {
  constructor(message: string) {
    super(message, { code: 'conflict' }); // the API's code for it before ExpectedError
    this.name = 'ArcBuildError';
  }
}

type Pair = { input: Grid; output?: Grid };

interface PlannedGroup {
  task: ArcTask;
  trainPairs: Pair[];
  testPairs: Pair[];
  versions: ArcVersion[];
  firstIdentifier: number;
}

/** One split before its rows exist: which groups and pairs, and its (small) index arrays. */
export interface PlannedSplit {
  groups: PlannedGroup[];
  pairsOf: 'trainPairs' | 'testPairs';
  rows: number;
  puzzleIdentifiers: Int32Array;
  puzzleIndices: Int32Array;
  groupIndices: Int32Array;
}

export interface ArcPlan {
  canvas: number;
  seqLen: number;
  identifiers: string[];
  train: PlannedSplit;
  test: PlannedSplit;
  /** Draws the training translations, in row order (composeArc's encode stream). */
  translateRng: Rng | null;
  testTasks: ArcTask[];
  warnings: string[];
}

export interface StreamHooks {
  /** Aborting stops the build at the next chunk; the partial folder is removed. */
  signal?: AbortSignal;
  /** Occasional human-readable progress lines. */
  onProgress?: (message: string) => void;
}

/** Same composition (and random draws, in the same order) as composeArc, without encoding any row. */
export async function planArc(subsets: ArcSubset[], options: ArcComposeOptions, hooks: StreamHooks = {}): Promise<ArcPlan> {
  let selected: ReturnType<typeof selectTasksAndCanvas>;
  try {
    selected = selectTasksAndCanvas(subsets, options);
  } catch (error) {
    throw new ArcBuildError((error as Error).message);
  }
  const { warnings, tasks, canvas } = selected;

  const rng = new Rng(options.seed);
  const groups: PlannedGroup[] = [];
  const identifiers = [BLANK_IDENTIFIER];
  let lastReport = performance.now();
  for (const [index, { task, held }] of tasks.entries()) {
    const versions = augmentVersions(task, options.augmentations, rng);
    // Pairs without an answer cannot train; held-out pairs keep them (their labels are all ignored).
    const trainPairs = held ? task.train : [...task.train, ...task.test.filter((pair) => pair.output)];
    groups.push({ task, trainPairs, testPairs: held ? task.test : [], versions, firstIdentifier: identifiers.length });
    for (const version of versions) identifiers.push(version.name);
    if (performance.now() - lastReport > 5000) {
      hooks.onProgress?.(`augmenting: ${index + 1} of ${tasks.length} tasks`);
      lastReport = performance.now();
    }
    if (index % 20 === 19) await breathe(hooks.signal);
  }
  warnings.push(...pairOverlapWarnings(groups));
  return {
    canvas,
    seqLen: canvas * canvas,
    identifiers,
    train: planSplit(groups, 'trainPairs'),
    test: planSplit(groups.filter((g) => g.testPairs.length > 0), 'testPairs'),
    translateRng: options.translate ? rng.fork() : null,
    testTasks: tasks.filter((t) => t.held).map((t) => t.task),
    warnings,
  };
}

function planSplit(groups: PlannedGroup[], pairsOf: PlannedSplit['pairsOf']): PlannedSplit {
  const puzzleCount = groups.reduce((sum, g) => sum + g.versions.length, 0);
  const split: PlannedSplit = { groups, pairsOf, rows: 0, puzzleIdentifiers: new Int32Array(puzzleCount), puzzleIndices: new Int32Array(puzzleCount + 1), groupIndices: new Int32Array(groups.length + 1) };
  let puzzle = 0;
  groups.forEach((group, g) => {
    group.versions.forEach((_, v) => {
      split.rows += group[pairsOf].length;
      split.puzzleIdentifiers[puzzle] = group.firstIdentifier + v;
      split.puzzleIndices[++puzzle] = split.rows;
    });
    split.groupIndices[g + 1] = puzzle;
  });
  return split;
}

const SPLITS = ['train', 'test'] as const;
const NPY_HEADER_BYTES = 128; // generous: every header here is 64 or 128 bytes

/** Bytes the folder will take (token arrays dominate), for the free-space check and the summary. */
export function plannedBytes(plan: ArcPlan, testPuzzlesJson: string): number {
  let bytes = plan.identifiers.reduce((sum, name) => sum + name.length + 3, 2) + testPuzzlesJson.length;
  for (const name of SPLITS) {
    const split = plan[name];
    bytes += 2 * split.rows * plan.seqLen + 4 * (2 * split.puzzleIdentifiers.length + split.groupIndices.length + 1) + 5 * NPY_HEADER_BYTES + 1024;
  }
  return bytes;
}

/** Refuses, before any work, an output path the build must not replace: a file, or a folder holding something
 *  other than an official dataset (an existing dataset is replaced only once the new one is complete). */
export function checkOutputFolder(out: string): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new ArcBuildError(`${out} exists and is not a folder; choose another --out`);
  const isDataset = existsSync(join(out, 'identifiers.json')) || existsSync(join(out, 'train', 'dataset.json'));
  if (!isDataset && readdirSync(out).length > 0)
    throw new ArcBuildError(`${out} exists and is not a dataset folder (no identifiers.json); choose another --out or empty it`);
}

const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

/** Writes the planned folder at `out` (replacing an earlier dataset there only once the new one is complete). */
export async function writeArcFolder(out: string, plan: ArcPlan, hooks: StreamHooks = {}): Promise<{ bytes: number }> {
  out = resolve(out);
  checkOutputFolder(out);
  for (const name of SPLITS) {
    const split = plan[name];
    const problems = hierarchyProblems({ seqLen: 1, inputs: { length: split.rows }, labels: { length: split.rows }, puzzleIdentifiers: split.puzzleIdentifiers, puzzleIndices: split.puzzleIndices, groupIndices: split.groupIndices });
    if (problems.length > 0) throw new ArcBuildError(`refusing to write an invalid dataset to ${out}:\n  ${problems.map((p) => `${name}: ${p}`).join('\n  ')}`);
  }
  const testPuzzlesJson = JSON.stringify(Object.fromEntries(plan.testTasks.map((task) => [task.id, { train: task.train, test: task.test }])));
  const bytes = plannedBytes(plan, testPuzzlesJson);
  const parent = dirname(out);
  try {
    mkdirSync(parent, { recursive: true });
  } catch (error) {
    throw new ArcBuildError(`cannot create ${parent}: ${(error as Error).message}`);
  }
  const available = freeBytes(parent);
  if (available !== null && available < bytes)
    throw new ArcBuildError(`the dataset needs ${gib(bytes)} but only ${gib(available)} is free under ${parent}; free some space, choose another --out, or use fewer augmentations`);

  const partial = join(parent, `.${basename(out)}.partial-${process.pid}`);
  rmSync(partial, { recursive: true, force: true });
  try {
    mkdirSync(partial);
    writeFileSync(join(partial, 'identifiers.json'), JSON.stringify(plan.identifiers));
    writeFileSync(join(partial, 'test_puzzles.json'), testPuzzlesJson);
    const progress = progressReporter(plan, hooks.onProgress);
    for (const name of SPLITS) {
      const split = plan[name];
      const dir = join(partial, name);
      mkdirSync(dir);
      const metadata = officialMetadata({ vocabSize: ARC_VOCAB_SIZE, seqLen: plan.seqLen, numPuzzleIdentifiers: plan.identifiers.length, puzzleIndices: split.puzzleIndices, groupIndices: split.groupIndices });
      writeFileSync(join(dir, 'dataset.json'), JSON.stringify(metadata));
      writeNpy(join(dir, 'all__puzzle_identifiers.npy'), { dtype: 'int32', shape: [split.puzzleIdentifiers.length], data: split.puzzleIdentifiers });
      writeNpy(join(dir, 'all__puzzle_indices.npy'), { dtype: 'int32', shape: [split.puzzleIndices.length], data: split.puzzleIndices });
      writeNpy(join(dir, 'all__group_indices.npy'), { dtype: 'int32', shape: [split.groupIndices.length], data: split.groupIndices });
      // Translation is drawn only for the train split (test grids stay at (0, 0)), exactly as composeArc.
      await writeRows(dir, split, plan.canvas, name === 'train' ? plan.translateRng : null, hooks.signal, (rows) => progress(name, rows));
    }
    moveIntoPlace(partial, out);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (hooks.signal?.aborted) throw new ArcBuildError(`interrupted; nothing was written to ${out}`);
    if (code === 'ENOSPC') throw new ArcBuildError(`the disk filled up while writing the dataset (${gib(bytes)} needed); nothing was written to ${out}`);
    if (error instanceof ArcBuildError) throw error;
    throw new ArcBuildError(`could not write the dataset to ${out} (nothing was written there): ${(error as Error).message}`);
  }
  return { bytes };
}

/** Rows per chunk appended to the token files (≈3.5 MiB each at 900 tokens). */
const CHUNK_ROWS = 4096;

/** Encodes the split's rows in order (composeArc's encodeSplit, draw for draw) and appends them in chunks. */
async function writeRows(dir: string, split: PlannedSplit, canvas: number, translateRng: Rng | null, signal: AbortSignal | undefined, onRows: (rows: number) => void): Promise<void> {
  const seqLen = canvas * canvas;
  const inputs = await NpyFileWriter.create(join(dir, 'all__inputs.npy'), 'uint8', [split.rows, seqLen]);
  const labels = await NpyFileWriter.create(join(dir, 'all__labels.npy'), 'uint8', [split.rows, seqLen]).catch(async (error) => { await inputs.abandon(); throw error; });
  const inputChunk = new Uint8Array(CHUNK_ROWS * seqLen);
  const labelChunk = new Uint8Array(CHUNK_ROWS * seqLen);
  let inChunk = 0;
  let done = 0;
  const flush = async (): Promise<void> => {
    await inputs.append(inputChunk.subarray(0, inChunk * seqLen));
    await labels.append(labelChunk.subarray(0, inChunk * seqLen));
    inputChunk.fill(0);
    labelChunk.fill(0);
    done += inChunk;
    inChunk = 0;
    onRows(done);
    if (signal?.aborted) throw new ArcBuildError('interrupted');
  };
  try {
    for (const group of split.groups) {
      const pairs = group[split.pairsOf];
      for (const version of group.versions) {
        // Official: per version one randomly chosen example stays at (0, 0), the others are translated.
        const untranslated = translateRng ? translateRng.int(0, pairs.length - 1) : -1;
        for (const [p, pair] of pairs.entries()) {
          const input = transformGrid(pair.input, version);
          const output = pair.output ? transformGrid(pair.output, version) : undefined;
          const grids = output ? [input, output] : [input];
          const at: CanvasOffset = translateRng && p !== untranslated ? randomOffset(translateRng, grids, canvas) : { row: 0, col: 0 };
          writeGrid(inputChunk, inChunk * seqLen, input, canvas, at);
          if (output) writeGrid(labelChunk, inChunk * seqLen, output, canvas, at);
          if (++inChunk === CHUNK_ROWS) await flush();
        }
      }
    }
    if (inChunk > 0) await flush();
    await inputs.close();
    await labels.close();
  } catch (error) {
    await inputs.abandon();
    await labels.abandon();
    throw error;
  }
}

/** Renames the complete folder to `out`; an earlier dataset there is moved aside first and removed after. */
function moveIntoPlace(partial: string, out: string): void {
  if (!existsSync(out)) { renameSync(partial, out); return; }
  checkOutputFolder(out);
  const previous = `${partial}.previous`;
  renameSync(out, previous);
  try {
    renameSync(partial, out);
  } catch (error) {
    renameSync(previous, out);
    throw error;
  }
  rmSync(previous, { recursive: true, force: true });
}

function freeBytes(dir: string): number | null {
  try {
    const stats = statfsSync(dir);
    return stats.bavail * stats.bsize;
  } catch {
    return null;
  }
}

/** A progress line about every 10 s: rows written of both splits, rate and time left. */
function progressReporter(plan: ArcPlan, onProgress: StreamHooks['onProgress']): (split: string, rows: number) => void {
  const total = plan.train.rows + plan.test.rows;
  const started = performance.now();
  let last = started;
  return (split, rows) => {
    const now = performance.now();
    if (!onProgress || now - last < 10_000) return;
    last = now;
    const written = (split === 'test' ? plan.train.rows : 0) + rows;
    const seconds = (now - started) / 1000;
    const left = (seconds / written) * (total - written);
    onProgress(`writing ${split}: ${written.toLocaleString('en')} of ${total.toLocaleString('en')} rows (${((100 * written) / total).toFixed(0)}%), ${gib(written * 2 * plan.seqLen)}, ${seconds.toFixed(0)} s, about ${left.toFixed(0)} s left`);
  };
}

/** Lets the event loop run (Ctrl-C handlers, progress) during long synchronous stretches. */
async function breathe(signal: AbortSignal | undefined): Promise<void> {
  await yieldToEventLoop();
  if (signal?.aborted) throw new ArcBuildError('interrupted before anything was written');
}
