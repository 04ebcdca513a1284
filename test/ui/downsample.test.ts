import { test } from 'node:test';
import assert from 'node:assert/strict';
import { downsampleMinMax, visibleRange, type SeriesPoint } from '../../renderer/runs/charts/downsample.ts';

const series = (values: number[]): SeriesPoint[] => values.map((value, step) => ({ step, value }));

test('short series are returned unchanged', () => {
  const points = series([3, 1, 2]);
  assert.deepEqual(downsampleMinMax(points, 1500), points);
});

test('a long series is reduced to at most maxPoints, keeping first and last', () => {
  const points = series(Array.from({ length: 100_000 }, (_, i) => Math.sin(i / 50)));
  const reduced = downsampleMinMax(points, 1500);
  assert.ok(reduced.length <= 1500, `got ${reduced.length}`);
  assert.ok(reduced.length > 1000, `got ${reduced.length}`);
  assert.equal(reduced[0], points[0]);
  assert.equal(reduced.at(-1), points.at(-1));
});

test('isolated spikes and dips survive reduction', () => {
  const values = Array.from({ length: 50_000 }, () => 1);
  values[12_345] = 100;
  values[40_001] = -7;
  const reduced = downsampleMinMax(series(values), 200);
  assert.ok(reduced.some((p) => p.step === 12_345 && p.value === 100));
  assert.ok(reduced.some((p) => p.step === 40_001 && p.value === -7));
});

test('output stays sorted by step', () => {
  const points = series(Array.from({ length: 10_000 }, (_, i) => ((i * 7919) % 101) - 50));
  const reduced = downsampleMinMax(points, 300);
  for (let i = 1; i < reduced.length; i++) assert.ok(reduced[i].step > reduced[i - 1].step);
});

test('NaN never replaces a real extreme', () => {
  const values = Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? Number.NaN : i));
  const reduced = downsampleMinMax(series(values), 10);
  assert.ok(reduced.slice(1, -1).every((p) => Number.isFinite(p.value)));
});

test('visibleRange keeps one neighbour on each side of the window', () => {
  const points = series(Array.from({ length: 100 }, (_, i) => i));
  const window = visibleRange(points, 10, 20);
  assert.equal(window[0].step, 9);
  assert.equal(window.at(-1)!.step, 21);
  assert.equal(visibleRange(points, -5, 500), points);
});

test('100,000-point reduction is fast enough for every live update', () => {
  const points = series(Array.from({ length: 100_000 }, (_, i) => Math.random() * i));
  const started = performance.now();
  for (let i = 0; i < 20; i++) downsampleMinMax(visibleRange(points, 0, 100_000), 1500);
  const perCallMs = (performance.now() - started) / 20;
  assert.ok(perCallMs < 20, `${perCallMs.toFixed(1)} ms per reduction`);
});
