import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEventThrottle } from '../../main/jobs/throttle.ts';
import type { TrainEvent } from '../../main/train/events.ts';

const progress = (runId: number, step: number): TrainEvent =>
  ({ type: 'progress', runId, step, totalSteps: 10, examplesPerSecond: 1, elapsedMs: 0, etaMs: null, lmLoss: 1, exactAccuracy: 0 });

test('a burst is coalesced to the latest event per type, at most one delivery per interval per run', async () => {
  const delivered: TrainEvent[] = [];
  const throttle = createEventThrottle((event) => delivered.push(event), 50);
  for (let step = 1; step <= 20; step++) throttle.push(progress(1, step));
  throttle.push(progress(2, 1)); // another run has its own budget
  assert.deepEqual(delivered.map((event) => [event.runId, (event as { step: number }).step]), [[1, 1], [2, 1]]);
  await new Promise((resolve) => setTimeout(resolve, 80));
  assert.deepEqual(delivered.map((event) => [event.runId, (event as { step: number }).step]), [[1, 1], [2, 1], [1, 20]]);
});

test('checkpoint, eval, done and error are never dropped and keep their order after pending events', () => {
  const delivered: TrainEvent[] = [];
  const throttle = createEventThrottle((event) => delivered.push(event), 1000);
  throttle.push(progress(1, 1));
  throttle.push(progress(1, 2));
  throttle.push({ type: 'checkpoint', runId: 1, step: 2, path: 'x', aliases: ['latest'] });
  throttle.push({ type: 'eval', runId: 1, step: 2, metrics: {} });
  throttle.push(progress(1, 3));
  throttle.push({ type: 'done', runId: 1, status: 'finished', step: 3, summary: {} });
  assert.deepEqual(delivered.map((event) => `${event.type}${'step' in event ? event.step : ''}`), ['progress1', 'progress2', 'checkpoint2', 'eval2', 'progress3', 'done3']);
});

test('flush delivers what is pending', () => {
  const delivered: TrainEvent[] = [];
  const throttle = createEventThrottle((event) => delivered.push(event), 1000);
  throttle.push(progress(1, 1));
  throttle.push(progress(1, 2));
  throttle.flush();
  assert.deepEqual(delivered.map((event) => (event as { step: number }).step), [1, 2]);
});
