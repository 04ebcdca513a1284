// Scoring an evaluation rollout, task-agnostically: for each held-out example, whether it is exactly right at
// every supervision step, where training-time halting would have stopped (first q_halt > 0), and the spec §2.5
// metrics over the set. Pure JS on the arrays the model returns.
import type { EvalBatch } from '../puzzles/task-data.ts';
import { IGNORE_LABEL } from '../trm/loss.ts';

/** What the model produced at one supervision step for a whole batch. */
export interface StepPredictions {
  /** [B·L] argmax tokens. */
  predictions: Int32Array;
  /** [B] halting logits. */
  qHaltLogits: Float32Array;
}

export interface ExampleResult {
  key: string;
  /** Exact match at supervision step s (index s−1). */
  exactAtStep: boolean[];
  /** Fraction of supervised tokens right at the last step. */
  tokenAccuracy: number;
  /** First step with q_halt > 0 (training-time halting), or N_sup when it never fires. */
  haltStep: number;
  /** Whether the last step's q_halt ≥ 0 agreed with exactness (q_halt_accuracy). */
  haltAgrees: boolean;
  /** [L] input tokens and last-step predictions (kept for task-specific scoring such as ARC voting). */
  inputs: Int32Array;
  finalPrediction: Int32Array;
  finalQHaltLogit: number;
}

export function scoreBatch(batch: EvalBatch, steps: StepPredictions[]): ExampleResult[] {
  const L = batch.seqLen;
  const results: ExampleResult[] = [];
  for (let b = 0; b < batch.realCount; b++) {
    const labels = batch.labels.subarray(b * L, (b + 1) * L);
    const exactAtStep: boolean[] = [];
    let correctTokens = 0;
    let supervised = 0;
    let haltStep = steps.length;
    steps.forEach((step, s) => {
      const prediction = step.predictions.subarray(b * L, (b + 1) * L);
      let exact = true;
      for (let t = 0; t < L; t++) {
        if (labels[t] === IGNORE_LABEL) continue;
        const right = prediction[t] === labels[t];
        if (!right) exact = false;
        if (s === steps.length - 1) {
          supervised++;
          if (right) correctTokens++;
        }
      }
      exactAtStep.push(exact);
      if (haltStep === steps.length && step.qHaltLogits[b] > 0 && s < steps.length - 1) haltStep = s + 1;
    });
    const last = steps[steps.length - 1];
    const finalQHaltLogit = last.qHaltLogits[b];
    results.push({
      key: batch.keys[b],
      exactAtStep,
      tokenAccuracy: supervised > 0 ? correctTokens / supervised : 1,
      haltStep,
      haltAgrees: (finalQHaltLogit >= 0) === exactAtStep[exactAtStep.length - 1],
      inputs: batch.inputs.slice(b * L, (b + 1) * L),
      finalPrediction: last.predictions.slice(b * L, (b + 1) * L),
      finalQHaltLogit,
    });
  }
  return results;
}

/** Metrics of a whole evaluation, named as spec §2.5 plus per-step curves:
 *  `exact_accuracy@s` (if we stopped at step s), `halt_fraction@s` (share halting at s), `exact_accuracy_at_halt`. */
export function summarize(results: ExampleResult[], haltMaxSteps: number): Record<string, number> {
  const n = results.length;
  if (n === 0) return { count: 0 };
  const mean = (f: (r: ExampleResult) => number) => results.reduce((sum, r) => sum + f(r), 0) / n;
  const metrics: Record<string, number> = {
    count: n,
    exact_accuracy: mean((r) => Number(r.exactAtStep[r.exactAtStep.length - 1])),
    accuracy: mean((r) => r.tokenAccuracy),
    q_halt_accuracy: mean((r) => Number(r.haltAgrees)),
    steps: mean((r) => r.haltStep),
    exact_accuracy_at_halt: mean((r) => Number(r.exactAtStep[r.haltStep - 1])),
  };
  for (let s = 1; s <= haltMaxSteps; s++) {
    metrics[`exact_accuracy@${s}`] = mean((r) => Number(r.exactAtStep[s - 1] ?? false));
    metrics[`halt_fraction@${s}`] = mean((r) => Number(r.haltStep === s));
  }
  return metrics;
}
