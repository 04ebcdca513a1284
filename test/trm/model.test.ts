import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_MODEL, validateModelConfig, type ModelConfig } from '../../main/trm/config.ts';
import { presetConfig } from '../../main/trm/presets.ts';
import { selectBackend } from '../../main/trm/backend.ts';
import { TRM, sequenceLength, type StepOutput } from '../../main/trm/model.ts';

const SMALL: ModelConfig = {
  ...DEFAULT_MODEL, hiddenSize: 16, numHeads: 2, expansion: 2, roundSwiGLUTo256: false, layers: 2, hCycles: 2, lCycles: 2,
  haltMaxSteps: 3, puzzleEmbLen: 1, puzzleEmbDim: 16, posEncodings: 'none', mlpT: true, vocabSize: 5, seqLen: 6, numPuzzleIdentifiers: 3,
};

function randomInputs(config: ModelConfig, batch: number, seed: number): tf.Tensor2D {
  return tf.tensor2d(Int32Array.from({ length: batch * config.seqLen }, (_, i) => 1 + ((i * 7 + seed * 3) % (config.vocabSize - 1))), [batch, config.seqLen], 'int32');
}

/** A loss that touches every output: logits against fixed weights, plus the halting logit. */
function objective(output: StepOutput): tf.Scalar {
  const weights = tf.sin(tf.range(0, output.logits.size).reshape(output.logits.shape));
  return tf.add(tf.sum(tf.mul(output.logits, weights)), tf.sum(tf.mul(output.qHalt, 0.3))) as tf.Scalar;
}

/** Makes the Q head non-zero so that the halting path carries gradient too. */
function randomiseQHead(model: TRM): void {
  const weight = model.trainable.get('inner.q_head.weight')!;
  tf.tidy(() => weight.assign(tf.mul(tf.cos(tf.range(0, weight.size).reshape(weight.shape)), 0.2)));
}

test('parameter counts of the paper presets (spec §1.11)', () => {
  const expected: Record<string, number> = {
    'sudoku-extreme-mlp': 5_028_866, 'sudoku-extreme-att': 6_828_034, 'maze-hard-att': 6_822_914, 'arc1-att': 6_829_058, 'maze-hard-mlp': 18_795_522,
  };
  for (const [name, count] of Object.entries(expected)) assert.equal(TRM.countParameters(presetConfig(name).model), count, name);
});

test('initialisation: truncated normal with corrected std, q_head 0 / −5, zero puzzle table, reproducible', async () => {
  await selectBackend('wasm');
  const config: ModelConfig = { ...SMALL, hiddenSize: 64, expansion: 4 };
  const model = TRM.create(config, 7);
  const state = await model.stateDict();
  const gateUp = state.get('inner.L_level.layers.0.mlp.gate_up_proj.weight')!; // [2i, D], fan_in = D
  assert.deepEqual(gateUp.shape, [2 * Math.round((4 * 64 * 2) / 3), 64]);
  const std = Math.sqrt(gateUp.data.reduce((s, v) => s + v * v, 0) / gateUp.data.length);
  assert.ok(Math.abs(std - 1 / 8) < 0.004, `std ${std} should be 1/√64`);
  const bound = Math.max(...gateUp.data.map(Math.abs));
  assert.ok(bound <= (2 / 8) * 1.15 && bound > (2 / 8) * 1.05, `values truncated at ±2 corrected σ (max ${bound})`);
  assert.ok(state.get('inner.q_head.weight')!.data.every((v) => v === 0));
  assert.deepEqual([...state.get('inner.q_head.bias')!.data], [-5, -5]);
  assert.ok(state.get('inner.puzzle_emb.weights')!.data.every((v) => v === 0));
  const hInitStd = Math.sqrt(state.get('inner.H_init')!.data.reduce((s, v) => s + v * v, 0) / 64);
  assert.ok(hInitStd > 0.6 && hInitStd < 1.4, `H_init std ${hInitStd} ≈ 1`);
  const again = await TRM.create(config, 7).stateDict();
  const other = await TRM.create(config, 8).stateDict();
  assert.deepEqual(again.get('inner.lm_head.weight')!.data, state.get('inner.lm_head.weight')!.data);
  assert.notDeepEqual(other.get('inner.lm_head.weight')!.data, state.get('inner.lm_head.weight')!.data);
  model.dispose();
});

test('loadStateDict round-trips and names the offending key', async () => {
  await selectBackend('wasm');
  const a = TRM.create(SMALL, 1);
  const b = TRM.create(SMALL, 2);
  b.loadStateDict(await a.stateDict());
  const loaded = await b.stateDict();
  for (const [key, value] of await a.stateDict()) assert.deepEqual(loaded.get(key)!.data, value.data, key);
  const prefixed = new Map([...(await a.stateDict())].map(([k, v]) => [`_orig_mod.model.${k}`, v]));
  b.loadStateDict(prefixed); // official checkpoint keys
  const wrong = await a.stateDict();
  wrong.set('inner.lm_head.weight', { shape: [3, 16], data: new Float32Array(48) });
  assert.throws(() => b.loadStateDict(wrong), /inner\.lm_head\.weight.*\[3,16\].*\[5,16\]/);
  const missing = await a.stateDict();
  missing.delete('inner.L_init');
  assert.throws(() => b.loadStateDict(missing), /missing 'inner\.L_init'/);
  a.dispose();
  b.dispose();
});

test('gradients flow only through the last recursion: T=2 equals T=1 started from the first recursion', async () => {
  await selectBackend('wasm');
  const twoCycles = TRM.create({ ...SMALL, hCycles: 2 }, 3);
  randomiseQHead(twoCycles);
  const oneCycle = TRM.create({ ...SMALL, hCycles: 1 }, 4);
  oneCycle.loadStateDict(await twoCycles.stateDict());
  const inputs = randomInputs(SMALL, 3, 1);
  const rows = tf.randomNormal([3, SMALL.puzzleEmbDim], 0, 0.5, 'float32', 9) as tf.Tensor2D;
  const start = twoCycles.initialCarry(3);

  const full = twoCycles.forward(start, inputs, rows, { withGrad: true, objective });
  const firstRecursion = oneCycle.forward(start, inputs, rows); // no gradient: its outputs are constants
  const last = oneCycle.forward({ y: firstRecursion.y, z: firstRecursion.z }, inputs, rows, { withGrad: true, objective });
  const fromStart = oneCycle.forward(start, inputs, rows, { withGrad: true, objective });

  assert.ok(Math.abs(full.objective.dataSync()[0] - last.objective.dataSync()[0]) < 1e-3 * Math.abs(last.objective.dataSync()[0]));
  for (const [key, grad] of full.grads) {
    const expected = last.grads.get(key)!;
    const scale = Math.max(...(expected.abs().dataSync() as Float32Array), 1e-12);
    const diff = Math.max(...(tf.sub(grad, expected).abs().dataSync() as Float32Array));
    assert.ok(diff <= 1e-4 * scale, `${key}: gradient differs from the last-recursion-only gradient (${diff} vs scale ${scale})`);
    assert.ok(scale > 0, `${key} gets a gradient`);
  }
  const rowDiff = tf.sub(full.puzzleRowGrads!, last.puzzleRowGrads!).abs().max().dataSync()[0];
  assert.ok(rowDiff <= 1e-4 * last.puzzleRowGrads!.abs().max().dataSync()[0], 'puzzle-row gradient');
  // Sanity: the comparison is not trivial, the same net from the initial carry has clearly different gradients.
  const key = 'inner.L_level.layers.0.mlp.down_proj.weight';
  assert.ok(tf.sub(full.grads.get(key)!, fromStart.grads.get(key)!).abs().max().dataSync()[0] > 1e-3 * full.grads.get(key)!.abs().max().dataSync()[0]);
  twoCycles.dispose();
  oneCycle.dispose();
});

for (const variant of [
  { name: 'mlp_t, P = 0, no puzzle embedding', config: { mlpT: true, posEncodings: 'none', puzzleEmbLen: 0, puzzleEmbDim: 0 } },
  { name: 'mlp_t, P = 1 of zeros (no puzzle vector)', config: { mlpT: true, posEncodings: 'none', puzzleEmbLen: 1, puzzleEmbDim: 0 } },
  { name: 'attention + rope, P = 3 with a 2-slot puzzle vector', config: { mlpT: false, posEncodings: 'rope', puzzleEmbLen: 3, puzzleEmbDim: 32 } },
  { name: 'attention + learned positions, P = 1', config: { mlpT: false, posEncodings: 'learned', puzzleEmbLen: 1, puzzleEmbDim: 16 } },
  { name: 'attention without positions, P = 2', config: { mlpT: false, posEncodings: 'none', puzzleEmbLen: 2, puzzleEmbDim: 16 } },
  { name: 'attention + 2-D learned positions on a 3×3 canvas, P = 1', config: { mlpT: false, posEncodings: 'learned2d', puzzleEmbLen: 1, puzzleEmbDim: 16, seqLen: 9 } },
] as const) {
  test(`shapes and gradients: ${variant.name}`, async () => {
    await selectBackend('wasm');
    const config: ModelConfig = { ...SMALL, ...variant.config };
    const model = TRM.create(config, 5);
    randomiseQHead(model);
    const B = 2;
    const S = sequenceLength(config);
    const inputs = randomInputs(config, B, 2);
    const rows = config.puzzleEmbDim > 0 ? (tf.randomNormal([B, config.puzzleEmbDim], 0, 1, 'float32', 3) as tf.Tensor2D) : null;
    const before = tf.memory().numTensors;
    const out = model.forward(model.initialCarry(B), inputs, rows, { withGrad: true, objective });
    assert.deepEqual(out.logits.shape, [B, config.seqLen, config.vocabSize]);
    assert.deepEqual(out.qHalt.shape, [B]);
    assert.deepEqual(out.y.shape, [B, S, config.hiddenSize]);
    assert.deepEqual(out.z.shape, [B, S, config.hiddenSize]);
    assert.equal(model.trainable.has('inner.embed_pos.embedding_weight'), config.posEncodings === 'learned');
    tf.tidy(() => {
      for (const [key, grad] of out.grads) {
        assert.deepEqual(grad.shape, model.trainable.get(key)!.shape, key);
        assert.ok(grad.abs().max().dataSync()[0] > 0, `${key} gets a gradient`);
      }
    });
    assert.equal(out.puzzleRowGrads === null, rows === null);
    tf.dispose([out.logits, out.qHalt, out.qContinue, out.y, out.z, out.objective, ...out.grads.values(), out.puzzleRowGrads ?? []]);
    assert.equal(tf.memory().numTensors, before + 2, 'only the initial carry remains'); // initialCarry (y, z)
    if (rows) {
      // The puzzle vector fills the first puzzleEmbDim/D prefix slots; the rest of the prefix is zero.
      const x = model.inputEmbeddings(inputs, rows);
      const filledSlots = config.puzzleEmbDim / config.hiddenSize;
      const prefix = x.slice([0, 0, 0], [B, config.puzzleEmbLen, config.hiddenSize]).abs().sum([0, 2]).dataSync();
      for (let slot = 0; slot < config.puzzleEmbLen; slot++) {
        if (config.posEncodings === 'learned' || config.posEncodings === 'learned2d') continue; // positions are added to every slot
        assert.equal(prefix[slot] > 0, slot < filledSlots, `prefix slot ${slot}`);
      }
      x.dispose();
    }
    model.dispose();
  });
}

test('learned2d positions: prefix slots have their own rows, cell (r, c) gets row r + column c', async () => {
  await selectBackend('wasm');
  const config: ModelConfig = { ...SMALL, mlpT: false, posEncodings: 'learned2d', puzzleEmbLen: 2, puzzleEmbDim: 0, seqLen: 9 };
  const model = TRM.create(config, 7);
  const D = config.hiddenSize;
  const table = (key: string) => model.trainable.get(`inner.embed_pos_2d.${key}`)!;
  assert.deepEqual(table('prefix_weight').shape, [2, D]);
  assert.deepEqual(table('row_weight').shape, [3, D]);
  assert.deepEqual(table('col_weight').shape, [3, D]);
  assert.equal(model.trainable.has('inner.embed_pos.embedding_weight'), false);
  const inputs = randomInputs(config, 1, 4);
  const x = model.inputEmbeddings(inputs, null).arraySync()[0];
  const tokens = model.trainable.get('inner.embed_tokens.embedding_weight')!.arraySync() as number[][];
  const [prefix, rows, cols] = ['prefix_weight', 'row_weight', 'col_weight'].map((key) => table(key).arraySync() as number[][]);
  const ids = inputs.arraySync()[0];
  const scale = 0.707106781 * Math.sqrt(D);
  for (let slot = 0; slot < 2; slot++) {
    for (let d = 0; d < D; d++) assert.ok(Math.abs(x[slot][d] - prefix[slot][d] * scale) < 1e-5, `prefix ${slot}`);
  }
  for (let cell = 0; cell < 9; cell++) {
    const [r, c] = [Math.floor(cell / 3), cell % 3];
    for (let d = 0; d < D; d++) {
      const expected = (tokens[ids[cell]][d] + rows[r][d] + cols[c][d]) * scale;
      assert.ok(Math.abs(x[2 + cell][d] - expected) < 1e-5, `cell ${cell} (${r}, ${c}) channel ${d}`);
    }
  }
  assert.deepEqual(validateModelConfig(config), []);
  assert.match(validateModelConfig({ ...config, seqLen: 10 }).join('\n'), /learned2d needs a square canvas: seqLen must be side² \(got 10\)/);
  model.dispose();
});
