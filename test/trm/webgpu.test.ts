// The webgpu backend (Dawn under tfjs-backend-webgpu), on SwiftShader when the machine has no GPU: it is chosen
// automatically only for a hardware adapter, `--backend webgpu` forces it and the run records the adapter; the
// engine reads back only asynchronously (dataSync throws there), leaks no tensor per step, and learns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../../main/common/batch.ts';
import { Rng } from '../../main/common/rng.ts';
import { DEFAULT_MODEL, type ModelConfig } from '../../main/trm/config.ts';
import { listBackends, selectBackend } from '../../main/trm/backend.ts';
import { TRM } from '../../main/trm/model.ts';
import { TrainStepper, evaluate } from '../../main/trm/act.ts';
import { softwareWebGpuProblem } from '../webgpu-env.ts';
import { presetConfig } from '../../main/trm/presets.ts';
import { createEngine } from '../../main/train/engine.ts';

const skip = softwareWebGpuProblem() ?? false;

// As small as still learns: SwiftShader takes ≈1 s per step of even this (every kernel is emulated on the CPU).
const CONFIG: ModelConfig = {
  ...DEFAULT_MODEL, hiddenSize: 32, numHeads: 2, expansion: 2, roundSwiGLUTo256: false, layers: 1, hCycles: 1, lCycles: 1,
  haltMaxSteps: 1, haltExplorationProb: 0, puzzleEmbLen: 1, puzzleEmbDim: 32, posEncodings: 'none', mlpT: true, vocabSize: 6, seqLen: 6,
  numPuzzleIdentifiers: 1, loss: 'softmax',
};
const TRAIN = { batchSize: 32, lr: 3e-2, warmupSteps: 5, lrMinRatio: 1, maxSteps: 1000, beta1: 0.9, beta2: 0.95, weightDecay: 0.01, puzzleEmbLr: 1e-3, puzzleEmbWeightDecay: 0, emaDecay: 0, seed: 11 };

/** Reverse a sequence of tokens 2..5: learnable in a couple of hundred steps. */
function reversalBatch(rng: Rng, size: number): Batch {
  const L = CONFIG.seqLen;
  const inputs = Int32Array.from({ length: size * L }, () => rng.int(2, 5));
  const labels = Int32Array.from(inputs, (_, i) => inputs[Math.floor(i / L) * L + (L - 1 - (i % L))]);
  return { size, seqLen: L, inputs, labels, puzzleIdentifiers: new Int32Array(size) };
}

test('a software adapter is listed but never chosen automatically; --backend webgpu forces it and names it', { skip }, async () => {
  const listed = (await listBackends()).find((b) => b.name === 'webgpu')!;
  assert.equal(listed.available, false);
  assert.match(listed.detail, /software adapter: SwiftShader/);
  assert.equal(listed.adapter?.fallback, true);
  assert.equal((await selectBackend()).name, 'wasm');
  const forced = await selectBackend('webgpu');
  assert.equal(forced.name, 'webgpu');
  assert.equal(forced.adapter?.architecture, 'swiftshader');
});

test('on webgpu: train steps and an evaluation leak no tensor, and the model learns to reverse a sequence (as on WASM: 97% at step 20)', { skip, timeout: 900_000 }, async () => {
  await selectBackend('webgpu');
  const rng = new Rng(1);
  const model = TRM.create(CONFIG, 0);
  const stepper = new TrainStepper(model, TRAIN);
  const test = reversalBatch(new Rng(99), 64);
  const accuracy = async () => {
    const last = (await evaluate(model, test)).at(-1)!;
    return last.predictions.reduce((n, p, i) => n + (p === test.labels[i] ? 1 : 0), 0) / test.labels.length;
  };
  const before = await accuracy();
  await stepper.step(reversalBatch(rng, TRAIN.batchSize)); // optimizer moments are created lazily on the first update
  const baseline = tf.memory().numTensors;
  let after = before;
  const started = Date.now();
  for (let s = 2; s <= 60 && after < 0.9; s++) {
    await stepper.step(reversalBatch(rng, TRAIN.batchSize));
    assert.equal(tf.memory().numTensors, baseline, `tensors after step ${s}`);
    if (s % 10 === 0) {
      after = await accuracy();
      assert.equal(tf.memory().numTensors, baseline, `tensors after the evaluation at step ${s}`);
    }
  }
  console.log(`webgpu: token accuracy ${before.toFixed(2)} → ${after.toFixed(2)} in ${((Date.now() - started) / 1000).toFixed(0)} s (SwiftShader when no GPU)`);
  assert.ok(after >= 0.9, `token accuracy ${after}`);
  stepper.dispose();
  model.dispose();
});

test('on webgpu the engine reports the GPU memory tfjs holds with each step (train/gpu_memory_bytes)', { skip, timeout: 300_000 }, async () => {
  await selectBackend('webgpu');
  const base = presetConfig('sudoku4-mlp');
  const config = { ...base, model: { ...base.model, ...CONFIG, numPuzzleIdentifiers: 1 }, train: { ...base.train, batchSize: 4, threads: 1 } };
  const engine = createEngine(config);
  const metrics = await engine.trainStep(reversalBatch(new Rng(3), 4));
  assert.ok(metrics.gpu_memory_bytes > 0, `gpu_memory_bytes ${metrics.gpu_memory_bytes}`);
  engine.dispose();
});
