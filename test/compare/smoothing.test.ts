import { test } from 'node:test';
import assert from 'node:assert/strict';
import { smoothDebiased } from '../../renderer/compare/smoothing.ts';

const values = (points: { value: number }[]) => points.map((p) => p.value);
const close = (actual: number[], expected: number[]) =>
  actual.forEach((v, i) => assert.ok(Number.isNaN(expected[i]) ? Number.isNaN(v) : Math.abs(v - expected[i]) < 1e-12, `point ${i}: ${v} ≠ ${expected[i]}`));

test('debiased EMA matches hand-computed values (w = 0.5)', () => {
  // last: 0.5, 1.25, 2.125; debias by 1 − 0.5^t: 0.5, 0.75, 0.875.
  close(values(smoothDebiased([{ value: 1 }, { value: 2 }, { value: 3 }], 0.5)), [1, 5 / 3, 17 / 7]);
});

test('debiased EMA matches hand-computed values (w = 0.9)', () => {
  // x = [10, 0]: last₁ = 0.1·10 = 1, last₂ = 0.9·1 = 0.9; debias by 0.1 and 0.19.
  close(values(smoothDebiased([{ value: 10 }, { value: 0 }], 0.9)), [10, 0.9 / 0.19]);
});

test('the first point is never biased towards zero, and a constant stays constant', () => {
  close(values(smoothDebiased([{ value: 7 }, { value: 7 }, { value: 7 }], 0.95)), [7, 7, 7]);
});

test('NaN passes through and does not advance the average', () => {
  // t = 1 at x = 1 → 1; NaN; t = 2 at x = 3: last = 0.25 + 1.5 = 1.75, /0.75.
  close(values(smoothDebiased([{ value: 1 }, { value: Number.NaN }, { value: 3 }], 0.5)), [1, Number.NaN, 1.75 / 0.75]);
});

test('weight 0 returns the raw values and keeps the other fields', () => {
  const points = [{ x: 1, value: 4 }, { x: 2, value: 8 }];
  assert.deepEqual(smoothDebiased(points, 0), points);
  assert.deepEqual(smoothDebiased(points, 0.5).map((p) => p.x), [1, 2]);
});
