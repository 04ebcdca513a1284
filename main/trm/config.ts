// The one place where every configuration field of a TRM run is defined, with its default and why.
// Paper names (x, y, z, n, T, N_sup) appear here once, next to the code names used everywhere else.
// Spec: ../shared/trm-spec.md §1.1 (model), §4 (optimisation), §9 (CPU-scale recipe).

/** Architecture of the network and its recursion. */
export interface ModelConfig {
  /** D, width of every token vector (spec default 512). */
  hiddenSize: number;
  /** Attention heads; head_dim = hiddenSize / numHeads (must divide). */
  numHeads: number;
  /** SwiGLU expansion; intermediate = round(expansion · h · 2/3), see roundSwiGLUTo256. */
  expansion: number;
  /** The official SwiGLU rounds its intermediate size up to a multiple of 256. Keep true for paper
   *  configs (parameter counts depend on it); false for small CPU models, where it would triple the cost. */
  roundSwiGLUTo256: boolean;
  /** Blocks in the single shared network ("L_layers"). */
  layers: number;
  /** T ("H_cycles"): recursions per supervision step; T−1 without gradient, the last with gradient. */
  hCycles: number;
  /** n ("L_cycles"): latent updates z ← net(z, y + x) per recursion, followed by one y ← net(y, z). */
  lCycles: number;
  /** N_sup ("halt_max_steps"): maximum deep-supervision steps per sample. */
  haltMaxSteps: number;
  /** Probability that a slot is forced to stay a random 2..N_sup steps during training (spec §2.1). */
  haltExplorationProb: number;
  /** P: puzzle-embedding prefix slots; slot 0 holds the learned puzzle vector, the others are zeros. 0 = none. */
  puzzleEmbLen: number;
  /** Width of the learned puzzle vector (≤ P·D; it is zero-padded to P·D). 0 disables the puzzle embedding. */
  puzzleEmbDim: number;
  /** Position information: rotary (attention only), a learned table, or none (mlp_t mixes by position anyway). */
  posEncodings: 'rope' | 'learned' | 'none';
  ropeTheta: number;
  rmsNormEps: number;
  /** true: token-mixing SwiGLU across the sequence axis instead of self-attention (TRM-MLP). */
  mlpT: boolean;
  /** Output/input token vocabulary (from the dataset). */
  vocabSize: number;
  /** L: tokens per example (from the dataset); the model sees P + L positions. */
  seqLen: number;
  /** Rows of the puzzle-embedding table (from the dataset; ARC has one per task × augmentation). */
  numPuzzleIdentifiers: number;
  /** Token loss: stablemax (official default) or softmax cross entropy. */
  loss: 'stablemax' | 'softmax';
}

/** Optimisation and schedule. */
export interface TrainConfig {
  /** Global batch (= number of ACT slots). */
  batchSize: number;
  /** AdamATan2 base learning rate (paper 1e-4 over 65k+ steps; ~1e-3 for a few hundred CPU steps). */
  lr: number;
  /** Linear warm-up steps from 0 (official 2000). */
  warmupSteps: number;
  /** 1.0 = constant after warm-up (official default); < 1 = cosine decay to lr·lrMinRatio. */
  lrMinRatio: number;
  beta1: number;
  beta2: number;
  /** Decoupled weight decay, scaled by lr (AdamW style); applied to every trainable tensor. */
  weightDecay: number;
  /** Sign-SGD learning rate and weight decay for the puzzle-embedding rows. */
  puzzleEmbLr: number;
  puzzleEmbWeightDecay: number;
  /** EMA decay of trainable weights used for evaluation and checkpoints; 0 disables EMA. */
  emaDecay: number;
  /** Optimizer steps to run (the run ends earlier if --minutes runs out). */
  maxSteps: number;
  /** Evaluate on the held-out split every this many steps (0 = only at the end). */
  evalInterval: number;
  /** Held-out examples evaluated each time (0 = the whole test split). */
  evalExamples: number;
  /** Save a checkpoint every this many steps (and always at the end and after every evaluation). */
  checkpointInterval: number;
  /** Checkpoints kept besides `best` and `latest` (older ones are deleted). */
  keepCheckpoints: number;
  /** Seed for weights, data order, augmentation and halting exploration. */
  seed: number;
}

/** Where the examples come from. Tasks plug in as data; the training loop never branches on them. */
export type DataConfig =
  | { kind: 'sudoku'; boxRows: number; boxCols: number; minBlanks: number; maxBlanks: number; source: 'generate' | string; testExamples: number; augment: boolean }
  | { kind: 'maze'; size: number; minPathLength: number; testExamples: number; augment: boolean }
  | { kind: 'arc'; subsets: string[]; testSet: string; tasks: string; augmentations: number; canvas: number; translate: boolean }
  | { kind: 'official'; dir: string };

export interface RunConfig {
  model: ModelConfig;
  train: TrainConfig;
  data: DataConfig;
}

/** Model defaults: the official `config/arch/trm.yaml` (spec §1.1), float32. */
export const DEFAULT_MODEL: ModelConfig = {
  hiddenSize: 512,
  numHeads: 8,
  expansion: 4,
  roundSwiGLUTo256: true,
  layers: 2,
  hCycles: 3,
  lCycles: 6,
  haltMaxSteps: 16,
  haltExplorationProb: 0.1,
  puzzleEmbLen: 16,
  puzzleEmbDim: 512,
  posEncodings: 'rope',
  ropeTheta: 10000,
  rmsNormEps: 1e-5,
  mlpT: false,
  vocabSize: 11,
  seqLen: 81,
  numPuzzleIdentifiers: 1,
  loss: 'stablemax',
};

/** Training defaults: the official `cfg_pretrain.yaml` (spec §4). */
export const DEFAULT_TRAIN: TrainConfig = {
  batchSize: 768,
  lr: 1e-4,
  warmupSteps: 2000,
  lrMinRatio: 1.0,
  beta1: 0.9,
  beta2: 0.95,
  weightDecay: 0.1,
  puzzleEmbLr: 1e-2,
  puzzleEmbWeightDecay: 0.1,
  emaDecay: 0.999,
  maxSteps: 65104,
  evalInterval: 6510,
  evalExamples: 0,
  checkpointInterval: 6510,
  keepCheckpoints: 5,
  seed: 0,
};

/** Intermediate width of a SwiGLU acting on vectors of width `width` (spec §1.5). */
export function swigluIntermediate(width: number, expansion: number, roundTo256: boolean): number {
  const inter = Math.round((expansion * width * 2) / 3);
  return roundTo256 ? Math.ceil(inter / 256) * 256 : inter;
}

/** Problems with a model config, as human-readable lines (empty = valid). */
export function validateModelConfig(m: ModelConfig): string[] {
  const errors: string[] = [];
  const positiveInts: (keyof ModelConfig)[] = ['hiddenSize', 'numHeads', 'layers', 'hCycles', 'lCycles', 'haltMaxSteps', 'vocabSize', 'seqLen', 'numPuzzleIdentifiers'];
  for (const key of positiveInts) {
    const v = m[key] as number;
    if (!Number.isInteger(v) || v < 1) errors.push(`${key} must be an integer ≥ 1 (got ${v})`);
  }
  if (!(m.expansion > 0)) errors.push(`expansion must be > 0 (got ${m.expansion})`);
  if (Number.isInteger(m.hiddenSize) && Number.isInteger(m.numHeads) && m.numHeads > 0 && m.hiddenSize % m.numHeads !== 0)
    errors.push(`numHeads (${m.numHeads}) must divide hiddenSize (${m.hiddenSize})`);
  if (m.posEncodings === 'rope' && !m.mlpT && (m.hiddenSize / m.numHeads) % 2 !== 0) errors.push('rope needs an even head dimension');
  if (!Number.isInteger(m.puzzleEmbLen) || m.puzzleEmbLen < 0) errors.push(`puzzleEmbLen must be an integer ≥ 0 (got ${m.puzzleEmbLen})`);
  if (!Number.isInteger(m.puzzleEmbDim) || m.puzzleEmbDim < 0) errors.push(`puzzleEmbDim must be an integer ≥ 0 (got ${m.puzzleEmbDim})`);
  if (m.puzzleEmbDim > m.puzzleEmbLen * m.hiddenSize) errors.push(`puzzleEmbDim (${m.puzzleEmbDim}) must fit in puzzleEmbLen·hiddenSize (${m.puzzleEmbLen * m.hiddenSize})`);
  if (!(m.haltExplorationProb >= 0 && m.haltExplorationProb <= 1)) errors.push('haltExplorationProb must be in [0, 1]');
  if (!['rope', 'learned', 'none'].includes(m.posEncodings)) errors.push(`posEncodings must be rope, learned or none (got ${m.posEncodings})`);
  if (!['stablemax', 'softmax'].includes(m.loss)) errors.push(`loss must be stablemax or softmax (got ${m.loss})`);
  if (!(m.rmsNormEps > 0)) errors.push('rmsNormEps must be > 0');
  return errors;
}

/** Problems with a training config, as human-readable lines (empty = valid). */
export function validateTrainConfig(t: TrainConfig): string[] {
  const errors: string[] = [];
  if (!Number.isInteger(t.batchSize) || t.batchSize < 1) errors.push(`batchSize must be an integer ≥ 1 (got ${t.batchSize})`);
  if (!(t.lr > 0)) errors.push(`lr must be > 0 (got ${t.lr})`);
  if (!(t.beta1 >= 0 && t.beta1 < 1) || !(t.beta2 >= 0 && t.beta2 < 1)) errors.push('beta1 and beta2 must be in [0, 1)');
  if (!(t.emaDecay >= 0 && t.emaDecay < 1)) errors.push('emaDecay must be in [0, 1)');
  if (!(t.lrMinRatio >= 0 && t.lrMinRatio <= 1)) errors.push('lrMinRatio must be in [0, 1]');
  for (const key of ['warmupSteps', 'maxSteps', 'evalInterval', 'evalExamples', 'checkpointInterval', 'keepCheckpoints', 'seed'] as const) {
    if (!Number.isInteger(t[key]) || t[key] < 0) errors.push(`${key} must be an integer ≥ 0 (got ${t[key]})`);
  }
  return errors;
}
