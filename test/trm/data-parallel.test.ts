import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../../main/common/batch.ts';
import { DEFAULT_MODEL, type ModelConfig } from '../../main/trm/config.ts';
import { selectBackend } from '../../main/trm/backend.ts';
import { TRM } from '../../main/trm/model.ts';
import { TrainStepper, slotGroupBounds, type GradientHelpers, type TrainStepMetrics } from '../../main/trm/act.ts';
import { GradientThreads, resolveThreadCount } from '../../main/trm/data-parallel.ts';

// Attention with row + column positions, a puzzle prefix, T = 2 (a no-gradient recursion), N_sup 3 with exploration.
const CONFIG: ModelConfig = {
  ...DEFAULT_MODEL, hiddenSize: 16, numHeads: 2, expansion: 2, roundSwiGLUTo256: false, layers: 2, hCycles: 2, lCycles: 2,
  haltMaxSteps: 3, haltExplorationProb: 0.3, puzzleEmbLen: 1, puzzleEmbDim: 16, posEncodings: 'learned2d', mlpT: false, vocabSize: 6, seqLen: 9,
  numPuzzleIdentifiers: 5,
};
const B = 7; // odd, so the groups differ in size

const TRAIN = { batchSize: B, lr: 3e-3, warmupSteps: 2, lrMinRatio: 1, maxSteps: 1000, beta1: 0.9, beta2: 0.95, weightDecay: 0.1, puzzleEmbLr: 1e-2, puzzleEmbWeightDecay: 0.1, emaDecay: 0.9, seed: 3 };

function batchNumber(index: number): Batch {
  const L = CONFIG.seqLen;
  const inputs = Int32Array.from({ length: B * L }, (_, i) => 1 + ((index * 5 + Math.floor(i / L) * 3 + i * i) % (CONFIG.vocabSize - 1)));
  const labels = Int32Array.from(inputs, (v, i) => (i % 4 === 0 ? 0 : 1 + ((v + index) % (CONFIG.vocabSize - 1))));
  const puzzleIdentifiers = Int32Array.from({ length: B }, (_, b) => (index + 2 * b) % CONFIG.numPuzzleIdentifiers);
  return { size: B, seqLen: L, inputs, labels, puzzleIdentifiers };
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / (1e-3 + Math.abs(expected[i])));
  assert.ok(worst <= tolerance, `${what}: relative difference ${worst} > ${tolerance}`);
}

test('slot groups cover the batch in order, nearly equal, the first the largest', () => {
  assert.deepEqual(slotGroupBounds(32, 2), [[0, 16], [16, 32]]);
  assert.deepEqual(slotGroupBounds(7, 2), [[0, 4], [4, 7]]);
  assert.deepEqual(slotGroupBounds(10, 4), [[0, 3], [3, 6], [6, 8], [8, 10]]);
  assert.deepEqual(slotGroupBounds(5, 1), [[0, 5]]);
});

test('a step shared with a helper thread equals the one-thread step (weights, carry, puzzle rows, EMA, metrics)', async () => {
  await selectBackend('wasm');
  const single = TRM.create(CONFIG, 1);
  const shared = TRM.create(CONFIG, 1);
  // A halting bias of +0.5 instead of −5: slots halt after one step unless exploration keeps them, so the batch
  // mixes new and continuing slots.
  for (const model of [single, shared]) tf.tidy(() => model.trainable.get('inner.q_head.bias')!.assign(tf.tensor1d([0.5, 0])));
  const one = new TrainStepper(single, TRAIN);
  const two = new TrainStepper(shared, TRAIN);
  const helpers = await GradientThreads.start(1, CONFIG, 'wasm');
  try {
    const metrics: [TrainStepMetrics, TrainStepMetrics][] = [];
    for (let s = 0; s < 6; s++) metrics.push([await one.step(batchNumber(s)), await two.stepParallel(batchNumber(s), helpers)]);
    for (const [a, b] of metrics) {
      for (const key of Object.keys(a) as (keyof TrainStepMetrics)[]) assertClose([b[key]], [a[key]], 1e-4, `metric ${key}`);
    }
    const tolerance = 1e-3; // float sums in another order, compounded over six Adam steps
    for (const [key, variable] of single.trainable) assertClose(shared.trainable.get(key)!.dataSync(), variable.dataSync(), tolerance, key);
    assertClose(shared.puzzleEmbedding!.data, single.puzzleEmbedding!.data, tolerance, 'puzzle table');
    const a = await one.getState();
    const b = await two.getState();
    assertClose(b.carry.y, a.carry.y, tolerance, 'carry y');
    assertClose(b.carry.z, a.carry.z, tolerance, 'carry z');
    assert.deepEqual(b.carry.steps, a.carry.steps);
    assert.deepEqual(b.carry.halted, a.carry.halted);
    assert.deepEqual(b.carry.data.inputs, a.carry.data.inputs);
    for (const [key, shadow] of a.ema!) assertClose(b.ema!.get(key)!, shadow, tolerance, `ema ${key}`);
    assert.ok(metrics.some(([m]) => m.haltedCount > 0 && m.haltedCount < B), `some steps halted only part of the batch: ${metrics.map(([m]) => m.haltedCount)}`);
  } finally {
    await helpers.close();
    one.dispose();
    two.dispose();
    single.dispose();
    shared.dispose();
  }
});

test('a helper that fails rejects the step with its message, and no tensor leaks', async () => {
  await selectBackend('wasm');
  const model = TRM.create(CONFIG, 1);
  const stepper = new TrainStepper(model, TRAIN);
  await stepper.stepParallel(batchNumber(0), { count: 1, compute: async () => { throw new Error('boom'); } }).catch(() => {});
  const before = tf.memory().numTensors;
  const failing: GradientHelpers = { count: 2, compute: async () => { throw new Error('helper out of memory'); } };
  await assert.rejects(stepper.stepParallel(batchNumber(1), failing), /helper out of memory/);
  assert.equal(tf.memory().numTensors, before);

  // A real thread: a weight it does not know is an error that names it; after close, steps are refused.
  const threads = await GradientThreads.start(1, CONFIG, 'wasm');
  const request = { weights: new Map([['inner.no_such_weight', new Float32Array(4)]]), batchSize: B, data: batchNumber(0), y: new Float32Array(0), z: new Float32Array(0), puzzleRows: null };
  await assert.rejects(threads.compute([request]), /gradient helper thread: unknown weight 'inner.no_such_weight'/);
  await threads.close();
  await assert.rejects(stepper.stepParallel(batchNumber(2), threads), /gradient helper thread is closed/);
  stepper.dispose();
  model.dispose();
});

test('thread count: explicit values are kept (at most one per slot), auto only on the single-threaded backends', () => {
  assert.equal(resolveThreadCount(3, 'wasm', 32), 3);
  assert.equal(resolveThreadCount(8, 'wasm', 4), 4);
  assert.equal(resolveThreadCount(1, 'wasm', 32), 1);
  assert.equal(resolveThreadCount(undefined, 'wasm', 32), 1, 'runs created before train.threads existed keep one thread');
  assert.equal(resolveThreadCount(0, 'tensorflow', 32), 1);
  const auto = resolveThreadCount(0, 'wasm', 32);
  assert.ok(auto >= 1 && auto <= 4, `auto gave ${auto}`);
  assert.equal(resolveThreadCount(0, 'wasm', 15), 1, 'fewer than 8 slots per thread is not worth a thread');
});
