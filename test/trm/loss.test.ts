// TRM losses against the official models/losses.py outputs recorded in ../shared/fixtures/trm-parity
// (README §4, §6) and hand computations.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { parseNpy, type NpyArray } from '../../main/common/npy.ts';
import { sharedDir } from '../../main/common/paths.ts';
import { selectBackend } from '../../main/trm/backend.ts';
import {
  actLoss, maskedCrossEntropy, sequenceStats, stablemaxLogProbs, tokenCrossEntropy,
} from '../../main/trm/loss.ts';

const FIXTURES = join(sharedDir(), 'fixtures', 'trm-parity');
const OFFICIAL_IGNORE = -100;

function readFixture(config: string, file: string): NpyArray {
  const path = join(FIXTURES, config, file);
  return parseNpy(new Uint8Array(readFileSync(path)), path); // a fresh Uint8Array: slice() then copies
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as T;
}

/** Asserts |actual − expected| ≤ tolerance · max(1, |expected|) elementwise. */
function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i] - expected[i]);
    assert.ok(error <= tolerance * Math.max(1, Math.abs(expected[i])), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

before(async () => {
  await selectBackend('wasm');
});

interface StablemaxCase { labels: number[]; loss: number[]; grad_of_loss_sum_wrt_logits: number[][] }
interface StablemaxFixture {
  logits: number[][];
  log_stablemax: number[][];
  case_with_ignore: StablemaxCase;
  case_all_valid: StablemaxCase;
}

describe('stablemax (official stablemax.json: ±1e6, ±1e4, −1e-8, exact 0)', () => {
  const fixture = readJson<StablemaxFixture>('stablemax.json');

  test('log-stablemax matches within float32 precision', () => {
    const logProbs = stablemaxLogProbs(tf.tensor2d(fixture.logits));
    assertClose(logProbs.dataSync(), fixture.log_stablemax.flat(), 2e-6, 'log_stablemax');
  });

  for (const name of ['case_with_ignore', 'case_all_valid'] as const) {
    test(`${name}: per-row loss and the gradient of its sum w.r.t. the logits`, () => {
      const { labels, loss, grad_of_loss_sum_wrt_logits: expectedGrad } = fixture[name];
      // These labels use the official convention (−100 = ignored, 0 is a real class), so call the general form.
      const targets = tf.tensor1d(labels.map((l) => (l === OFFICIAL_IGNORE ? 0 : l)), 'int32');
      const supervised = tf.tensor1d(labels.map((l) => (l === OFFICIAL_IGNORE ? 0 : 1)));
      const lossOf = (logits: tf.Tensor) => maskedCrossEntropy(logits, targets, supervised, 'stablemax');
      const logits = tf.tensor2d(fixture.logits);
      assertClose(lossOf(logits).dataSync(), loss, 2e-6, `${name} loss`);
      const grad = tf.grad((x: tf.Tensor) => tf.sum(lossOf(x)))(logits);
      const values = grad.dataSync();
      assert.ok(values.every(Number.isFinite), 'gradient must be finite (no NaN through where)');
      assertClose(values, expectedGrad.flat(), 1e-6, `${name} gradient`);
    });
  }
});

describe('softmax cross-entropy', () => {
  test('matches −log softmax and its gradient softmax − onehot, by hand', () => {
    const row = [1, 2, 3, -1];
    const target = 2;
    const normaliser = row.reduce((sum, x) => sum + Math.exp(x), 0);
    const logits = tf.tensor3d([[row]]);
    const labels = tf.tensor2d([[target]], [1, 1], 'int32');
    const perToken = tokenCrossEntropy(logits, labels, 'softmax');
    assert.deepEqual(perToken.shape, [1, 1]);
    assertClose(perToken.dataSync(), [Math.log(normaliser) - row[target]], 1e-6, 'softmax CE');
    const grad = tf.grad((x: tf.Tensor) => tf.sum(tokenCrossEntropy(x, labels, 'softmax')))(logits);
    const expected = row.map((x, i) => Math.exp(x) / normaliser - (i === target ? 1 : 0));
    assertClose(grad.dataSync(), expected, 1e-6, 'softmax gradient');
  });
});

describe('masking (dataset label 0 = ignored)', () => {
  for (const kind of ['stablemax', 'softmax'] as const) {
    test(`${kind}: ignored tokens give exactly 0 loss and 0 gradient, others do not`, () => {
      const logits = tf.tensor3d([[[0.5, -2, 3], [1, 1, -1]], [[-4, 0, 2], [2, -0.5, 0]]]);
      const labels = tf.tensor2d([[2, 0], [0, 1]], [2, 2], 'int32');
      const perToken = Array.from(tokenCrossEntropy(logits, labels, kind).dataSync());
      assert.equal(Math.abs(perToken[1]), 0);
      assert.equal(Math.abs(perToken[2]), 0);
      assert.ok(perToken[0] > 0 && perToken[3] > 0, `${perToken}`);
      const grad = tf.grad((x: tf.Tensor) => tf.sum(tokenCrossEntropy(x, labels, kind)))(logits).arraySync() as number[][][];
      assert.deepEqual(grad[0][1].map(Math.abs), [0, 0, 0]);
      assert.deepEqual(grad[1][0].map(Math.abs), [0, 0, 0]);
      assert.ok(grad[0][0].some((g) => g !== 0) && grad[1][1].some((g) => g !== 0));
    });
  }
});

describe('sequenceStats', () => {
  test('counts supervised and correct tokens per row; an all-ignored row is correct (0 == 0)', () => {
    const labels = new Int32Array([1, 2, 0, /**/ 3, 3, 3, /**/ 0, 0, 0]);
    const predictions = new Int32Array([1, 2, 5, /**/ 3, 1, 3, /**/ 4, 4, 4]);
    const stats = sequenceStats(predictions, labels, 3, 3);
    assert.deepEqual(Array.from(stats.supervisedCount), [2, 3, 0]);
    assert.deepEqual(Array.from(stats.correctCount), [2, 2, 0]);
    assert.deepEqual(Array.from(stats.seqCorrect), [1, 0, 1]);
  });
});

interface LossesFixture {
  lm_loss: number;
  q_halt_loss: number;
  total: number;
  per_row: { loss_counts: number[]; seq_is_correct: boolean[] };
  per_token_stablemax_ce: number[][];
}

for (const config of ['mlp', 'att']) {
  for (const [stepName, prefix, lossesFile] of [['step 1', 'train', 'losses.json'], ['step 2', 'train2', 'losses_step2.json']]) {
    test(`ACT loss from the recorded ${config} ${stepName} outputs matches the official ACTLossHead`, () => {
      const expected = readJson<LossesFixture>(join(config, lossesFile));
      const logitsArray = readFixture(config, `${prefix}_logits.npy`);
      const [batchSize, seqLen] = logitsArray.shape;
      const logits = tf.tensor(logitsArray.data as Float32Array, logitsArray.shape);
      const qHalt = tf.tensor1d(readFixture(config, `${prefix}_q_halt.npy`).data as Float32Array);
      // Step 2 keeps batch 1's slots (nothing halted), so its labels are still labels.npy.
      const labelData = readFixture(config, 'labels.npy').data as Int32Array;
      const labels = tf.tensor2d(labelData, [batchSize, seqLen], 'int32');

      const predictions = tf.argMax(logits, -1);
      const stats = sequenceStats(predictions.dataSync() as Int32Array, labelData, batchSize, seqLen);
      assert.deepEqual(Array.from(stats.supervisedCount), expected.per_row.loss_counts);
      assert.deepEqual(Array.from(stats.seqCorrect), expected.per_row.seq_is_correct.map(Number));

      assertClose(tokenCrossEntropy(logits, labels, 'stablemax').dataSync(), expected.per_token_stablemax_ce.flat(), 1e-5, 'per-token CE');
      const loss = actLoss({ logits, qHalt, labels, seqCorrect: tf.tensor1d(stats.seqCorrect), kind: 'stablemax' });
      assertClose(loss.lmLoss.dataSync(), [expected.lm_loss], 1e-6, 'lm_loss');
      assertClose(loss.qHaltLoss.dataSync(), [expected.q_halt_loss], 1e-6, 'q_halt_loss');
      assertClose(loss.total.dataSync(), [expected.total], 1e-6, 'total');
    });
  }
}

test('ACT loss gradients: 0.5·(sigmoid(q) − target) for q_halt (also at q = 0), per-row-normalised for logits', () => {
  const q = [0, -5, 2.5];
  const seqCorrect = [1, 0, 1];
  const labels = tf.tensor2d([[1, 0], [2, 3], [0, 0]], [3, 2], 'int32');
  const [logitsGrad, qHaltGrad] = tf.grads((logits: tf.Tensor, qHalt: tf.Tensor) =>
    actLoss({ logits, qHalt, labels, seqCorrect: tf.tensor1d(seqCorrect), kind: 'softmax' }).total)([tf.zeros([3, 2, 4]), tf.tensor1d(q)]);
  const expectedQ = q.map((x, b) => 0.5 * (1 / (1 + Math.exp(-x)) - seqCorrect[b]));
  assertClose(qHaltGrad.dataSync(), expectedQ, 1e-6, 'd total / d q_halt');
  // Uniform softmax over 4 classes: d CE / d logit = 1/4 − onehot, divided by the row's supervised count.
  const expectedLogits = [
    [[0.25, -0.75, 0.25, 0.25], [0, 0, 0, 0]],
    [[0.125, 0.125, -0.375, 0.125], [0.125, 0.125, 0.125, -0.375]],
    [[0, 0, 0, 0], [0, 0, 0, 0]],
  ];
  assertClose(logitsGrad.dataSync(), expectedLogits.flat(2), 1e-6, 'd total / d logits');
});
