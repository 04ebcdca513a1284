// Evaluation of a run's model on its held-out split: every example runs all N_sup supervision steps with the
// EMA weights; scoring is task-agnostic, plus the task's own scoring when it has one (ARC voting).
import type { TaskData } from '../puzzles/task-data.ts';
import type { Engine } from './engine.ts';
import { scoreBatch, summarize, type ExampleResult } from './scoring.ts';

export interface Evaluation {
  metrics: Record<string, number>;
  perPuzzle: { puzzleKey: string; correct: boolean; haltStep: number; detail?: object }[];
  results: ExampleResult[];
  /** Task-specific files to save with the evaluation (file name → JSON). */
  files: Record<string, unknown>;
}

export function evaluateEngine(engine: Engine, data: TaskData, options: { limit?: number; batchSize: number }): Evaluation {
  const results: ExampleResult[] = [];
  for (const batch of data.testBatches(options.batchSize, options.limit || undefined)) {
    const steps = engine.rollout(batch).map((s) => ({ predictions: s.predictions, qHaltLogits: s.qHalt }));
    results.push(...scoreBatch(batch, steps));
  }
  const metrics = summarize(results, engine.model.config.haltMaxSteps);
  let perPuzzle: Evaluation['perPuzzle'] = results.map((r) => ({ puzzleKey: r.key, correct: r.exactAtStep[r.exactAtStep.length - 1], haltStep: r.haltStep, detail: { exactAtStep: r.exactAtStep.map(Number), tokenAccuracy: r.tokenAccuracy } }));
  let files: Record<string, unknown> = {};
  if (data.scoreEvaluation) {
    const extra = data.scoreEvaluation(results);
    Object.assign(metrics, extra.metrics);
    if (extra.perPuzzle) perPuzzle = extra.perPuzzle;
    files = extra.files ?? {};
  }
  return { metrics, perPuzzle, results, files };
}
