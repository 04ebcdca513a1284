// The job queue, owned by the main process (Electron main or `trm serve`). Jobs wait in FIFO order and run
// `concurrency` at a time (default 1: the CPU is the bottleneck), each in its own process so a crash or OOM
// ends only that job. The queue supervises: stop = ask the job to checkpoint and exit, kill = SIGKILL, and a
// training job that dies without finishing leaves its run 'interrupted' so it can be resumed.
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../common/paths.ts';
import type { JobInfo, JobState, WorkbenchEvent } from '../../preload/contract.ts';
import type { RunPatch, RunRow } from '../../db/index.ts';
import { forkJobProcess, type JobProcess, type JobProcessLauncher } from './launcher.ts';
import type { FromJobMessage, JobSpec } from './protocol.ts';

/** The trainer module job processes load by default. */
export const DEFAULT_TRAINER_MODULE = join(PACKAGE_ROOT, 'main', 'train', 'run.ts');

/** The database calls the queue needs (TrmDb provides them). */
export interface JobQueueDb {
  getRun(id: number): RunRow | undefined;
  updateRun(id: number, patch: RunPatch): RunRow;
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
  /** Job status changes and the jobs' (already throttled) train events. */
  onEvent?: (event: WorkbenchEvent) => void;
}

interface Job {
  info: JobInfo;
  spec: JobSpec;
  process: JobProcess | null;
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

export class JobQueue {
  private readonly jobs: Job[] = [];
  private nextJobId = 1;
  private readonly db: JobQueueDb;
  private readonly concurrency: number;
  private readonly launch: JobProcessLauncher;
  private readonly trainerModule: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly emit: (event: WorkbenchEvent) => void;

  constructor(options: JobQueueOptions) {
    this.db = options.db;
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
    this.launch = options.launch ?? forkJobProcess;
    this.trainerModule = options.trainerModule ?? DEFAULT_TRAINER_MODULE;
    this.env = options.env ?? process.env;
    this.emit = options.onEvent ?? (() => {});
  }

  /** Queues a job; throws if the run already has an active job. */
  enqueue(spec: JobSpec): JobInfo {
    const existing = this.activeJob(spec.runId);
    if (existing) throw new Error(`run ${spec.runId} already has a ${existing.kind} job (${existing.state})`);
    let markEnded!: () => void;
    const ended = new Promise<void>((resolve) => { markEnded = resolve; });
    const job: Job = {
      info: { jobId: this.nextJobId++, runId: spec.runId, kind: spec.kind, state: 'queued', queuedAtMs: Date.now(), startedAtMs: null, endedAtMs: null, error: null },
      spec, process: null, outcome: null, stopRequested: false, killRequested: false, ended, markEnded,
    };
    this.jobs.push(job);
    this.announce(job);
    this.startWaitingJobs();
    return { ...job.info };
  }

  /** Asks the run's job to checkpoint and exit; a queued job is dropped. Null when the run has no active job. */
  stop(runId: number): JobInfo | null {
    const job = this.findActive(runId);
    if (!job) return null;
    if (job.info.state === 'queued') {
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

  /** Drops queued jobs, asks running ones to stop, and kills those still alive after `graceMs`. */
  async shutdown(graceMs = 10_000): Promise<void> {
    for (const job of this.jobs.filter((candidate) => candidate.info.state === 'queued')) this.stop(job.info.runId);
    const running = this.jobs.filter((job) => ACTIVE_STATES.has(job.info.state));
    for (const job of running) this.stop(job.info.runId);
    const timer = setTimeout(() => { for (const job of running) this.kill(job.info.runId); }, graceMs);
    await Promise.all(running.map((job) => job.ended));
    clearTimeout(timer);
  }

  private findActive(runId: number): Job | undefined {
    return this.jobs.find((job) => job.info.runId === runId && ACTIVE_STATES.has(job.info.state));
  }

  private startWaitingJobs(): void {
    let running = this.jobs.filter((job) => job.info.state === 'running' || job.info.state === 'stopping').length;
    for (const job of this.jobs) {
      if (running >= this.concurrency) return;
      if (job.info.state !== 'queued') continue;
      this.start(job);
      running++;
    }
  }

  private start(job: Job): void {
    job.info.startedAtMs = Date.now();
    this.setState(job, 'running');
    let child: JobProcess;
    try {
      child = this.launch({ env: this.env });
    } catch (error) {
      this.finish(job, 'failed', `could not start the job process: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    job.process = child;
    child.onMessage((message) => {
      if (message.type === 'event') this.emit({ type: 'train', event: message.event });
      else job.outcome = message;
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
    job.info.endedAtMs = Date.now();
    job.info.error = error;
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
