// The training loop. It does not know the model or the task (minGPT's trainer says the same of itself):
// it pulls batches, calls one optimizer step, and decides when to log, evaluate, checkpoint and stop.
// Everything else arrives as callbacks.
import type { Batch } from '../common/batch.ts';
import { yieldToEventLoop } from '../common/slices.ts';

export type StepMetrics = Record<string, number>;

export interface LoopCallbacks {
  /** One optimizer step on a batch; `step` is the 1-based number of this update. Returns its metrics. */
  trainStep(batch: Batch, step: number): StepMetrics | Promise<StepMetrics>;
  nextBatch(): Batch;
  /** Called after every step with its metrics, timing and position in the training set. */
  onStep?(step: number, metrics: StepMetrics, timing: StepTiming): void;
  onEvaluate?(step: number): Promise<void> | void;
  onCheckpoint?(step: number, reason: 'interval' | 'final' | 'stopped'): Promise<void> | void;
}

export interface StepTiming {
  stepMs: number;
  elapsedMs: number;
  examplesPerSecond: number;
  /** Fractional epochs after this step (examples seen since step 0 / examplesPerEpoch); null without an epoch size. */
  epoch: number | null;
}

export interface LoopOptions {
  /** Steps already done (0 for a new run, the checkpoint's step on resume). */
  startStep: number;
  maxSteps: number;
  /** Evaluate every this many steps (0 = only at the end). */
  evalInterval: number;
  checkpointInterval: number;
  /** Stop (and checkpoint) when this wall-clock time is reached. */
  deadlineMs?: number;
  signal?: AbortSignal;
  /** Examples per step, for throughput and epochs. */
  batchSize: number;
  /** Size of one epoch of the batch source in examples; null or absent when the source is endless (no epochs). */
  examplesPerEpoch?: number | null;
}

/** Epochs completed after `step` full batches: examples seen / examples per epoch. It depends on the step alone,
 *  so a run resumed from a checkpoint continues its epoch count where it stopped. */
export function epochAtStep(step: number, batchSize: number, examplesPerEpoch: number | null | undefined): number | null {
  if (examplesPerEpoch == null || !(examplesPerEpoch > 0)) return null;
  return (step * batchSize) / examplesPerEpoch;
}

export interface LoopResult {
  step: number;
  status: 'finished' | 'stopped';
}

/** Runs steps startStep+1 … maxSteps. Evaluation happens at every evalInterval and at the end; a checkpoint
 *  follows every evaluation and every checkpointInterval, so a stop loses at most checkpointInterval steps. */
export async function runTrainingLoop(options: LoopOptions, callbacks: LoopCallbacks): Promise<LoopResult> {
  const started = performance.now();
  let step = options.startStep;
  let examples = 0;
  while (step < options.maxSteps) {
    if (options.signal?.aborted || (options.deadlineMs !== undefined && Date.now() >= options.deadlineMs)) {
      await callbacks.onCheckpoint?.(step, 'stopped');
      return { step, status: 'stopped' };
    }
    const batch = callbacks.nextBatch();
    const stepStarted = performance.now();
    step += 1;
    const metrics = await callbacks.trainStep(batch, step);
    const now = performance.now();
    examples += options.batchSize;
    callbacks.onStep?.(step, metrics, {
      stepMs: now - stepStarted,
      elapsedMs: now - started,
      examplesPerSecond: (examples / (now - started)) * 1000,
      epoch: epochAtStep(step, options.batchSize, options.examplesPerEpoch),
    });
    const last = step === options.maxSteps;
    const evaluateNow = last || (options.evalInterval > 0 && step % options.evalInterval === 0);
    if (evaluateNow) await callbacks.onEvaluate?.(step);
    if (last) await callbacks.onCheckpoint?.(step, 'final');
    else if (evaluateNow || (options.checkpointInterval > 0 && step % options.checkpointInterval === 0)) await callbacks.onCheckpoint?.(step, 'interval');
    // Yield so abort signals and IPC messages are delivered between steps.
    await yieldToEventLoop();
  }
  return { step, status: 'finished' };
}
