// Pure helpers of the step viewer: token sequences → grids through the run's mapping, per-step overlays
// (changed since the previous step, wrong against the target), how a step's answer reads (solved by the rules
// first, the target comparison second), a cell's distribution over steps, and the dataset view's aggregates
// (halting histogram, accuracy if stopped at step t, the step a puzzle became right).
import type { EvaluationPuzzle, TraceDetail, TraceGridInfo, TraceStepDetail } from '../../preload/contract.ts';

/** Cell value for drawing; tokens the run does not draw (PAD) become -1, the "unknown" colour. */
export function cellsOf(tokens: readonly number[], grid: TraceGridInfo): number[][] {
  return Array.from({ length: grid.rows }, (_, r) => Array.from({ length: grid.cols }, (_, c) => grid.tokenCells[tokens[r * grid.cols + c]] ?? -1));
}

/** Cells (flat indices) whose prediction differs from the previous step's; none at step 1. */
export function changedCells(trace: TraceDetail, stepIndex: number): number[] {
  if (stepIndex <= 0) return [];
  const now = trace.steps[stepIndex].prediction;
  const before = trace.steps[stepIndex - 1].prediction;
  return now.flatMap((token, cell) => (token !== before[cell] ? [cell] : []));
}

/** Supervised cells (target ≠ 0) the prediction gets wrong; none without a target. */
export function wrongCells(trace: TraceDetail, prediction: readonly number[]): number[] {
  const target = trace.target;
  if (!target) return [];
  return prediction.flatMap((token, cell) => (target[cell] !== 0 && token !== target[cell] ? [cell] : []));
}

/** A step's answer in words: "exact ✓" when it is the target; "solved (by the rules) ✓ · differs from the target in
 *  N cells" when it is another valid answer (a Sudoku with several solutions, another shortest path); else "not
 *  solved · N wrong vs target". `differing` = wrongCells(…).length, null without a target. */
export function answerOutcome(step: TraceStepDetail, differing: number | null): string {
  const solved = step.solved ?? step.exact;
  if (step.exact === true || (solved && differing === 0)) return 'exact ✓';
  const cells = (n: number) => `${n} cell${n === 1 ? '' : 's'}`;
  if (solved) return `solved (by the rules) ✓${differing === null ? '' : ` · differs from the target in ${cells(differing)}`}`;
  if (differing === null) return solved === false ? 'not solved' : '';
  return `not solved · ${differing} wrong vs target · ${((step.cellAccuracy ?? 0) * 100).toFixed(0)}% cells`;
}

/** Probability of each token at one cell, per step: rows = steps, columns = tokens. */
export function cellDistribution(trace: TraceDetail, cell: number): number[][] {
  const V = trace.model.vocabSize;
  return trace.probabilities.map((p) => p.slice(cell * V, (cell + 1) * V));
}

/** Tokens worth showing in a cell's distribution: those the run draws, and any that ever reach 1%. */
export function shownTokens(trace: TraceDetail, distribution: number[][]): number[] {
  return trace.grid.tokenCells.flatMap((value, token) => (value !== null || distribution.some((row) => row[token] >= 0.01) ? [token] : []));
}

/** Where training-time halting stops, and whether the evaluation ran to N_sup past it. */
export function haltingSummary(trace: TraceDetail): string {
  const max = trace.steps.length;
  if (trace.trainingHaltStep === null) return `σ(q_halt) never passed 0.5: ran to the maximum (${max} steps)`;
  return `would halt at step ${trace.trainingHaltStep} of ${max}` + (trace.trainingHaltStep < max ? `; evaluation ran on to the maximum (${max})` : '');
}

// ---------------------------------------------------------------------------------------------------------------
// Dataset view

export interface DatasetPuzzle extends EvaluationPuzzle {
  /** 1/0 per step: solved (by the task's rules where it has them), when the evaluation recorded it. Evaluations
   *  before rule-based scoring recorded only the target match (exactAtStep), which is read instead. */
  solvedAtStep: number[] | null;
  /** First step from which the answer stays right to the end ("critical step"); null if never. */
  becameRightAt: number | null;
  /** Right at some step but wrong at the last one. */
  lostAnswer: boolean;
}

export function datasetPuzzles(puzzles: readonly EvaluationPuzzle[]): DatasetPuzzle[] {
  return puzzles.map((puzzle) => {
    const raw = puzzle.detail?.solvedAtStep ?? puzzle.detail?.exactAtStep;
    const solvedAtStep = Array.isArray(raw) ? raw.map(Number) : null;
    let becameRightAt: number | null = null;
    if (solvedAtStep) {
      for (let s = solvedAtStep.length; s >= 1 && solvedAtStep[s - 1] === 1; s--) becameRightAt = s;
    }
    const lostAnswer = solvedAtStep ? solvedAtStep.includes(1) && solvedAtStep[solvedAtStep.length - 1] !== 1 : false;
    return { ...puzzle, solvedAtStep, becameRightAt, lostAnswer };
  });
}

/** Puzzles by the step they became right (earliest first), never-right last, then by key. */
export function sortByCriticalStep(puzzles: DatasetPuzzle[]): DatasetPuzzle[] {
  const rank = (p: DatasetPuzzle) => p.becameRightAt ?? Infinity;
  return [...puzzles].sort((a, b) => rank(a) - rank(b) || a.puzzleKey.localeCompare(b.puzzleKey, undefined, { numeric: true }));
}

/** Count of puzzles halting at each step 1..maxSteps (index 0 = step 1). */
export function haltHistogram(puzzles: readonly DatasetPuzzle[], maxSteps: number): number[] {
  const counts = new Array<number>(maxSteps).fill(0);
  for (const p of puzzles) if (p.haltStep !== null && p.haltStep >= 1 && p.haltStep <= maxSteps) counts[p.haltStep - 1]++;
  return counts;
}

/** Share solved if every puzzle were stopped at step t (index 0 = step 1); null without per-step detail. */
export function accuracyIfStoppedAt(puzzles: readonly DatasetPuzzle[], maxSteps: number): (number | null)[] {
  const withDetail = puzzles.filter((p) => p.solvedAtStep);
  if (withDetail.length === 0) return new Array(maxSteps).fill(null);
  return Array.from({ length: maxSteps }, (_, s) => withDetail.reduce((sum, p) => sum + (p.solvedAtStep![s] ?? 0), 0) / withDetail.length);
}
