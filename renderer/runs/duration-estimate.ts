// How long a new run will train, from a step time measured on this machine: the latest run of the same preset
// (its train/examples_per_second), scaled to the new batch size. Training steps only; evaluations come on top.
import type { RunSummaryInfo } from '../../preload/contract.ts';

export interface StepTime {
  msPerStep: number;
  /** The run it was measured on. */
  runId: number;
}

/** The step time at `batchSize` of the latest run of `preset` that logged its speed, or null when none has. */
export function measuredStepTime(runs: readonly RunSummaryInfo[], preset: string, batchSize: number): StepTime | null {
  const timed = runs
    .filter((run) => run.preset === preset && (run.metrics['train/examples_per_second']?.lastValue ?? 0) > 0)
    .sort((a, b) => b.updatedAt - a.updatedAt)[0];
  if (!timed) return null;
  const examplesPerSecond = timed.metrics['train/examples_per_second'].lastValue;
  const train = (timed.config.train ?? {}) as { batchSize?: unknown };
  const measuredBatch = typeof train.batchSize === 'number' && train.batchSize > 0 ? train.batchSize : batchSize;
  // Examples per second stay roughly level across batch sizes on one machine, so a step's time grows with the batch.
  return { msPerStep: (1000 * measuredBatch) / examplesPerSecond * (batchSize / measuredBatch), runId: timed.id };
}

/** Where a run of `steps` steps ends under an optional `minutes` budget, at `msPerStep`. */
export function plannedDuration(steps: number, msPerStep: number, minutes: number | null): { durationMs: number; steps: number; limitedByTime: boolean } {
  const allStepsMs = steps * msPerStep;
  if (minutes === null || allStepsMs <= minutes * 60_000) return { durationMs: allStepsMs, steps, limitedByTime: false };
  return { durationMs: minutes * 60_000, steps: Math.floor((minutes * 60_000) / msPerStep), limitedByTime: true };
}
