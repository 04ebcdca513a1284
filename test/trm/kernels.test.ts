// Every hand-written gradient of main/trm/ops/kernels.ts against tfjs autodiff of the plain formula, on small
// random inputs: the gradient w.r.t. every input of Σ op(inputs) ⊙ R (R random, so dy is generic) must agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../main/trm/backend.ts';
import { add, addAndNormalise, linear, matMul, recordingGradients, retain, rotaryTables, selfAttention, swiglu, transposeView } from '../../main/trm/ops/kernels.ts';

let seed = 1;
const random = (shape: number[]) => tf.randomNormal(shape, 0, 1, 'float32', seed++);

/** The gradients of Σ f(xs) ⊙ R w.r.t. xs: through the kernels' own gradients (`custom`) or plain autodiff. */
function gradients(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[], weights: tf.Tensor, custom: boolean): Float32Array[] {
  const objective = () => tf.sum(tf.mul(f(...xs), weights)) as tf.Scalar;
  const retained: tf.Tensor[] = [];
  const { grads, value } = custom ? recordingGradients(retained, () => tf.engine().gradients(objective, xs)) : tf.engine().gradients(objective, xs);
  const arrays = grads.map((g) => g.dataSync() as Float32Array);
  tf.dispose([...grads, value, ...retained.filter((t) => !xs.includes(t))]); // the op retains its inputs too
  return arrays;
}

function assertSameGradients(name: string, kernel: (...xs: tf.Tensor[]) => tf.Tensor, plain: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[]): void {
  const weights = tf.tidy(() => random(plain(...xs).shape));
  const mine = gradients(kernel, xs, weights, true);
  const reference = gradients(plain, xs, weights, false);
  weights.dispose();
  reference.forEach((ref, i) => {
    let maxDiff = 0;
    let maxRef = 0;
    for (let j = 0; j < ref.length; j++) {
      maxDiff = Math.max(maxDiff, Math.abs(mine[i][j] - ref[j]));
      maxRef = Math.max(maxRef, Math.abs(ref[j]));
    }
    assert.ok(maxRef > 0, `${name}: input ${i} gets a gradient`);
    assert.ok(maxDiff <= 1e-4 * maxRef, `${name}: gradient of input ${i} differs by ${(maxDiff / maxRef).toExponential(2)} (relative)`);
  });
  tf.dispose(xs);
}

test('matMul, linear, transposeView and add', async () => {
  await selectBackend('wasm');
  assertSameGradients('matMul 2-D', (a, b) => matMul(a, b), (a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D), [random([5, 7]), random([7, 3])]);
  assertSameGradients('matMul batched', (a, b) => matMul(a, b), (a, b) => tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D), [random([2, 5, 7]), random([2, 7, 3])]);
  assertSameGradients('linear', (x, w) => linear(x, w), (x, w) => tf.matMul(tf.reshape(x, [-1, 6]) as tf.Tensor2D, w as tf.Tensor2D), [random([4, 3, 6]), random([6, 5])]);
  assertSameGradients('transposeView', (x) => transposeView(x, [6, 4], [2, 12]), (x) => tf.reshape(tf.transpose(tf.reshape(x, [6, 4])), [2, 12]), [random([3, 8])]);
  assertSameGradients('add', (a, b) => add(a, b), (a, b) => tf.add(a, b), [random([4, 5]), random([4, 5])]);
});

test('residual + RMSNorm and SwiGLU', async () => {
  await selectBackend('wasm');
  const eps = 1e-5;
  assertSameGradients('addAndNormalise', (x, d) => addAndNormalise(x as tf.Tensor2D, d as tf.Tensor2D, eps), (x, d) => {
    const v = tf.add(x, d);
    return tf.mul(v, tf.rsqrt(tf.add(tf.mean(tf.square(v), 1, true), eps)));
  }, [random([6, 8]), random([6, 8])]);
  // The model makes the transposed weights once per step and retains them for the backward pass; so does this.
  assertSameGradients('swiglu', (x, gate, up, down) => swiglu(x as tf.Tensor2D, { gate, up, down, transposed: { gate: retain(tf.transpose(gate)), up: retain(tf.transpose(up)), down: retain(tf.transpose(down)) } }),
    (x, gate, up, down) => {
      const g = tf.matMul(x as tf.Tensor2D, gate as tf.Tensor2D);
      return tf.matMul(tf.mul(tf.mul(g, tf.sigmoid(g)), tf.matMul(x as tf.Tensor2D, up as tf.Tensor2D)), down as tf.Tensor2D);
    }, [random([6, 8]), random([8, 12]), random([8, 12]), random([12, 8])]);
});

/** Multi-head attention written plainly: rows [S·B, D] sequence-major, per example and head softmax(QKᵀ/√d)·V,
 *  RoPE as x·cos + rotate_half(x)·sin with rotate_half(x) = [−x₂, x₁]. */
function plainAttention(h: tf.Tensor, wq: tf.Tensor, wk: tf.Tensor, wv: tf.Tensor, wo: tf.Tensor, S: number, B: number, H: number, hd: number, rotary: ReturnType<typeof rotaryTables> | null): tf.Tensor {
  const heads = (w: tf.Tensor) => tf.transpose(tf.reshape(tf.matMul(h as tf.Tensor2D, w as tf.Tensor2D), [S, B, H, hd]), [1, 2, 0, 3]); // [B, H, S, hd]
  const rope = (x: tf.Tensor) => {
    if (!rotary) return x;
    const [x1, x2] = tf.split(x, 2, -1);
    const cos = tf.reshape(rotary.cos, [1, 1, S, hd]);
    const sin = tf.reshape(rotary.sin, [1, 1, S, hd]);
    return tf.add(tf.mul(x, cos), tf.mul(tf.concat([tf.neg(x2), x1], -1), sin));
  };
  const q = rope(heads(wq));
  const k = rope(heads(wk));
  const probabilities = tf.softmax(tf.div(tf.matMul(q as tf.Tensor4D, k as tf.Tensor4D, false, true), Math.sqrt(hd)));
  const out = tf.matMul(probabilities as tf.Tensor4D, heads(wv) as tf.Tensor4D); // [B, H, S, hd]
  return tf.matMul(tf.reshape(tf.transpose(out, [2, 0, 1, 3]), [S * B, H * hd]) as tf.Tensor2D, wo as tf.Tensor2D);
}

test('multi-head self-attention, with and without RoPE', async () => {
  await selectBackend('wasm');
  const [S, B, H, hd] = [5, 2, 2, 4];
  const D = H * hd;
  for (const withRope of [false, true]) {
    const rotary = withRope ? rotaryTables(S, hd, 10000) : null;
    assertSameGradients(`selfAttention${withRope ? ' + RoPE' : ''}`,
      (h, query, key, value, out) => selfAttention(h as tf.Tensor2D, { query, key, value, out }, { seq: S, batch: B, heads: H, headDim: hd }, rotary),
      (h, query, key, value, out) => plainAttention(h, query, key, value, out, S, B, H, hd, rotary),
      [random([S * B, D]), random([D, D]), random([D, D]), random([D, D]), random([D, D])]);
    if (rotary) tf.dispose([rotary.cos, rotary.sin, rotary.rotate, rotary.rotateT]);
  }
});
