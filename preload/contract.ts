// The one channel map between the app's UI and its backend: every request, its payload schema and its reply
// type, plus the events pushed to the UI. Pure TypeScript + zod, so main, preload, the renderer and the browser
// WebSocket client all import it. Main registers handlers only from this map (main/api/register.ts); preload and
// the WebSocket client expose the same named functions generated from it (`api.runs.list({...})`).
import { z } from 'zod';
import { ExpectedError, type ErrorCode } from '../main/common/errors.ts';
import { BACKEND_NAMES } from '../main/common/backends.ts';
import type { TrainEvent } from '../main/train/events.ts';
import type { RunConfig } from '../main/trm/config.ts';

export type { TrainEvent, RunConfig };

// ---------------------------------------------------------------------------------------------------------
// Wire types: what replies carry. Plain JSON (numbers, strings, arrays, objects), timestamps in ms since epoch.

export type RunStatus = 'queued' | 'running' | 'finished' | 'failed' | 'stopped' | 'interrupted';
export const RUN_STATUS_VALUES = ['queued', 'running', 'finished', 'failed', 'stopped', 'interrupted'] as const;

// The database's rows (db/*.ts) are these types: db imports them with `import type` (erased at run time, so db
// loads no zod), and main returns the rows as they are.

export interface RunInfo {
  id: number;
  name: string;
  preset: string;
  /** The full run config (a RunConfig as saved when the run was created). */
  config: Record<string, unknown>;
  status: RunStatus;
  backend: string;
  backendVersion: string;
  /** The GPU adapter a webgpu run trained on ("NVIDIA H200 (nvidia hopper)"); '' for the CPU backends. */
  backendDevice: string;
  appVersion: string;
  datasetFingerprint: string;
  parentRunId: number | null;
  tags: string[];
  notes: string;
  color: string | null;
  archived: boolean;
  /** The training process while running; null otherwise. */
  pid: number | null;
  /** Last completed step (the trainer updates it) and the planned total. */
  step: number;
  totalSteps: number;
  error: string | null;
  createdAt: number;
  updatedAt: number;
  /** The first session's start and the last one's end (a resumed run keeps its first start). */
  startedAt: number | null;
  endedAt: number | null;
  /** Time spent training, summed over sessions (not the time it sat stopped); written with each flush, at
   *  `updatedAt`, so a live run's figure is activeMs + (now − updatedAt). */
  activeMs: number;
}

/** A piece of a run's log (runs.log). */
export interface RunLogChunk {
  text: string;
  nextByte: number;
  /** The log file's size now: nextByte < size means there is more to read at once. */
  size: number;
  reset: boolean;
}

export interface MetricSummary {
  lastStep: number;
  lastWallTimeMs: number;
  /** The value at the highest step (NaN if that value was NaN). */
  lastValue: number;
  /** Smallest / largest value that is not NaN; NaN when every value was NaN. */
  minValue: number;
  maxValue: number;
  count: number;
}

/** A run with its metric summaries by key, as the runs table shows it. */
export interface RunSummaryInfo extends RunInfo {
  metrics: Record<string, MetricSummary>;
}

/** One metric over steps; `steps[i]` pairs with `values[i]`. NaN travels as null over the WebSocket. */
export interface MetricSeries {
  steps: number[];
  values: number[];
  wallTimesMs: number[];
}

export interface CheckpointInfo {
  runId: number;
  step: number;
  path: string;
  bytes: number;
  metrics: Record<string, unknown>;
  createdAt: number;
  aliases: ('latest' | 'best')[];
}

export interface EvaluationInfo {
  id: number;
  runId: number;
  checkpointStep: number;
  split: string;
  metrics: Record<string, unknown>;
  puzzleCount: number;
  correctCount: number;
  createdAt: number;
}

export interface EvaluationPuzzle {
  puzzleKey: string;
  correct: boolean;
  haltStep: number | null;
  detail: Record<string, unknown> | null;
}

export interface PresetInfo {
  name: string;
  description: string;
  scale: 'paper' | 'cpu';
  config: RunConfig;
}

/** One configurable field of a preset's config, for the new-run form (describeConfigFields in main/trm/config.ts). */
export interface ConfigFieldInfo {
  /** Dotted path used as an override key, e.g. `model.hiddenSize`. */
  path: string;
  section: 'model' | 'train' | 'data';
  type: 'number' | 'integer' | 'boolean' | 'string' | 'enum' | 'string[]';
  options?: string[];
  description: string;
  /** The preset's value. */
  value: unknown;
}

export interface EstimateInfo {
  parameterCount: number;
  memoryBytes: number;
  /** Field path → problem; empty when the config is valid. */
  errors: Record<string, string>;
  /** What to know about the data before training (ARC: each task file skipped, and why); absent or empty: none. */
  warnings?: string[];
}

export type JobKind = 'train' | 'evaluate';
export type JobState = 'queued' | 'running' | 'stopping' | 'finished' | 'stopped' | 'failed' | 'killed' | 'interrupted';

export interface JobInfo {
  jobId: number;
  runId: number;
  kind: JobKind;
  state: JobState;
  queuedAtMs: number;
  startedAtMs: number | null;
  endedAtMs: number | null;
  error: string | null;
  /** An evaluation's checkpoint as asked for ('best', 'latest', 'step_N'); absent when it takes the default. */
  checkpoint?: string;
}

/** The most jobs that may run at once (each is its own process, and the CPU is the bottleneck). */
export const MAX_JOB_CONCURRENCY = 16;

/** How many jobs run at once, and the most allowed. */
export interface JobConcurrencyInfo {
  concurrency: number;
  max: number;
}

/** A backend for the new-run form and `trm backends`: whether it runs here, and on what or why not. */
export interface BackendAvailabilityInfo {
  name: (typeof BACKEND_NAMES)[number];
  available: boolean;
  /** What it runs on ("NVIDIA H200 (nvidia hopper)") or why it cannot ("no GPU adapter"). */
  detail: string;
}

export interface AppInfo {
  mode: 'electron' | 'browser';
  /** The app's version (package.json). */
  version: string;
  /** The TensorFlow.js backend jobs will use ('wasm', 'tensorflow', 'cpu'), or the user's preference. */
  backend: string;
  workspace: string;
}

// Compare view: saved views and the facts its summary matrix needs beyond the runs list.

export const COMPARE_X_AXES = ['step', 'epoch', 'relative', 'wall'] as const;
export type CompareXAxis = (typeof COMPARE_X_AXES)[number];
export const PUZZLE_FILTER_KINDS = ['all', 'solved-by-a-not-b', 'solved-by-none', 'solved-by-all'] as const;

/** What a saved comparison view restores (renderer/compare). */
export interface CompareViewState {
  runIds: number[];
  /** Metric keys whose charts are hidden. */
  hiddenCharts: string[];
  /** TensorBoard smoothing weight, 0 (raw) to 0.999. */
  smoothing: number;
  xAxis: CompareXAxis;
  logScale: boolean;
  baselineRunId: number | null;
  /** The config path that varies inside a group (runs agreeing on every other differing path are one group). */
  groupBy: string | null;
  showAllConfig: boolean;
  puzzleFilter: { kind: (typeof PUZZLE_FILTER_KINDS)[number]; a?: number; b?: number };
}

export interface SavedViewInfo {
  id: number;
  name: string;
  state: CompareViewState;
  createdAt: number;
  updatedAt: number;
}

// Puzzle library and editor (renderer/library, renderer/editor; main/api/library-handlers.ts).

export type PuzzleKind = 'arc' | 'sudoku' | 'maze';
export const PUZZLE_KIND_VALUES = ['arc', 'sudoku', 'maze'] as const;

export interface TaskSetInfo {
  id: number;
  name: string;
  kind: PuzzleKind;
  /** Shared benchmark sets: browse and copy from, never edit. */
  readOnly: boolean;
  source: string | null;
  taskCount: number;
  createdAt: number;
  updatedAt: number;
}

export interface TaskItemInfo {
  id: number;
  setId: number;
  name: string;
  kind: PuzzleKind;
  tags: string[];
  /** ARC: { train, test, sizes, sameSize } (main/library summarizeArcTask). */
  summary: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
  /** ARC: the first train pair, for a thumbnail; Sudoku/maze: the rows of text. Only when asked for. */
  thumbnail?: { input: number[][]; output?: number[][] } | { text: string };
}

export interface TaskInfo extends TaskItemInfo {
  /** ARC task JSON, or Sudoku/maze rows as text, exactly as stored. */
  content: string;
}

/** A problem with an imported file, naming the file (and the pair) and what is wrong. */
export interface ImportProblem {
  file: string;
  pair: string;
  problem: string;
}

export interface DraftInfo {
  /** One key per open editor document, chosen by the editor (e.g. 'task:12'). */
  key: string;
  taskId: number | null;
  kind: PuzzleKind;
  name: string;
  content: string;
  updatedAt: number;
}

export interface SudokuStatusInfo {
  /** Cells (row-major) whose digit repeats in a row, column or box. */
  conflicts: number[];
  /** 0, 1 (a proper puzzle) or 2 (two or more). */
  solutionCount: 0 | 1 | 2;
  /** The error when the text is not a Sudoku. */
  error: string | null;
}

export interface MazeStatusInfo {
  errors: string[];
  shortestPath: number | null;
  uniquePath: boolean;
  /** The maze with one shortest path marked 'o', as text. */
  solution: string | null;
}

/** JSON values, for settings. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };


// ---- Step viewer (renderer/viewer; main/api/trace-handlers.ts, main/trace/trace-view.ts) ----

/** A stored trace without its data (db/traces.ts TraceRow is this type). */
export interface TraceInfo {
  id: number;
  runId: number;
  checkpointStep: number;
  puzzleKey: string;
  createdAt: number;
  innerSteps: boolean;
  /** steps, solved, exact, cellAccuracy, haltProbability, trainingHaltStep, flags (main/trace/run-trace.ts traceSummary),
   *  and the grid mapping and puzzle warnings that traces.get reads back. */
  summary: Record<string, unknown>;
  bytes: number;
}

/** How a run draws its token sequences (its TaskData.grid): token id → cell value 0–9 (null: not drawn). */
export interface TraceGridInfo {
  kind: string;
  rows: number;
  cols: number;
  tokenCells: (number | null)[];
  /** Text drawn on a cell value (Sudoku digits, maze S/G) or null: colours only (ARC). */
  glyphs: string[] | null;
}

/** One supervision step as the viewer draws it; per-cell arrays are in grid order (row-major). */
export interface TraceStepDetail {
  step: number;
  /** Predicted tokens. */
  prediction: number[];
  /** Probability of the predicted token per cell. */
  confidence: number[];
  haltProbability: number;
  qHaltLogit: number;
  deltaY: number;
  deltaZ: number;
  /** Per-cell ‖z‖ and ‖z_s − z_{s−1}‖ (after RMSNorm ‖z‖ is often flat; the change is where the latent moves). */
  zNorms: number[];
  zDeltaNorms: number[];
  changedCells: number | null;
  /** Share of supervised cells equal to the target, and whether all are (null without a target). */
  cellAccuracy: number | null;
  exact: boolean | null;
  /** Whether the answer solves the puzzle: by the task's rules where it has them (any valid Sudoku, any shortest
   *  maze path), else `exact`. The headline; the target comparison is the second number. */
  solved: boolean | null;
}

export interface TraceInnerDetail {
  step: number;
  recursion: number;
  kind: 'z' | 'y';
  index: number;
  prediction: number[];
  confidence: number[];
  haltProbability: number | null;
  delta: number;
  pca: [number, number];
  cellAccuracy: number | null;
}

export interface TracePcaDetail {
  /** Step 0 (the initial carry), 1, …, N_sup. */
  points: [number, number][];
  explainedVariance: [number, number];
}

/** A decoded trace, ready to draw (main/trace/trace-view.ts). */
export interface TraceDetail {
  info: TraceInfo;
  run: { id: number; name: string; preset: string };
  grid: TraceGridInfo;
  /** What tracing noted about the puzzle (several solutions, no target, …), shown with the trace; [] for old traces. */
  warnings: string[];
  model: { vocabSize: number; haltMaxSteps: number; hCycles: number; lCycles: number; hiddenSize: number; loss: string };
  input: number[];
  /** Target tokens (0 = not supervised), or null when the answer is unknown. */
  target: number[] | null;
  steps: TraceStepDetail[];
  /** Per step, the full per-cell distribution, [cell·V + token]. */
  probabilities: number[][];
  pca: { y: TracePcaDetail; z: TracePcaDetail };
  inner: TraceInnerDetail[] | null;
  flags: { stuck: { fromStep: number; toStep: number } | null; overthinking: { rightAtStep: number; wrongAtStep: number } | null };
  /** First step with σ(q_halt) > 0.5, or null: it ran to the maximum. */
  trainingHaltStep: number | null;
}

/** A run's evaluation with every per-puzzle row, for the dataset view. */
export interface TraceDatasetInfo {
  evaluations: EvaluationInfo[];
  evaluation: EvaluationInfo | null;
  haltMaxSteps: number;
  puzzles: EvaluationPuzzle[];
}
// ---- end of step viewer types ----

// ---------------------------------------------------------------------------------------------------------
// Payload schemas. Strict objects: unknown keys are rejected, so a typo fails loudly instead of being ignored.

const runId = z.number().int().positive();
const overrides = z.record(z.string().min(1).max(200), z.string().max(1000));
const shortText = z.string().max(200);
const NO_PAYLOAD = z.strictObject({});
const checkpointRef = z.string().regex(/^(latest|best|step_\d+)$/);
// Puzzle library ids and texts (library.*, drafts.*).
const libraryId = z.number().int().positive();
const puzzleText = z.string().max(2_000_000);

/** Most characters of file content one library.importFiles request carries, all files together (a big task file). */
export const MAX_IMPORT_CHARS = 20_000_000;
/** Largest request the WebSocket server reads, derived from the largest import: JSON escaping and UTF-8 take at
 *  most 3 bytes per character (except rare control characters, `\u00XX`), plus 1 MiB for the envelope. A larger
 *  frame closes its socket with code 1009. */
export const MAX_REQUEST_BYTES = 3 * MAX_IMPORT_CHARS + (1 << 20);
/** Deepest nesting of arrays and objects a payload may have (checked before the schema, which recurses). */
export const MAX_PAYLOAD_DEPTH = 64;
/** Most values (array elements and object fields, all levels together) a payload may hold, checked before the
 *  schema: it parses every element before it checks an array's length, so 10 million of them (a 20 MB frame)
 *  would make 10 million issues. The largest real payload, an import of 5,000 files, holds about 15,000. */
export const MAX_PAYLOAD_VALUES = 200_000;

/** Phantom marker carrying a reply type in the channel map (no runtime value). */
function reply<T>(): T {
  return undefined as T;
}

export const CHANNELS = {
  /** Newest first; every given filter must match. `text` searches name, notes, preset and tags. */
  'runs.list': {
    payload: z.strictObject({
      status: z.enum(RUN_STATUS_VALUES).optional(),
      tag: shortText.optional(),
      preset: shortText.optional(),
      text: shortText.optional(),
      includeArchived: z.boolean().optional(),
    }),
    reply: reply<RunSummaryInfo[]>(),
  },
  'runs.get': { payload: z.strictObject({ runId }), reply: reply<RunSummaryInfo>() },
  /** Validates and inserts a run; `start` (default true) queues a training job for it at once. */
  'runs.create': {
    payload: z.strictObject({
      preset: shortText.min(1),
      overrides: overrides.default({}),
      name: shortText.optional(),
      backend: z.enum(BACKEND_NAMES).optional(),
      tags: z.array(shortText).max(50).optional(),
      notes: z.string().max(100_000).optional(),
      start: z.boolean().default(true),
      /** A time budget: training stops (with a checkpoint) after this many minutes, or at maxSteps if sooner. */
      minutes: z.number().positive().max(100_000).optional(),
    }),
    /** `warnings`: as in EstimateInfo (the run trains on the files that loaded); absent when there are none. */
    reply: reply<{ runId: number; job: JobInfo | null; warnings?: string[] }>(),
  },
  'runs.update': {
    payload: z.strictObject({
      runId,
      name: shortText.min(1).optional(),
      tags: z.array(shortText).max(50).optional(),
      notes: z.string().max(100_000).optional(),
      color: z.string().regex(/^#[0-9a-fA-F]{6}$/).nullable().optional(),
      archived: z.boolean().optional(),
    }),
    reply: reply<RunInfo>(),
  },
  /** The run's log (runs/<id>/train.log: its jobs' output and milestones) from byte `fromByte`, at most 256 KiB
   *  cut after a newline; read again from `nextByte` to follow it. `reset`: the log was rotated since `fromByte`,
   *  and `text` starts the new file. */
  'runs.log': {
    payload: z.strictObject({ runId, fromByte: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0) }),
    reply: reply<RunLogChunk>(),
  },
  /** Refused while a job is running the run (stop or kill it first). */
  'runs.delete': { payload: z.strictObject({ runId }), reply: reply<{ deleted: boolean }>() },
  /** Asks the run's job to checkpoint and exit; the run ends 'stopped'. A queued job is just dropped. */
  'runs.stop': { payload: z.strictObject({ runId }), reply: reply<JobInfo | null>() },
  /** Re-queues a stopped or interrupted run; it continues from its latest checkpoint. */
  'runs.resume': { payload: z.strictObject({ runId, minutes: z.number().positive().max(100_000).optional() }), reply: reply<JobInfo>() },
  /** Kills the run's job process at once (SIGKILL); the run ends 'interrupted'. */
  'runs.kill': { payload: z.strictObject({ runId }), reply: reply<JobInfo | null>() },
  'jobs.list': { payload: NO_PAYLOAD, reply: reply<JobInfo[]>() },
  'jobs.getConcurrency': { payload: NO_PAYLOAD, reply: reply<JobConcurrencyInfo>() },
  /** Stored, and applied at once: raising it starts waiting jobs; lowering it lets running jobs finish. */
  'jobs.setConcurrency': {
    payload: z.strictObject({
      concurrency: z.number()
        .int('jobs at once must be a whole number')
        .min(1, 'jobs at once must be at least 1')
        .max(MAX_JOB_CONCURRENCY, `jobs at once must be at most ${MAX_JOB_CONCURRENCY}`),
    }),
    reply: reply<JobConcurrencyInfo>(),
  },
  'metrics.keys': { payload: z.strictObject({ runId }), reply: reply<string[]>() },
  /** Series downsampled to at most `maxPoints` each; `afterStep` fetches only newer points (live charts). */
  'metrics.series': {
    payload: z.strictObject({
      runId,
      keys: z.array(shortText).max(100).optional(),
      maxPoints: z.number().int().min(2).max(100_000).optional(),
      afterStep: z.number().int().min(-1).optional(),
    }),
    reply: reply<Record<string, MetricSeries>>(),
  },
  'checkpoints.list': { payload: z.strictObject({ runId }), reply: reply<CheckpointInfo[]>() },
  'evaluations.list': { payload: z.strictObject({ runId }), reply: reply<EvaluationInfo[]>() },
  'evaluations.puzzles': {
    payload: z.strictObject({
      evaluationId: z.number().int().positive(),
      offset: z.number().int().min(0).optional(),
      limit: z.number().int().min(1).max(1000).optional(),
      onlyWrong: z.boolean().optional(),
    }),
    reply: reply<EvaluationPuzzle[]>(),
  },
  /** Queues an evaluation job of one checkpoint: 'latest', 'best' or 'step_N' (default: best, else latest). */
  'evaluations.start': { payload: z.strictObject({ runId, checkpoint: checkpointRef.optional() }), reply: reply<JobInfo>() },
  'presets.list': { payload: NO_PAYLOAD, reply: reply<PresetInfo[]>() },
  /** The configurable fields of a preset's config (data fields depend on the preset's task). */
  'config.describe': { payload: z.strictObject({ preset: shortText.min(1) }), reply: reply<ConfigFieldInfo[]>() },
  'config.estimate': { payload: z.strictObject({ preset: shortText.min(1), overrides: overrides.default({}) }), reply: reply<EstimateInfo>() },
  'settings.get': { payload: z.strictObject({ key: shortText.min(1) }), reply: reply<JsonValue | null>() },
  'settings.set': { payload: z.strictObject({ key: shortText.min(1), value: z.json() }), reply: reply<null>() },
  'app.info': { payload: NO_PAYLOAD, reply: reply<AppInfo>() },
  /** Each TensorFlow.js backend: available here or not, and why (found once per app start: it loads Dawn). */
  'app.backends': { payload: NO_PAYLOAD, reply: reply<BackendAvailabilityInfo[]>() },
  // Compare view (renderer/compare): saved views, and parameter counts for the summary matrix.
  'views.list': { payload: NO_PAYLOAD, reply: reply<SavedViewInfo[]>() },
  /** Saving under an existing name replaces that view's state. */
  'views.save': {
    payload: z.strictObject({
      name: shortText.min(1),
      state: z.strictObject({
        runIds: z.array(runId).max(200),
        hiddenCharts: z.array(shortText).max(1000),
        smoothing: z.number().min(0).max(0.999),
        xAxis: z.enum(COMPARE_X_AXES),
        logScale: z.boolean(),
        baselineRunId: runId.nullable(),
        groupBy: shortText.nullable(),
        showAllConfig: z.boolean(),
        puzzleFilter: z.strictObject({ kind: z.enum(PUZZLE_FILTER_KINDS), a: runId.optional(), b: runId.optional() }),
      }),
    }),
    reply: reply<SavedViewInfo>(),
  },
  'views.delete': { payload: z.strictObject({ viewId: z.number().int().positive() }), reply: reply<{ deleted: boolean }>() },
  /** Trainable parameters of each run's model (from its config; null when the config cannot be read). */
  'views.parameterCounts': { payload: z.strictObject({ runIds: z.array(runId).max(200) }), reply: reply<Record<number, number | null>>() },
  // ---- Puzzle library and editor (renderer/library, renderer/editor; main/api/library-handlers.ts) ----
  'library.sets': { payload: NO_PAYLOAD, reply: reply<TaskSetInfo[]>() },
  'library.createSet': { payload: z.strictObject({ name: shortText.min(1), kind: z.enum(PUZZLE_KIND_VALUES) }), reply: reply<TaskSetInfo>() },
  'library.renameSet': { payload: z.strictObject({ setId: libraryId, name: shortText.min(1) }), reply: reply<TaskSetInfo>() },
  'library.deleteSet': { payload: z.strictObject({ setId: libraryId }), reply: reply<{ deleted: boolean }>() },
  /** Registers the shared ARC-AGI-1/2 and ConceptARC sets read-only (idempotent). */
  'library.importShared': { payload: NO_PAYLOAD, reply: reply<{ sets: TaskSetInfo[]; imported: number; errors: ImportProblem[] }>() },
  /** Tasks matching every filter, by set then name; `thumbnails` adds a small preview to each. */
  'library.tasks': {
    payload: z.strictObject({
      setId: libraryId.optional(),
      kind: z.enum(PUZZLE_KIND_VALUES).optional(),
      text: shortText.optional(),
      tag: shortText.optional(),
      limit: z.number().int().min(1).max(2000).optional(),
      offset: z.number().int().min(0).optional(),
      thumbnails: z.boolean().optional(),
    }),
    reply: reply<TaskItemInfo[]>(),
  },
  'library.tags': { payload: NO_PAYLOAD, reply: reply<string[]>() },
  'library.getTask': { payload: z.strictObject({ taskId: libraryId }), reply: reply<TaskInfo>() },
  /** Creates (no taskId) or overwrites a task. ARC content is validated like an imported file; Sudoku and maze
   *  text must parse. */
  'library.saveTask': {
    payload: z.strictObject({ setId: libraryId, taskId: libraryId.optional(), name: shortText.min(1), content: puzzleText, tags: z.array(shortText).max(50).optional() }),
    reply: reply<TaskInfo>(),
  },
  'library.deleteTask': { payload: z.strictObject({ taskId: libraryId }), reply: reply<{ deleted: boolean }>() },
  /** Copies a task into another set of the same kind under a free name (e.g. out of a read-only shared set). */
  'library.copyTask': { payload: z.strictObject({ taskId: libraryId, setId: libraryId }), reply: reply<TaskInfo>() },
  /** Imports file contents (single tasks, folders, Kaggle challenges + solutions) all or nothing: with any
   *  problem nothing is imported and every problem is listed. `path` is the name shown in errors. */
  'library.importFiles': {
    payload: z.strictObject({
      setId: libraryId,
      files: z.array(z.strictObject({ path: z.string().min(1).max(500), content: z.string().max(MAX_IMPORT_CHARS) })).min(1).max(5000)
        .refine((files) => files.reduce((sum, file) => sum + file.content.length, 0) <= MAX_IMPORT_CHARS, `the files' contents must be at most ${MAX_IMPORT_CHARS.toLocaleString('en-US')} characters together`),
    }),
    reply: reply<{ imported: TaskItemInfo[]; errors: ImportProblem[] }>(),
  },
  /** Exports an ARC set to <workspace>/tasksets/<setId>/ (replacing what was there) and returns the folder and
   *  the preset that fits it, for "Train on this set". */
  'library.prepareTraining': {
    payload: z.strictObject({ setId: libraryId }),
    reply: reply<{ folder: string; taskCount: number; preset: string; overrides: Record<string, string>; note: string | null }>(),
  },
  'drafts.get': { payload: z.strictObject({ key: shortText.min(1) }), reply: reply<DraftInfo | null>() },
  'drafts.list': { payload: NO_PAYLOAD, reply: reply<DraftInfo[]>() },
  'drafts.save': {
    payload: z.strictObject({ key: shortText.min(1), taskId: libraryId.nullable(), kind: z.enum(PUZZLE_KIND_VALUES), name: shortText, content: puzzleText }),
    reply: reply<{ updatedAt: number }>(),
  },
  'drafts.delete': { payload: z.strictObject({ key: shortText.min(1) }), reply: reply<{ deleted: boolean }>() },
  'puzzles.sudokuStatus': { payload: z.strictObject({ text: z.string().max(1000) }), reply: reply<SudokuStatusInfo>() },
  /** A new puzzle from the engine's generator: unique solution, `blanks` empty cells (default: about half). */
  'puzzles.sudokuGenerate': {
    payload: z.strictObject({ side: z.union([z.literal(4), z.literal(6), z.literal(9)]), blanks: z.number().int().min(0).max(81).optional(), seed: z.number().int().optional() }),
    reply: reply<{ puzzle: string; solution: string }>(),
  },
  'puzzles.mazeStatus': { payload: z.strictObject({ text: z.string().max(10_000) }), reply: reply<MazeStatusInfo>() },
  // ---- end of puzzle library and editor ----
  // ---- Step viewer (renderer/viewer; main/api/trace-handlers.ts) ----
  /** Traces a puzzle through a checkpoint (default latest) and stores the trace: either pasted/uploaded puzzle
   *  text (ARC JSON, Sudoku digits, maze text) or a held-out example by its evaluation key. `reuse` returns an
   *  existing trace of the same run, checkpoint, key and inner-step setting instead of tracing again. */
  'traces.create': {
    payload: z.strictObject({
      runId,
      checkpoint: checkpointRef.optional(),
      puzzleText: z.string().min(1).max(900_000).optional(),
      puzzleName: shortText.optional(),
      puzzleKey: shortText.min(1).optional(),
      testIndex: z.number().int().min(0).max(100).optional(),
      innerSteps: z.boolean().optional(),
      reuse: z.boolean().optional(),
    }),
    reply: reply<{ traceId: number; warnings: string[]; reused: boolean }>(),
  },
  'traces.get': { payload: z.strictObject({ traceId: z.number().int().positive() }), reply: reply<TraceDetail>() },
  /** Newest first; all runs when no runId. */
  'traces.list': {
    payload: z.strictObject({ runId: runId.optional(), puzzleKey: shortText.optional(), limit: z.number().int().min(1).max(1000).optional() }),
    reply: reply<TraceInfo[]>(),
  },
  /** An evaluation of the run (default: the newest) with all its per-puzzle rows. */
  'traces.dataset': { payload: z.strictObject({ runId, evaluationId: z.number().int().positive().optional() }), reply: reply<TraceDatasetInfo>() },
  // ---- end of step viewer ----
} as const;

export type Channel = keyof typeof CHANNELS;
export const CHANNEL_NAMES = Object.keys(CHANNELS) as Channel[];
/** What the caller passes (defaults may be omitted). */
export type PayloadInput<C extends Channel> = z.input<(typeof CHANNELS)[C]['payload']>;
/** What a handler receives after validation (defaults filled in). */
export type Payload<C extends Channel> = z.output<(typeof CHANNELS)[C]['payload']>;
export type Reply<C extends Channel> = (typeof CHANNELS)[C]['reply'];

// ---------------------------------------------------------------------------------------------------------
// Replies and errors. Every transport carries an ApiResult so errors keep their field details.

export interface ApiErrorInfo {
  /** 'invalid-payload' (schema), 'forbidden' (sender), 'not-found', 'conflict', 'config' (bad run config),
   *  'invalid-input' (a bad file, folder or value), 'internal' (a bug). */
  code: ErrorCode;
  message: string;
  /** Field path → problem, for forms. */
  fieldErrors?: Record<string, string>;
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorInfo };

/** Thrown on the client side when a request fails; also thrown by handlers to choose the reply's code (they may
 *  throw any ExpectedError; this one takes an ApiErrorInfo). */
export class ApiError extends ExpectedError {
  constructor(info: ApiErrorInfo) {
    super(info.message, { code: info.code, fieldErrors: info.fieldErrors });
    this.name = 'ApiError';
  }
}

export function unwrapResult<T>(result: ApiResult<T>): T {
  if (result.ok) return result.value;
  throw new ApiError(result.error);
}

// ---------------------------------------------------------------------------------------------------------
// Events pushed to the UI. Train events are throttled to ≤ 10 deliveries/s per run: progress and metric events
// are coalesced to the latest (fetch the full series with metrics.series + afterStep); started, checkpoint, eval,
// done and error always arrive.

export type WorkbenchEvent =
  | { type: 'train'; event: TrainEvent }
  | { type: 'job'; job: JobInfo }
  /** Something failed in the backend outside any request (an uncaught exception): shown in the window, kept in the log. */
  | { type: 'app-error'; message: string; at: number };

export type WorkbenchEventListener = (event: WorkbenchEvent) => void;

// ---------------------------------------------------------------------------------------------------------
// The client the renderer uses: `api.<domain>.<verb>(payload)`, generated from CHANNELS.

type DomainOf<C> = C extends `${infer D}.${string}` ? D : never;
type VerbOf<C, D extends string> = C extends `${D}.${infer V}` ? V : never;
type RequestFunction<C extends Channel> = {} extends PayloadInput<C>
  ? (payload?: PayloadInput<C>) => Promise<Reply<C>>
  : (payload: PayloadInput<C>) => Promise<Reply<C>>;

export type WorkbenchRequests = {
  [D in DomainOf<Channel>]: { [V in VerbOf<Channel, D>]: RequestFunction<`${D}.${V}` & Channel> };
};

export type WorkbenchApi = WorkbenchRequests & {
  /** Subscribes to pushed events; returns the unsubscribe function. */
  onEvent(listener: WorkbenchEventListener): () => void;
};

/** Builds `{ domain: { verb: fn } }` with one function per channel. */
function byDomain<F>(makeFunction: (channel: Channel) => F): Record<string, Record<string, F>> {
  const api: Record<string, Record<string, F>> = {};
  for (const channel of CHANNEL_NAMES) {
    const [domain, verb] = channel.split('.') as [string, string];
    api[domain] ??= {};
    api[domain][verb] = makeFunction(channel);
  }
  return api;
}

/** Builds the request functions from one function that sends a channel's payload and returns its result. */
export function buildRequests(send: (channel: Channel, payload: unknown) => Promise<ApiResult<unknown>>): WorkbenchRequests {
  return byDomain((channel) => async (payload: unknown = {}) => unwrapResult(await send(channel, payload))) as unknown as WorkbenchRequests;
}

/** What Electron's preload exposes as `window.trm`: the same functions, returning ApiResults instead of throwing
 *  (errors crossing contextBridge lose their class and fields); getApi() unwraps them into a WorkbenchApi. */
export type BridgedApi = {
  [D in DomainOf<Channel>]: { [V in VerbOf<Channel, D>]: (payload?: unknown) => Promise<ApiResult<Reply<`${D}.${V}` & Channel>>> };
} & { onEvent(listener: WorkbenchEventListener): () => void };

export function buildBridge(send: (channel: Channel, payload: unknown) => Promise<ApiResult<unknown>>): Omit<BridgedApi, 'onEvent'> {
  return byDomain((channel) => (payload: unknown = {}) => send(channel, payload)) as unknown as Omit<BridgedApi, 'onEvent'>;
}

/** The channel a bridged function belongs to, by walking the map (used to unwrap window.trm). */
export function bridgedFunction(bridge: BridgedApi, channel: Channel): (payload: unknown) => Promise<ApiResult<unknown>> {
  const [domain, verb] = channel.split('.') as [string, string];
  return (bridge as unknown as Record<string, Record<string, (payload: unknown) => Promise<ApiResult<unknown>>>>)[domain][verb];
}

/** The name preload exposes the API under: `window.trm`. */
export const EXPOSED_API_NAME = 'trm';
/** The IPC channel main pushes WorkbenchEvents on (Electron). */
export const EVENT_CHANNEL = 'workbench.event';

// ---------------------------------------------------------------------------------------------------------
// WebSocket protocol (browser mode): JSON text frames.

export type WsClientMessage = { id: number; channel: Channel; payload: unknown };
export type WsServerMessage = { id: number; result: ApiResult<unknown> } | { event: WorkbenchEvent };
