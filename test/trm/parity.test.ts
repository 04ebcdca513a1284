// Parity with the official PyTorch TRM (../shared/fixtures/trm-parity, README there): forward, eval rollout,
// train-step losses, gradients, parameter updates and a second step continuing the carry, for both the
// mlp_t/no-positions and the attention/RoPE configurations. Tolerances are the fixture README's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readNpy } from '../../main/common/npy.ts';
import { sharedDir } from '../../main/common/paths.ts';
import type { Batch } from '../../main/common/batch.ts';
import { DEFAULT_MODEL, type ModelConfig } from '../../main/trm/config.ts';
import { selectBackend } from '../../main/trm/backend.ts';
import { TRM, type GradStepOutput, type StateDict } from '../../main/trm/model.ts';
import { TrainStepper, evaluate } from '../../main/trm/act.ts';
import { softwareWebGpuProblem } from '../webgpu-env.ts';

const FIXTURES = join(sharedDir(), 'fixtures', 'trm-parity');
const B = 4;
const L = 16;

interface Fixture {
  name: string;
  dir: string;
  config: ModelConfig;
  train: { lr: number; beta1: number; beta2: number; weight_decay: number; puzzle_emb_lr: number; puzzle_emb_weight_decay: number };
  weights: StateDict;
  trainableKeys: string[];
}

function loadFixture(name: 'mlp' | 'att'): Fixture {
  const dir = join(FIXTURES, name);
  const json = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  const m = json.model_config;
  const config: ModelConfig = {
    ...DEFAULT_MODEL, hiddenSize: m.hidden_size, numHeads: m.num_heads, expansion: m.expansion, roundSwiGLUTo256: true,
    layers: m.L_layers, hCycles: m.H_cycles, lCycles: m.L_cycles, haltMaxSteps: m.halt_max_steps, haltExplorationProb: m.halt_exploration_prob,
    puzzleEmbLen: m.puzzle_emb_len, puzzleEmbDim: m.puzzle_emb_ndim, posEncodings: m.pos_encodings, mlpT: m.mlp_t,
    vocabSize: m.vocab_size, seqLen: m.seq_len, numPuzzleIdentifiers: m.num_puzzle_identifiers, loss: 'stablemax',
  };
  const params = JSON.parse(readFileSync(join(dir, 'params.json'), 'utf8')).keys as Record<string, { trainable: boolean }>;
  const weights: StateDict = new Map();
  for (const key of Object.keys(params)) weights.set(key, floats(dir, `${key}.npy`));
  const trainableKeys = Object.keys(params).filter((k) => params[k].trainable);
  return { name, dir, config, train: json.train, weights, trainableKeys };
}

function floats(dir: string, file: string): { shape: number[]; data: Float32Array } {
  const array = readNpy(join(dir, file));
  return { shape: array.shape, data: array.data as Float32Array };
}

function ints(dir: string, file: string): Int32Array {
  return readNpy(join(dir, file)).data as Int32Array;
}

function fixtureBatch(dir: string, prefix = ''): Batch {
  return { size: B, seqLen: L, inputs: ints(dir, `${prefix}inputs.npy`), labels: ints(dir, `${prefix}labels.npy`), puzzleIdentifiers: ints(dir, `${prefix}puzzle_identifiers.npy`) };
}

/** max|actual − ref| / max|ref|, asserted ≤ tolerance. */
function assertClose(actual: ArrayLike<number>, ref: ArrayLike<number>, tolerance: number, what: string): void {
  assert.equal(actual.length, ref.length, `${what}: length`);
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < ref.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i] - ref[i]));
    maxRef = Math.max(maxRef, Math.abs(ref[i]));
  }
  const relative = maxDiff / Math.max(maxRef, 1e-30);
  assert.ok(relative <= tolerance, `${what}: max|diff|/max|ref| = ${relative.toExponential(2)} > ${tolerance.toExponential(1)}`);
}

async function read(t: tf.Tensor): Promise<Float32Array> {
  return Float32Array.from((await t.data()) as Float32Array);
}

/** README: ~1e-4 relative for the first step; the mlp_t recursion amplifies float32 rounding ~5× per supervision
 *  step, to ~3e-3 at step 4 (interpolated geometrically); attention stays ~1e-4. */
function tolerance(fixture: Fixture, step: number): number {
  return fixture.config.mlpT ? 1e-4 * 30 ** ((step - 1) / 3) : 1e-4;
}

function loadedModel(fixture: Fixture): TRM {
  const model = TRM.create(fixture.config, 0);
  model.loadStateDict(fixture.weights);
  return model;
}

function stepper(fixture: Fixture, model: TRM): TrainStepper {
  const t = fixture.train;
  return new TrainStepper(model, {
    batchSize: B, lr: t.lr, warmupSteps: 0, lrMinRatio: 1, maxSteps: 100, beta1: t.beta1, beta2: t.beta2, weightDecay: t.weight_decay,
    puzzleEmbLr: t.puzzle_emb_lr, puzzleEmbWeightDecay: t.puzzle_emb_weight_decay, emaDecay: 0, seed: 0,
  });
}

/** Gradients of one train step in official layout, keyed like the fixture files (grad__<key>, puzzle_emb_local). */
type Gradients = Map<string, Float32Array>;

/**
 * After-step parameters. AdamATan2 at t = 1 is a sign update, so an element whose tiny gradient has the opposite
 * sign here moves ~2·lr differently (README); such elements (sign differs at any step so far) get 2·lr per step.
 */
async function assertParametersAfter(fixture: Fixture, model: TRM, prefix: string, gradsByStep: Gradients[], refGradPrefixes: string[], tol: number): Promise<void> {
  const state = await model.stateDict();
  for (const key of [...fixture.trainableKeys, 'inner.puzzle_emb.weights']) {
    const ref = floats(fixture.dir, `${prefix}${key}.npy`).data;
    const actual = state.get(key)!.data;
    const isTable = key === 'inner.puzzle_emb.weights';
    const lr = isTable ? fixture.train.puzzle_emb_lr : fixture.train.lr;
    let maxRef = 0;
    for (const v of ref) maxRef = Math.max(maxRef, Math.abs(v));
    const flipped = new Uint8Array(ref.length);
    if (!isTable) {
      gradsByStep.forEach((grads, i) => {
        const mine = grads.get(key)!;
        const theirs = floats(fixture.dir, `${refGradPrefixes[i]}${key}.npy`).data;
        for (let j = 0; j < ref.length; j++) if (Math.sign(mine[j]) !== Math.sign(theirs[j])) flipped[j] = 1;
      });
    }
    for (let j = 0; j < ref.length; j++) {
      const allowed = flipped[j] ? 2.5 * lr * gradsByStep.length : tol * maxRef;
      assert.ok(Math.abs(actual[j] - ref[j]) <= allowed, `${prefix}${key}[${j}]: ${actual[j]} vs ${ref[j]} (allowed ${allowed.toExponential(1)})`);
    }
  }
}

// WASM, and WebGPU (on SwiftShader without a GPU: the same tolerances, as the official code ran in float32 too).
const webgpuProblem = softwareWebGpuProblem();
// TRM_PARITY_BACKENDS=webgpu (bench/gpu-check.sh) runs only those.
const backends = (process.env.TRM_PARITY_BACKENDS ?? 'wasm,webgpu').split(',') as ('wasm' | 'webgpu')[];
for (const [backend, name] of backends.flatMap((b) => [[b, 'mlp'], [b, 'att']] as const)) {
  const skip = !existsSync(join(FIXTURES, name)) ? 'fixtures not found' : backend === 'webgpu' && webgpuProblem ? webgpuProblem : false;
  test(`parity with the official TRM on ${backend}: ${name}`, { skip, timeout: 600_000 }, async (t) => {
    await selectBackend(backend);
    const fixture = loadFixture(name);
    const { dir } = fixture;
    const model = loadedModel(fixture);
    const batch = fixtureBatch(dir);

    await t.test('parameter count', () => {
      const expected = JSON.parse(readFileSync(join(dir, 'params.json'), 'utf8')).num_trainable_params;
      assert.equal(model.parameterCount(), expected);
    });

    await t.test('input embeddings and the first network applications', async () => {
      const inputs = tf.tensor2d(batch.inputs, [B, L], 'int32');
      const rows = model.puzzleRows(batch.puzzleIdentifiers);
      const x = model.inputEmbeddings(inputs, rows);
      assertClose(await read(x), floats(dir, 'input_embeddings.npy').data, 1e-6, 'input embeddings');
      const carry = model.initialCarry(B);
      const injection = tf.add(carry.y, x) as tf.Tensor3D;
      const block0 = model.applyNet(carry.z, injection, 1);
      const firstZ = model.applyNet(carry.z, injection);
      assertClose(await read(block0), floats(dir, 'debug_block0_out.npy').data, 1e-5, 'block 0 output');
      assertClose(await read(firstZ), floats(dir, 'debug_first_z_update.npy').data, 1e-5, 'first z update');
      tf.dispose([inputs, rows ?? [], x, carry.y, carry.z, injection, block0, firstZ]);
    });

    await t.test('eval rollout, steps 1-4: logits, q_halt, q_continue, y, z', async () => {
      const steps = await evaluate(model, batch, { collect: { logits: true, carry: true } });
      assert.equal(steps.length, 4);
      for (const s of steps) {
        const tol = tolerance(fixture, s.step);
        assertClose(s.logits!, floats(dir, `logits_step${s.step}.npy`).data, tol, `logits step ${s.step}`);
        assertClose(s.qHalt, floats(dir, `q_halt_step${s.step}.npy`).data, tol, `q_halt step ${s.step}`);
        assertClose(s.qContinue, floats(dir, `q_continue_step${s.step}.npy`).data, tol, `q_continue step ${s.step}`);
        assertClose(s.y!, floats(dir, `y_step${s.step}.npy`).data, tol, `y step ${s.step}`);
        assertClose(s.z!, floats(dir, `z_step${s.step}.npy`).data, tol, `z step ${s.step}`);
      }
    });

    const trainer = stepper(fixture, model);
    const gradsByStep: Gradients[] = [];
    const capture = (grads: Gradients, logits: Float32Array[]) => async (out: GradStepOutput) => {
      for (const [key, g] of out.grads) grads.set(key, model.toOfficialLayout(key, await read(g)));
      grads.set('puzzle_emb_local', await read(out.puzzleRowGrads!));
      logits.push(await read(out.logits), await read(out.qHalt), await read(out.qContinue));
    };

    await t.test('train step 1: losses, gradients, updated parameters, eval rollout after the step', async () => {
      const grads: Gradients = new Map();
      const outputs: Float32Array[] = [];
      const metrics = await trainer.step(batch, capture(grads, outputs));
      gradsByStep.push(grads);
      const losses = JSON.parse(readFileSync(join(dir, 'losses.json'), 'utf8'));
      assert.ok(Math.abs(metrics.lmLoss * B - losses.lm_loss) <= 1e-4 * losses.lm_loss, `lm_loss ${metrics.lmLoss * B} vs ${losses.lm_loss}`);
      assert.ok(Math.abs(metrics.qHaltLoss * B - losses.q_halt_loss) <= 1e-4 * losses.q_halt_loss, `q_halt_loss ${metrics.qHaltLoss * B} vs ${losses.q_halt_loss}`);
      assert.deepEqual([...trainer.state.steps], losses.carry_after.steps);
      assert.deepEqual([...trainer.state.halted].map(Boolean), losses.carry_after.halted);
      assert.equal(metrics.haltedCount, 0);
      assertClose(outputs[0], floats(dir, 'train_logits.npy').data, 1e-4, 'train logits');
      assertClose(outputs[1], floats(dir, 'train_q_halt.npy').data, 1e-4, 'train q_halt');
      for (const key of [...fixture.trainableKeys, 'puzzle_emb_local']) {
        assertClose(grads.get(key)!, floats(dir, `grad__${key}.npy`).data, 1e-4, `grad ${key}`);
      }
      await assertParametersAfter(fixture, model, 'after_step__', gradsByStep, ['grad__'], 1e-4);
      for (const s of await evaluate(model, batch, { collect: { logits: true } })) {
        const tol = tolerance(fixture, s.step);
        assertClose(s.logits!, floats(dir, `after_step_eval_logits_step${s.step}.npy`).data, tol, `after-step logits step ${s.step}`);
        assertClose(s.qHalt, floats(dir, `after_step_eval_q_halt_step${s.step}.npy`).data, tol, `after-step q_halt step ${s.step}`);
        assertClose(s.qContinue, floats(dir, `after_step_eval_q_continue_step${s.step}.npy`).data, tol, `after-step q_continue step ${s.step}`);
      }
    });

    await t.test('train step 2: carry continues, the new batch is ignored, q_halt now trains the trunk', async () => {
      const grads: Gradients = new Map();
      const outputs: Float32Array[] = [];
      const loaderBatch = fixtureBatch(dir, 'train2_loader_');
      const metrics = await trainer.step(loaderBatch, capture(grads, outputs));
      gradsByStep.push(grads);
      const losses = JSON.parse(readFileSync(join(dir, 'losses_step2.json'), 'utf8'));
      const tol = tolerance(fixture, 2);
      assert.deepEqual([...trainer.state.data.inputs], [...batch.inputs], 'slots keep batch 1');
      assert.ok(Math.abs(metrics.lmLoss * B - losses.lm_loss) <= tol * losses.lm_loss, `lm_loss ${metrics.lmLoss * B} vs ${losses.lm_loss}`);
      assert.ok(Math.abs(metrics.qHaltLoss * B - losses.q_halt_loss) <= tol * losses.q_halt_loss, `q_halt_loss ${metrics.qHaltLoss * B} vs ${losses.q_halt_loss}`);
      assert.deepEqual([...trainer.state.steps], losses.carry_after.steps);
      assertClose(outputs[0], floats(dir, 'train2_logits.npy').data, tol, 'train2 logits');
      assertClose(outputs[1], floats(dir, 'train2_q_halt.npy').data, tol, 'train2 q_halt');
      assertClose(outputs[2], floats(dir, 'train2_q_continue.npy').data, tol, 'train2 q_continue');
      assertClose(await read(trainer.state.y), floats(dir, 'train2_y.npy').data, tol, 'train2 y');
      assertClose(await read(trainer.state.z), floats(dir, 'train2_z.npy').data, tol, 'train2 z');
      for (const key of [...fixture.trainableKeys, 'puzzle_emb_local']) {
        assertClose(grads.get(key)!, floats(dir, `grad2__${key}.npy`).data, tol, `grad2 ${key}`);
      }
      await assertParametersAfter(fixture, model, 'after_step2__', gradsByStep, ['grad__', 'grad2__'], tol);
    });

    trainer.dispose();
    model.dispose();
  });
}
