// The full definition of a Tiny Recursive Model (TRM, "Less is More: Recursive Reasoning with Tiny Networks")
// in TensorFlow.js, in reading order: parameters → embedding → block (attention or token-MLP, then SwiGLU) → the
// shared net → latent recursion → deep recursion (one supervision step) → heads. Spec: ../shared/trm-spec.md §1.
// The primitives it composes, each with a hand-written gradient (the speed machinery), are ops/kernels.ts;
// initialisation is ops/init.ts.
//
// Layout: inside the model every activation is sequence-major rows [S·B, D] with S = P + L (row s·B + b is position
// s of example b), so channel-wise linears are plain right-multiplied matmuls; the token-mixing MLP (mlp_t)
// transposes the [S, B·D] view of the same memory to [B·D, S] rows so that it is one too (see sequenceMixing).
// The public API (carry y/z, logits) uses the official batch-major [B, S, D] layout.
// Linear weights are stored in the layout their matmul wants; stateDict()/loadStateDict() speak PyTorch's
// [out, in] layout and official state_dict keys, so fixtures and official checkpoints load directly.
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../common/rng.ts';
import { swigluIntermediate, validateModelConfig, type ModelConfig } from './config.ts';
import { PuzzleEmbeddingTable } from './optim.ts';
import {
  add, addAndNormalise, linear, matMul, recordingGradients, retain, rotaryTables, selfAttention, swiglu, transposeMatrix, transposeView,
  type AttentionShape, type AttentionWeights, type Rotary, type SwiGLUWeights,
} from './ops/kernels.ts';
import { initialValues, type Init } from './ops/init.ts';

/** One block's weights: token mixing (attention or sequence MLP) and the channel MLP. */
interface LayerWeights {
  attention: AttentionWeights | null;
  sequenceMlp: SwiGLUWeights | null;
  channelMlp: SwiGLUWeights;
}

// ---------------------------------------------------------------------------------------------------------------
// Parameters: one table of every persistent tensor, with its official key, shape and initialisation.

interface ParameterSpec {
  /** Official state_dict key of TinyRecursiveReasoningModel_ACTV1. */
  key: string;
  /** Official (PyTorch) shape; linear weights are [out, in]. */
  shape: number[];
  /** true: stored as the transpose of the official 2-D shape, i.e. [in, out] for a right-multiplied linear. */
  transposed: boolean;
  init: Init;
  /** Trained by AdamATan2 (false: buffers such as H_init or the puzzle table). */
  trainable: boolean;
}

/** The puzzle-embedding table: a buffer trained by sign-SGD, held JS-side rather than as a tf.Variable. */
const PUZZLE_TABLE_KEY = 'inner.puzzle_emb.weights';
/** Keys of the 'learned2d' position tables (not in the official code, so an official model never has them). */
const POS_2D_PREFIX = 'inner.embed_pos_2d';

function linearSpec(key: string, outFeatures: number, inFeatures: number, transposed: boolean): ParameterSpec {
  return { key, shape: [outFeatures, inFeatures], transposed, init: { kind: 'truncNormal', std: 1 / Math.sqrt(inFeatures) }, trainable: true };
}

/** Total positions S = P + L seen by the network. */
export function sequenceLength(config: ModelConfig): number {
  return config.puzzleEmbLen + config.seqLen;
}

/** Every persistent tensor of the model, in the official state_dict order. */
export function parameterSpecs(config: ModelConfig): ParameterSpec[] {
  const D = config.hiddenSize;
  const S = sequenceLength(config);
  const embedStd = 1 / Math.sqrt(D);
  const specs: ParameterSpec[] = [
    { key: 'inner.H_init', shape: [D], transposed: false, init: { kind: 'truncNormal', std: 1 }, trainable: false },
    { key: 'inner.L_init', shape: [D], transposed: false, init: { kind: 'truncNormal', std: 1 }, trainable: false },
    { key: 'inner.embed_tokens.embedding_weight', shape: [config.vocabSize, D], transposed: false, init: { kind: 'truncNormal', std: embedStd }, trainable: true },
    linearSpec('inner.lm_head.weight', config.vocabSize, D, true),
    { key: 'inner.q_head.weight', shape: [2, D], transposed: true, init: { kind: 'zeros' }, trainable: true },
    { key: 'inner.q_head.bias', shape: [2], transposed: false, init: { kind: 'constant', value: -5 }, trainable: true },
  ];
  if (config.puzzleEmbDim > 0) {
    specs.push({ key: PUZZLE_TABLE_KEY, shape: [config.numPuzzleIdentifiers, config.puzzleEmbDim], transposed: false, init: { kind: 'zeros' }, trainable: false });
  }
  if (config.posEncodings === 'learned') {
    specs.push({ key: 'inner.embed_pos.embedding_weight', shape: [S, D], transposed: false, init: { kind: 'truncNormal', std: embedStd }, trainable: true });
  }
  if (config.posEncodings === 'learned2d') {
    // A cell gets row + column, each std embedStd/√2, so the sum has the std of a 1-D table's row.
    const side = Math.round(Math.sqrt(config.seqLen));
    const table = (key: string, rows: number, std: number): ParameterSpec => ({ key, shape: [rows, D], transposed: false, init: { kind: 'truncNormal', std }, trainable: true });
    if (config.puzzleEmbLen > 0) specs.push(table(`${POS_2D_PREFIX}.prefix_weight`, config.puzzleEmbLen, embedStd));
    specs.push(table(`${POS_2D_PREFIX}.row_weight`, side, embedStd / Math.SQRT2), table(`${POS_2D_PREFIX}.col_weight`, side, embedStd / Math.SQRT2));
  }
  const channelInter = swigluIntermediate(D, config.expansion, config.roundSwiGLUTo256);
  const sequenceInter = swigluIntermediate(S, config.expansion, config.roundSwiGLUTo256);
  for (let layer = 0; layer < config.layers; layer++) {
    const prefix = `inner.L_level.layers.${layer}`;
    if (config.mlpT) {
      specs.push(linearSpec(`${prefix}.mlp_t.gate_up_proj.weight`, 2 * sequenceInter, S, false));
      specs.push(linearSpec(`${prefix}.mlp_t.down_proj.weight`, S, sequenceInter, false));
    } else {
      specs.push(linearSpec(`${prefix}.self_attn.qkv_proj.weight`, 3 * D, D, true));
      specs.push(linearSpec(`${prefix}.self_attn.o_proj.weight`, D, D, true));
    }
    specs.push(linearSpec(`${prefix}.mlp.gate_up_proj.weight`, 2 * channelInter, D, true));
    specs.push(linearSpec(`${prefix}.mlp.down_proj.weight`, D, channelInter, true));
  }
  return specs;
}

function storedShape(spec: ParameterSpec): number[] {
  return spec.transposed ? [spec.shape[1], spec.shape[0]] : spec.shape;
}

// ---------------------------------------------------------------------------------------------------------------
// The model

/** Carried answer y (official z_H) and latent z (official z_L), batch-major [B, S, D]. */
export interface Carry {
  y: tf.Tensor3D;
  z: tf.Tensor3D;
}

/** Result of one supervision step. The caller owns (and must dispose) every tensor. */
export interface StepOutput extends Carry {
  /** LM logits on the L token positions (prefix dropped) [B, L, V]. */
  logits: tf.Tensor3D;
  /** Q-head output 0: halting logit (halt when > 0) [B]. */
  qHalt: tf.Tensor1D;
  /** Q-head output 1: continue logit (unused by TRM's loss) [B]. */
  qContinue: tf.Tensor1D;
}

/** A supervision step that also differentiates `objective(output)` through the last recursion. */
export interface GradStepOutput extends StepOutput {
  objective: tf.Scalar;
  /** Gradient of the objective per trainable key (stored layout, like `trainable`). */
  grads: Map<string, tf.Tensor>;
  /** Gradient w.r.t. the puzzle rows passed in [B, puzzleEmbDim] (null without a puzzle embedding). */
  puzzleRowGrads: tf.Tensor2D | null;
}

export type ForwardOptions =
  | { withGrad?: false }
  | { withGrad: true; objective: (output: StepOutput) => tf.Scalar };

export type StateDict = Map<string, { shape: number[]; data: Float32Array }>;

/** Key prefixes official checkpoints put in front of the model keys (torch.compile wrapper, ACTLossHead). */
const CHECKPOINT_PREFIXES = ['_orig_mod.model.', 'model.'];

export class TRM {
  readonly config: ModelConfig;
  /** Weights trained by AdamATan2, by official key, in their stored layout. */
  readonly trainable: Map<string, tf.Variable>;
  /** Puzzle-embedding table [numPuzzleIdentifiers, puzzleEmbDim], trained by sign-SGD; null if disabled.
   *  Kept JS-side (see PuzzleEmbeddingTable): a step only reads and writes the rows of its batch. */
  readonly puzzleEmbedding: PuzzleEmbeddingTable | null;
  /** Fixed initial y and z vectors [D] (never trained). */
  readonly hInit: tf.Variable;
  readonly lInit: tf.Variable;
  private readonly specs: ParameterSpec[];
  private readonly rotary: Rotary | null;

  private constructor(config: ModelConfig, specs: ParameterSpec[], values: Map<string, Float32Array>) {
    this.config = config;
    this.specs = specs;
    this.trainable = new Map();
    const buffers = new Map<string, tf.Variable>();
    let puzzleEmbedding: PuzzleEmbeddingTable | null = null;
    for (const spec of specs) {
      if (spec.key === PUZZLE_TABLE_KEY) {
        puzzleEmbedding = new PuzzleEmbeddingTable(spec.shape[0], spec.shape[1], values.get(spec.key)!);
        continue;
      }
      const initial = tf.tensor(values.get(spec.key)!, storedShape(spec));
      const variable = tf.variable(initial, spec.trainable); // shares the data; the wrapper must go
      initial.dispose();
      (spec.trainable ? this.trainable : buffers).set(spec.key, variable);
    }
    this.hInit = buffers.get('inner.H_init')!;
    this.lInit = buffers.get('inner.L_init')!;
    this.puzzleEmbedding = puzzleEmbedding;
    const usesRope = config.posEncodings === 'rope' && !config.mlpT;
    this.rotary = usesRope ? rotaryTables(sequenceLength(config), config.hiddenSize / config.numHeads, config.ropeTheta) : null;
  }

  /** A freshly initialised model (spec §1.10), reproducible from `seed`. */
  static create(config: ModelConfig, seed: number): TRM {
    const errors = validateModelConfig(config);
    if (errors.length > 0) throw new Error(`invalid model config: ${errors.join('; ')}`);
    const rng = new Rng(seed);
    const specs = parameterSpecs(config);
    const values = new Map<string, Float32Array>();
    for (const spec of specs) {
      const official = initialValues(spec, rng);
      values.set(spec.key, spec.transposed ? transposeMatrix(official, spec.shape[0], spec.shape[1]) : official);
    }
    return new TRM({ ...config }, specs, values);
  }

  /** Trainable parameters (excluding the puzzle table and buffers), computed without allocating anything. */
  static countParameters(config: ModelConfig): number {
    return parameterSpecs(config).filter((s) => s.trainable).reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1), 0);
  }

  parameterCount(): number {
    return TRM.countParameters(this.config);
  }

  /** Persistent tensors by official key, in PyTorch layout (copies), read back together and asynchronously. */
  async stateDict(): Promise<StateDict> {
    const stored = await Promise.all(this.specs.map((spec) => (spec.key === PUZZLE_TABLE_KEY ? this.puzzleEmbedding!.data : (this.variable(spec.key).data() as Promise<Float32Array>))));
    return new Map(this.specs.map((spec, i) => [spec.key, { shape: [...spec.shape], data: this.toOfficialLayout(spec.key, stored[i]) }]));
  }

  /** A copy of `stored` (a tensor of key `key` in this model's storage layout, e.g. a weight or its gradient)
   *  in the official PyTorch layout. */
  toOfficialLayout(key: string, stored: Float32Array): Float32Array {
    const spec = this.specs.find((s) => s.key === key);
    if (!spec) throw new Error(`no tensor '${key}'`);
    return spec.transposed ? transposeMatrix(stored, spec.shape[1], spec.shape[0]) : Float32Array.from(stored);
  }

  /** Loads every persistent tensor (official keys and layout; checkpoint prefixes are accepted).
   *  Throws, naming the key, on a missing, unknown or mis-shaped tensor; nothing is changed on error. */
  loadStateDict(dict: StateDict): void {
    const byKey = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [rawKey, value] of dict) {
      const prefix = CHECKPOINT_PREFIXES.find((p) => rawKey.startsWith(p));
      const key = prefix ? rawKey.slice(prefix.length) : rawKey;
      if (key.startsWith('inner.rotary_emb.')) continue; // analytic, recomputed
      byKey.set(key, value);
    }
    const expected = new Set(this.specs.map((s) => s.key));
    for (const key of byKey.keys()) {
      if (!expected.has(key)) throw new Error(`state dict has unexpected key '${key}' for this model config`);
    }
    for (const spec of this.specs) {
      const value = byKey.get(spec.key);
      if (!value) throw new Error(`state dict is missing '${spec.key}'`);
      const count = spec.shape.reduce((a, b) => a * b, 1);
      if (value.shape.length !== spec.shape.length || value.shape.some((n, i) => n !== spec.shape[i]) || value.data.length !== count) {
        throw new Error(`state dict '${spec.key}' has shape [${value.shape}], expected [${spec.shape}]`);
      }
    }
    for (const spec of this.specs) {
      const { data } = byKey.get(spec.key)!;
      if (spec.key === PUZZLE_TABLE_KEY) {
        this.puzzleEmbedding!.data.set(data);
        continue;
      }
      const stored = spec.transposed ? transposeMatrix(data, spec.shape[0], spec.shape[1]) : data;
      tf.tidy(() => this.variable(spec.key).assign(tf.tensor(stored, storedShape(spec))));
    }
  }

  dispose(): void {
    for (const spec of this.specs) if (spec.key !== PUZZLE_TABLE_KEY) this.variable(spec.key).dispose();
    if (this.rotary) tf.dispose(Object.values(this.rotary));
  }

  private variable(key: string): tf.Variable {
    if (this.trainable.has(key)) return this.trainable.get(key)!;
    if (key === 'inner.H_init') return this.hInit;
    if (key === 'inner.L_init') return this.lInit;
    throw new Error(`no tensor '${key}'`);
  }

  private weight(key: string): tf.Variable {
    return this.trainable.get(key)!;
  }

  // --- input embedding (spec §1.3) -----------------------------------------------------------------------------

  /** Rows of the puzzle table for these identifiers [B, puzzleEmbDim] (null without a puzzle embedding). */
  puzzleRows(puzzleIdentifiers: Int32Array): tf.Tensor2D | null {
    return this.puzzleEmbedding?.gatherRows(puzzleIdentifiers) ?? null;
  }

  /** x = √D · [puzzle prefix ; token embeddings] (+ learned positions), sequence-major rows [S·B, D].
   *  `tokenOneHot` is [L·B, V] in sequence-major row order; tokens are embedded as a matmul (no gather gradient on WASM). */
  private embed(tokenOneHot: tf.Tensor2D, puzzleRows: tf.Tensor2D | null, batch: number): tf.Tensor2D {
    const { hiddenSize: D, seqLen: L, puzzleEmbLen: P } = this.config;
    let x: tf.Tensor = tf.reshape(matMul(tokenOneHot, this.weight('inner.embed_tokens.embedding_weight')), [L, batch, D]);
    if (P > 0) {
      let prefix: tf.Tensor = puzzleRows ?? tf.zeros([batch, 0]);
      const padding = P * D - prefix.shape[1]!;
      if (padding > 0) prefix = tf.pad(prefix, [[0, 0], [0, padding]]);
      prefix = tf.transpose(tf.reshape(prefix, [batch, P, D]), [1, 0, 2]);
      x = tf.concat([prefix, x], 0);
    }
    if (this.config.posEncodings === 'learned' || this.config.posEncodings === 'learned2d') {
      const positions = tf.reshape(this.positionTable(), [P + L, 1, D]);
      x = tf.mul(tf.add(x, positions), 0.707106781); // the official constant, not exactly 1/√2
    }
    return tf.reshape(tf.mul(x, Math.sqrt(D)), [-1, D]);
  }

  /** [P + L, D] learned positions: the official 1-D table, or prefix rows then row(r) + col(c) in row-major order. */
  private positionTable(): tf.Tensor {
    if (this.config.posEncodings === 'learned') return this.weight('inner.embed_pos.embedding_weight');
    const rows = this.weight(`${POS_2D_PREFIX}.row_weight`);
    const cols = this.weight(`${POS_2D_PREFIX}.col_weight`);
    const [side, D] = rows.shape as [number, number];
    const cells = tf.reshape(tf.add(tf.reshape(rows, [side, 1, D]), tf.reshape(cols, [1, side, D])), [side * side, D]);
    return this.config.puzzleEmbLen > 0 ? tf.concat([this.weight(`${POS_2D_PREFIX}.prefix_weight`), cells], 0) : cells;
  }

  /** One-hot tokens [L·B, V], sequence-major rows, from batch-major ids [B, L]. */
  private tokenOneHot(inputs: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.oneHot(tf.reshape(tf.transpose(inputs), [-1]) as tf.Tensor1D, this.config.vocabSize).toFloat() as tf.Tensor2D);
  }

  // --- the shared network (spec §1.5, §1.6) ---------------------------------------------------------------------

  /** One post-norm block on sequence-major rows h [S·B, D]. */
  private block(h: tf.Tensor2D, w: LayerWeights): tf.Tensor2D {
    const { hiddenSize: D, rmsNormEps: eps, numHeads } = this.config;
    const S = sequenceLength(this.config);
    const B = h.shape[0] / S;
    // Token mixing: across the S positions of every (example, channel) column with mlp_t (normalised over S too,
    // as the official code normalises while transposed), or self-attention across positions.
    const out = w.sequenceMlp
      ? this.sequenceMixing(h, w.sequenceMlp, S)
      : addAndNormalise(h, selfAttention(h, w.attention!, { seq: S, batch: B, heads: numHeads, headDim: D / numHeads }, this.rotary), eps);
    return addAndNormalise(out, swiglu(out, w.channelMlp), eps);
  }

  /** mlp_t token mixing on rows h [S·B, D]: the columns [B·D, S] (one transpose of the [S, B·D] view) go through a
   *  channel-style SwiGLU over S and the post-norm over S (the inner axis there), then back. Why the transposes: as rows [B·D, S] the
   *  activation is XNNPACK's left operand and the small weight its (cached) right one; the [S, B·D] form made
   *  the activation the right operand, re-packed on every matmul, and normalised over a non-inner axis. */
  private sequenceMixing(h: tf.Tensor2D, w: SwiGLUWeights, S: number): tf.Tensor2D {
    const columnCount = h.size / S; // B·D
    const columns = transposeView(h, [S, columnCount], [columnCount, S]);
    const normalised = addAndNormalise(columns, swiglu(columns, w), this.config.rmsNormEps);
    return transposeView(normalised, [columnCount, S], h.shape);
  }

  /** The blocks' weights as the forward uses them (with `forBackward`, plus what the hand-written gradients read).
   *  Call inside the tidy / differentiated function that uses them. */
  private layerWeights(forBackward = false): LayerWeights[] {
    const swigluWeights = (prefix: string, sequence: boolean): SwiGLUWeights => {
      const gateUp = this.weight(`${prefix}.gate_up_proj.weight`);
      const down = this.weight(`${prefix}.down_proj.weight`);
      if (!sequence) {
        const [gate, up] = tf.split(gateUp, 2, 1);
        const transposed = forBackward ? { gate: retain(tf.transpose(gate)), up: retain(tf.transpose(up)), down: retain(tf.transpose(down)) } : null;
        return { gate, up, down, transposed };
      }
      // mlp_t weights are stored in PyTorch's [out, S] layout; the transposed forward wants [in, out].
      const [gate, up] = tf.split(gateUp, 2, 0);
      const transposed = forBackward ? { gate: retain(gate), up: retain(up), down } : null;
      return { gate: tf.transpose(gate), up: tf.transpose(up), down: tf.transpose(down), transposed };
    };
    const attention = (prefix: string): AttentionWeights => {
      const [query, key, value] = tf.split(this.weight(`${prefix}.self_attn.qkv_proj.weight`), 3, 1);
      return { query, key, value, out: this.weight(`${prefix}.self_attn.o_proj.weight`) };
    };
    return Array.from({ length: this.config.layers }, (_, layer) => {
      const prefix = `inner.L_level.layers.${layer}`;
      return {
        sequenceMlp: this.config.mlpT ? swigluWeights(`${prefix}.mlp_t`, true) : null,
        attention: this.config.mlpT ? null : attention(prefix),
        channelMlp: swigluWeights(`${prefix}.mlp`, false),
      };
    });
  }

  /** net(h, injection) = blocks(h + injection): the one network used for both the z- and the y-update. */
  private net(h: tf.Tensor2D, injection: tf.Tensor2D, weights: LayerWeights[]): tf.Tensor2D {
    let out = add(h, injection) as tf.Tensor2D;
    for (const layer of weights) out = this.block(out, layer);
    return out;
  }

  /** One recursion: n ("L_cycles") latent updates z ← net(z, y + x), then the answer update y ← net(y, z). */
  private latentRecursion(y: tf.Tensor2D, z: tf.Tensor2D, x: tf.Tensor2D, weights: LayerWeights[]): { y: tf.Tensor2D; z: tf.Tensor2D } {
    const questionAndAnswer = add(y, x) as tf.Tensor2D;
    for (let i = 0; i < this.config.lCycles; i++) z = this.net(z, questionAndAnswer, weights);
    y = this.net(y, z, weights);
    return { y, z };
  }

  // --- heads (spec §1.8) --------------------------------------------------------------------------------------

  /** The heads on the answer rows y [S·B, D]. */
  private heads(y: tf.Tensor2D): { logits: tf.Tensor3D; qHalt: tf.Tensor1D; qContinue: tf.Tensor1D } {
    const { puzzleEmbLen: P, seqLen: L, hiddenSize: D, vocabSize: V } = this.config;
    const B = y.shape[0] / sequenceLength(this.config);
    const tokens = tf.slice(y, [P * B, 0], [L * B, D]);
    const logits = tf.transpose(tf.reshape(matMul(tokens, this.weight('inner.lm_head.weight')), [L, B, V]), [1, 0, 2]) as tf.Tensor3D;
    const first = tf.slice(y, [0, 0], [B, D]);
    const q = tf.add(matMul(first, this.weight('inner.q_head.weight')), this.weight('inner.q_head.bias'));
    const [qHalt, qContinue] = tf.split(q, 2, 1).map((t) => tf.reshape(t, [B]) as tf.Tensor1D);
    return { logits, qHalt, qContinue };
  }

  // --- one supervision step = deep recursion (spec §1.6) ---------------------------------------------------------

  /**
   * One supervision step from the carry (y, z) [B, S, D]: T−1 ("H_cycles" − 1) recursions without gradient, one
   * with gradient through all n+1 network applications, then the heads. Inputs: token ids [B, L] (int32) and the
   * gathered puzzle rows [B, puzzleEmbDim] (see `puzzleRows`). With `withGrad`, `objective(output)` is
   * differentiated w.r.t. every trainable weight and the puzzle rows. The returned carry is detached.
   * Nothing passed in is disposed.
   */
  forward(carry: Carry, inputs: tf.Tensor2D, puzzleRows: tf.Tensor2D | null, options?: { withGrad?: false }): StepOutput;
  forward(carry: Carry, inputs: tf.Tensor2D, puzzleRows: tf.Tensor2D | null, options: { withGrad: true; objective: (output: StepOutput) => tf.Scalar }): GradStepOutput;
  forward(carry: Carry, inputs: tf.Tensor2D, puzzleRows: tf.Tensor2D | null, options: ForwardOptions = {}): StepOutput | GradStepOutput {
    const batch = inputs.shape[0];
    const tokenOneHot = this.tokenOneHot(inputs);
    try {
      if (!options.withGrad) {
        return tidyObject(() => {
          const x = this.embed(tokenOneHot, puzzleRows, batch);
          const weights = this.layerWeights();
          let y = toSequenceMajor(carry.y);
          let z = toSequenceMajor(carry.z);
          for (let t = 0; t < this.config.hCycles; t++) ({ y, z } = this.latentRecursion(y, z, x, weights));
          return this.output(y, z);
        });
      }
      // Tensors computed outside the differentiated function are constants: exactly the no-grad semantics of the
      // first T−1 recursions.
      const start = tidyObject(() => {
        const x = this.embed(tokenOneHot, puzzleRows, batch);
        const weights = this.layerWeights();
        let y = toSequenceMajor(carry.y);
        let z = toSequenceMajor(carry.z);
        for (let t = 0; t < this.config.hCycles - 1; t++) ({ y, z } = this.latentRecursion(y, z, x, weights));
        return { y, z };
      });
      const keys = [...this.trainable.keys()];
      const differentiated: tf.Tensor[] = keys.map((k) => this.trainable.get(k)!);
      if (puzzleRows) differentiated.push(puzzleRows);
      let output: StepOutput | undefined;
      const retained: tf.Tensor[] = [];
      let value: tf.Tensor;
      let grads: (tf.Tensor | null)[];
      try {
        ({ value, grads } = recordingGradients(retained, () => tf.engine().gradients(() => {
          const x = this.embed(tokenOneHot, puzzleRows, batch);
          const { y, z } = this.latentRecursion(start.y, start.z, x, this.layerWeights(true));
          output = this.output(y, z);
          for (const t of Object.values(output)) tf.keep(t);
          return options.objective(output);
        }, differentiated, undefined, true)));
      } finally {
        const keep = new Set<tf.Tensor>([...(output ? Object.values(output) : []), ...(puzzleRows ? [puzzleRows] : [])]);
        tf.dispose(retained.filter((t) => !keep.has(t)));
        tf.dispose([start.y, start.z]);
      }
      const gradByKey = new Map<string, tf.Tensor>();
      keys.forEach((key, i) => gradByKey.set(key, grads[i] ?? tf.zerosLike(this.trainable.get(key)!)));
      const puzzleRowGrads = puzzleRows ? ((grads[keys.length] ?? tf.zerosLike(puzzleRows)) as tf.Tensor2D) : null;
      return { ...output!, objective: value as tf.Scalar, grads: gradByKey, puzzleRowGrads };
    } finally {
      tokenOneHot.dispose();
    }
  }

  private output(y: tf.Tensor2D, z: tf.Tensor2D): StepOutput {
    const S = sequenceLength(this.config);
    return { ...this.heads(y), y: toBatchMajor(y, S), z: toBatchMajor(z, S) };
  }

  // --- inspection (parity tests, step viewer) ----------------------------------------------------------------

  /** The input embedding x for these inputs, batch-major [B, S, D]. */
  inputEmbeddings(inputs: tf.Tensor2D, puzzleRows: tf.Tensor2D | null): tf.Tensor3D {
    const tokenOneHot = this.tokenOneHot(inputs);
    const x = tf.tidy(() => toBatchMajor(this.embed(tokenOneHot, puzzleRows, inputs.shape[0]), sequenceLength(this.config)));
    tokenOneHot.dispose();
    return x;
  }

  /** net(h, injection) on batch-major tensors [B, S, D]; `layers` limits how many blocks run (default all). */
  applyNet(h: tf.Tensor3D, injection: tf.Tensor3D, layers = this.config.layers): tf.Tensor3D {
    return tf.tidy(() => {
      let out = tf.add(toSequenceMajor(h), toSequenceMajor(injection)) as tf.Tensor2D;
      for (const layer of this.layerWeights().slice(0, layers)) out = this.block(out, layer);
      return toBatchMajor(out, sequenceLength(this.config));
    });
  }

  /** The carry every sequence starts from: H_init / L_init broadcast over [B, S, D]. */
  initialCarry(batch: number): Carry {
    const shape: [number, number, number] = [batch, sequenceLength(this.config), this.config.hiddenSize];
    // ones · init broadcasts exactly (1·x = x); WASM's Tile kernel behind broadcastTo is far slower on big batches.
    const fill = (init: tf.Tensor) => tf.tidy(() => tf.mul(tf.ones([batch, shape[1], 1]), init) as tf.Tensor3D);
    return { y: fill(this.hInit), z: fill(this.lInit) };
  }
}

/** tf.tidy for a function returning a typed object of tensors. */
function tidyObject<T>(fn: () => T): T {
  return tf.tidy(() => fn() as unknown as tf.TensorContainer) as unknown as T;
}

/** Batch-major [B, S, D] → sequence-major rows [S·B, D]. */
function toSequenceMajor(t: tf.Tensor3D): tf.Tensor2D {
  return tf.reshape(tf.transpose(t, [1, 0, 2]), [-1, t.shape[2]]);
}

/** Sequence-major rows [S·B, D] → batch-major [B, S, D]. */
function toBatchMajor(rows: tf.Tensor2D, S: number): tf.Tensor3D {
  return tf.transpose(tf.reshape(rows, [S, rows.shape[0] / S, rows.shape[1]]), [1, 0, 2]);
}
