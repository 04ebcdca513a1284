// Messages between the main process's job queue and one job process (main/jobs/job-process.ts).
import type { TrainEvent } from '../train/events.ts';

/** What one job does: train (or resume) a run, or evaluate one of its checkpoints. */
export type JobSpec =
  | { kind: 'train'; runId: number; minutes?: number }
  | { kind: 'evaluate'; runId: number; checkpoint?: string };

export type ToJobMessage =
  /** `trainerModule`: the module exporting trainRun/evaluateRun (tests inject a fake one). */
  | { type: 'start'; spec: JobSpec; trainerModule: string }
  /** Checkpoint and exit (the trainer's abort signal). */
  | { type: 'stop' };

export type FromJobMessage =
  | { type: 'event'; event: TrainEvent }
  /** The trainer returned normally; the process exits next. */
  | { type: 'completed' }
  /** The trainer threw; the process exits next. */
  | { type: 'failed'; message: string };

/** The functions a job process calls; main/train/run.ts provides them (see trainer.ts). */
export interface JobTrainer {
  trainRun(runId: number, opts: { signal?: AbortSignal; onEvent?: (event: TrainEvent) => void; minutes?: number; warn?: (message: string) => void }): Promise<void>;
  evaluateRun(runId: number, opts: { checkpoint?: string; signal?: AbortSignal; onEvent?: (event: TrainEvent) => void }): Promise<unknown>;
}
