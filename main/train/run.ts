// A run from start to finish: create it (validated config → a queued row), train or resume it in this process
// (backend, model, data, loop, metrics, evaluations, checkpoints, status), evaluate any of its checkpoints.
// The CLI and the app's job processes both call these; the database is the source of truth throughout.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { ExpectedError } from '../common/errors.ts';
import { isProcessAlive, openDatabase, type CheckpointRow, type RunRow, type TrmDb } from '../../db/index.ts';
import { isInsideFolder, workspaceDir } from '../common/paths.ts';
import { HEADLINE_METRIC_DEFAULT, openTaskData, taskShape, warmTaskData, type TaskData, type TaskShape } from '../puzzles/task-data.ts';
import '../puzzles/index.ts';
import { applyOverrides, ConfigError, validateRunConfig, type RunConfig } from '../trm/config.ts';
import { presetConfig } from '../trm/presets.ts';
import { BACKEND_NAMES, selectBackend, type BackendName } from '../trm/backend.ts';
import { describeAdapter } from '../common/backends.ts';
import { TRM } from '../trm/model.ts';
import { runTrainingLoop, type StepMetrics } from './loop.ts';
import { readCheckpoint, removeTemporaryFiles, writeCheckpoint, CheckpointError, type CheckpointContents } from './checkpoint.ts';
import type { TrainEvent, TrainEventListener } from './events.ts';
import { createEngine, startTrainingEngine, type Engine } from './engine.ts';
import { evaluateEngine } from './evaluate.ts';

export const APP_VERSION = '0.1.0';

/** An expected failure with a message meant for the user (the CLI prints it without a stack). */
export class RunError extends ExpectedError {
  constructor(message: string) {
    super(message, { code: 'conflict' }); // the API's code for it before ExpectedError
    this.name = 'RunError';
  }
}

export interface CreateRunOptions {
  preset: string;
  overrides?: Record<string, string>;
  name?: string;
  backend?: string;
  tags?: string[];
  notes?: string;
  parentRunId?: number;
  /** Train on a folder in the official TRM dataset layout instead of the preset's data. */
  dataDir?: string;
}

/** The config a preset and overrides give, with the data-derived model fields filled in; throws ConfigError. */
export function resolveConfig(preset: string, overrides: Record<string, string> = {}, dataDir?: string): { config: RunConfig; data: TaskData } {
  const config = checkedPresetConfig(preset, overrides, dataDir);
  let data: TaskData;
  try {
    data = openTaskData(config.data, config.train.seed);
  } catch (error) {
    throw new ConfigError({ [`data.${config.data.kind === 'official' ? 'dir' : config.data.kind === 'arc' ? 'tasks' : 'source'}`]: (error as Error).message });
  }
  return { config: withDataSizes(config, data), data };
}

/** The preset with its overrides applied and validated, before the data decides its sizes; throws ConfigError. */
function checkedPresetConfig(preset: string, overrides: Record<string, string>, dataDir?: string): RunConfig {
  let config: RunConfig;
  try {
    const base = presetConfig(preset);
    // A folder in the official TRM layout replaces the preset's data (e.g. one built here or by the official scripts).
    if (dataDir) base.data = { kind: 'official', dir: resolvePath(dataDir) };
    config = applyOverrides(base, overrides);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError({ preset: (error as Error).message });
  }
  const errors = validateRunConfig(config);
  if (Object.keys(errors).length > 0) throw new ConfigError(errors);
  return config;
}

/** The config with the sizes its data decides (vocabulary, tokens per example, puzzle identifiers), validated again. */
function withDataSizes(config: RunConfig, sizes: TaskShape): RunConfig {
  const sized = { ...config, model: { ...config.model, vocabSize: sizes.vocabSize, seqLen: sizes.seqLen, numPuzzleIdentifiers: sizes.numPuzzleIdentifiers } };
  const errors = validateRunConfig(sized);
  if (Object.keys(errors).length > 0) throw new ConfigError(errors);
  return sized;
}

/** Parameter count and a rough memory estimate for the new-run form, without building anything. */
/** Reads the data a preset needs between other work (the server awaits this before estimateRun or createRun, so the
 *  shared ARC sets' ≈1,000 files are not parsed in one block); a bad config is left for those to report. */
export async function warmRunData(preset: string, overrides: Record<string, string> = {}): Promise<void> {
  let config: RunConfig;
  try {
    config = checkedPresetConfig(preset, overrides);
  } catch {
    return;
  }
  await warmTaskData(config.data);
}

export function estimateRun(preset: string, overrides: Record<string, string> = {}): { parameterCount: number; memoryBytes: number; errors: Record<string, string>; warnings: string[] } {
  try {
    // Sudoku and mazes know their sizes from the config: no data is generated or read (the paper presets' data
    // took 0.5–3.9 s to open, holding the server's event loop). Others (ARC sets, official folders) open it.
    const unsized = checkedPresetConfig(preset, overrides);
    const shape = taskShape(unsized.data);
    const resolved = shape ? null : resolveConfig(preset, overrides);
    const config = resolved ? resolved.config : withDataSizes(unsized, shape!);
    const m = config.model;
    const parameterCount = TRM.countParameters(m);
    const positions = m.seqLen + m.puzzleEmbLen;
    // Weights + EMA + two Adam moments + gradients, the puzzle table, and activations kept for one backward pass.
    const activations = config.train.batchSize * positions * m.hiddenSize * (m.lCycles + 1) * m.layers * 12;
    const memoryBytes = 4 * (5 * parameterCount + m.numPuzzleIdentifiers * m.puzzleEmbDim + activations);
    return { parameterCount, memoryBytes, errors: {}, warnings: resolved?.data.warnings ?? [] };
  } catch (error) {
    if (error instanceof ConfigError) return { parameterCount: 0, memoryBytes: 0, errors: error.fieldErrors, warnings: [] };
    throw error;
  }
}

/** Inserts the run; `warnings` are the data's (ARC files skipped, and why) for the caller to show. */
export async function createRun(options: CreateRunOptions, db?: TrmDb): Promise<{ runId: number; warnings: string[] }> {
  const { config, data } = resolveConfig(options.preset, options.overrides, options.dataDir);
  if (options.backend && !(BACKEND_NAMES as readonly string[]).includes(options.backend)) throw new ConfigError({ backend: `must be ${BACKEND_NAMES.join(', ')} (got '${options.backend}')` });
  const database = db ?? openDatabase();
  try {
    const run = database.createRun({
      name: options.name ?? `${options.preset}-${new Date().toISOString().slice(5, 16).replace('T', '-')}`,
      preset: options.preset,
      // Beside the config, facts the app shows per run: the requested backend, and the training set's epoch size
      // (null: generated on the fly, so the run logs no train/epoch and the compare view says why).
      config: { ...config, requestedBackend: options.backend ?? null, trainExamplesPerEpoch: data.trainExamplesPerEpoch },
      backend: options.backend ?? 'auto',
      backendVersion: '',
      appVersion: APP_VERSION,
      datasetFingerprint: data.fingerprint,
      parentRunId: options.parentRunId,
      tags: options.tags,
      notes: options.notes,
      totalSteps: config.train.maxSteps,
    });
    return { runId: run.id, warnings: data.warnings ?? [] };
  } finally {
    if (!db) database.close();
  }
}

export interface TrainRunOptions {
  signal?: AbortSignal;
  onEvent?: TrainEventListener;
  /** Wall-clock budget for this invocation; the run stops (resumable) when it runs out. */
  minutes?: number;
  /** Override the steps to run (also stored as the run's total). */
  maxSteps?: number;
  /** Backend for this invocation (defaults to the one requested at creation, else auto). */
  backend?: BackendName;
  /** Notes on what the trainer did besides training (a checkpoint it skipped or left alone); default console.warn. */
  warn?: (message: string) => void;
}

export function runDirectory(runId: number): string {
  return join(workspaceDir(), 'runs', String(runId));
}

function runConfig(run: RunRow): RunConfig {
  const { model, train, data } = run.config as unknown as RunConfig;
  return { model, train, data };
}

/** Trains a queued, stopped or interrupted run to its total steps (or until aborted / out of time). */
export async function trainRun(runId: number, options: TrainRunOptions = {}): Promise<void> {
  const db = openDatabase();
  const emit = (event: TrainEvent) => options.onEvent?.(event);
  const warn = options.warn ?? ((message: string) => console.warn(message));
  let engine: Engine | undefined;
  /** The run's training time so far, once this session has begun training (see sessionStarted). */
  let activeMs: (() => number) | undefined;
  try {
    db.markInterruptedRuns(); // a run whose process died (SIGKILL, power loss) is 'interrupted', never left 'running'
    const run = db.getRun(runId);
    if (!run) throw new RunError(`no run ${runId}`);
    if (run.status === 'finished' && !(options.maxSteps && options.maxSteps > run.step)) throw new RunError(`run ${runId} already finished at step ${run.step}`);
    if (run.status === 'running' && run.pid && run.pid !== process.pid && isAlive(run.pid)) throw new RunError(`run ${runId} is already running (pid ${run.pid})`);
    // Marked before the slow set-up (backend, data, engine), so a kill during it leaves the run 'running' with a dead
    // pid, which the next start marks interrupted, instead of as it was ('queued' for a new run) for good.
    db.updateRun(runId, { status: 'running', pid: process.pid, endedAt: null, error: null });
    const config = runConfig(run);
    if (options.maxSteps) config.train.maxSteps = options.maxSteps;
    const requested = options.backend ?? ((run.config as { requestedBackend?: BackendName }).requestedBackend || undefined);
    const backend = await selectBackend(requested);
    const data = openTaskData(config.data, config.train.seed);
    if (data.fingerprint !== run.datasetFingerprint) throw new RunError(`run ${runId}: its data changed since the run was created (fingerprint ${data.fingerprint} ≠ ${run.datasetFingerprint})`);
    let threads: number;
    ({ engine, threads } = await startTrainingEngine(config, backend.name));
    const batches = data.trainBatches(config.train.batchSize, config.train.seed);

    // Resume from the newest intact checkpoint: a damaged one (truncated, corrupt, unreadable) is passed over, and
    // the run fails only when every one is. What was recorded after it (metrics, evaluations, checkpoints: a kill can
    // land between an evaluation's commit and its checkpoint) is dropped and will be recorded again.
    let startStep = 0;
    const checkpoints = db.listCheckpoints(runId).reverse();
    const damaged: { step: number; reason: string }[] = [];
    for (const candidate of checkpoints) {
      let checkpoint: CheckpointContents;
      try {
        checkpoint = readCheckpoint(candidate.path);
      } catch (error) {
        if (!(error instanceof CheckpointError)) throw error;
        damaged.push({ step: candidate.step, reason: error.message });
        continue;
      }
      engine.restore(checkpoint);
      if (checkpoint.meta.sampler != null) batches.setState(checkpoint.meta.sampler); // imported runs have no data position
      startStep = candidate.step;
      break;
    }
    // Each reason names its file (e.g. "…/step_8.trmckpt is corrupt (checksum mismatch)").
    const reasons = damaged.map(({ reason }) => reason).join('; ');
    if (damaged.length > 0 && damaged.length === checkpoints.length) throw new CheckpointError(`run ${runId} has no intact checkpoint to resume from: ${reasons}`);
    if (damaged.length > 0) {
      const which = damaged.length === 1 ? `checkpoint step_${damaged[0].step} is` : `checkpoints ${damaged.map(({ step }) => `step_${step}`).join(', ')} are`;
      warn(`run ${runId}: ${which} damaged: ${reasons}; resuming from step_${startStep}`);
    }
    for (const dropped of db.rewindRun(runId, startStep)) removeCheckpointFile(db, runId, dropped, warn);
    // The stored config gets this invocation's total steps and the data's epoch size (runs created before it was recorded).
    // … and the threads this invocation uses (train.threads 0 = auto is resolved per machine and backend).
    const storedConfig = { ...run.config, train: config.train, trainExamplesPerEpoch: data.trainExamplesPerEpoch, threads };
    const configChanged = Boolean(options.maxSteps) || run.config.trainExamplesPerEpoch !== data.trainExamplesPerEpoch || run.config.threads !== threads;
    db.updateRun(runId, { status: 'running', pid: process.pid, startedAt: run.startedAt ?? Date.now(), endedAt: null, error: null, backend: backend.name, backendVersion: backend.version, backendDevice: backend.adapter ? describeAdapter(backend.adapter) : '', step: startStep, ...(configChanged ? { config: storedConfig } : {}) });
    emit({ type: 'started', runId, backend: backend.name, backendVersion: backend.version, backendDevice: backend.adapter ? describeAdapter(backend.adapter) : '', parameterCount: engine.model.parameterCount(), totalSteps: config.train.maxSteps, resumedFromStep: startStep, threads });

    const checkpointDir = join(runDirectory(runId), 'checkpoints');
    mkdirSync(checkpointDir, { recursive: true });
    // Half-written checkpoints of a process killed while saving (this process writes none yet).
    removeTemporaryFiles(checkpointDir, (pid) => pid !== process.pid && isProcessAlive(pid));
    const pending: { key: string; step: number; wallTimeMs: number; value: number }[] = [];
    let lastFlush = Date.now();
    let lastProgress = 0;
    // `best` is the checkpoint whose evaluation scored highest on the task's headline metric (ARC: pass@2).
    const headlineKey = `eval/${data.headlineMetric ?? HEADLINE_METRIC_DEFAULT}`;
    let bestHeadline = Math.max(-1, ...db.listCheckpoints(runId).map((c) => Number((c.metrics as Record<string, number> | null)?.[headlineKey] ?? -1)));
    let lastEval: Record<string, number> = {};
    let lastTrainExact = 0;
    // Running time counts this session from here, on top of the earlier sessions' (not the time in between).
    const sessionStarted = Date.now();
    const sessionActiveMs = () => run.activeMs + (Date.now() - sessionStarted);
    activeMs = sessionActiveMs;
    const flush = (step: number) => {
      if (pending.length > 0) db.appendMetrics(runId, pending.splice(0));
      db.updateRun(runId, { step, activeMs: sessionActiveMs() });
      lastFlush = Date.now();
    };
    const trainStarted = Date.now();

    const result = await runTrainingLoop(
      {
        startStep,
        maxSteps: config.train.maxSteps,
        evalInterval: config.train.evalInterval,
        checkpointInterval: config.train.checkpointInterval,
        deadlineMs: options.minutes ? trainStarted + options.minutes * 60_000 : undefined,
        signal: options.signal,
        batchSize: config.train.batchSize,
        examplesPerEpoch: data.trainExamplesPerEpoch,
      },
      {
        nextBatch: () => batches.next(),
        trainStep: (batch) => engine!.trainStep(batch),
        onStep: (step, metrics: StepMetrics, timing) => {
          const now = Date.now();
          if (metrics.exact_accuracy !== undefined) lastTrainExact = metrics.exact_accuracy;
          for (const [name, value] of Object.entries(metrics)) pending.push({ key: name === 'lr' ? 'train/lr' : `train/${name}`, step, wallTimeMs: now, value });
          pending.push({ key: 'train/examples_per_second', step, wallTimeMs: now, value: timing.examplesPerSecond });
          if (timing.epoch !== null) pending.push({ key: 'train/epoch', step, wallTimeMs: now, value: timing.epoch });
          if (now - lastFlush > 1000) flush(step);
          emit({ type: 'metric', runId, step, values: metrics });
          if (now - lastProgress > 250 || step === config.train.maxSteps) {
            lastProgress = now;
            const done = step - startStep;
            const remaining = config.train.maxSteps - step;
            emit({ type: 'progress', runId, step, totalSteps: config.train.maxSteps, examplesPerSecond: timing.examplesPerSecond, elapsedMs: timing.elapsedMs, etaMs: done > 0 ? (timing.elapsedMs / done) * remaining : null, lmLoss: metrics.lm_loss, exactAccuracy: lastTrainExact, ...(timing.epoch !== null ? { epoch: timing.epoch } : {}) });
          }
        },
        onEvaluate: async (step) => {
          const evaluation = await evaluateEngine(engine!, data, { limit: config.train.evalExamples, batchSize: Math.min(config.train.batchSize, 256) });
          lastEval = Object.fromEntries(Object.entries(evaluation.metrics).map(([k, v]) => [`eval/${k}`, v]));
          const now = Date.now();
          for (const [key, value] of Object.entries(lastEval)) pending.push({ key, step, wallTimeMs: now, value });
          flush(step);
          db.addEvaluation({ runId, checkpointStep: step, split: 'test', metrics: evaluation.metrics, perPuzzle: evaluation.perPuzzle });
          saveEvaluationFiles(runId, step, evaluation.files);
          emit({ type: 'eval', runId, step, metrics: evaluation.metrics });
        },
        onCheckpoint: async (step) => {
          if (step === 0) return;
          flush(step);
          const path = join(checkpointDir, `step_${step}.trmckpt`);
          const bytes = writeCheckpoint(path, await engine!.snapshot({ step, config, sampler: batches.getState(), evalMetrics: lastEval }));
          db.addCheckpoint({ runId, step, path, bytes, metrics: lastEval });
          db.setCheckpointAlias(runId, 'latest', step);
          const aliases: ('latest' | 'best')[] = ['latest'];
          const headline = lastEval[headlineKey];
          if (headline !== undefined && headline > bestHeadline) {
            bestHeadline = headline;
            db.setCheckpointAlias(runId, 'best', step);
            aliases.push('best');
          }
          lastEval = {};
          pruneCheckpoints(db, runId, config.train.keepCheckpoints, warn);
          emit({ type: 'checkpoint', runId, step, path, aliases });
        },
      },
    );
    flush(result.step);
    const finished = result.status === 'finished';
    db.updateRun(runId, { status: finished ? 'finished' : 'stopped', pid: null, endedAt: Date.now(), step: result.step, activeMs: sessionActiveMs() });
    const summary = db.getMetricSummaries([runId])[runId] ?? {};
    emit({ type: 'done', runId, status: result.status, step: result.step, summary: Object.fromEntries(Object.entries(summary).map(([k, s]) => [k, s.lastValue])) });
  } catch (error) {
    const message = describeFailure(error);
    try {
      if (db.getRun(runId)) db.updateRun(runId, { status: 'failed', pid: null, endedAt: Date.now(), error: message, ...(activeMs ? { activeMs: activeMs() } : {}) });
    } catch {
      // The database itself failed (e.g. the disk is full): the run is marked interrupted on next start instead.
    }
    emit({ type: 'error', runId, message });
    if (error instanceof RunError || error instanceof CheckpointError || error instanceof ConfigError) throw error;
    throw Object.assign(new Error(message, { cause: error }), { expected: true });
  } finally {
    engine?.dispose();
    db.close();
  }
}

/** Task-specific evaluation files (an ARC submission.json) go to runs/<id>/evaluations/step_<N>/. */
function saveEvaluationFiles(runId: number, step: number, files: Record<string, unknown>): void {
  const entries = Object.entries(files);
  if (entries.length === 0) return;
  const dir = join(runDirectory(runId), 'evaluations', `step_${step}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of entries) writeFileSync(join(dir, name), JSON.stringify(content));
}

/** Deletes old checkpoints beyond `keep`, never `latest` or `best`, and never a file outside the workspace: such a
 *  row (written by another workspace, say) is forgotten and its file left in place, with a note. */
function pruneCheckpoints(db: TrmDb, runId: number, keep: number, warn: (message: string) => void): void {
  const checkpoints = db.listCheckpoints(runId);
  const protectedSteps = new Set(checkpoints.filter((c) => c.aliases.length > 0).map((c) => c.step));
  const candidates = checkpoints.filter((c) => !protectedSteps.has(c.step)).sort((a, b) => b.step - a.step);
  for (const old of candidates.slice(Math.max(0, keep - protectedSteps.size))) {
    removeCheckpointFile(db, runId, old, warn);
    db.deleteCheckpoint(runId, old.step);
  }
}

/** Deletes the file of a checkpoint the database drops, unless it lies outside the workspace. */
function removeCheckpointFile(db: TrmDb, runId: number, checkpoint: CheckpointRow, warn: (message: string) => void): void {
  if (isInsideFolder(db.workspace, checkpoint.path)) rmSync(checkpoint.path, { force: true });
  else warn(`run ${runId}: dropping checkpoint step_${checkpoint.step} without deleting ${checkpoint.path}: it is outside the workspace ${db.workspace}`);
}

function describeFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ENOSPC' || /SQLITE_FULL|no space left/i.test(message)) return `disk full: ${message}. Checkpoints saved before this point are intact; free space and resume the run.`;
  if (/memory access out of bounds|out of memory|Array buffer allocation failed/i.test(message))
    return `out of memory (${message}): the WASM backend is limited to 4 GB; use a smaller train.batchSize, model or canvas, or the tensorflow backend. Checkpoints saved before this point are intact.`;
  return message;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface EvaluateRunOptions {
  checkpoint?: string;
  limit?: number;
  backend?: BackendName;
}

/** Evaluates a checkpoint of a run on its held-out split; stores and returns the evaluation. */
export async function evaluateRun(runId: number, options: EvaluateRunOptions = {}): Promise<{ step: number; metrics: Record<string, number>; evaluationId: number }> {
  const db = openDatabase();
  let engine: Engine | undefined;
  try {
    const run = db.getRun(runId);
    if (!run) throw new RunError(`no run ${runId}`);
    const ref = (options.checkpoint ?? 'latest') as 'latest';
    if (!/^(latest|best|step_\d+)$/.test(ref)) throw new RunError(`--checkpoint must be latest, best or step_N (got '${ref}')`);
    const row = db.getCheckpoint(runId, ref);
    if (!row) throw new RunError(`run ${runId} has no checkpoint '${ref}'${db.listCheckpoints(runId).length === 0 ? ' (it has no checkpoints yet)' : `; it has: ${db.listCheckpoints(runId).map((c) => `step_${c.step}`).join(', ')}`}`);
    const config = runConfig(run);
    await selectBackend(options.backend);
    const data = openTaskData(config.data, config.train.seed);
    engine = createEngine(config);
    engine.restore(readCheckpoint(row.path));
    const evaluation = await evaluateEngine(engine, data, { limit: options.limit ?? config.train.evalExamples, batchSize: Math.min(config.train.batchSize, 256) });
    const evaluationId = db.addEvaluation({ runId, checkpointStep: row.step, split: 'test', metrics: evaluation.metrics, perPuzzle: evaluation.perPuzzle });
    saveEvaluationFiles(runId, row.step, evaluation.files);
    return { step: row.step, metrics: evaluation.metrics, evaluationId };
  } finally {
    engine?.dispose();
    db.close();
  }
}
