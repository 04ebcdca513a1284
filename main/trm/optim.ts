// TRM optimisation (spec §4): AdamATan2 for every trainable tensor, sparse sign-SGD for the puzzle-embedding
// table, EMA of the trainable weights, and the warm-up + cosine learning-rate schedule. Numerics follow the
// official code (imoneoi/adam-atan2 csrc/adam_atan2.cu; TRM models/sparse_embedding.py, models/ema.py,
// pretrain.py::cosine_schedule_with_warmup_lr_lambda), checked against ../shared/fixtures/trm-parity.
import * as tf from '@tensorflow/tfjs';

export type NamedVariables = Map<string, tf.Variable>;
export type NamedTensors = Map<string, tf.Tensor>;

// ---------------------------------------------------------------------------------------------------------
// AdamATan2

export interface AdamATan2Options {
  beta1: number;
  beta2: number;
  /** Decoupled weight decay, multiplied by lr (AdamW style). */
  weightDecay: number;
}

export interface AdamATan2State {
  /** Updates applied so far (t of the last update). */
  step: number;
  /** First and second moments per variable name. */
  m: Map<string, Float32Array>;
  v: Map<string, Float32Array>;
}

/**
 * Adam with atan2(m̂, √v̂) in place of m̂/(√v̂ + ε): no ε, bounded, scale-invariant steps. Per element, step t:
 *   p ← p·(1 − lr·wd);  m ← lerp(m, g, 1−β1);  v ← lerp(v, g², 1−β2);
 *   p ← p − (lr/(1−β1^t))·atan2(m, √v/√(1−β2^t))
 * The scalar factors are computed in double and enter the float32 maths once, as in the CUDA kernel.
 */
export class AdamATan2 {
  stepCount = 0;
  /** Both moments of every tensor in one flat buffer each, in `layout` order: the update is elementwise, so one
   *  set of ops over the concatenation is exactly the per-tensor update, with ~10× fewer kernel calls. */
  private flat: { layout: FlatLayout; m: tf.Variable; v: tf.Variable } | null = null;
  /** Moments not in the flat buffers: restored from a checkpoint (arrays) or left by a re-layout (tensors). */
  private restoredFirstMoments = new Map<string, Float32Array | tf.Tensor>();
  private restoredSecondMoments = new Map<string, Float32Array | tf.Tensor>();

  constructor(private readonly opts: AdamATan2Options) {}

  /** One update of every variable that has a gradient (variables without one are left alone, as in torch). */
  applyGradients(vars: NamedVariables, grads: NamedTensors, lr: number): void {
    for (const name of grads.keys()) if (!vars.has(name)) throw new Error(`AdamATan2: gradient for unknown variable '${name}'`);
    this.stepCount++;
    const { beta1, beta2, weightDecay } = this.opts;
    const t = this.stepCount;
    const decayFactor = 1 - lr * weightDecay;
    const stepSize = lr / (1 - beta1 ** t);
    const secondBiasCorrectionSqrt = Math.sqrt(1 - beta2 ** t);
    const names = [...grads.keys()];
    const { layout, m, v } = this.moments(names, vars);
    const params = names.map((name) => vars.get(name)!);
    tf.tidy(() => {
      const grad = flatten(names.map((name) => grads.get(name)!));
      const newM = tf.add(m, tf.mul(tf.sub(grad, m), 1 - beta1));
      const newV = tf.add(v, tf.mul(tf.sub(tf.square(grad), v), 1 - beta2));
      const direction = tf.atan2(newM, tf.div(tf.sqrt(newV), secondBiasCorrectionSqrt)); // atan2(0, 0) = 0
      const updated = tf.sub(tf.mul(flatten(params), decayFactor), tf.mul(direction, stepSize));
      unflatten(updated, layout).forEach((value, i) => params[i].assign(tf.reshape(value, params[i].shape)));
      m.assign(newM);
      v.assign(newV);
    });
  }

  /** Read back asynchronously (the one way WebGPU allows in Node). */
  async getState(): Promise<AdamATan2State> {
    const read = async (restored: Map<string, Float32Array | tf.Tensor>) =>
      new Map(await Promise.all([...restored].map(async ([name, value]): Promise<[string, Float32Array]> => [name, value instanceof tf.Tensor ? ((await value.data()) as Float32Array) : value])));
    const [m, v] = await Promise.all([read(this.restoredFirstMoments), read(this.restoredSecondMoments)]);
    if (this.flat) {
      const { layout } = this.flat;
      const [mData, vData] = (await Promise.all([this.flat.m.data(), this.flat.v.data()])) as Float32Array[];
      layout.names.forEach((name, i) => {
        m.set(name, mData.slice(layout.offsets[i], layout.offsets[i] + layout.sizes[i]));
        v.set(name, vData.slice(layout.offsets[i], layout.offsets[i] + layout.sizes[i]));
      });
    }
    return { step: this.stepCount, m, v };
  }

  /** Restores a saved state; the moments are rebuilt on the next update, when the parameter shapes are known. */
  setState(state: AdamATan2State): void {
    this.dispose();
    this.disposeRestored();
    this.stepCount = state.step;
    this.restoredFirstMoments = new Map(state.m);
    this.restoredSecondMoments = new Map(state.v);
  }

  dispose(): void {
    if (this.flat) tf.dispose([this.flat.m, this.flat.v]);
    this.flat = null;
  }

  private disposeRestored(): void {
    for (const value of [...this.restoredFirstMoments.values(), ...this.restoredSecondMoments.values()]) if (value instanceof tf.Tensor) value.dispose();
  }

  /** The flat moments for exactly these tensors: restored values where saved, else zeros (torch's lazy state
   *  init). A different set of names re-lays the buffers out, keeping every moment already accumulated. */
  private moments(names: string[], vars: NamedVariables): { layout: FlatLayout; m: tf.Variable; v: tf.Variable } {
    if (this.flat && this.flat.layout.names.length === names.length && this.flat.layout.names.every((n, i) => n === names[i])) return this.flat;
    if (this.flat) {
      // Re-layout on the device (no read-back): every current moment is parked as its own tensor first.
      const { layout: old, m, v } = this.flat;
      old.names.forEach((name, i) => {
        this.restoredFirstMoments.set(name, tf.slice(m, old.offsets[i], old.sizes[i]));
        this.restoredSecondMoments.set(name, tf.slice(v, old.offsets[i], old.sizes[i]));
      });
      this.dispose();
    }
    const layout = flatLayout(names, names.map((name) => vars.get(name)!.size));
    const build = (restored: Map<string, Float32Array | tf.Tensor>) => {
      const parts = layout.names.map((name, i) => {
        const saved = restored.get(name);
        if (!saved) return null;
        const count = saved instanceof tf.Tensor ? saved.size : saved.length;
        if (count !== layout.sizes[i]) throw new Error(`AdamATan2: saved moment '${name}' has ${count} values, expected ${layout.sizes[i]}`);
        return saved;
      });
      const variable = tf.tidy(() => tf.variable(tf.concat(parts.map((saved, i) => (saved === null ? tf.zeros([layout.sizes[i]]) : saved instanceof tf.Tensor ? saved : tf.tensor1d(saved)))), false));
      layout.names.forEach((name) => {
        const saved = restored.get(name);
        if (saved instanceof tf.Tensor) saved.dispose();
        restored.delete(name);
      });
      return variable;
    };
    this.flat = { layout, m: build(this.restoredFirstMoments), v: build(this.restoredSecondMoments) };
    return this.flat;
  }
}

/** Where each named tensor lives in a flat buffer. */
interface FlatLayout { names: string[]; sizes: number[]; offsets: number[]; total: number }

function flatLayout(names: string[], sizes: number[]): FlatLayout {
  const offsets: number[] = [];
  let total = 0;
  for (const size of sizes) {
    offsets.push(total);
    total += size;
  }
  return { names, sizes, offsets, total };
}

/** The tensors' values concatenated into one 1-D tensor (call inside a tidy). */
function flatten(tensors: tf.Tensor[]): tf.Tensor1D {
  return tensors.length === 1 ? tf.reshape(tensors[0], [-1]) : tf.concat(tensors.map((t) => tf.reshape(t, [-1])));
}

/** The pieces of a flat tensor in `layout`, as 1-D tensors. */
function unflatten(flat: tf.Tensor, layout: FlatLayout): tf.Tensor[] {
  return layout.names.length === 1 ? [flat] : tf.split(flat, layout.sizes);
}

// ---------------------------------------------------------------------------------------------------------
// Puzzle-embedding table and its sparse sign-SGD

/**
 * The puzzle-embedding table [numIds, dim] (official CastedSparseEmbedding.weights), kept in a JS
 * Float32Array rather than a tf.Variable. Why: a step touches only the B rows of its batch, but tf tensors
 * are immutable, so updating a tf.Variable table rewrites all numIds·dim values per step (ARC: ~1M rows), and
 * the WASM backend has no scatter gradient anyway. Here a step reads B rows (gatherRows) and writes back only
 * the rows present (signSgdUpdate). The table is not in the autodiff graph: the model differentiates w.r.t.
 * the gathered [B, dim] tensor instead (spec §4.2).
 */
export class PuzzleEmbeddingTable {
  readonly data: Float32Array;

  constructor(readonly numIds: number, readonly dim: number, data?: Float32Array) {
    if (data && data.length !== numIds * dim) throw new Error(`puzzle table needs ${numIds * dim} values, got ${data.length}`);
    this.data = data ?? new Float32Array(numIds * dim); // official init: zeros
  }

  /** The rows of `ids` in batch order, [B, dim]: the model's puzzle prefix (train and eval). */
  gatherRows(ids: Int32Array): tf.Tensor2D {
    const rows = new Float32Array(ids.length * this.dim);
    ids.forEach((id, b) => rows.set(this.row(id), b * this.dim));
    return tf.tensor2d(rows, [ids.length, this.dim]);
  }

  /** A view (not a copy) of row `id`. */
  row(id: number): Float32Array {
    if (!Number.isInteger(id) || id < 0 || id >= this.numIds) throw new Error(`puzzle id ${id} outside the table (0..${this.numIds - 1})`);
    return this.data.subarray(id * this.dim, (id + 1) * this.dim);
  }
}

/**
 * Sign-SGD on the rows of the batch: the gradient rows [B, dim] (w.r.t. gatherRows(ids)) are summed per
 * unique id, then for each id present: row ← row·(1 − lr·wd) − lr·sign(sum). Rows not in the batch are
 * untouched (no decay). Done on the JS side: B·dim values, independent of the table size.
 */
export function signSgdUpdate(table: PuzzleEmbeddingTable, ids: Int32Array, grads: Float32Array, lr: number, weightDecay: number): void {
  const { dim } = table;
  if (grads.length !== ids.length * dim) throw new Error(`${grads.length} row-gradient values do not match ${ids.length} ids × ${dim}`);
  const gradSumById = new Map<number, Float32Array>(); // float32 accumulation, like torch's scatter_add_
  ids.forEach((id, b) => {
    let sum = gradSumById.get(id);
    if (!sum) gradSumById.set(id, (sum = new Float32Array(dim)));
    for (let i = 0; i < dim; i++) sum[i] += grads[b * dim + i];
  });
  const decayFactor = Math.fround(1 - lr * weightDecay);
  for (const [id, sum] of gradSumById) {
    const row = table.row(id);
    for (let i = 0; i < dim; i++) row[i] = Math.fround(row[i] * decayFactor) - lr * Math.sign(sum[i]);
  }
}

// ---------------------------------------------------------------------------------------------------------
// EMA of the trainable weights

/** shadow ← decay·shadow + (1 − decay)·param after every optimiser step (spec §4.4; not the puzzle table). */
export class Ema {
  readonly shadow = new Map<string, tf.Variable>();

  constructor(readonly decay: number, vars: NamedVariables) {
    for (const [name, param] of vars) this.shadow.set(name, tf.variable(param, false));
  }

  update(vars: NamedVariables): void {
    const names = [...this.shadow.keys()];
    const shadows = names.map((name) => this.shadow.get(name)!);
    const params = names.map((name) => {
      const param = vars.get(name);
      if (!param) throw new Error(`Ema: no variable '${name}' to average`);
      return param;
    });
    // Elementwise, so one pass over the concatenation is exactly the per-tensor update, in a few kernel calls.
    tf.tidy(() => {
      const averaged = tf.add(tf.mul(flatten(shadows), this.decay), tf.mul(flatten(params), 1 - this.decay));
      unflatten(averaged, flatLayout(names, shadows.map((t) => t.size))).forEach((value, i) => shadows[i].assign(tf.reshape(value, shadows[i].shape)));
    });
  }

  getState(): Promise<Map<string, Float32Array>> {
    return readVariables(this.shadow);
  }

  setState(state: Map<string, Float32Array>): void {
    writeAll(this.shadow, state);
  }

  dispose(): void {
    for (const shadow of this.shadow.values()) shadow.dispose();
    this.shadow.clear();
  }
}

/**
 * Runs `fn` with `weights` (e.g. Ema.shadow) swapped into `vars`, then swaps the originals back, also when fn
 * throws or its promise rejects. Swapping shares tensor data; nothing is copied.
 */
export function withWeights<T>(vars: NamedVariables, weights: NamedTensors, fn: () => T): T {
  const originals = new Map<string, tf.Tensor>();
  for (const [name, weight] of weights) {
    const variable = vars.get(name);
    if (!variable) throw new Error(`withWeights: no variable '${name}'`);
    originals.set(name, tf.clone(variable)); // keeps the original data alive while the variable points elsewhere
    variable.assign(weight);
  }
  const restore = () => {
    for (const [name, original] of originals) {
      vars.get(name)!.assign(original);
      original.dispose();
    }
  };
  let result: T;
  try {
    result = fn();
  } catch (error) {
    restore();
    throw error;
  }
  if (result instanceof Promise) return result.finally(restore) as T;
  restore();
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// Learning-rate schedule

export interface LearningRateSchedule {
  /** Peak learning rate. */
  base: number;
  /** Linear warm-up from 0 over this many steps. */
  warmupSteps: number;
  /** Total optimiser steps of the run (end of the cosine). */
  totalSteps: number;
  /** Final lr as a fraction of base; 1 = constant after warm-up (official default). */
  minRatio: number;
}

/** The lr of update number `step` (1 for the first update), as the official cosine_schedule_with_warmup. */
export function learningRate(step: number, { base, warmupSteps, totalSteps, minRatio }: LearningRateSchedule): number {
  if (step < warmupSteps) return (base * step) / Math.max(1, warmupSteps);
  const progress = (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
  return base * (minRatio + Math.max(0, (1 - minRatio) * 0.5 * (1 + Math.cos(Math.PI * progress))));
}

// ---------------------------------------------------------------------------------------------------------

/** Copies of the variables' values, for checkpoints (read back asynchronously). */
async function readVariables(vars: Map<string, tf.Variable>): Promise<Map<string, Float32Array>> {
  return new Map(await Promise.all([...vars].map(async ([name, variable]): Promise<[string, Float32Array]> => [name, Float32Array.from((await variable.data()) as Float32Array)])));
}

/** Overwrites each existing variable with saved values of the same size. */
function writeAll(vars: Map<string, tf.Variable>, values: Map<string, Float32Array>): void {
  for (const [name, data] of values) {
    const variable = vars.get(name);
    if (!variable) throw new Error(`saved state has '${name}', which is not a variable here`);
    tf.tidy(() => variable.assign(tf.tensor(data, variable.shape)));
  }
}
