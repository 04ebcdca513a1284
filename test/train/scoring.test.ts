import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EvaluationSummary, scoreBatch } from '../../main/train/scoring.ts';
import type { EvalBatch } from '../../main/puzzles/task-data.ts';

// Two real rows and one padding row, L = 3; label 0 is ignored.
const batch: EvalBatch = {
  size: 3, seqLen: 3, realCount: 2, keys: ['a', 'b'],
  inputs: Int32Array.from([1, 1, 1, 2, 2, 2, 0, 0, 0]),
  labels: Int32Array.from([5, 6, 0, 7, 7, 7, 0, 0, 0]),
  puzzleIdentifiers: new Int32Array(3),
};
const steps = [
  { predictions: Int32Array.from([5, 1, 9, 7, 7, 1, 0, 0, 0]), qHaltLogits: Float32Array.from([-1, 2, 0]) },
  { predictions: Int32Array.from([5, 6, 9, 7, 7, 7, 0, 0, 0]), qHaltLogits: Float32Array.from([3, 1, 0]) },
  { predictions: Int32Array.from([5, 6, 4, 7, 1, 7, 0, 0, 0]), qHaltLogits: Float32Array.from([4, -2, 0]) },
];

test('scoreBatch: exactness per step ignores unsupervised tokens; halting step is the first q_halt > 0', () => {
  const [a, b] = scoreBatch(batch, steps);
  assert.equal(scoreBatch(batch, steps).length, 2, 'padding rows are not scored');
  assert.deepEqual(a.exactAtStep, [false, true, true]);
  assert.deepEqual(b.exactAtStep, [false, true, false]);
  assert.equal(a.haltStep, 2);
  assert.equal(b.haltStep, 1);
  assert.equal(a.tokenAccuracy, 1);
  assert.ok(Math.abs(b.tokenAccuracy - 2 / 3) < 1e-12);
  assert.equal(a.haltAgrees, true); // q 4 ≥ 0 and exact
  assert.equal(b.haltAgrees, true); // q −2 < 0 and wrong
  assert.deepEqual([...b.finalPrediction], [7, 1, 7]);
});

test('EvaluationSummary: headline metrics and per-step curves, the same fed one row at a time', () => {
  const summary = new EvaluationSummary(3);
  summary.add(scoreBatch(batch, steps));
  const m = summary.metrics();
  const rowByRow = new EvaluationSummary(3);
  for (const row of scoreBatch(batch, steps)) rowByRow.add([row]);
  assert.deepEqual(rowByRow.metrics(), m);
  assert.deepEqual(new EvaluationSummary(3).metrics(), { count: 0 });
  assert.equal(m.exact_accuracy, 0.5);
  assert.equal(m['exact_accuracy@1'], 0);
  assert.equal(m['exact_accuracy@2'], 1);
  assert.equal(m['exact_accuracy@3'], 0.5);
  assert.equal(m['halt_fraction@1'], 0.5);
  assert.equal(m['halt_fraction@2'], 0.5);
  assert.equal(m.steps, 1.5);
  assert.equal(m.exact_accuracy_at_halt, 0.5); // a right at step 2, b wrong at step 1
});
