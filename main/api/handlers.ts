// What each API channel does, on top of the database, the job queue and the trainer. Payloads arrive already
// validated (register.ts); handlers throw ApiError to choose the error reply.
import { rmSync } from 'node:fs';
import { ApiError, MAX_JOB_CONCURRENCY, type AppInfo, type CompareViewState, type JsonValue, type RunSummaryInfo } from '../../preload/contract.ts';
import type { CheckpointRef, TrmDb } from '../../db/index.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { readRunLog, runLogPath } from '../jobs/run-log.ts';
import { describeConfigFields } from '../trm/config.ts';
import { findPreset, PRESETS } from '../trm/presets.ts';
import type { Handlers } from './register.ts';
import { createLibraryHandlers } from './library-handlers.ts';
import { createTraceHandlers } from './trace-handlers.ts';

/** The trainer functions the API calls in the main process (main/train/run.ts; training itself runs in jobs). */
export interface ApiTrainer {
  createRun(options: { preset: string; overrides?: Record<string, string>; name?: string; backend?: string; tags?: string[]; notes?: string }, db?: TrmDb): Promise<{ runId: number; warnings?: string[] }>;
  estimateRun(preset: string, overrides?: Record<string, string>): Promise<{ parameterCount: number; memoryBytes: number; errors: Record<string, string>; warnings?: string[] }>;
  /** The folder holding a run's checkpoints and traces. */
  runDirectory(runId: number): Promise<string>;
}

/** The real trainer, loaded on first use so the main process starts without loading TensorFlow.js. */
export function lazyTrainer(): ApiTrainer {
  const load = () => import('../train/run.ts');
  return {
    // Data that takes long to read (the shared ARC sets) is read in slices first, between other requests.
    createRun: async (options, db) => {
      const run = await load();
      await run.warmRunData(options.preset, options.overrides);
      return run.createRun(options, db);
    },
    estimateRun: async (preset, overrides) => {
      const run = await load();
      await run.warmRunData(preset, overrides);
      return run.estimateRun(preset, overrides);
    },
    runDirectory: async (runId) => (await load()).runDirectory(runId),
  };
}

export interface ApiContext {
  db: TrmDb;
  jobs: JobQueue;
  trainer: ApiTrainer;
  app: Omit<AppInfo, 'backend'>;
}

/** What each backend gives on this machine, probed once (it loads TensorFlow.js, the native package and Dawn). */
let backends: ReturnType<typeof import('../trm/backend.ts').listBackends> | null = null;
const backendList = () => (backends ??= import('../trm/backend.ts').then((m) => m.listBackends()));

/** The setting holding the preferred TensorFlow.js backend for new runs ('tensorflow' | 'webgpu' | 'wasm' | 'cpu'). */
export const BACKEND_SETTING = 'backend';
/** The setting holding how many jobs run at once (read at start-up, written by jobs.setConcurrency). */
export const CONCURRENCY_SETTING = 'jobs.concurrency';
/** Runs in these states can be resumed (trained on from their latest checkpoint). */
const RESUMABLE = new Set(['queued', 'stopped', 'interrupted', 'failed']);

export function createHandlers({ db, jobs, trainer, app }: ApiContext): Handlers {
  function runSummary(runId: number): RunSummaryInfo {
    const run = db.getRun(runId);
    if (!run) throw new ApiError({ code: 'not-found', message: `no run ${runId}` });
    return { ...run, metrics: db.getMetricSummaries([runId])[runId] ?? {} };
  }

  function requireNoJob(runId: number, action: string): void {
    const job = jobs.activeJob(runId);
    if (job) throw new ApiError({ code: 'conflict', message: `cannot ${action} run ${runId}: its ${job.kind} job is ${job.state}` });
  }

  /** Applies "jobs at once" to the live queue, then stores it (jobs.setConcurrency, or settings.set of its key). */
  function setJobConcurrency(concurrency: unknown): void {
    try {
      jobs.setConcurrency(concurrency as number); // first: it refuses what the queue cannot run, before anything is stored
    } catch (error) {
      throw new ApiError({ code: 'invalid-payload', message: (error as Error).message });
    }
    db.setSetting(CONCURRENCY_SETTING, concurrency as number);
  }

  function requirePreset(name: string): void {
    if (!findPreset(name)) throw new ApiError({ code: 'not-found', message: `unknown preset '${name}'`, fieldErrors: { preset: `valid presets: ${PRESETS.map((p) => p.name).join(', ')}` } });
  }

  return {
    'runs.list': (filter) => db.listRuns(filter),
    'runs.get': ({ runId }) => runSummary(runId),
    'runs.create': async ({ start, minutes, ...options }) => {
      requirePreset(options.preset);
      const backend = options.backend ?? db.getSetting<string>(BACKEND_SETTING);
      const { runId, warnings } = await trainer.createRun({ ...options, backend }, db);
      return { runId, job: start ? jobs.enqueue({ kind: 'train', runId, minutes }) : null, ...(warnings && warnings.length > 0 ? { warnings } : {}) };
    },
    'runs.update': ({ runId, ...patch }) => {
      runSummary(runId);
      return db.updateRun(runId, patch);
    },
    'runs.log': ({ runId, fromByte }) => {
      runSummary(runId);
      return readRunLog(runLogPath(app.workspace, runId), fromByte);
    },
    'runs.delete': async ({ runId }) => {
      requireNoJob(runId, 'delete');
      const deleted = db.deleteRun(runId);
      if (deleted) rmSync(await trainer.runDirectory(runId), { recursive: true, force: true });
      return { deleted };
    },
    'runs.stop': ({ runId }) => jobs.stop(runId),
    'runs.resume': ({ runId, minutes }) => {
      const run = runSummary(runId);
      requireNoJob(runId, 'resume');
      if (!RESUMABLE.has(run.status)) throw new ApiError({ code: 'conflict', message: `run ${runId} is ${run.status}; only stopped, interrupted or failed runs resume` });
      db.updateRun(runId, { status: 'queued', error: null });
      return jobs.enqueue({ kind: 'train', runId, minutes });
    },
    'runs.kill': ({ runId }) => jobs.kill(runId),
    'jobs.list': () => jobs.list(),
    'jobs.getConcurrency': () => ({ concurrency: jobs.getConcurrency(), max: MAX_JOB_CONCURRENCY }),
    'jobs.setConcurrency': ({ concurrency }) => {
      setJobConcurrency(concurrency);
      return { concurrency, max: MAX_JOB_CONCURRENCY };
    },
    'metrics.keys': ({ runId }) => db.listMetricKeys(runId),
    'metrics.series': ({ runId, keys, maxPoints, afterStep }) => db.getMetricSeries(runId, keys, { maxPoints, afterStep }),
    'checkpoints.list': ({ runId }) => db.listCheckpoints(runId),
    'evaluations.list': ({ runId }) => db.listEvaluations(runId),
    'evaluations.puzzles': ({ evaluationId, offset = 0, limit = 200, onlyWrong = false }) =>
      db.getEvaluationPuzzles(evaluationId).filter((puzzle) => !onlyWrong || !puzzle.correct).slice(offset, offset + limit),
    'evaluations.start': ({ runId, checkpoint }) => {
      runSummary(runId);
      requireNoJob(runId, 'evaluate');
      const ref = checkpoint ?? (db.getCheckpoint(runId, 'best') ? 'best' : 'latest');
      if (!db.getCheckpoint(runId, ref as CheckpointRef)) throw new ApiError({ code: 'not-found', message: `run ${runId} has no checkpoint '${ref}'` });
      return jobs.enqueue({ kind: 'evaluate', runId, checkpoint: ref });
    },
    'presets.list': () => PRESETS.map(({ name, description, scale, config }) => ({ name, description, scale, config })),
    'config.describe': ({ preset }) => {
      requirePreset(preset);
      const config = findPreset(preset)!.config;
      return describeConfigFields(config).map((field) => {
        const [section, key] = field.path.split('.') as [keyof typeof config, string];
        return { ...field, value: (config[section] as unknown as Record<string, unknown>)[key] };
      });
    },
    'config.estimate': ({ preset, overrides }) => {
      requirePreset(preset);
      return trainer.estimateRun(preset, overrides);
    },
    'settings.get': ({ key }) => db.getSetting<JsonValue>(key) ?? null,
    'settings.set': ({ key, value }) => {
      if (key === CONCURRENCY_SETTING) setJobConcurrency(value); // the same checks and live effect as its own channel
      else db.setSetting(key, value);
      return null;
    },
    'app.info': () => ({ ...app, backend: db.getSetting<string>(BACKEND_SETTING) ?? 'auto' }),
    'app.backends': async () => (await backendList()).map(({ name, available, detail }) => ({ name, available, detail })),
    // Puzzle library and editor (library.*, drafts.*, puzzles.*): main/api/library-handlers.ts.
    ...createLibraryHandlers({ db, workspace: app.workspace }),
    // Step viewer (traces.*): main/api/trace-handlers.ts.
    ...createTraceHandlers({ db }),
    'views.list': () => db.listViews<CompareViewState>(),
    'views.save': ({ name, state }) => db.saveView(name, state),
    'views.delete': ({ viewId }) => ({ deleted: db.deleteView(viewId) }),
    'views.parameterCounts': async ({ runIds }) => {
      const { TRM } = await import('../trm/model.ts'); // loads TensorFlow.js: only when a comparison asks
      return Object.fromEntries(runIds.map((id) => {
        const model = (db.getRun(id)?.config as { model?: Parameters<typeof TRM.countParameters>[0] } | undefined)?.model;
        try {
          return [id, model ? TRM.countParameters(model) : null];
        } catch {
          return [id, null];
        }
      }));
    },
  };
}
