// The job queue, owned by the main process (Electron main or `trm serve`). Jobs wait in FIFO order and run
// `concurrency` at a time (default 1: the CPU is the bottleneck), each in its own process so a crash or OOM
// ends only that job. The queue supervises: stop = ask the job to checkpoint and exit, kill = SIGKILL, and a
// training job that dies without finishing leaves its run 'interrupted' so it can be resumed.
// Waiting jobs are stored in the database (queued_jobs) from enqueue until they start or are cancelled, so a quit
// or a crash loses none: the next start calls restore() and they wait again in their order. An evaluation keeps
// its row while it runs, marked with this process's pid, so one that a crash cut short is queued again too.
import { join, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { PACKAGE_ROOT, workspaceDir } from '../common/paths.ts';
import { MAX_JOB_CONCURRENCY, type JobInfo, type JobState, type WorkbenchEvent } from '../../preload/contract.ts';
import type { NewQueuedJob, QueuedJobRow, RunPatch, RunRow } from '../../db/index.ts';
import { isProcessAlive } from '../../db/recovery.ts';
import { CORES_ENV } from '../trm/data-parallel.ts';
import { forkJobProcess, type JobProcess, type JobProcessLauncher } from './launcher.ts';
import type { FromJobMessage, JobSpec } from './protocol.ts';
import { RunLogWriter, runLogPath } from './run-log.ts';
import type { TrainEvent } from '../train/events.ts';

/** The trainer module job processes load by default. */
export const DEFAULT_TRAINER_MODULE = join(PACKAGE_ROOT, 'main', 'train', 'run.ts');

/** The database calls the queue needs (TrmDb provides them). */
export interface JobQueueDb {
  getRun(id: number): RunRow | undefined;
  updateRun(id: number, patch: RunPatch): RunRow;
  addQueuedJob(job: NewQueuedJob, placement?: 'last' | 'first'): QueuedJobRow;
  listQueuedJobs(): QueuedJobRow[];
  removeQueuedJob(id: number): boolean;
  claimQueuedJob(id: number, pid: number): boolean;
  releaseQueuedJob(id: number): void;
}

export interface JobQueueOptions {
  db: JobQueueDb;
  /** Jobs running at once (default 1). */
  concurrency?: number;
  /** Starts a job process (default: child_process.fork; Electron passes a utilityProcess launcher). */
  launch?: JobProcessLauncher;
  /** Module exporting trainRun/evaluateRun (default main/train/run.ts; tests inject a fake). */
  trainerModule?: string;
  /** Environment of job processes (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** The workspace whose runs/<id>/train.log each job appends to (default: the jobs' TRM_HOME, else the app's). */
  workspace?: string;
  /** Job status changes and the jobs' (already throttled) train events. */
  onEvent?: (event: WorkbenchEvent) => void;
  /** Warnings, such as a stored job that cannot be restored (default console.warn). */
  warn?: (message: string) => void;
  /** This workbench process's pid, marked on the evaluations it runs (default process.pid; tests play others). */
  pid?: number;
  /** Whether the process that started a stored evaluation is still running it (default: it exists). */
  isProcessAlive?: (pid: number) => boolean;
}

export interface RestoreOptions {
  /** Runs to train on ahead of the stored jobs, in this order: runs a crash left 'interrupted', when the user
   *  chose to resume them automatically. Runs that are not 'interrupted' (any more) are left alone. */
  resumeRunIds?: readonly number[];
}

export interface ShutdownOptions {
  /** Store the jobs this shutdown stops ahead of the waiting ones, so the next start resumes them first
   *  (the user's automatic-resume choice). Otherwise a stopped training run stays 'stopped'. */
  requeueRunning?: boolean;
}

interface Job {
  info: JobInfo;
  spec: JobSpec;
  /** Its queued_jobs row while it waits (and, for an evaluation, while it runs); null once gone. */
  storedId: number | null;
  process: JobProcess | null;
  /** The run's log while the job runs (runs/<id>/train.log). */
  log: RunLogWriter | null;
  /** What the job process reported before exiting, if anything. */
  outcome: FromJobMessage | null;
  stopRequested: boolean;
  killRequested: boolean;
  ended: Promise<void>;
  markEnded: () => void;
}

const ACTIVE_STATES: ReadonlySet<JobState> = new Set(['queued', 'running', 'stopping']);
/** Run statuses the trainer sets itself when it ends; a dying process does not overwrite them. */
const FINAL_RUN_STATUSES: ReadonlySet<string> = new Set(['finished', 'stopped', 'failed']);
/** Ended jobs kept for jobs.list. */
const ENDED_JOBS_KEPT = 50;
/** How a shutdown leaves the jobs it stopped: these are worth running again at the next start. */
const REQUEUED_AFTER_SHUTDOWN: ReadonlySet<JobState> = new Set(['stopped', 'killed', 'interrupted']);

/** What a queued_jobs row stores besides kind and run. */
function specPayload(spec: JobSpec): object {
  return spec.kind === 'train' ? { minutes: spec.minutes } : { checkpoint: spec.checkpoint }; // undefined fields are not stored
}

/** The job a stored row describes, or why it cannot be one (the file may have been edited, damaged, or written by
 *  another version of the app). */
function specFromRow(row: QueuedJobRow): JobSpec | string {
  if (!Number.isSafeInteger(row.runId) || row.runId < 1) return `invalid run id ${JSON.stringify(row.runId)}`;
  let payload: unknown;
  try {
    payload = JSON.parse(row.payloadJson);
  } catch {
    return `its options are not JSON: ${JSON.stringify(String(row.payloadJson).slice(0, 80))}`;
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return `its options are not an object: ${row.payloadJson}`;
  const { minutes, checkpoint } = payload as { minutes?: unknown; checkpoint?: unknown };
  if (row.kind === 'train') {
    if (minutes === undefined) return { kind: 'train', runId: row.runId };
    if (typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes <= 0) return `invalid minutes ${JSON.stringify(minutes)}`;
    return { kind: 'train', runId: row.runId, minutes };
  }
  if (row.kind === 'evaluate') {
    if (checkpoint === undefined) return { kind: 'evaluate', runId: row.runId };
    if (typeof checkpoint !== 'string') return `invalid checkpoint ${JSON.stringify(checkpoint)}`;
    return { kind: 'evaluate', runId: row.runId, checkpoint };
  }
  return `unknown job kind ${JSON.stringify(row.kind)}`;
}

export class JobQueue {
  private readonly jobs: Job[] = [];
  private nextJobId = 1;
  private readonly db: JobQueueDb;
  private concurrency: number;
  private readonly launch: JobProcessLauncher;
  private readonly trainerModule: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly workspace: string;
  private readonly emit: (event: WorkbenchEvent) => void;
  private readonly warn: (message: string) => void;
  private readonly pid: number;
  private readonly isProcessAlive: (pid: number) => boolean;
  private restored = false;
  /** Set by shutdown: nothing starts any more and nothing new is accepted. */
  private closing = false;

  constructor(options: JobQueueOptions) {
    this.db = options.db;
    this.launch = options.launch ?? forkJobProcess;
    this.trainerModule = options.trainerModule ?? DEFAULT_TRAINER_MODULE;
    this.env = options.env ?? process.env;
    this.workspace = options.workspace ?? (this.env.TRM_HOME ? resolve(this.env.TRM_HOME) : workspaceDir());
    this.emit = options.onEvent ?? (() => {});
    this.warn = options.warn ?? ((message) => console.warn(message));
    this.pid = options.pid ?? process.pid;
    this.isProcessAlive = options.isProcessAlive ?? isProcessAlive;
    // The stored setting can hold anything written through settings.set: a bad value must not lift the limit.
    const requested = options.concurrency ?? 1;
    this.concurrency = isJobConcurrency(requested) ? requested : 1;
    if (this.concurrency !== requested) this.warn(`jobs at once: ignoring ${JSON.stringify(requested)} (not a whole number from 1 to ${MAX_JOB_CONCURRENCY}); using 1`);
  }

  /** Queues a job (stored, so it survives a quit or crash until it starts); throws if the run already has an
   *  active job or the queue is shutting down. */
  enqueue(spec: JobSpec): JobInfo {
    if (this.closing) throw new Error('the job queue is shutting down');
    const existing = this.activeJob(spec.runId);
    if (existing) throw new Error(`run ${spec.runId} already has a ${existing.kind} job (${existing.state})`);
    const queuedAtMs = Date.now();
    const stored = this.db.addQueuedJob({ kind: spec.kind, runId: spec.runId, payload: specPayload(spec), queuedAt: queuedAtMs });
    const job = this.add(spec, stored.id, queuedAtMs);
    this.startWaitingJobs();
    return { ...job.info };
  }

  /** Call once at start-up, before enqueueing anything: queues training for `resumeRunIds`, then the jobs that were
   *  waiting when the app last quit or crashed, in their order, and starts as many as may run. A stored job that
   *  cannot run (unreadable, unknown kind, its run finished or running elsewhere) is dropped with a warning. */
  restore(options: RestoreOptions = {}): JobInfo[] {
    if (this.restored) throw new Error('the job queue was already restored');
    this.restored = true;
    // Stored first (in reverse, each ahead of the rest), so another crash before they start keeps them first.
    for (const runId of [...(options.resumeRunIds ?? [])].reverse()) {
      if (this.db.getRun(runId)?.status !== 'interrupted') continue;
      this.db.addQueuedJob({ kind: 'train', runId, payload: {}, queuedAt: Date.now() }, 'first');
      this.patchRun(runId, { status: 'queued', error: null }); // as a manual resume does
    }
    const restored: JobInfo[] = [];
    const dropped = new Map<number, string>(); // run id → why its stored training job was dropped
    for (const row of this.db.listQueuedJobs()) {
      if (row.startedBy !== null) {
        // Started: by a workbench that is still running it (not ours to touch), or by one that died with it.
        if (row.startedBy !== this.pid && this.isProcessAlive(row.startedBy)) continue;
        this.db.releaseQueuedJob(row.id);
        this.warn(`job queue: the ${String(row.kind)} job of run ${String(row.runId)} was cut short (workbench process ${row.startedBy} ended); queued again`);
      }
      const spec = this.restorableSpec(row);
      if (typeof spec !== 'string') {
        restored.push({ ...this.add(spec, row.id, row.queuedAt).info });
        continue;
      }
      this.warn(`job queue: skipped stored job ${row.id} (${String(row.kind)} of run ${String(row.runId)}): ${spec}`);
      this.removeStoredRow(row.id);
      if (row.kind === 'train') dropped.set(row.runId, spec);
    }
    // A run left 'queued' for a training job that will not come back gets a Resume button instead.
    for (const [runId, problem] of dropped) {
      if (this.db.getRun(runId)?.status === 'queued' && !this.findActive(runId)) {
        this.patchRun(runId, { status: 'stopped', error: `its queued job could not be restored: ${problem}` });
      }
    }
    this.startWaitingJobs();
    return restored;
  }

  /** Asks the run's job to checkpoint and exit; a queued job is dropped (and its stored row removed). Null when the
   *  run has no active job. */
  stop(runId: number): JobInfo | null {
    const job = this.findActive(runId);
    if (!job) return null;
    if (job.info.state === 'queued') {
      this.unstore(job);
      if (job.spec.kind === 'train') this.patchRun(job.info.runId, { status: 'stopped' });
      this.finish(job, 'stopped', null);
    } else if (job.info.state === 'running') {
      job.stopRequested = true;
      job.process?.send({ type: 'stop' });
      this.setState(job, 'stopping');
    }
    return { ...job.info };
  }

  /** Kills the run's job process at once (SIGKILL). Null when the run has no active job. */
  kill(runId: number): JobInfo | null {
    const job = this.findActive(runId);
    if (!job) return null;
    if (job.info.state === 'queued') return this.stop(runId);
    job.killRequested = true;
    job.process?.kill();
    return { ...job.info };
  }

  getConcurrency(): number {
    return this.concurrency;
  }

  /** Changes how many jobs run at once (an integer from 1 to MAX_JOB_CONCURRENCY). Raising it starts waiting jobs
   *  at once; lowering it stops none: new jobs wait until fewer than `concurrency` run. */
  setConcurrency(concurrency: number): void {
    if (!isJobConcurrency(concurrency)) {
      throw new RangeError(`jobs at once must be a whole number from 1 to ${MAX_JOB_CONCURRENCY}, not ${concurrency}`);
    }
    this.concurrency = concurrency;
    this.startWaitingJobs();
  }

  list(): JobInfo[] {
    return this.jobs.map((job) => ({ ...job.info }));
  }

  /** The run's queued or running job, if any. */
  activeJob(runId: number): JobInfo | undefined {
    const job = this.findActive(runId);
    return job && { ...job.info };
  }

  /** Resolves when the job has ended (for tests and shutdown). */
  async whenEnded(jobId: number): Promise<JobInfo> {
    const job = this.jobs.find((candidate) => candidate.info.jobId === jobId);
    if (!job) throw new Error(`no job ${jobId}`);
    await job.ended;
    return { ...job.info };
  }

  /** Ends the session: waiting jobs stay stored for the next start, running ones are asked to stop (checkpoint) and
   *  killed if still alive after `graceMs`. Nothing starts afterwards. */
  async shutdown(graceMs = 10_000, options: ShutdownOptions = {}): Promise<void> {
    this.closing = true;
    for (const job of this.jobs.filter((candidate) => candidate.info.state === 'queued')) {
      this.finish(job, 'stopped', 'the app quit; the job stays queued for the next start');
    }
    const running = this.jobs.filter((job) => ACTIVE_STATES.has(job.info.state));
    // Jobs the user had already asked to stop or kill are not the shutdown's to bring back.
    const stoppedByShutdown = running.filter((job) => !job.stopRequested && !job.killRequested);
    for (const job of running) this.stop(job.info.runId);
    const timer = setTimeout(() => { for (const job of running) this.kill(job.info.runId); }, graceMs);
    await Promise.all(running.map((job) => job.ended));
    clearTimeout(timer);
    if (options.requeueRunning) {
      // In reverse, each ahead of the rest: they start again in the order they ran, before the waiting jobs.
      for (const job of [...stoppedByShutdown].reverse()) {
        if (!REQUEUED_AFTER_SHUTDOWN.has(job.info.state)) continue; // finished or failed meanwhile
        this.db.addQueuedJob({ kind: job.spec.kind, runId: job.spec.runId, payload: specPayload(job.spec), queuedAt: job.info.queuedAtMs }, 'first');
        if (job.spec.kind === 'train') this.patchRun(job.spec.runId, { status: 'queued', error: null });
      }
    }
  }

  private add(spec: JobSpec, storedId: number, queuedAtMs: number): Job {
    let markEnded!: () => void;
    const ended = new Promise<void>((resolve) => { markEnded = resolve; });
    const job: Job = {
      info: { jobId: this.nextJobId++, runId: spec.runId, kind: spec.kind, state: 'queued', queuedAtMs, startedAtMs: null, endedAtMs: null, error: null,
        ...(spec.kind === 'evaluate' && spec.checkpoint !== undefined ? { checkpoint: spec.checkpoint } : {}) },
      spec, storedId, process: null, log: null, outcome: null, stopRequested: false, killRequested: false, ended, markEnded,
    };
    this.jobs.push(job);
    this.announce(job);
    return job;
  }

  /** The job a stored row describes, or why it should not be restored. */
  private restorableSpec(row: QueuedJobRow): JobSpec | string {
    const spec = specFromRow(row);
    if (typeof spec === 'string') return spec;
    const run = this.db.getRun(spec.runId);
    if (!run) return 'its run no longer exists';
    if (this.findActive(spec.runId)) return 'its run already has a job queued ahead of it';
    if (spec.kind === 'train' && (run.status === 'finished' || run.status === 'running')) return `its run is ${run.status}`;
    return spec;
  }

  private removeStoredRow(id: number): void {
    try {
      this.db.removeQueuedJob(id);
    } catch (error) {
      this.warn(`job queue: could not remove stored job ${id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Removes the job's stored row; false when it was already gone (taken by another workbench on this workspace). */
  private unstore(job: Job): boolean {
    if (job.storedId === null) return true;
    const removed = this.db.removeQueuedJob(job.storedId);
    job.storedId = null;
    return removed;
  }

  private findActive(runId: number): Job | undefined {
    return this.jobs.find((job) => job.info.runId === runId && ACTIVE_STATES.has(job.info.state));
  }

  private startWaitingJobs(): void {
    // The count is taken afresh for each start: starting can end a job at once (and re-enter here).
    while (!this.closing) {
      const running = this.jobs.filter((job) => job.info.state === 'running' || job.info.state === 'stopping').length;
      const next = this.jobs.find((job) => job.info.state === 'queued');
      if (running >= this.concurrency || !next) return;
      this.start(next);
    }
  }

  private start(job: Job): void {
    // Taking the stored row is the claim: a second workbench that restored the same rows finds it gone or marked.
    // Training removes it (a crash leaves the run 'interrupted'); an evaluation marks it until it ends.
    let claimed: boolean;
    try {
      claimed = job.spec.kind === 'evaluate' && job.storedId !== null ? this.db.claimQueuedJob(job.storedId, this.pid) : this.unstore(job);
    } catch (error) {
      this.finish(job, 'failed', `could not take the job off the stored queue: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (!claimed) {
      this.finish(job, 'stopped', 'another workbench process on this workspace started or cancelled it');
      return;
    }
    job.info.startedAtMs = Date.now();
    job.log = new RunLogWriter(runLogPath(this.workspace, job.spec.runId));
    job.log.note(`job ${job.info.jobId}: ${describeSpec(job.spec)}`);
    this.setState(job, 'running');
    let child: JobProcess;
    try {
      // The job's share of the cores, which its training steps use (train.threads = 0, main/trm/data-parallel.ts).
      child = this.launch({ env: { ...this.env, [CORES_ENV]: String(Math.max(1, Math.floor(availableParallelism() / this.concurrency))) } });
    } catch (error) {
      this.finish(job, 'failed', `could not start the job process: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    job.process = child;
    // Until the trainer marks its run 'running', the run says which process has it: if this workbench and the job
    // die before training begins, the next start finds the pid gone and marks the run interrupted (db/recovery.ts).
    if (job.spec.kind === 'train' && child.pid !== undefined) this.patchRun(job.spec.runId, { pid: child.pid });
    child.onOutput?.((stream, text) => job.log?.output(stream, text));
    child.onMessage((message) => {
      if (message.type === 'event') {
        const line = logLine(message.event);
        if (line) job.log?.note(line);
        this.emit({ type: 'train', event: message.event });
      } else job.outcome = message;
    });
    child.onExit((code, signal) => this.onProcessExit(job, code, signal));
    child.send({ type: 'start', spec: job.spec, trainerModule: this.trainerModule });
  }

  private onProcessExit(job: Job, code: number | null, signal: string | null): void {
    const outcome = job.outcome;
    const isTrain = job.spec.kind === 'train';
    if (outcome?.type === 'completed') {
      const status = isTrain ? this.db.getRun(job.info.runId)?.status : undefined;
      this.finish(job, status === 'stopped' || (status === undefined && job.stopRequested) ? 'stopped' : 'finished', null);
    } else if (outcome?.type === 'failed') {
      if (isTrain) this.markRunUnlessFinal(job.info.runId, 'failed', outcome.message);
      this.finish(job, 'failed', outcome.message);
    } else {
      const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
      const message = job.killRequested ? 'killed by the user' : `the job process ${how} before finishing`;
      if (isTrain) this.markRunUnlessFinal(job.info.runId, 'interrupted', message);
      this.finish(job, job.killRequested ? 'killed' : 'interrupted', message);
    }
  }

  private markRunUnlessFinal(runId: number, status: 'failed' | 'interrupted', error: string): void {
    const run = this.db.getRun(runId);
    if (run && !FINAL_RUN_STATUSES.has(run.status)) this.patchRun(runId, { status, error, pid: null, endedAt: Date.now() });
  }

  private patchRun(runId: number, patch: RunPatch): void {
    try {
      this.db.updateRun(runId, patch);
    } catch {
      // the run was deleted meanwhile: nothing to record
    }
  }

  private finish(job: Job, state: JobState, error: string | null): void {
    if (job.info.startedAtMs !== null && job.storedId !== null) { // an evaluation that ran: done with its row
      this.removeStoredRow(job.storedId);
      job.storedId = null;
    }
    job.info.endedAtMs = Date.now();
    job.info.error = error;
    if (job.log) {
      job.log.flush();
      job.log.note(`job ${job.info.jobId} ${state}${error ? ` (error: ${error})` : ''}`);
      job.log = null;
    }
    this.setState(job, state);
    job.markEnded();
    this.forgetOldJobs();
    this.startWaitingJobs();
  }

  private forgetOldJobs(): void {
    const ended = this.jobs.filter((job) => !ACTIVE_STATES.has(job.info.state));
    for (const job of ended.slice(0, Math.max(0, ended.length - ENDED_JOBS_KEPT))) this.jobs.splice(this.jobs.indexOf(job), 1);
  }

  private setState(job: Job, state: JobState): void {
    job.info.state = state;
    this.announce(job);
  }

  private announce(job: Job): void {
    this.emit({ type: 'job', job: { ...job.info } });
  }
}

function describeSpec(spec: JobSpec): string {
  if (spec.kind === 'evaluate') return `evaluate ${spec.checkpoint ?? 'the best checkpoint'}`;
  return `train${spec.minutes ? ` for at most ${spec.minutes} min` : ''}`;
}

/** The run's milestones in its log (not every step: the charts have those). */
function logLine(event: TrainEvent): string | null {
  const metrics = (values: Record<string, number>) => Object.entries(values).map(([key, value]) => `${key} ${Number.isInteger(value) ? value : value.toFixed(4)}`).join(', ');
  switch (event.type) {
    case 'started': return `training from step ${event.resumedFromStep} to ${event.totalSteps} on ${event.backend} ${event.backendVersion}${event.backendDevice ? ` (${event.backendDevice})` : ''}, ${event.parameterCount} parameters, ${event.threads} thread(s)`;
    case 'eval': return `step ${event.step}: evaluation: ${metrics(event.metrics)}`;
    case 'checkpoint': return `step ${event.step}: checkpoint saved${event.aliases.length ? ` (${event.aliases.join(', ')})` : ''}`;
    case 'done': return `${event.status} at step ${event.step}`;
    case 'error': return `error: ${event.message}`;
    default: return null;
  }
}

const isJobConcurrency = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= MAX_JOB_CONCURRENCY;
