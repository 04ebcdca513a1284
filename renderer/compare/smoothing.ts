// TensorBoard-compatible smoothing: an exponential moving average debiased like Adam's moments, so the first
// points are not pulled towards zero (tensorflow/tensorboard#1127). With weight w ∈ [0, 1):
//   last = last·w + (1−w)·x,   smoothed = last / (1 − w^t)   where t counts the finite values seen so far.
// Non-finite values pass through unchanged and do not advance the average. Smooth the full series, then
// downsample for display (smoothing a downsampled series depends on the bucket size, tensorboard#4481).

export interface XYPoint {
  x: number;
  value: number;
}

/** The largest weight the slider offers; w = 1 would freeze the curve at its first value. */
export const MAX_SMOOTHING = 0.999;

export function smoothDebiased<P extends { value: number }>(points: readonly P[], weight: number): P[] {
  if (!(weight > 0)) return points.slice();
  const w = Math.min(weight, MAX_SMOOTHING);
  let last = 0;
  let finiteCount = 0;
  return points.map((point) => {
    if (!Number.isFinite(point.value)) return point;
    last = last * w + (1 - w) * point.value;
    finiteCount++;
    return { ...point, value: last / (1 - w ** finiteCount) };
  });
}
