// The step viewer's engine side (our `VIZ=1`): watch a TRM refine its answer y and latent z on one puzzle.
// `trace` runs all N_sup supervision steps in evaluation mode (EMA weights, exactly the rollout `trm eval` does)
// and records per step what anchors §C.3/C.4 ask for: the decoded answer, per-cell distributions (top-k and
// the full one), σ(q_halt), ‖Δy‖ and ‖Δz‖, per-cell latent norms, a 2-D PCA of y and z, accuracy against the
// target, whether the answer is solved (by the task's rules where it has them, else exact match), and the
// "stuck" / "overthinking" flags, which follow "solved" (a valid answer other than the target is no wrong fixed
// point). With `innerSteps` it re-runs each step's recursion with model.applyNet and decodes every inner update
// of z and y through the output head ("logit lens").
//
// Files: puzzle-input.ts (a puzzle file → model input, encoded as the run's data), trace-codec.ts (compact
// binary form stored in the `traces` table), run-trace.ts (run + checkpoint + puzzle → stored trace), pca.ts.
import * as tf from '@tensorflow/tfjs';
import type { SolvedCheck } from '../puzzles/task-data.ts';
import type { Engine } from '../train/engine.ts';
import { evaluate, readAll, withEmaWeights, type EvalStep } from '../trm/act.ts';
import type { ModelConfig } from '../trm/config.ts';
import { IGNORE_LABEL } from '../trm/loss.ts';
import { sequenceLength, type Carry, type TRM } from '../trm/model.ts';
import type { Ema } from '../trm/optim.ts';
import { fitPca2, projectPca2 } from './pca.ts';

/** One puzzle as the model sees it (a batch of one). */
export interface TraceInput {
  /** [L] input tokens. */
  inputs: Int32Array;
  /** [L] target tokens in the dataset convention (0 = not supervised), when the answer is known. */
  labels?: Int32Array;
  /** Row of the puzzle-embedding table (0 = the blank identifier). */
  puzzleIdentifier: number;
}

export interface TraceOptions {
  /** Also record every inner update of z (n per recursion) and y (1 per recursion). Default false. */
  innerSteps?: boolean;
  /** Most likely tokens kept per cell (default 3). */
  topK?: number;
  /** An unsolved prediction unchanged for this many consecutive steps is flagged "stuck" (default 2). */
  stuckSteps?: number;
  /** The task's rule check (TaskData.isSolved): any answer it accepts is solved, target or not. */
  isSolved?: SolvedCheck;
}

/** A model with the weights evaluation uses: an engine (its EMA), or a model and its EMA (null = raw weights). */
export type TraceSource = Engine | { model: TRM; ema?: Ema | null };

export interface TraceStep {
  /** Supervision step, 1..N_sup. */
  step: number;
  /** [L] argmax of the LM head on y (what `evaluate` predicts at this step). */
  prediction: Int32Array;
  /** [L·V] per-cell distribution: stablemax s(x)/Σs(x) or softmax, matching the run's loss. */
  probabilities: Float32Array;
  /** [L·k] the k most likely tokens per cell, most likely first, and their probabilities. */
  topTokens: Int32Array;
  topProbabilities: Float32Array;
  qHaltLogit: number;
  qContinueLogit: number;
  /** σ(q_halt): the model's belief that its current answer is right; training halts when > 0.5. */
  haltProbability: number;
  /** Frobenius norm of y_s − y_{s−1} and z_s − z_{s−1} over all P + L positions (step 1: from the initial carry). */
  deltaY: number;
  deltaZ: number;
  /** [L] per-cell norm of z_s and of z_s − z_{s−1} (token positions only, aligned with the grid). */
  zNorms: Float32Array;
  zDeltaNorms: Float32Array;
  /** Cells whose prediction differs from the previous step's (step 1: null). */
  changedCells: number | null;
  /** Fraction of supervised cells equal to the target, and whether all are (null without a target). */
  cellAccuracy: number | null;
  exact: boolean | null;
  /** Whether the answer solves the puzzle: by the task's rules when it has them (any valid Sudoku, any shortest
   *  path), else `exact`. Traces stored before it was recorded lack it (see judgeSteps). */
  solved?: boolean | null;
}

/** One inner update inside a supervision step, decoded through the output head. */
export interface InnerUpdate {
  step: number;
  /** Recursion 1..T within the step. */
  recursion: number;
  /** 'z': latent update number `index` (1..n) of the recursion; 'y': the answer update (index 0). */
  kind: 'z' | 'y';
  index: number;
  /** [L] argmax of the LM head applied to this state (for z a lens, not what the model is trained to decode). */
  prediction: Int32Array;
  /** [L] probability of that argmax. */
  confidence: Float32Array;
  /** σ(q_halt) of this state (y updates only). */
  haltProbability: number | null;
  /** Frobenius norm of the change of this variable since its previous value. */
  delta: number;
  /** Coordinates in the trace's PCA plane of this variable. */
  pca: [number, number];
  cellAccuracy: number | null;
}

export interface StepRange {
  fromStep: number;
  toStep: number;
}

export interface TraceFlags {
  /** The longest stretch (≥ stuckSteps steps) with the same unsolved prediction: a wrong fixed point. */
  stuck: StepRange | null;
  /** Solved at some step, unsolved at a later one: running to N_sup made it worse. */
  overthinking: { rightAtStep: number; wrongAtStep: number } | null;
}

/** 2-D PCA of a variable, fitted on the mean-pooled vectors of the initial carry and every step. */
export interface TracePca {
  /** [(N_sup + 1)·2] coordinates of step 0 (initial carry), 1, …, N_sup. */
  points: Float32Array;
  explainedVariance: [number, number];
}

export interface Trace {
  /** The model's shape, so a stored trace can be read without its run. */
  model: Pick<ModelConfig, 'seqLen' | 'vocabSize' | 'puzzleEmbLen' | 'hiddenSize' | 'hCycles' | 'lCycles' | 'haltMaxSteps' | 'loss'>;
  input: { inputs: Int32Array; labels: Int32Array | null; puzzleIdentifier: number };
  topK: number;
  steps: TraceStep[];
  /** In order: step 1 recursion 1 z₁…zₙ y, recursion 2 …; null unless asked for. */
  inner: InnerUpdate[] | null;
  pca: { y: TracePca; z: TracePca };
  flags: TraceFlags;
  /** First step with q_halt > 0 (where training-time halting would stop), or null: it ran to the maximum. */
  trainingHaltStep: number | null;
  elapsedMs: number;
}

/** Runs all supervision steps on one puzzle with the evaluation weights and records everything the viewer shows. */
export async function trace(source: TraceSource, input: TraceInput, options: TraceOptions = {}): Promise<Trace> {
  const started = performance.now();
  const model = source.model;
  const ema = 'stepper' in source ? source.stepper.ema : (source.ema ?? null);
  const config = model.config;
  checkInput(config, input);
  const topK = Math.min(options.topK ?? 3, config.vocabSize);
  const labels = input.labels ?? null;
  const batch = {
    size: 1, seqLen: config.seqLen, inputs: input.inputs, labels: labels ?? new Int32Array(config.seqLen),
    puzzleIdentifiers: Int32Array.of(input.puzzleIdentifier),
  };

  return withEmaWeights(model, ema, async () => {
    const evalSteps = await evaluate(model, batch, { collect: { logits: true, carry: true } });
    const initial = await initialCarryData(model);
    const steps = evalSteps.map((s, i) => describeStep(config, s, i === 0 ? initial : carryOf(evalSteps[i - 1]), evalSteps[i - 1]?.predictions ?? null, labels, topK));

    const S = sequenceLength(config);
    const yMeans = [initial.y, ...evalSteps.map((s) => s.y!)].map((y) => meanPool(y, S, config.hiddenSize));
    const zMeans = [initial.z, ...evalSteps.map((s) => s.z!)].map((z) => meanPool(z, S, config.hiddenSize));
    const yFit = fitPca2(yMeans);
    const zFit = fitPca2(zMeans);
    const pcaOf = (fit: typeof yFit, means: Float64Array[]): TracePca => ({
      points: Float32Array.from(means.flatMap((m) => projectPca2(fit, m))),
      explainedVariance: fit.explainedVariance,
    });

    let inner: InnerUpdate[] | null = null;
    if (options.innerSteps) {
      inner = [];
      const inputs = tf.tensor2d(input.inputs, [1, config.seqLen], 'int32');
      const puzzleRows = model.puzzleRows(Int32Array.of(input.puzzleIdentifier));
      const x = model.inputEmbeddings(inputs, puzzleRows);
      try {
        for (let i = 0; i < evalSteps.length; i++) {
          const start = i === 0 ? initial : carryOf(evalSteps[i - 1]);
          inner.push(...(await innerUpdates(model, x, start, i + 1, labels, { y: (m) => projectPca2(yFit, m), z: (m) => projectPca2(zFit, m) })));
        }
      } finally {
        tf.dispose([inputs, x, puzzleRows ?? []]);
      }
    }

    const judged = judgeSteps(input.inputs, steps, options.isSolved, options.stuckSteps);
    const firstHalt = steps.find((s) => s.qHaltLogit > 0);
    return {
      model: {
        seqLen: config.seqLen, vocabSize: config.vocabSize, puzzleEmbLen: config.puzzleEmbLen, hiddenSize: config.hiddenSize,
        hCycles: config.hCycles, lCycles: config.lCycles, haltMaxSteps: config.haltMaxSteps, loss: config.loss,
      },
      input: { inputs: Int32Array.from(input.inputs), labels: labels ? Int32Array.from(labels) : null, puzzleIdentifier: input.puzzleIdentifier },
      topK,
      steps: judged.steps,
      inner,
      pca: { y: pcaOf(yFit, yMeans), z: pcaOf(zFit, zMeans) },
      flags: judged.flags,
      trainingHaltStep: firstHalt ? firstHalt.step : null,
      elapsedMs: performance.now() - started,
    };
  });
}

function checkInput(config: ModelConfig, input: TraceInput): void {
  const L = config.seqLen;
  if (input.inputs.length !== L) throw new Error(`trace: the puzzle has ${input.inputs.length} tokens, the model expects ${L}`);
  if (input.labels && input.labels.length !== L) throw new Error(`trace: the target has ${input.labels.length} tokens, the model expects ${L}`);
  for (const [name, tokens] of [['input', input.inputs], ['target', input.labels ?? new Int32Array()]] as const) {
    const bad = tokens.findIndex((t) => !(t >= 0 && t < config.vocabSize));
    if (bad >= 0) throw new Error(`trace: ${name} token ${tokens[bad]} at position ${bad} is outside the vocabulary 0..${config.vocabSize - 1}`);
  }
  if (!(Number.isInteger(input.puzzleIdentifier) && input.puzzleIdentifier >= 0 && input.puzzleIdentifier < config.numPuzzleIdentifiers))
    throw new Error(`trace: puzzle identifier ${input.puzzleIdentifier} is outside 0..${config.numPuzzleIdentifiers - 1}`);
}

interface CarryData {
  /** [S·D] batch of one. */
  y: Float32Array;
  z: Float32Array;
}

function carryOf(step: EvalStep): CarryData {
  return { y: step.y!, z: step.z! };
}

async function initialCarryData(model: TRM): Promise<CarryData> {
  const carry = model.initialCarry(1);
  try {
    const [y, z] = await readAll<Float32Array>([carry.y, carry.z]);
    return { y: y!, z: z! };
  } finally {
    tf.dispose([carry.y, carry.z]);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Per supervision step

function describeStep(config: ModelConfig, step: EvalStep, previous: CarryData, previousPrediction: Int32Array | null, labels: Int32Array | null, topK: number): TraceStep {
  const { seqLen: L, vocabSize: V, puzzleEmbLen: P, hiddenSize: D } = config;
  const probabilities = tokenProbabilities(step.logits!, V, config.loss);
  const { tokens: topTokens, probabilities: topProbabilities } = topKPerCell(probabilities, V, topK);
  const prediction = Int32Array.from(step.predictions);
  const zNorms = new Float32Array(L);
  const zDeltaNorms = new Float32Array(L);
  for (let cell = 0; cell < L; cell++) {
    const base = (P + cell) * D;
    zNorms[cell] = Math.sqrt(sumOfSquares(step.z!, base, base + D));
    zDeltaNorms[cell] = Math.sqrt(sumOfSquaredDifferences(step.z!, previous.z, base, base + D));
  }
  const score = labels ? scorePrediction(prediction, labels) : null;
  let changedCells: number | null = null;
  if (previousPrediction) {
    changedCells = 0;
    for (let cell = 0; cell < L; cell++) if (prediction[cell] !== previousPrediction[cell]) changedCells++;
  }
  const qHaltLogit = step.qHalt[0];
  return {
    step: step.step,
    prediction,
    probabilities,
    topTokens,
    topProbabilities,
    qHaltLogit,
    qContinueLogit: step.qContinue[0],
    haltProbability: sigmoid(qHaltLogit),
    deltaY: Math.sqrt(sumOfSquaredDifferences(step.y!, previous.y, 0, previous.y.length)),
    deltaZ: Math.sqrt(sumOfSquaredDifferences(step.z!, previous.z, 0, previous.z.length)),
    zNorms,
    zDeltaNorms,
    changedCells,
    cellAccuracy: score?.cellAccuracy ?? null,
    exact: score?.exact ?? null,
  };
}

/** Per-cell distributions [L·V] from logits [L·V]: stablemax s(x)/Σs(x) (s(x) = x + 1 for x ≥ 0, 1/(1 − x)
 *  below) or softmax, the distribution the run's loss trains. */
export function tokenProbabilities(logits: Float32Array, vocabSize: number, kind: ModelConfig['loss']): Float32Array {
  const out = new Float32Array(logits.length);
  for (let base = 0; base < logits.length; base += vocabSize) {
    let sum = 0;
    if (kind === 'stablemax') {
      for (let v = 0; v < vocabSize; v++) {
        const x = logits[base + v];
        const s = x >= 0 ? x + 1 : 1 / (1 - x);
        out[base + v] = s;
        sum += s;
      }
    } else {
      let max = -Infinity;
      for (let v = 0; v < vocabSize; v++) max = Math.max(max, logits[base + v]);
      for (let v = 0; v < vocabSize; v++) {
        const e = Math.exp(logits[base + v] - max);
        out[base + v] = e;
        sum += e;
      }
    }
    for (let v = 0; v < vocabSize; v++) out[base + v] /= sum;
  }
  return out;
}

/** The k most likely tokens per cell (ties: lower token first) and their probabilities. */
export function topKPerCell(probabilities: Float32Array, vocabSize: number, k: number): { tokens: Int32Array; probabilities: Float32Array } {
  const cells = probabilities.length / vocabSize;
  const tokens = new Int32Array(cells * k);
  const values = new Float32Array(cells * k);
  const order = Array.from({ length: vocabSize }, (_, v) => v);
  for (let cell = 0; cell < cells; cell++) {
    const base = cell * vocabSize;
    order.sort((a, b) => probabilities[base + b] - probabilities[base + a] || a - b);
    for (let j = 0; j < k; j++) {
      tokens[cell * k + j] = order[j];
      values[cell * k + j] = probabilities[base + order[j]];
    }
    order.sort((a, b) => a - b);
  }
  return { tokens, probabilities: values };
}

/** Cell accuracy over supervised cells (labels ≠ 0) and exact match, as the evaluation scores them. */
export function scorePrediction(prediction: ArrayLike<number>, labels: ArrayLike<number>): { cellAccuracy: number; exact: boolean } {
  let supervised = 0;
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === IGNORE_LABEL) continue;
    supervised++;
    if (prediction[i] === labels[i]) correct++;
  }
  return { cellAccuracy: supervised > 0 ? correct / supervised : 1, exact: correct === supervised };
}

/** Each step's `solved` and the flags that follow from it. With the task's rule check, any answer it accepts is
 *  solved; without one, solved means exact match (null without a target, and then there are no flags). Used when
 *  tracing and again when a stored trace is opened, so traces stored before the rule check are judged by it too. */
export function judgeSteps<S extends Pick<TraceStep, 'prediction' | 'exact' | 'solved'>>(inputs: ArrayLike<number>, steps: S[], isSolved?: SolvedCheck | null, stuckSteps = 2): { steps: (S & { solved: boolean | null })[]; flags: TraceFlags } {
  const judged = steps.map((s) => ({ ...s, solved: s.exact === true || (isSolved ? isSolved(inputs, s.prediction) : s.exact) }));
  const solvedAtStep = judged.some((s) => s.solved === null) ? null : judged.map((s) => s.solved as boolean);
  return { steps: judged, flags: detectFlags(judged.map((s) => s.prediction), solvedAtStep, stuckSteps) };
}

/** "stuck": the longest stretch of ≥ `stuckSteps` consecutive steps with the same unsolved prediction (earliest
 *  on ties). "overthinking": the first step that is solved, then the first later step that is not. Both need to
 *  know which steps are solved (`solvedAtStep`); without it there are no flags. */
export function detectFlags(predictions: ArrayLike<number>[], solvedAtStep: boolean[] | null, stuckSteps = 2): TraceFlags {
  const flags: TraceFlags = { stuck: null, overthinking: null };
  if (!solvedAtStep) return flags;
  const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.prototype.every.call(a, (t: number, i: number) => t === b[i]);
  for (let from = 0; from < predictions.length; ) {
    let to = from;
    while (to + 1 < predictions.length && same(predictions[to + 1], predictions[from])) to++;
    const length = to - from + 1;
    if (!solvedAtStep[from] && length >= Math.max(1, stuckSteps) && length > (flags.stuck ? flags.stuck.toStep - flags.stuck.fromStep + 1 : 0))
      flags.stuck = { fromStep: from + 1, toStep: to + 1 };
    from = to + 1;
  }
  const right = solvedAtStep.indexOf(true);
  if (right >= 0) {
    const wrong = solvedAtStep.indexOf(false, right + 1);
    if (wrong >= 0) flags.overthinking = { rightAtStep: right + 1, wrongAtStep: wrong + 1 };
  }
  return flags;
}

// ---------------------------------------------------------------------------------------------------------------
// Inner updates: the recursion of one supervision step, replayed

/** Replays one supervision step's recursion from `carry` with the model's current weights: T times, n updates
 *  z ← net(z, y + x) then y ← net(y, z) (model.ts `latentRecursion`), calling `visit` after each update with the
 *  new state (owned by the replay; do not keep it). Returns the final carry (the caller disposes it); it equals
 *  what `model.forward` returns for the same carry. `x` is model.inputEmbeddings(...) [1, S, D]. */
export function replayRecursion(model: TRM, carry: Carry, x: tf.Tensor3D, visit: (update: { recursion: number; kind: 'z' | 'y'; index: number }, state: tf.Tensor3D, previous: tf.Tensor3D) => void): Carry {
  let { y, z } = { y: carry.y.clone(), z: carry.z.clone() };
  for (let recursion = 1; recursion <= model.config.hCycles; recursion++) {
    for (let index = 1; index <= model.config.lCycles; index++) {
      const injection = tf.add(y, x) as tf.Tensor3D;
      const next = model.applyNet(z, injection);
      injection.dispose();
      visit({ recursion, kind: 'z', index }, next, z);
      z.dispose();
      z = next;
    }
    const next = model.applyNet(y, z);
    visit({ recursion, kind: 'y', index: 0 }, next, y);
    y.dispose();
    y = next;
  }
  return { y, z };
}

async function innerUpdates(model: TRM, x: tf.Tensor3D, start: CarryData, step: number, labels: Int32Array | null, project: { y: (mean: Float64Array) => [number, number]; z: (mean: Float64Array) => [number, number] }): Promise<InnerUpdate[]> {
  const { seqLen: L, vocabSize: V, puzzleEmbLen: P, hiddenSize: D } = model.config;
  const S = sequenceLength(model.config);
  const lmHead = model.trainable.get('inner.lm_head.weight')!; // stored [D, V]
  const qHead = model.trainable.get('inner.q_head.weight')!; // stored [D, 2]
  const qBias = model.trainable.get('inner.q_head.bias')!;
  const carry: Carry = { y: tf.tensor3d(start.y, [1, S, D]), z: tf.tensor3d(start.z, [1, S, D]) };
  const updates: InnerUpdate[] = [];
  // The output head (model.ts `heads`) on every state, read back together after the replay (asynchronously).
  const pending: { update: { recursion: number; kind: 'z' | 'y'; index: number }; heads: tf.Tensor[] }[] = [];
  try {
    const final = replayRecursion(model, carry, x, (update, state, previous) => {
      pending.push({
        update,
        heads: tf.tidy(() => [
          tf.matMul(tf.reshape(tf.slice(state, [0, P, 0], [1, L, D]), [L, D]), lmHead),
          tf.mean(state, 1),
          tf.norm(tf.sub(state, previous)),
          tf.add(tf.matMul(tf.reshape(tf.slice(state, [0, 0, 0], [1, 1, D]), [1, D]), qHead), qBias),
        ]),
      });
    });
    tf.dispose([final.y, final.z]);
    const values = await readAll<Float32Array>(pending.flatMap((p) => p.heads));
    pending.forEach(({ update }, u) => {
      const [logits, mean, delta, q] = values.slice(4 * u, 4 * u + 4) as Float32Array[];
      const probabilities = tokenProbabilities(logits, V, model.config.loss);
      const meanVector = Float64Array.from(mean);
      const deltaValue = delta[0];
      const qHalt = q[0];
      const prediction = new Int32Array(L);
      const confidence = new Float32Array(L);
      for (let cell = 0; cell < L; cell++) {
        let best = 0;
        for (let v = 1; v < V; v++) if (probabilities[cell * V + v] > probabilities[cell * V + best]) best = v;
        prediction[cell] = best;
        confidence[cell] = probabilities[cell * V + best];
      }
      updates.push({
        step, ...update, prediction, confidence,
        haltProbability: update.kind === 'y' ? sigmoid(qHalt) : null,
        delta: deltaValue,
        pca: project[update.kind](meanVector),
        cellAccuracy: labels ? scorePrediction(prediction, labels).cellAccuracy : null,
      });
    });
  } finally {
    tf.dispose([carry.y, carry.z, ...pending.flatMap((p) => p.heads)]);
  }
  return updates;
}

// ---------------------------------------------------------------------------------------------------------------

function meanPool(state: Float32Array, positions: number, width: number): Float64Array {
  const out = new Float64Array(width);
  for (let p = 0; p < positions; p++) for (let d = 0; d < width; d++) out[d] += state[p * width + d] / positions;
  return out;
}

function sumOfSquares(a: Float32Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += a[i] * a[i];
  return sum;
}

function sumOfSquaredDifferences(a: Float32Array, b: Float32Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += (a[i] - b[i]) ** 2;
  return sum;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
