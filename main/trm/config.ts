// The one place where every configuration field of a TRM run is defined, with its default and why.
// Paper names (x, y, z, n, T, N_sup) appear here once, next to the code names used everywhere else.
// Spec: ../shared/trm-spec.md §1.1 (model), §4 (optimisation), §9 (CPU-scale recipe).
import { ExpectedError } from '../common/errors.ts';

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
  /** Position information: rotary (attention only), a learned table, or none (mlp_t mixes by position anyway).
   *  'learned2d' (not in the official code) learns a row table and a column table of a square canvas (seqLen = side²)
   *  and adds them, so a rule that maps row to column (a transpose, a rotation) is a few shared vectors, not one
   *  route per cell; the puzzle prefix keeps a table of its own. */
  posEncodings: 'rope' | 'learned' | 'learned2d' | 'none';
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
  /** Threads that share each optimizer step (data parallel, main/trm/data-parallel.ts): each computes the
   *  gradient of its share of the B slots on its own core; the sum is the batch gradient, so only the order of
   *  float additions changes. 1 = one thread (the official code on one GPU); 0 = auto: one per core (up to 4,
   *  at least 8 slots each) on the single-threaded WASM and cpu backends, 1 on the native backend. Absent in
   *  runs created before it existed, which train on one thread. */
  threads: number;
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
  threads: 1,
};

/** Intermediate width of a SwiGLU acting on vectors of width `width` (spec §1.5). */
export function swigluIntermediate(width: number, expansion: number, roundTo256: boolean): number {
  const inter = Math.round((expansion * width * 2) / 3);
  return roundTo256 ? Math.ceil(inter / 256) * 256 : inter;
}

/** Config overrides are dotted paths (`model.hiddenSize=64`, `train.maxSteps=500`, `data.minBlanks=10`). */
export type ConfigSection = 'model' | 'train' | 'data';

export interface ConfigFieldDescription {
  path: string;
  section: ConfigSection;
  type: 'number' | 'integer' | 'boolean' | 'string' | 'enum' | 'string[]';
  options?: string[];
  description: string;
}

/** One-line explanations for the CLI's `--set` help and the app's new-run form. The doc comments on the
 *  interfaces above are the long form; these are their one-line summaries. */
const FIELD_DESCRIPTIONS: Record<string, Omit<ConfigFieldDescription, 'path' | 'section'>> = {
  'model.hiddenSize': { type: 'integer', description: 'D: width of every token vector' },
  'model.numHeads': { type: 'integer', description: 'attention heads (must divide hiddenSize)' },
  'model.expansion': { type: 'number', description: 'SwiGLU expansion factor' },
  'model.roundSwiGLUTo256': { type: 'boolean', description: 'round SwiGLU width up to a multiple of 256 (official; off for small models)' },
  'model.layers': { type: 'integer', description: 'blocks in the single shared network' },
  'model.hCycles': { type: 'integer', description: 'T: recursions per supervision step (T-1 without gradient)' },
  'model.lCycles': { type: 'integer', description: 'n: latent updates of z per recursion' },
  'model.haltMaxSteps': { type: 'integer', description: 'N_sup: maximum supervision steps per sample' },
  'model.haltExplorationProb': { type: 'number', description: 'chance a sample is forced to stay 2..N_sup steps' },
  'model.puzzleEmbLen': { type: 'integer', description: 'P: puzzle-embedding prefix slots (0 = none)' },
  'model.puzzleEmbDim': { type: 'integer', description: 'width of the learned puzzle vector (0 disables it)' },
  'model.posEncodings': { type: 'enum', options: ['rope', 'learned', 'learned2d', 'none'], description: 'position information (learned2d: row + column tables of a square canvas)' },
  'model.ropeTheta': { type: 'number', description: 'RoPE base frequency' },
  'model.rmsNormEps': { type: 'number', description: 'RMSNorm epsilon' },
  'model.mlpT': { type: 'boolean', description: 'token-mixing MLP instead of self-attention (TRM-MLP)' },
  'model.vocabSize': { type: 'integer', description: 'token vocabulary (set by the dataset)' },
  'model.seqLen': { type: 'integer', description: 'L: tokens per example (set by the dataset)' },
  'model.numPuzzleIdentifiers': { type: 'integer', description: 'puzzle-embedding rows (set by the dataset)' },
  'model.loss': { type: 'enum', options: ['stablemax', 'softmax'], description: 'token cross-entropy kind' },
  'train.batchSize': { type: 'integer', description: 'global batch = number of ACT slots' },
  'train.lr': { type: 'number', description: 'AdamATan2 learning rate' },
  'train.warmupSteps': { type: 'integer', description: 'linear warm-up steps' },
  'train.lrMinRatio': { type: 'number', description: '1 = constant after warm-up; <1 = cosine decay to lr·ratio' },
  'train.beta1': { type: 'number', description: 'AdamATan2 beta1' },
  'train.beta2': { type: 'number', description: 'AdamATan2 beta2' },
  'train.weightDecay': { type: 'number', description: 'decoupled weight decay (scaled by lr)' },
  'train.puzzleEmbLr': { type: 'number', description: 'sign-SGD learning rate of puzzle embeddings' },
  'train.puzzleEmbWeightDecay': { type: 'number', description: 'weight decay of puzzle embeddings' },
  'train.emaDecay': { type: 'number', description: 'EMA of weights used for eval and checkpoints (0 = off)' },
  'train.maxSteps': { type: 'integer', description: 'optimizer steps to run' },
  'train.evalInterval': { type: 'integer', description: 'evaluate every N steps (0 = only at the end)' },
  'train.evalExamples': { type: 'integer', description: 'held-out examples per evaluation (0 = all)' },
  'train.checkpointInterval': { type: 'integer', description: 'checkpoint every N steps' },
  'train.keepCheckpoints': { type: 'integer', description: 'checkpoints kept besides best and latest' },
  'train.seed': { type: 'integer', description: 'seed for weights, data and exploration' },
  'train.threads': { type: 'integer', description: 'threads sharing each step (data parallel; 0 = one per core on WASM/cpu, 1 = off)' },
  'data.boxRows': { type: 'integer', description: 'Sudoku box height (2 → 4×4 or 6×6, 3 → 9×9)' },
  'data.boxCols': { type: 'integer', description: 'Sudoku box width' },
  'data.minBlanks': { type: 'integer', description: 'fewest empty cells per generated Sudoku' },
  'data.maxBlanks': { type: 'integer', description: 'most empty cells per generated Sudoku' },
  'data.source': { type: 'string', description: "'generate' or 'collection:NAME' (../shared/data/sudoku)" },
  'data.testExamples': { type: 'integer', description: 'held-out puzzles' },
  'data.augment': { type: 'boolean', description: 'random symmetry augmentation of training examples' },
  'data.size': { type: 'integer', description: 'maze side length in cells' },
  'data.minPathLength': { type: 'integer', description: 'shortest path at least this long ("hard")' },
  'data.subsets': { type: 'string[]', description: 'ARC subsets trained on (training, evaluation, concept, training2, evaluation2)' },
  'data.testSet': { type: 'string', description: 'ARC subset whose test pairs are held out' },
  'data.tasks': { type: 'string', description: 'folder or comma-separated ARC task files (custom set)' },
  'data.augmentations': { type: 'integer', description: 'augmented versions per ARC task' },
  'data.canvas': { type: 'integer', description: 'ARC canvas side (30 official; 0 = smallest that fits); a fixed side leaves out training-only tasks that do not fit' },
  'data.translate': { type: 'boolean', description: 'random translation of ARC training grids' },
  'data.dir': { type: 'string', description: 'folder in the official TRM .npy layout' },
};

/** The fields of a config with their current values' descriptions (data fields depend on the data kind). */
export function describeConfigFields(config: RunConfig): ConfigFieldDescription[] {
  const fields: ConfigFieldDescription[] = [];
  for (const section of ['model', 'train', 'data'] as const) {
    for (const key of Object.keys(config[section])) {
      if (section === 'data' && key === 'kind') continue;
      const path = `${section}.${key}`;
      const known = FIELD_DESCRIPTIONS[path];
      if (known) fields.push({ path, section, ...known });
    }
  }
  return fields;
}

/** Upper bounds of the model's sizes: each far above the paper's configs (D 512, 2 layers, T 3, n 6, N_sup 16,
 *  30×30 grids, ~900k ARC identifiers), low enough that a typo (`hiddenSize=1e9`) is refused with the limit named
 *  instead of allocating until the process dies. */
export const MODEL_LIMITS = {
  hiddenSize: 4096, numHeads: 128, expansion: 16, layers: 64, hCycles: 64, lCycles: 64, haltMaxSteps: 1024,
  puzzleEmbLen: 64, vocabSize: 65_536, seqLen: 8192, numPuzzleIdentifiers: 10_000_000,
} as const;

/** Most parameters a run may have (weights plus the puzzle-embedding table): 8 GB of float32, before optimizer state. */
export const MAX_PARAMETERS = 2e9;

/** A quick upper estimate of the parameter count, for the limit above (model.ts counts them exactly). */
function approximateParameterCount(m: ModelConfig): number {
  const d = m.hiddenSize;
  const perLayer = 4 * d * d + 3 * d * Math.ceil((m.expansion * d * 2) / 3);
  return m.layers * perLayer + 2 * m.vocabSize * d + m.numPuzzleIdentifiers * m.puzzleEmbDim;
}

/** The same for training: batch (the paper uses 768), steps and the evaluation and checkpoint counts. */
export const TRAIN_LIMITS = {
  batchSize: 65_536, maxSteps: 100_000_000, warmupSteps: 100_000_000, evalInterval: 100_000_000, evalExamples: 10_000_000,
  checkpointInterval: 100_000_000, keepCheckpoints: 10_000, seed: 2 ** 32 - 1,
} as const;

/** Problems with a model config, as human-readable lines (empty = valid). */
export function validateModelConfig(m: ModelConfig): string[] {
  const errors: string[] = [];
  const positiveInts: (keyof ModelConfig)[] = ['hiddenSize', 'numHeads', 'layers', 'hCycles', 'lCycles', 'haltMaxSteps', 'vocabSize', 'seqLen', 'numPuzzleIdentifiers'];
  for (const key of positiveInts) {
    const v = m[key] as number;
    if (!Number.isInteger(v) || v < 1) errors.push(`${key} must be an integer ≥ 1 (got ${v})`);
  }
  for (const [key, max] of Object.entries(MODEL_LIMITS) as [keyof typeof MODEL_LIMITS, number][]) {
    const v = m[key] as number;
    if (v > max) errors.push(`${key} must be at most ${max.toLocaleString('en-US')} (got ${v.toLocaleString('en-US')})`);
  }
  if (!(m.expansion > 0)) errors.push(`expansion must be > 0 (got ${m.expansion})`);
  const weights = approximateParameterCount(m);
  if (errors.length === 0 && weights > MAX_PARAMETERS) {
    errors.push(`hiddenSize: this model would have about ${(weights / 1e9).toFixed(1)} billion parameters; the limit is ${MAX_PARAMETERS / 1e9} billion (hiddenSize, layers, expansion and numPuzzleIdentifiers·puzzleEmbDim decide it)`);
  }
  if (Number.isInteger(m.hiddenSize) && Number.isInteger(m.numHeads) && m.numHeads > 0 && m.hiddenSize % m.numHeads !== 0)
    errors.push(`numHeads (${m.numHeads}) must divide hiddenSize (${m.hiddenSize})`);
  if (m.posEncodings === 'rope' && !m.mlpT && (m.hiddenSize / m.numHeads) % 2 !== 0) errors.push('rope needs an even head dimension');
  if (!Number.isInteger(m.puzzleEmbLen) || m.puzzleEmbLen < 0) errors.push(`puzzleEmbLen must be an integer ≥ 0 (got ${m.puzzleEmbLen})`);
  if (!Number.isInteger(m.puzzleEmbDim) || m.puzzleEmbDim < 0) errors.push(`puzzleEmbDim must be an integer ≥ 0 (got ${m.puzzleEmbDim})`);
  if (m.puzzleEmbDim > m.puzzleEmbLen * m.hiddenSize) errors.push(`puzzleEmbDim (${m.puzzleEmbDim}) must fit in puzzleEmbLen·hiddenSize (${m.puzzleEmbLen * m.hiddenSize})`);
  if (!(m.haltExplorationProb >= 0 && m.haltExplorationProb <= 1)) errors.push('haltExplorationProb must be in [0, 1]');
  if (!['rope', 'learned', 'learned2d', 'none'].includes(m.posEncodings)) errors.push(`posEncodings must be rope, learned, learned2d or none (got ${m.posEncodings})`);
  if (m.posEncodings === 'learned2d' && Number.isInteger(m.seqLen) && !Number.isInteger(Math.sqrt(m.seqLen)))
    errors.push(`learned2d needs a square canvas: seqLen must be side² (got ${m.seqLen})`);
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
  for (const [key, max] of Object.entries(TRAIN_LIMITS) as [keyof typeof TRAIN_LIMITS, number][]) {
    if (t[key] > max) errors.push(`${key} must be at most ${max.toLocaleString('en-US')} (got ${t[key].toLocaleString('en-US')})`);
  }
  if (t.threads !== undefined && !(Number.isInteger(t.threads) && t.threads >= 0 && t.threads <= 64 && t.threads <= t.batchSize)) {
    errors.push(`threads must be an integer in 0..min(64, batchSize) (got ${t.threads})`);
  }
  return errors;
}

/** A bad config, with one message per offending field path (`model.hiddenSize` → "must be …"). */
export class ConfigError extends ExpectedError {
  constructor(fieldErrors: Record<string, string>) {
    super(Object.entries(fieldErrors).map(([path, message]) => `${path}: ${message}`).join('; '), { code: 'config', fieldErrors });
    this.name = 'ConfigError';
  }
}

/** Applies `path=value` overrides (strings, as typed on the command line or in a form) to a copy of `config`.
 *  Throws ConfigError naming every unknown path or unparsable value, listing the valid paths. */
export function applyOverrides(config: RunConfig, overrides: Record<string, string>): RunConfig {
  const result = structuredClone(config);
  const fields = new Map(describeConfigFields(result).map((f) => [f.path, f]));
  const errors: Record<string, string> = {};
  for (const [path, raw] of Object.entries(overrides)) {
    const field = fields.get(path) ?? fields.get(`model.${path}`) ?? fields.get(`train.${path}`) ?? fields.get(`data.${path}`);
    if (!field) {
      errors[path] = `unknown config key; valid keys: ${[...fields.keys()].join(', ')}`;
      continue;
    }
    const parsed = parseFieldValue(field, raw.trim());
    if (parsed instanceof ParseFailure) {
      errors[field.path] = parsed.message;
      continue;
    }
    const [section, key] = field.path.split('.') as [ConfigSection, string];
    (result[section] as unknown as Record<string, unknown>)[key] = parsed;
  }
  if (Object.keys(errors).length > 0) throw new ConfigError(errors);
  return result;
}

class ParseFailure {
  constructor(readonly message: string) {}
}

function parseFieldValue(field: ConfigFieldDescription, raw: string): unknown {
  switch (field.type) {
    case 'integer': {
      const v = Number(raw);
      return raw !== '' && Number.isInteger(v) ? v : new ParseFailure(`must be an integer (got '${raw}')`);
    }
    case 'number': {
      const v = Number(raw);
      return raw !== '' && Number.isFinite(v) ? v : new ParseFailure(`must be a number (got '${raw}')`);
    }
    case 'boolean':
      if (['true', '1', 'yes', 'on'].includes(raw.toLowerCase())) return true;
      if (['false', '0', 'no', 'off'].includes(raw.toLowerCase())) return false;
      return new ParseFailure(`must be true or false (got '${raw}')`);
    case 'enum':
      return field.options?.includes(raw) ? raw : new ParseFailure(`must be one of ${field.options?.join(', ')} (got '${raw}')`);
    case 'string[]':
      return raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    case 'string':
      return raw;
  }
}

/** Every problem with a full run config, keyed by field path (empty = valid). */
export function validateRunConfig(config: RunConfig): Record<string, string> {
  const errors: Record<string, string> = {};
  const collect = (section: ConfigSection, lines: string[]) => {
    for (const line of lines) {
      const key = /^(\w+)/.exec(line)?.[1] ?? '';
      const path = `${section}.${key}`;
      errors[path] = errors[path] ? `${errors[path]}; ${line}` : line;
    }
  };
  collect('model', validateModelConfig(config.model));
  collect('train', validateTrainConfig(config.train));
  const d = config.data;
  if (d.kind === 'sudoku') {
    const cells = (d.boxRows * d.boxCols) ** 2;
    if (!(d.boxRows >= 1 && d.boxCols >= 1 && d.boxRows * d.boxCols <= 9)) errors['data.boxRows'] = 'boxes must give a side of at most 9';
    if (!(d.minBlanks >= 0 && d.minBlanks <= d.maxBlanks && d.maxBlanks <= cells)) errors['data.minBlanks'] = `need 0 ≤ minBlanks ≤ maxBlanks ≤ ${cells}`;
  } else if (d.kind === 'maze') {
    if (!(Number.isInteger(d.size) && d.size >= 5 && d.size <= 30)) errors['data.size'] = 'maze size must be an integer in 5..30';
  } else if (d.kind === 'arc') {
    if (!(Number.isInteger(d.augmentations) && d.augmentations >= 0)) errors['data.augmentations'] = 'must be an integer ≥ 0';
    if (!(d.canvas === 0 || (Number.isInteger(d.canvas) && d.canvas >= 2 && d.canvas <= 30))) errors['data.canvas'] = 'canvas must be 0 (fit) or 2..30';
  }
  return errors;
}
