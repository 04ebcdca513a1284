import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../../main/common/batch.ts';
import { Rng } from '../../main/common/rng.ts';
import { DEFAULT_MODEL, type ModelConfig } from '../../main/trm/config.ts';
import { selectBackend } from '../../main/trm/backend.ts';
import { TRM } from '../../main/trm/model.ts';
import { TrainStepper, evaluate, withEmaWeights } from '../../main/trm/act.ts';

const CONFIG: ModelConfig = {
  ...DEFAULT_MODEL, hiddenSize: 16, numHeads: 2, expansion: 2, roundSwiGLUTo256: false, layers: 1, hCycles: 2, lCycles: 1,
  haltMaxSteps: 4, haltExplorationProb: 0, puzzleEmbLen: 1, puzzleEmbDim: 16, posEncodings: 'none', mlpT: true, vocabSize: 6, seqLen: 5,
  numPuzzleIdentifiers: 4,
};
const B = 6;

function trainConfig(overrides: Partial<ConstructorParameters<typeof TrainStepper>[1]> = {}): ConstructorParameters<typeof TrainStepper>[1] {
  return { batchSize: B, lr: 1e-7, warmupSteps: 0, lrMinRatio: 1, maxSteps: 1000, beta1: 0.9, beta2: 0.95, weightDecay: 0, puzzleEmbLr: 1e-7, puzzleEmbWeightDecay: 0, emaDecay: 0, seed: 11, ...overrides };
}

/** Batch number `index`: every token of example b is a recognisable function of (index, b). */
function numberedBatch(index: number, config = CONFIG, size = B): Batch {
  const L = config.seqLen;
  const inputs = Int32Array.from({ length: size * L }, (_, i) => 1 + ((index * 7 + Math.floor(i / L) * 3 + i) % (config.vocabSize - 1)));
  const labels = Int32Array.from(inputs, (v) => 1 + (v % (config.vocabSize - 1)));
  const puzzleIdentifiers = Int32Array.from({ length: size }, (_, b) => (index + b) % config.numPuzzleIdentifiers);
  return { size, seqLen: L, inputs, labels, puzzleIdentifiers };
}

function rowOf(batch: Batch, b: number): number[] {
  return [...batch.inputs.subarray(b * batch.seqLen, (b + 1) * batch.seqLen)];
}

function setHaltBias(model: TRM, value: number): void {
  const bias = model.trainable.get('inner.q_head.bias')!;
  tf.tidy(() => bias.assign(tf.tensor1d([value, -5])));
}

test('without Q halting, slots run exactly N_sup steps, then all are recycled with the new batch', async () => {
  await selectBackend('wasm');
  const model = TRM.create(CONFIG, 1);
  const stepper = new TrainStepper(model, trainConfig());
  for (let s = 1; s <= CONFIG.haltMaxSteps; s++) {
    const metrics = await stepper.step(numberedBatch(s));
    assert.deepEqual([...stepper.state.steps], Array(B).fill(s));
    const last = s === CONFIG.haltMaxSteps;
    assert.deepEqual([...stepper.state.halted], Array(B).fill(last ? 1 : 0), `step ${s}`);
    assert.equal(metrics.haltedCount, last ? B : 0);
    if (last) assert.equal(metrics.steps, CONFIG.haltMaxSteps);
    for (let b = 0; b < B; b++) assert.deepEqual(rowOf(stepper.state.data, b), rowOf(numberedBatch(1), b), 'batches 2..N_sup are ignored');
  }
  await stepper.step(numberedBatch(99));
  assert.deepEqual([...stepper.state.steps], Array(B).fill(1));
  for (let b = 0; b < B; b++) assert.deepEqual(rowOf(stepper.state.data, b), rowOf(numberedBatch(99), b), 'halted slots take the new batch');
  stepper.dispose();
  model.dispose();
});

test('q_halt > 0 halts after one step; exploration keeps a seeded random minimum of 2..N_sup steps', async () => {
  await selectBackend('wasm');
  const model = TRM.create({ ...CONFIG, haltExplorationProb: 0 }, 2);
  setHaltBias(model, 20);
  const greedy = new TrainStepper(model, trainConfig());
  await greedy.step(numberedBatch(1));
  assert.deepEqual([...greedy.state.halted], Array(B).fill(1));
  await greedy.step(numberedBatch(2));
  for (let b = 0; b < B; b++) assert.deepEqual(rowOf(greedy.state.data, b), rowOf(numberedBatch(2), b));
  greedy.dispose();
  model.dispose();

  // Exploration with p = 1: every slot must stay until steps ≥ a fresh randint(2, N_sup) drawn each step.
  const explorer = TRM.create({ ...CONFIG, haltExplorationProb: 1 }, 2);
  setHaltBias(explorer, 20);
  const seed = 5;
  const stepper = new TrainStepper(explorer, trainConfig(), new Rng(seed));
  const mirror = new Rng(seed); // the draws the stepper must make: B uniforms, then B integers, per step
  const expectedSteps = new Array(B).fill(0);
  const expectedData = Array.from({ length: B }, () => [] as number[]);
  let halted = new Array(B).fill(true);
  let sawBoth = false;
  for (let s = 1; s <= 8; s++) {
    const batch = numberedBatch(s);
    for (let b = 0; b < B; b++) if (halted[b]) { expectedSteps[b] = 0; expectedData[b] = rowOf(batch, b); }
    await stepper.step(batch);
    for (let b = 0; b < B; b++) mirror.next();
    const minSteps = Array.from({ length: B }, () => mirror.int(2, CONFIG.haltMaxSteps));
    for (let b = 0; b < B; b++) expectedSteps[b]++;
    halted = expectedSteps.map((steps, b) => steps >= minSteps[b]);
    sawBoth ||= halted.some(Boolean) && halted.some((h) => !h);
    assert.deepEqual([...stepper.state.steps], expectedSteps, `steps at step ${s}`);
    assert.deepEqual([...stepper.state.halted].map(Boolean), halted, `halted at step ${s}`);
    for (let b = 0; b < B; b++) assert.deepEqual(rowOf(stepper.state.data, b), expectedData[b], `slot ${b} data at step ${s}`);
  }
  assert.ok(sawBoth, 'the seed exercises partial recycling');
  stepper.dispose();
  explorer.dispose();
});

test('evaluation runs all N_sup steps even when q_halt > 0, and EMA weights are swapped in and out', async () => {
  await selectBackend('wasm');
  const model = TRM.create(CONFIG, 3);
  setHaltBias(model, 20);
  const seen: number[] = [];
  const steps = await evaluate(model, numberedBatch(1), { onStep: (s) => seen.push(s.step), collect: { carry: true } });
  assert.deepEqual(steps.map((s) => s.step), [1, 2, 3, 4]);
  assert.deepEqual(seen, [1, 2, 3, 4]);
  assert.ok(steps.every((s) => s.qHalt.every((q) => q > 0) && s.predictions.length === B * CONFIG.seqLen));
  assert.equal(steps[0].y!.length, B * (CONFIG.seqLen + 1) * CONFIG.hiddenSize);
  assert.notDeepEqual(steps[0].y, steps[1].y, 'the carry evolves across steps');

  const stepper = new TrainStepper(model, trainConfig({ lr: 1e-2, emaDecay: 0.5 }));
  for (let s = 0; s < 3; s++) await stepper.step(numberedBatch(s));
  const raw = (await evaluate(model, numberedBatch(1)))[0].qHalt;
  const averaged = await withEmaWeights(model, stepper.ema, async () => (await evaluate(model, numberedBatch(1)))[0].qHalt);
  assert.notDeepEqual(averaged, raw, 'EMA weights differ from the live weights');
  assert.deepEqual((await evaluate(model, numberedBatch(1)))[0].qHalt, raw, 'live weights restored');
  stepper.dispose();
  model.dispose();
});

test('no tensor leaks over 20 train steps and evaluations', async () => {
  await selectBackend('wasm');
  const model = TRM.create({ ...CONFIG, haltExplorationProb: 0.3 }, 4);
  const stepper = new TrainStepper(model, trainConfig({ lr: 1e-2, emaDecay: 0.9 }));
  await stepper.step(numberedBatch(0)); // optimizer moments are created lazily on the first update
  const baseline = tf.memory().numTensors;
  for (let s = 1; s <= 20; s++) {
    await stepper.step(numberedBatch(s));
    if (s % 5 === 0) await withEmaWeights(model, stepper.ema, () => evaluate(model, numberedBatch(s), { collect: { logits: true, carry: true } }));
    assert.equal(tf.memory().numTensors, baseline, `tensors after step ${s}`);
  }
  stepper.dispose();
  model.dispose();
});

test('getState/setState resumes training bit-for-bit', async () => {
  await selectBackend('wasm');
  const config = { ...CONFIG, haltExplorationProb: 0.5 };
  const model = TRM.create(config, 6);
  const train = trainConfig({ lr: 1e-2, emaDecay: 0.9, puzzleEmbLr: 1e-2 });
  const stepper = new TrainStepper(model, train);
  for (let s = 0; s < 3; s++) await stepper.step(numberedBatch(s));
  const saved = await stepper.getState();
  const weights = await model.stateDict();
  const continued = [];
  for (const s of [3, 4, 5]) continued.push(await stepper.step(numberedBatch(s)));

  const resumedModel = TRM.create(config, 99);
  resumedModel.loadStateDict(weights);
  const resumed = new TrainStepper(resumedModel, train);
  resumed.setState(saved);
  const replayed = [];
  for (const s of [3, 4, 5]) replayed.push(await resumed.step(numberedBatch(s)));
  assert.deepEqual(replayed, continued);
  assert.deepEqual(await resumedModel.stateDict(), await model.stateDict());
  assert.deepEqual(await resumed.getState(), await stepper.getState());
  for (const s of [stepper, resumed]) s.dispose();
  model.dispose();
  resumedModel.dispose();
});

test('learns to reverse a short sequence within seconds (end to end; ~200 steps to 90% token accuracy)', async () => {
  await selectBackend('wasm');
  const config: ModelConfig = {
    ...DEFAULT_MODEL, hiddenSize: 32, numHeads: 2, expansion: 2, roundSwiGLUTo256: false, layers: 2, hCycles: 2, lCycles: 1,
    haltMaxSteps: 2, haltExplorationProb: 0.1, puzzleEmbLen: 1, puzzleEmbDim: 32, posEncodings: 'none', mlpT: true, vocabSize: 6, seqLen: 6,
    numPuzzleIdentifiers: 1, loss: 'softmax',
  };
  const model = TRM.create(config, 0);
  const batchSize = 32;
  const stepper = new TrainStepper(model, { ...trainConfig({ lr: 1e-2, warmupSteps: 10, weightDecay: 0.01, puzzleEmbLr: 1e-3 }), batchSize });
  const rng = new Rng(1);
  const reversalBatch = (size: number): Batch => {
    const L = config.seqLen;
    const inputs = Int32Array.from({ length: size * L }, () => rng.int(2, 5));
    const labels = Int32Array.from(inputs, (_, i) => inputs[Math.floor(i / L) * L + (L - 1 - (i % L))]);
    return { size, seqLen: L, inputs, labels, puzzleIdentifiers: new Int32Array(size) };
  };
  const test = reversalBatch(128);
  const tokenAccuracy = async () => {
    const last = (await evaluate(model, test)).at(-1)!;
    return last.predictions.reduce((n, p, i) => n + (p === test.labels[i] ? 1 : 0), 0) / test.labels.length;
  };
  const before = await tokenAccuracy();
  const started = Date.now();
  let after = before;
  for (let s = 1; s <= 400 && after < 0.9; s++) {
    await stepper.step(reversalBatch(batchSize));
    if (s % 25 === 0) after = await tokenAccuracy();
  }
  assert.ok(before < 0.4, `chance level first (${before})`);
  assert.ok(after >= 0.9, `token accuracy ${after} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  stepper.dispose();
  model.dispose();
});
