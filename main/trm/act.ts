// Deep supervision with adaptive computation time (spec §2): the persistent batch of B slots ("ACT carry"),
// one optimizer step exactly like the official `pretrain.py::train_batch`, and the evaluation rollout that runs
// all N_sup supervision steps. The trainer drives this; it knows nothing about tasks.
import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../common/batch.ts';
import { Rng } from '../common/rng.ts';
import type { TrainConfig } from './config.ts';
import { actLoss, IGNORE_LABEL, sequenceStats } from './loss.ts';
import type { Carry, GradStepOutput, TRM } from './model.ts';
import { AdamATan2, Ema, learningRate, signSgdUpdate, withWeights, type AdamATan2State } from './optim.ts';

/** B slots, each holding one example until it halts. y, z are [B, S, D]; the rest is per slot. */
export interface ActCarry {
  y: tf.Tensor3D;
  z: tf.Tensor3D;
  /** Supervision steps the slot's current example has had. */
  steps: Int32Array;
  /** 1 = the slot's example is finished; the next step loads a new example into it. */
  halted: Uint8Array;
  /** The example each slot is working on. */
  data: Batch;
}

/** A carry whose slots are all halted, so the first step fills every slot from its batch (`initial_carry`). */
export function initialCarry(model: TRM, batchSize: number): ActCarry {
  const { seqLen } = model.config;
  return {
    ...model.initialCarry(batchSize),
    steps: new Int32Array(batchSize),
    halted: new Uint8Array(batchSize).fill(1),
    data: { size: batchSize, seqLen, inputs: new Int32Array(batchSize * seqLen), labels: new Int32Array(batchSize * seqLen), puzzleIdentifiers: new Int32Array(batchSize) },
  };
}

/** Metrics of one optimizer step (spec §2.5), as the official train_batch reports them. */
export interface TrainStepMetrics {
  /** Σ_b per-sequence mean token CE, divided by the batch size. */
  lmLoss: number;
  /** Σ_b BCE(q_halt, sequence correct), divided by the batch size. */
  qHaltLoss: number;
  /** Over rows that halted at this step (and have supervised tokens): mean token accuracy. */
  accuracy: number;
  /** … fraction of rows entirely right. */
  exactAccuracy: number;
  /** … fraction where (q_halt ≥ 0) matches "entirely right". */
  qHaltAccuracy: number;
  /** … mean supervision steps at halt. */
  steps: number;
  /** Rows the four averages above are over. */
  haltedCount: number;
  /** AdamATan2 learning rate used for this update. */
  lr: number;
}

/** Everything besides the model's own tensors needed to resume training bit-for-bit. */
export interface TrainStepperState {
  /** Optimizer updates done so far. */
  step: number;
  carry: { y: Float32Array; z: Float32Array; steps: Int32Array; halted: Uint8Array; data: Batch };
  optimizer: AdamATan2State;
  /** EMA shadow weights by key (null when EMA is off). */
  ema: Map<string, Float32Array> | null;
  /** Exploration random generator state. */
  rngState: number;
}

type StepperTrainConfig = Pick<TrainConfig, 'batchSize' | 'lr' | 'warmupSteps' | 'lrMinRatio' | 'maxSteps' | 'beta1' | 'beta2' | 'weightDecay'
  | 'puzzleEmbLr' | 'puzzleEmbWeightDecay' | 'emaDecay' | 'seed'>;

/** Runs optimizer steps on a model, owning the ACT carry, the optimizers and the EMA. */
export class TrainStepper {
  readonly model: TRM;
  readonly ema: Ema | null;
  private readonly train: StepperTrainConfig;
  private readonly optimizer: AdamATan2;
  private readonly rng: Rng;
  private carry: ActCarry;
  private stepCount = 0;

  constructor(model: TRM, train: StepperTrainConfig, rng = new Rng(train.seed)) {
    this.model = model;
    this.train = train;
    this.rng = rng;
    this.optimizer = new AdamATan2({ beta1: train.beta1, beta2: train.beta2, weightDecay: train.weightDecay });
    this.ema = train.emaDecay > 0 ? new Ema(train.emaDecay, model.trainable) : null;
    this.carry = initialCarry(model, train.batchSize);
  }

  /** The current carry (read-only view; owned by the stepper). */
  get state(): Readonly<ActCarry> {
    return this.carry;
  }

  get stepsDone(): number {
    return this.stepCount;
  }

  /** One optimizer step = one supervision step for every slot; `batch` only fills the halted slots.
   *  `inspect` sees the raw step output and gradients (stored layout) before the update (awaited when it returns
   *  a promise); it must not keep them. */
  async step(batch: Batch, inspect?: (output: GradStepOutput) => void | Promise<void>): Promise<TrainStepMetrics> {
    this.loadHaltedSlots(batch);
    const puzzleRows = this.model.puzzleRows(this.carry.data.puzzleIdentifiers);
    let group: SlotGroupGradients;
    try {
      group = await slotGroupGradients(this.model, this.carry, this.carry.data, puzzleRows, this.train.batchSize, inspect);
    } catch (error) {
      puzzleRows?.dispose();
      throw error;
    }
    return this.update(group, puzzleRows);
  }

  /** The same optimizer step with the slots shared between this thread and `helpers` (data parallel): each group's
   *  loss is scaled by 1/B of the whole batch, so the groups' gradients sum to the batch gradient. This thread
   *  computes the first group while the helpers compute theirs. */
  async stepParallel(batch: Batch, helpers: GradientHelpers): Promise<TrainStepMetrics> {
    const { model } = this;
    const B = this.train.batchSize;
    this.loadHaltedSlots(batch);
    const data = this.carry.data;
    const puzzleRows = model.puzzleRows(data.puzzleIdentifiers);
    const bounds = slotGroupBounds(B, helpers.count + 1);
    const weightKeys = [...model.trainable.keys()];
    const [y, z, rows, ...weightData] = await readAll<Float32Array>([this.carry.y, this.carry.z, puzzleRows, ...weightKeys.map((key) => model.trainable.get(key)!), model.hInit, model.lInit]);
    const perSlot = y!.length / B;
    const rowWidth = rows ? rows.length / B : 0;
    const weights = new Map<string, Float32Array>(weightKeys.map((key, i) => [key, weightData[i]!]));
    weights.set('inner.H_init', weightData[weightKeys.length]!);
    weights.set('inner.L_init', weightData[weightKeys.length + 1]!);
    const requests = bounds.slice(1).map(([from, to]): SlotGroupRequest => ({
      weights, batchSize: B, data: sliceBatch(data, from, to),
      y: y!.slice(from * perSlot, to * perSlot), z: z!.slice(from * perSlot, to * perSlot),
      puzzleRows: rows ? rows.slice(from * rowWidth, to * rowWidth) : null,
    }));
    const remote = helpers.compute(requests); // posted now, so the helpers run while this thread computes its group
    remote.catch(() => {}); // a helper's failure is thrown by the await below, or moot if this thread fails first
    const [from, to] = bounds[0];
    const local = { y: tf.slice(this.carry.y, from, to - from), z: tf.slice(this.carry.z, from, to - from), rows: puzzleRows ? tf.slice(puzzleRows, from, to - from) : null };
    let group: SlotGroupGradients;
    try {
      group = await slotGroupGradients(model, local, sliceBatch(data, from, to), local.rows, B);
    } catch (error) {
      puzzleRows?.dispose();
      throw error;
    } finally {
      tf.dispose([local.y, local.z, local.rows ?? []]);
    }
    let results: SlotGroupArrays[];
    try {
      results = await remote;
    } catch (error) {
      disposeGroup(group);
      puzzleRows?.dispose();
      throw error;
    }
    return this.update(mergeSlotGroups(group, results), puzzleRows);
  }

  private loadHaltedSlots(batch: Batch): void {
    const B = this.train.batchSize;
    if (batch.size !== B || batch.seqLen !== this.model.config.seqLen) {
      throw new Error(`batch is ${batch.size}×${batch.seqLen}, expected ${B}×${this.model.config.seqLen}`);
    }
    this.recycleHaltedSlots(batch);
  }

  /** After the gradient of every slot: the new carry, halting, and the updates of the weights, puzzle rows and EMA. */
  private update(group: SlotGroupGradients, puzzleRows: tf.Tensor2D | null): TrainStepMetrics {
    const { model, train } = this;
    const { haltMaxSteps } = model.config;
    const B = train.batchSize;
    const data = this.carry.data;
    const { predictions, qHalt } = group;
    tf.dispose([this.carry.y, this.carry.z]);
    this.carry.y = group.y;
    this.carry.z = group.z;

    // Bookkeeping (no gradient): count the step, halt on q_halt > 0 or at N_sup, explore.
    const { steps, halted } = this.carry;
    const exploreDraws = Float64Array.from({ length: B }, () => this.rng.next());
    const minStepDraws = Int32Array.from({ length: B }, () => this.rng.int(2, haltMaxSteps));
    for (let b = 0; b < B; b++) {
      steps[b]++;
      let halt = steps[b] >= haltMaxSteps;
      if (haltMaxSteps > 1) {
        halt ||= qHalt[b] > 0;
        const minSteps = exploreDraws[b] < model.config.haltExplorationProb ? minStepDraws[b] : 0;
        halt &&= steps[b] >= minSteps;
      }
      halted[b] = halt ? 1 : 0;
    }

    // Updates: sign-SGD on the puzzle rows of this batch, AdamATan2 on the weights, then the EMA.
    this.stepCount++;
    const schedule = { warmupSteps: train.warmupSteps, totalSteps: train.maxSteps, minRatio: train.lrMinRatio };
    const lr = learningRate(this.stepCount, { base: train.lr, ...schedule });
    if (model.puzzleEmbedding && group.puzzleRowGrads) {
      signSgdUpdate(model.puzzleEmbedding, data.puzzleIdentifiers, group.puzzleRowGrads, learningRate(this.stepCount, { base: train.puzzleEmbLr, ...schedule }), train.puzzleEmbWeightDecay);
    }
    this.optimizer.applyGradients(model.trainable, group.grads, lr);
    this.ema?.update(model.trainable);
    tf.dispose([...group.grads.values(), puzzleRows ?? []]);

    return { ...haltedRowMetrics(predictions, qHalt, data, this.carry), lmLoss: group.lmLossSum / B, qHaltLoss: group.qHaltLossSum / B, lr };
  }

  /** Halted slots restart from H_init/L_init with the batch's example at the same index (official reset_carry). */
  private recycleHaltedSlots(batch: Batch): void {
    const { halted, steps, data } = this.carry;
    const L = data.seqLen;
    for (let b = 0; b < batch.size; b++) {
      if (!halted[b]) continue; // the loader's example at this index is discarded
      steps[b] = 0;
      data.inputs.set(batch.inputs.subarray(b * L, (b + 1) * L), b * L);
      data.labels.set(batch.labels.subarray(b * L, (b + 1) * L), b * L);
      data.puzzleIdentifiers[b] = batch.puzzleIdentifiers[b];
    }
    if (!halted.includes(1)) return;
    // carry·(1 − reset) + init·reset: broadcasting arithmetic, cheaper on WASM than where() over a tiled init.
    const [y, z] = tf.tidy(() => {
      const reset = tf.tensor3d(Float32Array.from(halted), [halted.length, 1, 1]);
      const keep = tf.sub(1, reset);
      return [
        tf.add(tf.mul(this.carry.y, keep), tf.mul(this.model.hInit, reset)),
        tf.add(tf.mul(this.carry.z, keep), tf.mul(this.model.lInit, reset)),
      ];
    });
    tf.dispose([this.carry.y, this.carry.z]);
    this.carry.y = y as tf.Tensor3D;
    this.carry.z = z as tf.Tensor3D;
  }

  async getState(): Promise<TrainStepperState> {
    const { steps, halted, data } = this.carry;
    const [[y, z], optimizer, ema] = await Promise.all([readAll<Float32Array>([this.carry.y, this.carry.z]), this.optimizer.getState(), this.ema?.getState() ?? null]);
    return {
      step: this.stepCount,
      carry: {
        y: y!, z: z!, steps: steps.slice(), halted: halted.slice(),
        data: { ...data, inputs: data.inputs.slice(), labels: data.labels.slice(), puzzleIdentifiers: data.puzzleIdentifiers.slice() },
      },
      optimizer, ema, rngState: this.rng.state,
    };
  }

  setState(state: TrainStepperState): void {
    const shape = this.carry.y.shape;
    tf.dispose([this.carry.y, this.carry.z]);
    const { carry } = state;
    this.carry = {
      y: tf.tensor3d(carry.y, shape), z: tf.tensor3d(carry.z, shape),
      steps: carry.steps.slice(), halted: carry.halted.slice(),
      data: { ...carry.data, inputs: carry.data.inputs.slice(), labels: carry.data.labels.slice(), puzzleIdentifiers: carry.data.puzzleIdentifiers.slice() },
    };
    this.stepCount = state.step;
    this.optimizer.setState(state.optimizer);
    if (this.ema && state.ema) this.ema.setState(state.ema);
    this.rng.state = state.rngState;
  }

  dispose(): void {
    tf.dispose([this.carry.y, this.carry.z]);
    this.optimizer.dispose();
    this.ema?.dispose();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The gradient of one supervision step for a group of slots: all of the batch, or one thread's share of it.

/** One group's step. The caller owns y, z [b, S, D] and the gradients; the puzzle-row gradients [b·dim] are read
 *  back already (sign-SGD runs on the host). */
export interface SlotGroupGradients {
  y: tf.Tensor3D;
  z: tf.Tensor3D;
  grads: Map<string, tf.Tensor>;
  puzzleRowGrads: Float32Array | null;
  /** Argmax token per position [b·L]. */
  predictions: Int32Array;
  qHalt: Float32Array;
  /** Σ over the group's slots of the per-sequence loss terms (divided by B only in the metrics). */
  lmLossSum: number;
  qHaltLossSum: number;
}

/** A group sent to a helper thread: the weights to use (stored layout, plus H_init and L_init), the group's
 *  carry and examples, and the whole batch's size (the loss scale). */
export interface SlotGroupRequest {
  weights: Map<string, Float32Array>;
  batchSize: number;
  data: Batch;
  y: Float32Array;
  z: Float32Array;
  puzzleRows: Float32Array | null;
}

/** A helper's answer: SlotGroupGradients as plain arrays. */
export interface SlotGroupArrays {
  y: Float32Array;
  z: Float32Array;
  grads: Map<string, Float32Array>;
  puzzleRowGrads: Float32Array | null;
  predictions: Int32Array;
  qHalt: Float32Array;
  lmLossSum: number;
  qHaltLossSum: number;
}

/** Threads that compute slot groups (main/trm/data-parallel.ts runs them as worker threads). */
export interface GradientHelpers {
  readonly count: number;
  /** One request per helper, answered in the same order. */
  compute(requests: SlotGroupRequest[]): Promise<SlotGroupArrays[]>;
}

/** One supervision step with gradient through the last recursion for the slots of `data`, loss scaled by 1/B of
 *  the whole batch as pretrain.py does. What the host needs (argmax, q_halt, the loss sums, the puzzle-row
 *  gradients) is read back together, asynchronously, after the backward pass: WebGPU in Node cannot read
 *  synchronously, and a read in the middle of the step would stall a GPU (on the CPU backends the argmax is read
 *  mid-step instead, see below). Nothing passed in is disposed. */
export async function slotGroupGradients(model: TRM, carry: Carry, data: Batch, puzzleRows: tf.Tensor2D | null, batchSize: number, inspect?: (output: GradStepOutput) => void | Promise<void>): Promise<SlotGroupGradients> {
  const { size: b, seqLen: L } = data;
  const inputs = tf.tensor2d(data.inputs, [b, L], 'int32');
  const labels = tf.tensor2d(data.labels, [b, L], 'int32');
  // What the step reads back; the tensors are disposed at the end.
  const readouts: { predictedOnDevice: tf.Tensor | null; predictedOnHost: Int32Array | null; lossSums: tf.Tensor[] } = { predictedOnDevice: null, predictedOnHost: null, lossSums: [] };
  let out: GradStepOutput | undefined;
  try {
    out = model.forward(carry, inputs, puzzleRows, {
      withGrad: true,
      objective: ({ logits, qHalt }) => {
        // The halting target is this step's own exact-match, a constant for autodiff. On webgpu it is computed on the
        // device (a read-back would stall the step there); where reading back is cheap (WASM, CPU, native) on the
        // host, which keeps argmax off the tape: on the device, its zero gradient costs a [B, L, V] add per step
        // (WASM sudoku6-mlp and arc-mini-att steps ≈5–10% slower, bench/run.ts --only speed).
        const predicted = tf.argMax(logits, -1);
        let seqCorrect: tf.Tensor;
        if (tf.getBackend() === 'webgpu') {
          readouts.predictedOnDevice = tf.keep(predicted);
          seqCorrect = rowsExactlyRight(predicted, labels);
        } else {
          readouts.predictedOnHost = predicted.dataSync() as Int32Array;
          seqCorrect = tf.tensor1d(sequenceStats(readouts.predictedOnHost, data.labels, b, L).seqCorrect);
        }
        const losses = actLoss({ logits, qHalt, labels, seqCorrect, kind: model.config.loss });
        readouts.lossSums = [tf.keep(losses.lmLoss), tf.keep(losses.qHaltLoss)];
        return tf.mul(losses.total, 1 / batchSize) as tf.Scalar;
      },
    });
    await inspect?.(out);
    const [predictions, lmLoss, qHaltLoss, qHalt, rowGrads] = await readAll([readouts.predictedOnDevice, ...readouts.lossSums, out.qHalt, out.puzzleRowGrads]);
    tf.dispose(out.puzzleRowGrads ?? []);
    return {
      y: out.y, z: out.z, grads: out.grads, puzzleRowGrads: rowGrads as Float32Array | null,
      predictions: readouts.predictedOnHost ?? (predictions as Int32Array), qHalt: qHalt as Float32Array, lmLossSum: lmLoss![0], qHaltLossSum: qHaltLoss![0],
    };
  } catch (error) {
    if (out) tf.dispose([out.y, out.z, ...out.grads.values(), out.puzzleRowGrads ?? []]);
    throw error;
  } finally {
    tf.dispose([inputs, labels, readouts.predictedOnDevice ?? [], ...readouts.lossSums, ...(out ? [out.logits, out.qHalt, out.qContinue, out.objective] : [])]);
  }
}

/** [b] 1 where every supervised position's argmax equals its label (sequenceStats' seqCorrect, on the device), as
 *  a constant for autodiff: the official code computes it under torch.no_grad. */
const rowsExactlyRight = tf.customGrad(((predicted: tf.Tensor, labels: tf.Tensor) => ({
  value: tf.tidy(() => {
    const wrong = tf.logicalAnd(tf.notEqual(predicted, labels), tf.notEqual(labels, IGNORE_LABEL));
    return tf.cast(tf.logicalNot(tf.any(wrong, -1)), 'float32');
  }),
  gradFunc: () => [tf.zeros(predicted.shape), tf.zeros(labels.shape)], // tfjs wants float gradients, even for int inputs
})) as unknown as Parameters<typeof tf.customGrad>[0]) as (predicted: tf.Tensor, labels: tf.Tensor) => tf.Tensor;

/** The values of several tensors (null stays null), read back together and asynchronously: the one way the engine
 *  reads, as WebGPU in Node has no synchronous read-back (dataSync needs OffscreenCanvas). */
export async function readAll<T extends Float32Array | Int32Array | Uint8Array = Float32Array | Int32Array | Uint8Array>(tensors: readonly (tf.Tensor | null | undefined)[]): Promise<(T | null)[]> {
  return Promise.all(tensors.map(async (t) => (t ? ((await t.data()) as T) : null)));
}

/** [from, to) slot ranges of `groups` nearly equal groups of `batchSize` slots, the first group the largest. */
export function slotGroupBounds(batchSize: number, groups: number): [number, number][] {
  const bounds: [number, number][] = [];
  for (let g = 0, from = 0; g < groups; g++) {
    const to = from + Math.ceil((batchSize - from) / (groups - g));
    bounds.push([from, to]);
    from = to;
  }
  return bounds;
}

/** Slots [from, to) of a batch (copies). */
export function sliceBatch(data: Batch, from: number, to: number): Batch {
  const L = data.seqLen;
  return { size: to - from, seqLen: L, inputs: data.inputs.slice(from * L, to * L), labels: data.labels.slice(from * L, to * L), puzzleIdentifiers: data.puzzleIdentifiers.slice(from, to) };
}

/** This thread's group followed by the helpers' groups, as one group of the whole batch: carries and puzzle-row
 *  gradients concatenated in slot order, weight gradients summed. Disposes `local`'s tensors. */
function mergeSlotGroups(local: SlotGroupGradients, remote: SlotGroupArrays[]): SlotGroupGradients {
  const concatSlots = <T extends Float32Array | Int32Array>(parts: T[], make: (n: number) => T): T => {
    const out = make(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) { out.set(p, offset); offset += p.length; }
    return out;
  };
  // Tensors made from the helpers' arrays are disposed here; no tidy, as the gradients live in a Map.
  const [S, D] = local.y.shape.slice(1);
  const temporaries: tf.Tensor[] = [];
  const fromArray = <T extends tf.Tensor>(t: T): T => { temporaries.push(t); return t; };
  const carryOf = (t: tf.Tensor3D, part: (r: SlotGroupArrays) => Float32Array) =>
    tf.concat([t, ...remote.map((r) => fromArray(tf.tensor3d(part(r), [part(r).length / (S * D), S, D])))], 0) as tf.Tensor3D;
  const grads = new Map<string, tf.Tensor>();
  for (const [key, g] of local.grads) grads.set(key, tf.addN([g, ...remote.map((r) => fromArray(tf.tensor(r.grads.get(key)!, g.shape)))]));
  const rowGrads = local.puzzleRowGrads;
  const merged = {
    y: carryOf(local.y, (r) => r.y), z: carryOf(local.z, (r) => r.z), grads,
    puzzleRowGrads: rowGrads ? concatSlots([rowGrads, ...remote.map((r) => r.puzzleRowGrads!)], (n) => new Float32Array(n)) : null,
  };
  tf.dispose(temporaries);
  disposeGroup(local);
  return {
    ...merged,
    predictions: concatSlots([local.predictions, ...remote.map((r) => r.predictions)], (n) => new Int32Array(n)),
    qHalt: concatSlots([local.qHalt, ...remote.map((r) => r.qHalt)], (n) => new Float32Array(n)),
    lmLossSum: remote.reduce((s, r) => s + r.lmLossSum, local.lmLossSum),
    qHaltLossSum: remote.reduce((s, r) => s + r.qHaltLossSum, local.qHaltLossSum),
  };
}

function disposeGroup(group: SlotGroupGradients): void {
  tf.dispose([group.y, group.z, ...group.grads.values()]);
}

/** Official ACTLossHead metrics over rows that halted this step and have supervised tokens, averaged. */
function haltedRowMetrics(predictions: Int32Array, qHalt: Float32Array, data: Batch, carry: ActCarry): Omit<TrainStepMetrics, 'lmLoss' | 'qHaltLoss' | 'lr'> {
  const { supervisedCount, correctCount, seqCorrect } = sequenceStats(predictions, data.labels, data.size, data.seqLen);
  let count = 0, accuracy = 0, exact = 0, qHaltRight = 0, steps = 0;
  for (let b = 0; b < data.size; b++) {
    if (!carry.halted[b] || supervisedCount[b] === 0) continue;
    count++;
    accuracy += correctCount[b] / supervisedCount[b];
    exact += seqCorrect[b];
    qHaltRight += (qHalt[b] >= 0 ? 1 : 0) === seqCorrect[b] ? 1 : 0;
    steps += carry.steps[b];
  }
  const divisor = Math.max(count, 1);
  return { accuracy: accuracy / divisor, exactAccuracy: exact / divisor, qHaltAccuracy: qHaltRight / divisor, steps: steps / divisor, haltedCount: count };
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation rollout (spec §2.2): a fresh carry, all N_sup steps on the same batch, no early halting.

/** What one supervision step of an evaluation produced. Optional fields only when asked for via `collect`. */
export interface EvalStep {
  /** Supervision step, 1..N_sup. */
  step: number;
  /** Argmax token per position [B·L]. */
  predictions: Int32Array;
  /** Halting logits [B] (halt when > 0). */
  qHalt: Float32Array;
  qContinue: Float32Array;
  /** LM logits [B·L·V]. */
  logits?: Float32Array;
  /** Carried y and z after the step [B·S·D]. */
  y?: Float32Array;
  z?: Float32Array;
}

export interface EvaluateOptions {
  /** Extra arrays to copy out per step (the step viewer wants logits and y/z; metrics need neither). */
  collect?: { logits?: boolean; carry?: boolean };
  /** Called after every step; return value ignored. Steps are also returned unless `keepSteps` is false. */
  onStep?: (step: EvalStep) => void;
  /** false: do not accumulate the steps in the result (large rollouts streamed through onStep). Default true. */
  keepSteps?: boolean;
}

/** Runs N_sup supervision steps on `batch` from a fresh carry with the model's current weights; each step's
 *  results are read back together, asynchronously. */
export async function evaluate(model: TRM, batch: Batch, options: EvaluateOptions = {}): Promise<EvalStep[]> {
  const { collect = {}, onStep, keepSteps = true } = options;
  const inputs = tf.tensor2d(batch.inputs, [batch.size, batch.seqLen], 'int32');
  const puzzleRows = model.puzzleRows(batch.puzzleIdentifiers);
  let carry = model.initialCarry(batch.size);
  const steps: EvalStep[] = [];
  try {
    for (let s = 1; s <= model.config.haltMaxSteps; s++) {
      const out = model.forward(carry, inputs, puzzleRows);
      tf.dispose([carry.y, carry.z]);
      carry = { y: out.y, z: out.z };
      const predicted = tf.argMax(out.logits, -1);
      let values: (Float32Array | Int32Array | Uint8Array | null)[];
      try {
        values = await readAll([predicted, out.qHalt, out.qContinue, collect.logits ? out.logits : null, collect.carry ? out.y : null, collect.carry ? out.z : null]);
      } finally {
        tf.dispose([predicted, out.logits, out.qHalt, out.qContinue]);
      }
      const [predictions, qHalt, qContinue, logits, y, z] = values;
      const result: EvalStep = { step: s, predictions: predictions as Int32Array, qHalt: qHalt as Float32Array, qContinue: qContinue as Float32Array };
      if (logits) result.logits = logits as Float32Array;
      if (y && z) {
        result.y = y as Float32Array;
        result.z = z as Float32Array;
      }
      onStep?.(result);
      if (keepSteps) steps.push(result);
    }
  } finally {
    tf.dispose([carry.y, carry.z, inputs, puzzleRows ?? []]);
  }
  return steps;
}

/** Runs `fn` with the EMA shadow weights swapped into the model (evaluation and checkpoints use them). */
export function withEmaWeights<T>(model: TRM, ema: Ema | null, fn: () => T): T {
  return ema ? withWeights(model.trainable, ema.shadow, fn) : fn();
}
