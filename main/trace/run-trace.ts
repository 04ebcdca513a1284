// A run's checkpoint + a puzzle file → a stored trace (what `trm trace` and the app's step viewer call), and a
// stored trace reopened. The model is loaded exactly as `evaluateRun` loads it, so the trace's last step is
// what the evaluation of that checkpoint predicts.
import { openDatabase, type CheckpointRef, type TraceRow, type TrmDb } from '../../db/index.ts';
import { openTaskData, type TaskData } from '../puzzles/task-data.ts';
import '../puzzles/index.ts';
import { readCheckpoint } from '../train/checkpoint.ts';
import { createEngine, type Engine } from '../train/engine.ts';
import { RunError } from '../train/run.ts';
import { selectBackend, type BackendName } from '../trm/backend.ts';
import type { RunConfig } from '../trm/config.ts';
import { evaluationPuzzle } from './evaluation-puzzle.ts';
import { parsePuzzleFile, type PuzzleInput } from './puzzle-input.ts';
import { traceGridOf } from './trace-view.ts';
import { decodeTrace, encodeTrace } from './trace-codec.ts';
import { trace, type Trace } from './trace.ts';

export interface TraceRunOptions {
  /** The puzzle file's text and name (see puzzle-input.ts for the formats). Either this or `evaluationKey`. */
  puzzleText?: string;
  /** A held-out example of the run's own data by its evaluation key (e.g. "test/3", "taskid:0"); see
   *  evaluation-puzzle.ts. */
  evaluationKey?: string;
  puzzleName?: string;
  /** latest (default), best or step_N. */
  checkpoint?: string;
  /** ARC: which test pair (default 0). */
  testIndex?: number;
  innerSteps?: boolean;
  backend?: BackendName;
  /** Database to use (default: the workspace's). */
  db?: TrmDb;
}

export interface TraceRunResult {
  traceId: number;
  runId: number;
  checkpointStep: number;
  puzzle: PuzzleInput;
  trace: Trace;
  /** The run's data (its `grid` and `render` draw the trace's token sequences). */
  data: TaskData;
}

/** Traces a puzzle through a checkpoint of a run and stores the trace. Throws RunError / PuzzleInputError /
 *  CheckpointError with a message for the user. */
export async function traceRun(runId: number, options: TraceRunOptions): Promise<TraceRunResult> {
  const db = options.db ?? openDatabase();
  let engine: Engine | undefined;
  try {
    const run = db.getRun(runId);
    if (!run) throw new RunError(`no run ${runId}`);
    const ref = options.checkpoint ?? 'latest';
    if (!/^(latest|best|step_\d+)$/.test(ref)) throw new RunError(`--checkpoint must be latest, best or step_N (got '${ref}')`);
    const row = db.getCheckpoint(runId, ref as CheckpointRef);
    if (!row) {
      const steps = db.listCheckpoints(runId).map((c) => `step_${c.step}`);
      throw new RunError(`run ${runId} has no checkpoint '${ref}'${steps.length === 0 ? ' (it has no checkpoints yet)' : `; it has: ${steps.join(', ')}`}`);
    }
    const { model, train, data: dataConfig } = run.config as unknown as RunConfig;
    const config: RunConfig = { model, train, data: dataConfig };
    const data = openTaskData(config.data, config.train.seed);
    const puzzle = options.evaluationKey !== undefined
      ? evaluationPuzzle(data, options.evaluationKey)
      : parsePuzzleFile(options.puzzleText ?? '', data, { dataConfig: config.data, testIndex: options.testIndex, name: options.puzzleName });
    await selectBackend(options.backend);
    engine = createEngine(config);
    engine.restore(readCheckpoint(row.path));
    const result = await trace(engine, puzzle, { innerSteps: options.innerSteps, isSolved: data.isSolved });
    const traceId = db.addTrace({
      runId, checkpointStep: row.step, puzzleKey: puzzle.puzzleKey, innerSteps: result.inner !== null, summary: { ...traceSummary(result), grid: traceGridOf(data), warnings: puzzle.warnings }, blob: encodeTrace(result),
    });
    return { traceId, runId, checkpointStep: row.step, puzzle, trace: result, data };
  } finally {
    engine?.dispose();
    if (!options.db) db.close();
  }
}

/** The numbers a list of traces shows, stored beside the blob (with the grid mapping and the puzzle's warnings). */
export function traceSummary(result: Trace): Record<string, unknown> {
  const last = result.steps.at(-1)!;
  return {
    steps: result.steps.length, solved: last.solved ?? last.exact, exact: last.exact, cellAccuracy: last.cellAccuracy, haltProbability: last.haltProbability,
    trainingHaltStep: result.trainingHaltStep, flags: result.flags,
  };
}

/** A stored trace, decoded. */
export function loadTrace(traceId: number, db?: TrmDb): { row: TraceRow; trace: Trace } {
  const database = db ?? openDatabase();
  try {
    const stored = database.getTrace(traceId);
    if (!stored) throw new RunError(`no trace ${traceId}`);
    const { blob, ...row } = stored;
    return { row, trace: decodeTrace(blob) };
  } finally {
    if (!db) database.close();
  }
}
