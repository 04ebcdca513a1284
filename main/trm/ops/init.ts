// Parameter initialisation as the official code does it (trunc_normal_init_, zeros, constants), drawn from the
// project's seeded generator so a seed gives the same model everywhere.
import type { Rng } from '../../common/rng.ts';

export type Init = { kind: 'truncNormal'; std: number } | { kind: 'zeros' } | { kind: 'constant'; value: number };

/** Truncated normal on ±2σ with the std corrected so the truncated distribution has std `std`
 *  (official `trunc_normal_init_`, JAX-style). */
export function truncatedNormal(rng: Rng, count: number, std: number): Float32Array {
  const out = new Float32Array(count);
  if (std === 0) return out;
  const pdfAt2 = Math.exp(-2) / Math.sqrt(2 * Math.PI);
  const massWithin2 = erf(2 / Math.SQRT2);
  const correctedStd = std / Math.sqrt(1 - (2 * pdfAt2 + 2 * pdfAt2) / massWithin2);
  for (let i = 0; i < count; i++) {
    let v: number;
    do v = rng.normal(); while (v < -2 || v > 2);
    out[i] = v * correctedStd;
  }
  return out;
}

/** Abramowitz–Stegun 7.1.26 is too coarse for a std correction; use the series, exact to ~1e-16 for |x| ≤ 3. */
function erf(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 100; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** A parameter's initial values, drawn from `rng` in the official order. */
export function initialValues(spec: { shape: number[]; init: Init }, rng: Rng): Float32Array {
  const count = spec.shape.reduce((a, b) => a * b, 1);
  switch (spec.init.kind) {
    case 'truncNormal': return truncatedNormal(rng, count, spec.init.std);
    case 'zeros': return new Float32Array(count);
    case 'constant': return new Float32Array(count).fill(spec.init.value);
  }
}
