// The compare view's epoch x-axis. A run's epochs are its logged `train/epoch` series (main/train/loop.ts: examples
// seen / the training set's epoch size); a point at any step is placed by that series. Runs without one are left
// off the axis with the reason, read from the epoch size the trainer stores with the run (`trainExamplesPerEpoch`
// in its config: null when the data is generated on the fly).
import type { SeriesPoint } from '../runs/charts/downsample.ts';

export const EPOCH_KEY = 'train/epoch';

/** Step → epoch from a run's `train/epoch` points (sorted by step): exact at a logged step, linear between two
 *  (a downsampled series), null outside the logged range. */
export function epochOfStep(epochs: readonly SeriesPoint[], step: number): number | null {
  if (epochs.length === 0 || step < epochs[0].step || step > epochs[epochs.length - 1].step) return null;
  let low = 0;
  let high = epochs.length - 1;
  while (high - low > 1) {
    const mid = (low + high) >>> 1;
    if (epochs[mid].step <= step) low = mid;
    else high = mid;
  }
  const a = epochs[low];
  const b = epochs[high];
  if (a.step === step) return a.value;
  if (b.step === step) return b.value;
  return a.value + ((b.value - a.value) * (step - a.step)) / (b.step - a.step);
}

/** Why a run is not on the epoch axis, or null when it is (it has logged epochs). */
export function epochAxisExclusion(run: { config: Record<string, unknown> }, series: ReadonlyMap<string, readonly SeriesPoint[]> | undefined): string | null {
  if ((series?.get(EPOCH_KEY)?.length ?? 0) > 0) return null;
  const examplesPerEpoch = run.config.trainExamplesPerEpoch;
  if (examplesPerEpoch === null) return 'its training data is generated on the fly (no fixed training set), so it has no epochs';
  const trained = [...(series?.entries() ?? [])].some(([key, points]) => key.startsWith('train/') && points.length > 0);
  if (!trained) return 'no training steps logged yet';
  if (examplesPerEpoch === undefined) return `it was trained before epochs were logged (no ${EPOCH_KEY} metric)`;
  return 'no epochs logged yet';
}
