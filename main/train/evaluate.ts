// Evaluation of a run's model on its held-out split: every example runs all N_sup supervision steps with the
// EMA weights; scoring is task-agnostic (with the task's rule check, TaskData.isSolved, when it has one), plus the task's own scoring when it has one (ARC voting). Batch by batch:
// each batch's rows are scored, folded into running metrics and the task's scorer, then dropped, so memory is
// bounded by what the scoring keeps (a per-puzzle row per example, or per ARC candidate), not by rows × seq_len.
import type { PuzzleScore, TaskData } from '../puzzles/task-data.ts';
import type { Engine } from './engine.ts';
import { EvaluationSummary, scoreBatch, type ExampleResult } from './scoring.ts';

export interface Evaluation {
  metrics: Record<string, number>;
  perPuzzle: PuzzleScore[];
  /** Task-specific files to save with the evaluation (file name → JSON). */
  files: Record<string, unknown>;
}

export interface EvaluationOptions {
  /** The first N held-out examples; 0 or absent: all. */
  limit?: number;
  batchSize: number;
  /** Sees each batch's full per-row results (inputs, last-step predictions) once; keep only the rows you need. */
  onResults?: (results: ExampleResult[]) => void;
}

export async function evaluateEngine(engine: Engine, data: TaskData, options: EvaluationOptions): Promise<Evaluation> {
  const summary = new EvaluationSummary(engine.model.config.haltMaxSteps);
  const scorer = data.createScorer?.();
  const perExample: PuzzleScore[] = [];
  for (const batch of data.testBatches(options.batchSize, options.limit || undefined)) {
    const steps = (await engine.rollout(batch)).map((s) => ({ predictions: s.predictions, qHaltLogits: s.qHalt }));
    const results = scoreBatch(batch, steps, data.isSolved);
    summary.add(results);
    if (scorer) scorer.add(results);
    // `correct` and the dataset view's per-step dots are solved-by-the-rules; the target comparison stays beside them.
    else for (const r of results) perExample.push({ puzzleKey: r.key, correct: r.solvedAtStep[r.solvedAtStep.length - 1], haltStep: r.haltStep, detail: { solvedAtStep: r.solvedAtStep.map(Number), exactAtStep: r.exactAtStep.map(Number), tokenAccuracy: r.tokenAccuracy } });
    options.onResults?.(results);
  }
  const metrics = summary.metrics();
  if (!scorer) return { metrics, perPuzzle: perExample, files: {} };
  const scored = scorer.finish();
  return { metrics: { ...metrics, ...scored.metrics }, perPuzzle: scored.perPuzzle, files: scored.files };
}
