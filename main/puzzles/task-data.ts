// What every task (Sudoku, maze, ARC, an official .npy folder, a user's task set) hands to the engine.
// The training loop only sees this interface; tasks register a factory for their DataConfig kind.
import type { Batch, BatchSource } from '../common/batch.ts';
import type { DataConfig } from '../trm/config.ts';

/** A held-out batch; rows ≥ realCount are padding (PAD inputs, ignored labels, blank identifier). */
export interface EvalBatch extends Batch {
  realCount: number;
  /** A stable key per real row (e.g. "test/17" or an ARC "task:testIndex|version"), for per-puzzle results. */
  keys: string[];
}

export interface TaskData {
  kind: DataConfig['kind'];
  /** Token vocabulary, tokens per example and puzzle-identifier rows the model must be built with. */
  vocabSize: number;
  seqLen: number;
  numPuzzleIdentifiers: number;
  /** Identifies the exact data (config + content), stored with the run. */
  fingerprint: string;
  /** Examples in one epoch of the training set, for the trainer's `train/epoch` metric: a finite set's size in
   *  the official sense (groups × mean examples per puzzle: one epoch visits every group once). null when the
   *  training examples are generated on the fly, an endless stream with no epochs. */
  trainExamplesPerEpoch: number | null;
  /** Training batches, endless and deterministic for a given seed. `state` lets a checkpoint resume the stream. */
  trainBatches(batchSize: number, seed: number): BatchSource & { getState(): unknown; setState(state: unknown): void };
  /** Number of held-out examples. */
  testCount: number;
  /** Held-out examples in a fixed order, the last batch padded. `limit` takes the first N examples. */
  testBatches(batchSize: number, limit?: number): Iterable<EvalBatch>;
  /** A human-readable grid for a token sequence (CLI output, logs). */
  render(tokens: ArrayLike<number>): string;
  /** How to draw a sequence as a grid in the app: rows, cols and a function from token to a cell value. */
  grid: { rows: number; cols: number; cellOfToken(token: number): number | null };
  /** Whether `prediction` solves the puzzle `inputs` by the task's rules (both [L] tokens), for tasks where more
   *  than one answer is right: any valid Sudoku that keeps the givens, any shortest maze path. Scoring and the
   *  step viewer use it as the headline and keep the target comparison beside it; without it the target is the
   *  only right answer (ARC, official folders). See registerSolvedCheck. */
  isSolved?: SolvedCheck;
  /** Task-specific scoring on top of exact accuracy (ARC: voting over augmented versions, pass@K): a fresh scorer
   *  per evaluation. Without one, every example gets its own per-puzzle row. */
  createScorer?(): EvaluationScorer;
  /** The evaluation metric that ranks checkpoints (a run's `best`): the task's headline, e.g. ARC's pass@2.
   *  Without one, exact accuracy (`HEADLINE_METRIC_DEFAULT`). */
  headlineMetric?: string;
  /** What the user should see before training on this data: files that were skipped, and why (the rest still
   *  load), leaks between training and held-out pairs. The CLI prints them, the new-run form shows them. */
  warnings?: string[];
}

/** The headline metric of a task that declares none: the share of held-out examples solved exactly. */
export const HEADLINE_METRIC_DEFAULT = 'exact_accuracy';

/** One puzzle's result in an evaluation, as stored in the database. */
export interface PuzzleScore {
  puzzleKey: string;
  correct: boolean;
  haltStep: number;
  detail?: object;
}

/** Task-specific scoring fed batch by batch, so that an evaluation's memory is bounded by what the scoring itself
 *  needs (ARC: one entry per distinct candidate grid), not by the number of rows: `add` must not keep the rows'
 *  arrays. `finish` returns extra metrics, per-puzzle rows that replace the per-example ones (e.g. one per ARC
 *  test input instead of one per augmented version), and files to save with the evaluation (e.g. a Kaggle
 *  submission.json). */
export interface EvaluationScorer {
  add(results: EvaluatedExample[]): void;
  finish(): { metrics: Record<string, number>; perPuzzle: PuzzleScore[]; files: Record<string, unknown> };
}

/** One held-out example after evaluation (see main/train/scoring.ts). */
export interface EvaluatedExample {
  key: string;
  inputs: Int32Array;
  finalPrediction: Int32Array;
  finalQHaltLogit: number;
  exactAtStep: boolean[];
  haltStep: number;
}

export type TaskFactory = (config: DataConfig, seed: number) => TaskData;

/** Scoring for a folder in the official layout, offered by the task that recognises it (ARC: test_puzzles.json
 *  present → voting), with the headline metric it reports. Returns null when the folder is not its kind. */
export type OfficialScorer = (dir: string, vocabSize: number) => OfficialScoring | null;
export type OfficialScoring = Required<Pick<TaskData, 'createScorer' | 'headlineMetric'>>;
const officialScorers: OfficialScorer[] = [];

export function registerOfficialScorer(scorer: OfficialScorer): void {
  officialScorers.push(scorer);
}

export function officialScoring(dir: string, vocabSize: number): OfficialScoring | undefined {
  for (const scorer of officialScorers) {
    const scoring = scorer(dir, vocabSize);
    if (scoring) return scoring;
  }
  return undefined;
}

const factories = new Map<string, TaskFactory>();

export function registerTask(kind: DataConfig['kind'], factory: TaskFactory): void {
  factories.set(kind, factory);
}

/** A task's rule check on token sequences (see TaskData.isSolved); cheap, it runs per row and step of an evaluation. */
export type SolvedCheck = (inputs: ArrayLike<number>, prediction: ArrayLike<number>) => boolean;
const solvedChecks = new Map<DataConfig['kind'], (config: DataConfig) => SolvedCheck>();

/** A task whose answers can be checked by rules registers the check, so a stored trace can be judged from its
 *  run's config without building the data. */
export function registerSolvedCheck(kind: DataConfig['kind'], checkOf: (config: DataConfig) => SolvedCheck): void {
  solvedChecks.set(kind, checkOf);
}

/** The rule check of `config`'s task, or null when only the target counts. */
export function solvedCheck(config: DataConfig): SolvedCheck | null {
  return solvedChecks.get(config.kind)?.(config) ?? null;
}

/** The sizes a task's data gives the model, known from its config alone (no data generated or read). */
export type TaskShape = Pick<TaskData, 'vocabSize' | 'seqLen' | 'numPuzzleIdentifiers'>;
const shapes = new Map<DataConfig['kind'], (config: DataConfig) => TaskShape>();

/** A task whose sizes follow from its config registers how, so an estimate need not build the data. */
export function registerTaskShape(kind: DataConfig['kind'], shapeOf: (config: DataConfig) => TaskShape): void {
  shapes.set(kind, shapeOf);
}

/** The model sizes of `config`'s data without opening it, or null when the task needs its data to know them
 *  (an ARC set's puzzle identifiers, an official folder's metadata). */
export function taskShape(config: DataConfig): TaskShape | null {
  return shapes.get(config.kind)?.(config) ?? null;
}

const warmups = new Map<DataConfig['kind'], (config: DataConfig) => Promise<void>>();

/** A task whose data takes long to read registers a warm-up that reads it between other work (in slices), so that
 *  opening it afterwards is quick: the server awaits it before an estimate or a run start. */
export function registerTaskWarmup(kind: DataConfig['kind'], warm: (config: DataConfig) => Promise<void>): void {
  warmups.set(kind, warm);
}

export async function warmTaskData(config: DataConfig): Promise<void> {
  await warmups.get(config.kind)?.(config);
}

/** Builds the data of a run. Task modules register themselves when main/puzzles/index.ts is imported. */
export function openTaskData(config: DataConfig, seed: number): TaskData {
  const factory = factories.get(config.kind);
  if (!factory) throw new Error(`unknown data kind '${config.kind}'; known: ${[...factories.keys()].join(', ')}`);
  return factory(config, seed);
}
