// Display-side reduction of metric series. A chart never needs more points than it has pixels, but it must not
// hide spikes: each bucket keeps its minimum and its maximum (in step order), so the drawn envelope is exact.

export interface SeriesPoint {
  step: number;
  value: number;
}

/** A point as fetched and kept (use-metric-series.ts); the wall time serves time x-axes and exports. */
export interface StoredPoint extends SeriesPoint {
  wallTimeMs: number;
}

/** A run's series by metric key. */
export type RunSeries = ReadonlyMap<string, readonly StoredPoint[]>;

/** The slice of `points` (sorted by step) whose steps lie in [fromStep, toStep], plus one neighbour on each side
 *  so lines run to the chart's edges instead of stopping at the last point inside. */
export function visibleRange(points: readonly SeriesPoint[], fromStep: number, toStep: number): readonly SeriesPoint[] {
  const start = Math.max(0, firstIndexAtOrAfter(points, fromStep) - 1);
  const end = Math.min(points.length, firstIndexAtOrAfter(points, toStep, true) + 1);
  return start === 0 && end === points.length ? points : points.slice(start, end);
}

/** Binary search: the first index whose step is ≥ step (or > step when `after`). */
function firstIndexAtOrAfter(points: readonly SeriesPoint[], step: number, after = false): number {
  let low = 0;
  let high = points.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const midStep = points[mid].step;
    if (midStep < step || (after && midStep === step)) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** At most `maxPoints` points of `points` (sorted by step): the first and last point, and the minimum and the
 *  maximum of every bucket of equal index width in between. Non-finite values are kept as-is by the caller's
 *  choice: they never count as extremes here, so a NaN cannot displace a real spike. */
export function downsampleMinMax(points: readonly SeriesPoint[], maxPoints = 1500): SeriesPoint[] {
  if (points.length <= maxPoints) return points.slice();
  if (maxPoints < 4) throw new Error(`maxPoints must be at least 4 (got ${maxPoints})`);
  const last = points.length - 1;
  const interior = last - 1; // points strictly between the first and the last
  const bucketCount = Math.floor((maxPoints - 2) / 2);
  const result: SeriesPoint[] = [points[0]];
  for (let bucket = 0; bucket < bucketCount; bucket++) {
    const start = 1 + Math.floor((bucket * interior) / bucketCount);
    const end = 1 + Math.floor(((bucket + 1) * interior) / bucketCount);
    let minIndex = -1;
    let maxIndex = -1;
    for (let i = start; i < end; i++) {
      const value = points[i].value;
      if (!Number.isFinite(value)) continue;
      if (minIndex < 0 || value < points[minIndex].value) minIndex = i;
      if (maxIndex < 0 || value > points[maxIndex].value) maxIndex = i;
    }
    if (minIndex < 0) continue;
    if (minIndex === maxIndex) result.push(points[minIndex]);
    else if (minIndex < maxIndex) result.push(points[minIndex], points[maxIndex]);
    else result.push(points[maxIndex], points[minIndex]);
  }
  result.push(points[last]);
  return result;
}
