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
  /** [L] input tokens and last-step predictions, for task-specific scoring such as ARC voting while the batch is
   *  scored (evaluateEngine keeps no row after its batch). */
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
 *  `exact_accuracy@s` (if we stopped at step s), `halt_fraction@s` (share halting at s), `exact_accuracy_at_halt`.
 *  Fed batch by batch as running sums (in row order, so the means are the same floats as summing a list), so an
 *  evaluation of any size holds a few numbers per supervision step, not its rows. */
export class EvaluationSummary {
  private count = 0;
  private exact = 0;
  private tokenAccuracy = 0;
  private haltAgrees = 0;
  private haltSteps = 0;
  private exactAtHalt = 0;
  private readonly exactAtStep: number[];
  private readonly haltAtStep: number[];

  constructor(private readonly haltMaxSteps: number) {
    this.exactAtStep = new Array(haltMaxSteps).fill(0);
    this.haltAtStep = new Array(haltMaxSteps).fill(0);
  }

  add(results: ExampleResult[]): void {
    for (const r of results) {
      this.count++;
      this.exact += Number(r.exactAtStep[r.exactAtStep.length - 1]);
      this.tokenAccuracy += r.tokenAccuracy;
      this.haltAgrees += Number(r.haltAgrees);
      this.haltSteps += r.haltStep;
      this.exactAtHalt += Number(r.exactAtStep[r.haltStep - 1]);
      for (let s = 1; s <= this.haltMaxSteps; s++) {
        this.exactAtStep[s - 1] += Number(r.exactAtStep[s - 1] ?? false);
        this.haltAtStep[s - 1] += Number(r.haltStep === s);
      }
    }
  }

  metrics(): Record<string, number> {
    const n = this.count;
    if (n === 0) return { count: 0 };
    const metrics: Record<string, number> = {
      count: n,
      exact_accuracy: this.exact / n,
      accuracy: this.tokenAccuracy / n,
      q_halt_accuracy: this.haltAgrees / n,
      steps: this.haltSteps / n,
      exact_accuracy_at_halt: this.exactAtHalt / n,
    };
    for (let s = 1; s <= this.haltMaxSteps; s++) {
      metrics[`exact_accuracy@${s}`] = this.exactAtStep[s - 1] / n;
      metrics[`halt_fraction@${s}`] = this.haltAtStep[s - 1] / n;
    }
    return metrics;
  }
}
