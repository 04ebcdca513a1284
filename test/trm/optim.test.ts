// AdamATan2, sign-SGD, EMA and the lr schedule against the official PyTorch updates recorded in
// ../shared/fixtures/trm-parity (README §5) and hand computations.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { parseNpy, type NpyArray } from '../../main/common/npy.ts';
import { sharedDir } from '../../main/common/paths.ts';
import { selectBackend } from '../../main/trm/backend.ts';
import { AdamATan2, Ema, PuzzleEmbeddingTable, learningRate, signSgdUpdate, withWeights } from '../../main/trm/optim.ts';

const FIXTURES = join(sharedDir(), 'fixtures', 'trm-parity');
// Gradients are given exactly, so only float32 rounding separates us from the reference;
const TOLERANCE = 1e-7; // measured: ≤ 1.5e-8 (one float32 ulp)

function readFixture(config: string, file: string): NpyArray {
  const path = join(FIXTURES, config, file);
  return parseNpy(new Uint8Array(readFileSync(path)), path); // a fresh Uint8Array: slice() then copies
}

function fixtureTensor(config: string, file: string): tf.Tensor {
  const array = readFixture(config, file);
  return tf.tensor(array.data as Float32Array, array.shape, 'float32');
}

function maxAbsDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  assert.equal(actual.length, expected.length);
  let max = 0;
  for (let i = 0; i < actual.length; i++) max = Math.max(max, Math.abs(actual[i] - expected[i]));
  return max;
}

/** Names of the AdamATan2 parameters of a fixture config (params.json), e.g. inner.lm_head.weight. */
function adamParameterNames(config: string): string[] {
  const params = JSON.parse(readFileSync(join(FIXTURES, config, 'params.json'), 'utf8')) as {
    keys: Record<string, { trainable: boolean; optimizer: string }>;
  };
  return Object.entries(params.keys).filter(([, p]) => p.trainable && p.optimizer === 'AdamATan2').map(([name]) => name);
}

before(async () => {
  await selectBackend('wasm');
});

for (const config of ['mlp', 'att']) {
  describe(`AdamATan2 vs official (${config})`, () => {
    test('steps 1 and 2 reproduce after_step__ and after_step2__', () => {
      const names = adamParameterNames(config);
      assert.ok(names.length >= 10, `expected the fixture's trainable tensors, got ${names.length}`);
      const vars = new Map(names.map((name) => [name, tf.variable(fixtureTensor(config, `${name}.npy`), true)]));
      const optimizer = new AdamATan2({ beta1: 0.9, beta2: 0.95, weightDecay: 0.1 });
      for (const [gradPrefix, afterPrefix] of [['grad__', 'after_step__'], ['grad2__', 'after_step2__']]) {
        const grads = new Map(names.map((name) => [name, fixtureTensor(config, `${gradPrefix}${name}.npy`)]));
        optimizer.applyGradients(vars, grads, 1e-3);
        for (const name of names) {
          const expected = readFixture(config, `${afterPrefix}${name}.npy`).data as Float32Array;
          const diff = maxAbsDiff(vars.get(name)!.dataSync(), expected);
          assert.ok(diff < TOLERANCE, `${afterPrefix}${name}: max |diff| ${diff}`);
        }
        tf.dispose([...grads.values()]);
      }
      assert.equal(optimizer.stepCount, 2);
      optimizer.dispose();
      tf.dispose([...vars.values()]);
    });
  });

  describe(`sign-SGD on the puzzle table vs official (${config})`, () => {
    test('steps 1 and 2 reproduce the table (duplicate id summed, zero-gradient id only decays)', () => {
      const initial = readFixture(config, 'inner.puzzle_emb.weights.npy');
      const [numIds, dim] = initial.shape;
      const table = new PuzzleEmbeddingTable(numIds, dim, Float32Array.from(initial.data as Float32Array));
      // Step 2 keeps batch 1's slots (nothing halted), so its ids are still puzzle_identifiers.npy.
      const ids = readFixture(config, 'puzzle_identifiers.npy').data as Int32Array;
      for (const [gradFile, afterFile] of [['grad__puzzle_emb_local.npy', 'after_step__inner.puzzle_emb.weights.npy'],
        ['grad2__puzzle_emb_local.npy', 'after_step2__inner.puzzle_emb.weights.npy']]) {
        const rowGrads = fixtureTensor(config, gradFile) as tf.Tensor2D;
        signSgdUpdate(table, ids, rowGrads.dataSync() as Float32Array, 1e-2, 0.1);
        rowGrads.dispose();
        const diff = maxAbsDiff(table.data, readFixture(config, afterFile).data as Float32Array);
        assert.ok(diff < TOLERANCE, `${afterFile}: max |diff| ${diff}`);
      }
    });
  });
}

describe('sign-SGD by hand', () => {
  test('sums duplicate ids before the sign, leaves absent rows untouched, gathers rows in batch order', () => {
    const table = new PuzzleEmbeddingTable(3, 2, new Float32Array([1, 1, 2, 2, 3, 3]));
    // id 1 twice: +0.5 and −2 sum to −1.5 (sign −1) although the first row alone is positive.
    const rowGrads = tf.tensor2d([[0.5, 0], [-2, 0], [0, 4]]);
    signSgdUpdate(table, new Int32Array([1, 1, 2]), rowGrads.dataSync() as Float32Array, 0.1, 0.5);
    const decay = 1 - 0.1 * 0.5;
    const expected = [1, 1, 2 * decay + 0.1, 2 * decay, 3 * decay, 3 * decay - 0.1];
    assert.ok(maxAbsDiff(table.data, expected) < 1e-6, `${Array.from(table.data)}`);
    const gathered = table.gatherRows(new Int32Array([2, 0]));
    assert.deepEqual(gathered.shape, [2, 2]);
    assert.ok(maxAbsDiff(gathered.dataSync(), [expected[4], expected[5], 1, 1]) < 1e-6);
    assert.throws(() => table.row(3), /outside the table/);
    tf.dispose([rowGrads, gathered]);
  });
});

describe('AdamATan2 state', () => {
  test('a restored optimiser continues exactly like the original', async () => {
    const make = () => new Map([['w', tf.variable(tf.tensor2d([[0.5, -1], [2, 0]]), true)]]);
    const grad = (scale: number) => new Map([['w', tf.tensor2d([[scale, -0.5], [0.25, 0]])]]);
    const original = new AdamATan2({ beta1: 0.9, beta2: 0.95, weightDecay: 0.1 });
    const originalVars = make();
    original.applyGradients(originalVars, grad(1), 0.01);
    const restored = new AdamATan2({ beta1: 0.9, beta2: 0.95, weightDecay: 0.1 });
    const restoredVars = new Map([['w', tf.variable(originalVars.get('w')!.clone(), true)]]);
    restored.setState(await original.getState());
    assert.equal(restored.stepCount, 1);
    original.applyGradients(originalVars, grad(-3), 0.01);
    restored.applyGradients(restoredVars, grad(-3), 0.01);
    assert.deepEqual(Array.from(restoredVars.get('w')!.dataSync()), Array.from(originalVars.get('w')!.dataSync()));
    // Moments are non-trivial after two steps: m = 0.9·0.1·1 + 0.1·(−3) for the first element.
    assert.ok(Math.abs((await original.getState()).m.get('w')![0] - (0.09 - 0.3)) < 1e-6);
  });
});

describe('EMA', () => {
  test('shadow follows decay·shadow + (1−decay)·param and withWeights swaps it in and back', async () => {
    const vars = new Map([['w', tf.variable(tf.tensor1d([1, 2]), true)]]);
    const ema = new Ema(0.9, vars);
    vars.get('w')!.assign(tf.tensor1d([3, -2]));
    ema.update(vars);
    vars.get('w')!.assign(tf.tensor1d([5, 0]));
    ema.update(vars);
    // step 1: 0.9·[1,2] + 0.1·[3,−2] = [1.2, 1.6]; step 2: 0.9·[1.2,1.6] + 0.1·[5,0] = [1.58, 1.44]
    const expectedShadow = [1.58, 1.44];
    assert.ok(maxAbsDiff(ema.shadow.get('w')!.dataSync(), expectedShadow) < 1e-6);

    const seen = withWeights(vars, ema.shadow, () => Array.from(vars.get('w')!.dataSync()));
    assert.ok(maxAbsDiff(seen, expectedShadow) < 1e-6);
    assert.deepEqual(Array.from(vars.get('w')!.dataSync()), [5, 0]);
    await withWeights(vars, ema.shadow, async () => {
      await Promise.resolve();
      assert.ok(maxAbsDiff(vars.get('w')!.dataSync(), expectedShadow) < 1e-6);
    });
    assert.deepEqual(Array.from(vars.get('w')!.dataSync()), [5, 0]);
    assert.throws(() => withWeights(vars, ema.shadow, () => { throw new Error('boom'); }), /boom/);
    assert.deepEqual(Array.from(vars.get('w')!.dataSync()), [5, 0]);

    const other = new Ema(0.9, new Map([['w', tf.variable(tf.tensor1d([0, 0]), true)]]));
    other.setState(await ema.getState());
    assert.ok(maxAbsDiff(other.shadow.get('w')!.dataSync(), expectedShadow) < 1e-6);
  });
});

describe('learningRate', () => {
  const schedule = { base: 1e-4, warmupSteps: 2000, totalSteps: 10000, minRatio: 1 };
  test('linear warm-up from 0, then constant with minRatio = 1', () => {
    assert.equal(learningRate(1, schedule), 1e-4 / 2000);
    assert.equal(learningRate(1000, schedule), 5e-5);
    assert.equal(learningRate(2000, schedule), 1e-4);
    assert.equal(learningRate(9000, schedule), 1e-4);
  });
  test('cosine from base at the end of warm-up to base·minRatio at totalSteps', () => {
    const cosine = { ...schedule, minRatio: 0.1 };
    assert.ok(Math.abs(learningRate(2000, cosine) - 1e-4) < 1e-15);
    assert.ok(Math.abs(learningRate(6000, cosine) - 1e-4 * (0.1 + 0.9 * 0.5)) < 1e-15); // half-way: cos = 0
    assert.ok(Math.abs(learningRate(10000, cosine) - 1e-5) < 1e-15);
  });
  test('no warm-up: the base rate from the first step (the fixtures were recorded this way)', () => {
    assert.equal(learningRate(1, { base: 1e-3, warmupSteps: 0, totalSteps: 100, minRatio: 1 }), 1e-3);
  });
});
