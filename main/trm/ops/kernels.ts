// The TRM's kernels: the primitives model.ts composes (matmul, channel linear, residual + RMSNorm, SwiGLU, RoPE,
// multi-head attention), each with a hand-written gradient. They are the speed machinery beside the model, not the
// model: what each buys is noted where it is defined, with the benchmark that showed it (bench/engine-prof.ts,
// bench/engine-ab.ts); test/trm/kernels.test.ts checks every gradient against tfjs autodiff of the plain formula.
import * as tf from '@tensorflow/tfjs';

// Why: on WASM (toolchain-notes) tfjs's matMul gradient uses transposed
// matmuls (~10× slower), and every taped op copies the tensors its gradient needs (the WASM Identity kernel
// copies data), which for this small model costs more than the maths. These ops instead *retain* the originals
// while a gradient is being recorded (see `retainedForBackward`) and use plain matmuls with explicit transposes.

/** Tensors that hand-written gradients will read during the current backward pass; null when no gradient is being
 *  recorded. Set only by recordingGradients, around `tf.engine().gradients` in TRM.forward (JS is single-threaded, forward is
 *  sync). */
let retainedForBackward: tf.Tensor[] | null = null;

/** Runs `fn` (the differentiated part of a supervision step) with `retained` collecting what the hand-written
 *  gradients will read; the caller disposes it after the backward pass. */
export function recordingGradients<T>(retained: tf.Tensor[], fn: () => T): T {
  retainedForBackward = retained;
  try {
    return fn();
  } finally {
    retainedForBackward = null;
  }
}

export function retain<T extends tf.Tensor>(t: T): T {
  if (retainedForBackward && !(t instanceof tf.Variable)) retainedForBackward.push(tf.keep(t));
  return t;
}

type OpFunc<Args extends tf.Tensor[]> = (...args: Args) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor) => tf.Tensor | tf.Tensor[] };

/** An op with a hand-written gradient (tf.customGrad), run as a plain function when no gradient is being
 *  recorded: the custom-gradient machinery costs a few scopes per call, which adds up over ~500 ops a step. */
function customOp<Args extends tf.Tensor[]>(f: OpFunc<Args>): (...args: Args) => tf.Tensor {
  const withGradient = tf.customGrad(freeingAfterBackward(f) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...args: Args) => tf.Tensor;
  // Without a gradient, intermediates are freed as soon as the op returns (a forward-only rollout of a big batch
  // would otherwise hold every attention matrix of every block until the end of the step).
  return (...args: Args) => (retainedForBackward ? withGradient(...args) : tf.tidy(() => f(...args).value));
}

/**
 * `f` with a backward pass that frees memory as it goes. tfjs runs a custom gradient outside any scope and keeps
 * everything it allocates, and everything the op retained, until the whole backward pass ends (~250 MB of WASM heap
 * for a 6×6 Sudoku step at batch 64, every op writing to memory not touched for a while). Here the gradient's
 * intermediates are freed when it returns, and so is what the op retained for itself (not its inputs or its value,
 * which other ops may have retained too): each op's backward runs once.
 */
function freeingAfterBackward<Args extends tf.Tensor[]>(f: OpFunc<Args>): OpFunc<Args> {
  return (...args: Args) => {
    const retainedBefore = retainedForBackward!.length;
    const { value, gradFunc } = f(...args);
    const ownRetained = retainedForBackward!.slice(retainedBefore).filter((t) => t !== value && !args.includes(t));
    return {
      value,
      gradFunc: (dy: tf.Tensor) => {
        const grads = tf.tidy(() => gradFunc(dy));
        const returned = new Set(Array.isArray(grads) ? grads : [grads]);
        tf.dispose(ownRetained.filter((t) => !returned.has(t)));
        return grads;
      },
    };
  };
}

function swapLastTwo(t: tf.Tensor): tf.Tensor {
  const perm = t.shape.map((_, i) => i);
  [perm[t.rank - 2], perm[t.rank - 1]] = [perm[t.rank - 1], perm[t.rank - 2]];
  return tf.transpose(t, perm);
}

/** a @ b for 2-D or equally batched operands. */
export const matMul = customOp((a: tf.Tensor, b: tf.Tensor) => {
  retain(a);
  retain(b);
  return {
    value: tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D),
    gradFunc: (dy: tf.Tensor) => [tf.matMul(dy as tf.Tensor3D, swapLastTwo(b) as tf.Tensor3D), tf.matMul(swapLastTwo(a) as tf.Tensor3D, dy as tf.Tensor3D)],
  };
});

/** Channel-wise linear: x [..., in] viewed as rows [N, in], times w [in, out] → [N, out]. */
export const linear = customOp((x: tf.Tensor, w: tf.Tensor) => {
  const rows = retain(tf.reshape(x, [-1, w.shape[0]]) as tf.Tensor2D);
  retain(w);
  return {
    value: tf.matMul(rows, w as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor) => [tf.reshape(tf.matMul(dy as tf.Tensor2D, tf.transpose(w) as tf.Tensor2D), x.shape), tf.matMul(transposeRows(rows), dy as tf.Tensor2D)],
  };
});

/**
 * xᵀ of a 2-D x [m, n]. WASM's 2-D transpose kernel writes the output column by column with a stride of m floats,
 * which thrashes the cache when that stride is a multiple of 4 KiB (m = B·D = 4096 in mlp_t: 0.68 ms for [4096, 37]);
 * its 3-D kernel writes the output in order, so such shapes go through an [8, m/8, n] view (0.27 ms, same values).
 */
export function transposeRows(x: tf.Tensor): tf.Tensor2D {
  const [m, n] = x.shape as [number, number];
  if (m % 1024 !== 0) return tf.transpose(x as tf.Tensor2D);
  return tf.reshape(tf.transpose(tf.reshape(x, [8, m / 8, n]), [2, 0, 1]), [n, m]);
}

/** x viewed as [m, n], transposed and returned in `shape`; its gradient transposes dy back (nothing saved). Inside
 *  one op the reshapes are not taped (a taped reshape copies its input for the gradient). */
export function transposeView(x: tf.Tensor, [m, n]: [number, number], shape: number[]): tf.Tensor2D {
  return customOp((input: tf.Tensor) => ({
    value: tf.reshape(transposeRows(tf.reshape(input, [m, n])), shape),
    gradFunc: (dy: tf.Tensor) => tf.reshape(transposeRows(tf.reshape(dy, [n, m])), input.shape),
  }))(x) as tf.Tensor2D;
}

/** a + b (same shape) without saving anything for the gradient. */
export const add = customOp((a: tf.Tensor, b: tf.Tensor) => ({ value: tf.add(a, b), gradFunc: (dy: tf.Tensor) => [dy, dy] }));

/**
 * Post-norm residual on rows: rmsNorm(x + delta) over the last axis of x, delta [N, h].
 * RMSNorm = v / sqrt(mean(v²) + eps), no gain, no bias (official `rms_norm`); its gradient is
 * r·(dy − y·mean(dy·y)) with r the inverse RMS and y the output.
 */
export function addAndNormalise(x: tf.Tensor2D, delta: tf.Tensor2D, eps: number): tf.Tensor2D {
  return customOp((residual: tf.Tensor, update: tf.Tensor) => {
    const sum = tf.add(residual, update);
    const inverseRms = retain(tf.rsqrt(tf.add(tf.mean(tf.square(sum), 1, true), eps)));
    const normalised = retain(tf.mul(sum, inverseRms));
    return {
      value: normalised,
      gradFunc: (dy: tf.Tensor) => {
        const dSum = tf.mul(inverseRms, tf.sub(dy, tf.mul(normalised, tf.mean(tf.mul(dy, normalised), 1, true))));
        return [dSum, dSum];
      },
    };
  })(x, delta) as tf.Tensor2D;
}

/** SwiGLU weights [in, out] as the forward uses them, the fused gate_up already cut into its gate and up halves
 *  (once per step, not once per application: splitting the [N, 2i] activation instead is slow on WASM), and, while a
 *  gradient is recorded, their transposes [out, in] for the backward pass (also once per step, not per use). */
export interface SwiGLUWeights { gate: tf.Tensor; up: tf.Tensor; down: tf.Tensor; transposed: { gate: tf.Tensor; up: tf.Tensor; down: tf.Tensor } | null }

/**
 * SwiGLU over rows x [N, h]: (silu(x·gate) ⊙ x·up)·down → [N, h], with silu(g) = g·sigmoid(g). Hand-written
 * gradient that reuses sigmoid(g) and silu(g) from the forward (d silu/dg = σ + silu·(1 − σ)). The gate and up
 * weight gradients are computed transposed, dGᵀ·x: XNNPACK re-packs a matmul's fresh right operand on every call
 * (slower than the product itself for these shapes), and this way that operand is x [N, h], packed once for both
 * instead of dG and dU [N, i] each.
 */
export function swiglu(x: tf.Tensor2D, w: SwiGLUWeights): tf.Tensor2D {
  return customOp((rows: tf.Tensor, gate: tf.Tensor, up: tf.Tensor, down: tf.Tensor) => {
    retain(rows);
    const gated = tf.matMul(rows as tf.Tensor2D, gate as tf.Tensor2D);
    const linearPart = retain(tf.matMul(rows as tf.Tensor2D, up as tf.Tensor2D));
    const sigmoid = retain(tf.sigmoid(gated));
    const silu = retain(tf.mul(gated, sigmoid));
    const activation = retain(tf.mul(silu, linearPart)) as tf.Tensor2D;
    return {
      value: tf.matMul(activation, down as tf.Tensor2D),
      gradFunc: (dy: tf.Tensor) => {
        const transposed = w.transposed!;
        const dActivation = tf.matMul(dy as tf.Tensor2D, transposed.down as tf.Tensor2D);
        const dLinear = tf.mul(dActivation, silu);
        const dGated = tf.mul(tf.mul(dActivation, linearPart), tf.add(sigmoid, tf.mul(silu, tf.sub(1, sigmoid))));
        const dRows = tf.add(tf.matMul(dGated, transposed.gate as tf.Tensor2D), tf.matMul(dLinear, transposed.up as tf.Tensor2D));
        const weightGradient = (dOut: tf.Tensor) => tf.transpose(tf.matMul(transposeRows(dOut), rows as tf.Tensor2D));
        return [dRows, weightGradient(dGated), weightGradient(dLinear), tf.matMul(transposeRows(activation), dy as tf.Tensor2D)];
      },
    };
  })(x, w.gate, w.up, w.down) as tf.Tensor2D;
}

/** Rotary tables (official `RotaryEmbedding`: cat(freqs, freqs), computed in float32) as [S, 1, headDim] for
 *  the [S, B·H, headDim] layout, plus rotate_half as a constant [headDim, headDim] matrix and its transpose
 *  (x·R = rotate_half(x) = [−x₂, x₁], exact: one ±1 term per output). */
export interface Rotary { cos: tf.Tensor3D; sin: tf.Tensor3D; rotate: tf.Tensor2D; rotateT: tf.Tensor2D }

export function rotaryTables(positions: number, headDim: number, theta: number): Rotary {
  const cos = new Float32Array(positions * headDim);
  const sin = new Float32Array(positions * headDim);
  const half = headDim / 2;
  for (let t = 0; t < positions; t++) {
    for (let i = 0; i < half; i++) {
      const angle = Math.fround(t * Math.fround(1 / Math.fround(theta ** Math.fround((2 * i) / headDim))));
      for (const j of [i, i + half]) {
        cos[t * headDim + j] = Math.cos(angle);
        sin[t * headDim + j] = Math.sin(angle);
      }
    }
  }
  const rotate = new Float32Array(headDim * headDim);
  for (let j = 0; j < half; j++) {
    rotate[(j + half) * headDim + j] = -1; // output j < half takes −x[j + half]
    rotate[j * headDim + j + half] = 1; // output j + half takes x[j]
  }
  return {
    cos: tf.tensor3d(cos, [positions, 1, headDim]), sin: tf.tensor3d(sin, [positions, 1, headDim]),
    rotate: tf.tensor2d(rotate, [headDim, headDim]), rotateT: tf.tensor2d(transposeMatrix(rotate, headDim, headDim), [headDim, headDim]),
  };
}

/** x·cos + rotate_half(x)·sin on x [S, C, headDim] (C = B·H); with `rotate` = Rᵀ this is the transposed map,
 *  i.e. the gradient dy·cos + (dy·sin)·Rᵀ is `rotaryTransposed`. */
export function applyRotary(x: tf.Tensor, r: Rotary): tf.Tensor {
  const headDim = x.shape[2]!;
  const rotated = tf.reshape(tf.matMul(tf.reshape(x, [-1, headDim]) as tf.Tensor2D, r.rotate), x.shape);
  return tf.add(tf.mul(x, r.cos), tf.mul(rotated, r.sin));
}

function rotaryTransposed(dy: tf.Tensor, r: Rotary): tf.Tensor {
  const headDim = dy.shape[2]!;
  const scaled = tf.reshape(tf.mul(dy, r.sin), [-1, headDim]) as tf.Tensor2D;
  return tf.add(tf.mul(dy, r.cos), tf.reshape(tf.matMul(scaled, r.rotateT), dy.shape));
}

/**
 * C independent matrix products out[m, c, :] = a_c · b_c with a given as [m, k, C] (problem index innermost)
 * and b as [k, C, n]; returns [m, C·n]. Computed as one depthwise convolution (input [1, m, k, C], filter
 * [1, k, C, n], channel multiplier n), which WASM runs through XNNPACK: 3–8× faster than tfjs's batched
 * matMul, which on WASM falls back to a naive loop for batch > 1.
 */
function batchedByChannel(a: tf.Tensor, b: tf.Tensor): tf.Tensor2D {
  const [m, k, C] = a.shape as [number, number, number];
  const n = b.shape[2]!;
  const out = tf.depthwiseConv2d(tf.reshape(a, [1, m, k, C]) as tf.Tensor4D, tf.reshape(b, [1, k, C, n]) as tf.Tensor4D, 1, 'valid');
  return tf.reshape(out, [m, C * n]);
}

export interface AttentionShape { seq: number; batch: number; heads: number; headDim: number }

/**
 * Non-causal multi-head self-attention up to (excluding) o_proj, no mask, no bias: h [S·B, D] (sequence-major
 * rows) and the q, k, v column blocks [D, D] of the fused qkv weight → attended [S·B, D], heads merged. Every head
 * of every example is one of C = B·H problems laid out [S, C, headDim]; scores are [S_query, C, S_key] (softmax
 * over the last axis). Hand-written gradient: dP = dO·Vᵀ, dV = Pᵀ·dO, dS = P⊙(dP − Σ_j P⊙dP), dQ = dS·K,
 * dK = dSᵀ·Q, then through RoPE and the projections with explicit transposes.
 */
function attentionCore(h: tf.Tensor, wq: tf.Tensor, wk: tf.Tensor, wv: tf.Tensor, shape: AttentionShape, rotary: Rotary | null): tf.Tensor2D {
  const { seq: S, batch: B, heads: H, headDim: hd } = shape;
  const C = B * H;
  const D = H * hd;
  const scale = 1 / Math.sqrt(hd);
  return customOp((input: tf.Tensor, wQuery: tf.Tensor, wKey: tf.Tensor, wValue: tf.Tensor) => {
    const rows = retain(tf.reshape(input, [S * B, D]) as tf.Tensor2D);
    for (const w of [wQuery, wKey, wValue]) retain(w);
    const project = (w: tf.Tensor) => tf.reshape(tf.matMul(rows, w as tf.Tensor2D), [S, C, hd]);
    const queries = retain(tf.mul(rotary ? applyRotary(project(wQuery), rotary) : project(wQuery), scale)); // [S, C, hd]
    const keys = retain(rotary ? applyRotary(project(wKey), rotary) : project(wKey));
    const values = retain(project(wValue));
    const scores = batchedByChannel(tf.transpose(queries, [0, 2, 1]), tf.transpose(keys, [2, 1, 0])); // [S, C·S]
    const probabilities = retain(tf.softmax(tf.reshape(scores, [S, C, S]))); // [i, C, j]
    const probabilitiesByKey = retain(tf.transpose(probabilities, [0, 2, 1])); // [i, j, C]
    return {
      value: batchedByChannel(probabilitiesByKey, values), // [S, C·hd] = [S·B, D]
      gradFunc: (dy: tf.Tensor) => {
        const dOut = tf.reshape(dy, [S, C, hd]);
        const dProbabilities = tf.reshape(batchedByChannel(tf.transpose(dOut, [0, 2, 1]), tf.transpose(values, [2, 1, 0])), [S, C, S]);
        const dValues = tf.reshape(batchedByChannel(tf.transpose(probabilitiesByKey, [1, 0, 2]), dOut), [S * B, D]); // Σ_i P[i,c,j]·dO[i,c,:]
        const dScores = tf.mul(probabilities, tf.sub(dProbabilities, tf.sum(tf.mul(probabilities, dProbabilities), -1, true)));
        const dScoresByKey = tf.transpose(dScores, [0, 2, 1]); // [i, j, C]
        let dQueries: tf.Tensor = tf.reshape(tf.mul(batchedByChannel(dScoresByKey, keys), scale), [S, C, hd]);
        let dKeys: tf.Tensor = tf.reshape(batchedByChannel(tf.transpose(dScoresByKey, [1, 0, 2]), queries), [S, C, hd]);
        if (rotary) {
          dQueries = rotaryTransposed(dQueries, rotary);
          dKeys = rotaryTransposed(dKeys, rotary);
        }
        const dQ = tf.reshape(dQueries, [S * B, D]) as tf.Tensor2D;
        const dK = tf.reshape(dKeys, [S * B, D]) as tf.Tensor2D;
        const dV = dValues as tf.Tensor2D;
        const dInput = tf.addN([tf.matMul(dQ, tf.transpose(wQuery) as tf.Tensor2D), tf.matMul(dK, tf.transpose(wKey) as tf.Tensor2D), tf.matMul(dV, tf.transpose(wValue) as tf.Tensor2D)]);
        const rowsT = tf.transpose(rows);
        return [tf.reshape(dInput, input.shape), tf.matMul(rowsT, dQ), tf.matMul(rowsT, dK), tf.matMul(rowsT, dV)];
      },
    };
  })(h, wq, wk, wv) as tf.Tensor2D;
}

/** Non-causal multi-head self-attention on rows h [S·B, D], no mask, no bias; q, k, v are the column blocks of the
 *  fused qkv. */
export function selfAttention(h: tf.Tensor2D, w: AttentionWeights, shape: AttentionShape, rotary: Rotary | null): tf.Tensor2D {
  return linear(attentionCore(h, w.query, w.key, w.value, shape, rotary), w.out) as tf.Tensor2D;
}

/** Attention weights with the fused qkv [D, 3D] cut into its q, k, v column blocks once per step. */
export interface AttentionWeights { query: tf.Tensor; key: tf.Tensor; value: tf.Tensor; out: tf.Tensor }

/** Transpose of a row-major [rows, cols] matrix. */
export function transposeMatrix(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}
