// Scoring an evaluation rollout, task-agnostically: for each held-out example, whether it is solved at every
// supervision step (by the task's rules when it has a check, TaskData.isSolved; else exact match with the
// target) and whether it matches the target, where training-time halting would have stopped (first q_halt > 0),
// and the spec §2.5 metrics over the set. Pure JS on the arrays the model returns.
import type { EvalBatch, SolvedCheck } from '../puzzles/task-data.ts';
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
  /** Exact match with the target at supervision step s (index s−1). */
  exactAtStep: boolean[];
  /** Solved at step s: by the task's rules (any valid Sudoku, any shortest path), else the same as exactAtStep. */
  solvedAtStep: boolean[];
  /** Fraction of supervised tokens right at the last step. */
  tokenAccuracy: number;
  /** First step with q_halt > 0 (training-time halting), or N_sup when it never fires. */
  haltStep: number;
  /** Whether the last step's q_halt ≥ 0 agreed with exact match (q_halt_accuracy: what the halting head is
   *  trained to predict). */
  haltAgrees: boolean;
  /** [L] input tokens and last-step predictions, for task-specific scoring such as ARC voting while the batch is
   *  scored (evaluateEngine keeps no row after its batch). */
  inputs: Int32Array;
  finalPrediction: Int32Array;
  finalQHaltLogit: number;
}

/** `isSolved` is the task's rule check; it only runs on answers that differ from the target (the target is solved). */
export function scoreBatch(batch: EvalBatch, steps: StepPredictions[], isSolved?: SolvedCheck): ExampleResult[] {
  const L = batch.seqLen;
  const results: ExampleResult[] = [];
  for (let b = 0; b < batch.realCount; b++) {
    const labels = batch.labels.subarray(b * L, (b + 1) * L);
    const inputs = batch.inputs.subarray(b * L, (b + 1) * L);
    const exactAtStep: boolean[] = [];
    const solvedAtStep: boolean[] = [];
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
      solvedAtStep.push(exact || (isSolved?.(inputs, prediction) ?? false));
      if (haltStep === steps.length && step.qHaltLogits[b] > 0 && s < steps.length - 1) haltStep = s + 1;
    });
    const last = steps[steps.length - 1];
    const finalQHaltLogit = last.qHaltLogits[b];
    results.push({
      key: batch.keys[b],
      exactAtStep,
      solvedAtStep,
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
 *  The exact_accuracy family counts solved answers (by the task's rules where it has them: any valid Sudoku, any
 *  shortest maze path), so the headline, best checkpoint, charts and compare all read the rule-based number;
 *  `target_match_accuracy` keeps the share that equals the target cell for cell (the same number for tasks
 *  without rules, ARC). q_halt_accuracy stays against the target, which the halting head is trained on.
 *  Fed batch by batch as running sums (in row order, so the means are the same floats as summing a list), so an
 *  evaluation of any size holds a few numbers per supervision step, not its rows. */
export class EvaluationSummary {
  private count = 0;
  private solved = 0;
  private targetMatch = 0;
  private tokenAccuracy = 0;
  private haltAgrees = 0;
  private haltSteps = 0;
  private solvedAtHalt = 0;
  private readonly solvedAtStep: number[];
  private readonly haltAtStep: number[];

  constructor(private readonly haltMaxSteps: number) {
    this.solvedAtStep = new Array(haltMaxSteps).fill(0);
    this.haltAtStep = new Array(haltMaxSteps).fill(0);
  }

  add(results: ExampleResult[]): void {
    for (const r of results) {
      this.count++;
      this.solved += Number(r.solvedAtStep[r.solvedAtStep.length - 1]);
      this.targetMatch += Number(r.exactAtStep[r.exactAtStep.length - 1]);
      this.tokenAccuracy += r.tokenAccuracy;
      this.haltAgrees += Number(r.haltAgrees);
      this.haltSteps += r.haltStep;
      this.solvedAtHalt += Number(r.solvedAtStep[r.haltStep - 1]);
      for (let s = 1; s <= this.haltMaxSteps; s++) {
        this.solvedAtStep[s - 1] += Number(r.solvedAtStep[s - 1] ?? false);
        this.haltAtStep[s - 1] += Number(r.haltStep === s);
      }
    }
  }

  metrics(): Record<string, number> {
    const n = this.count;
    if (n === 0) return { count: 0 };
    const metrics: Record<string, number> = {
      count: n,
      exact_accuracy: this.solved / n,
      target_match_accuracy: this.targetMatch / n,
      accuracy: this.tokenAccuracy / n,
      q_halt_accuracy: this.haltAgrees / n,
      steps: this.haltSteps / n,
      exact_accuracy_at_halt: this.solvedAtHalt / n,
    };
    for (let s = 1; s <= this.haltMaxSteps; s++) {
      metrics[`exact_accuracy@${s}`] = this.solvedAtStep[s - 1] / n;
      metrics[`halt_fraction@${s}`] = this.haltAtStep[s - 1] / n;
    }
    return metrics;
  }
}
