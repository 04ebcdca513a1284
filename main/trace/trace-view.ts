// A stored trace → what the step viewer draws (TraceDetail in preload/contract.ts): plain JSON arrays, the run's
// token → cell mapping and glyphs, full distributions rounded to 1e-4. Decoded once per request; the renderer
// then scrubs without asking again.
import type { TraceDetail, TraceGridInfo, TraceInfo } from '../../preload/contract.ts';
import type { SolvedCheck, TaskData } from '../puzzles/task-data.ts';
import { judgeSteps, type Trace } from './trace.ts';

const SUDOKU_GLYPHS = ['', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
// Maze cell values index "# SGo" (maze-task.ts); walls, floor and path read by colour, S and G by letter.
const MAZE_GLYPHS = ['', '', 'S', 'G', ''];

/** How the run draws token sequences, stored in the trace's summary so reopening a trace needs no TaskData. */
export function traceGridOf(data: TaskData): TraceGridInfo {
  const tokenCells = Array.from({ length: data.vocabSize }, (_, token) => data.grid.cellOfToken(token));
  const kind = data.kind === 'official' ? officialKind(data) : data.kind;
  return { kind, rows: data.grid.rows, cols: data.grid.cols, tokenCells, glyphs: kind === 'sudoku' ? SUDOKU_GLYPHS : kind === 'maze' ? MAZE_GLYPHS : null };
}

function officialKind(data: TaskData): string {
  // The official layouts' vocabularies: maze 6, ARC 12, Sudoku side + 2.
  return data.vocabSize === 6 ? 'maze' : data.vocabSize === 12 ? 'arc' : 'sudoku';
}

/** The puzzle's warnings stored in a trace's summary; traces stored before they were kept have none. */
export function traceWarnings(summary: Record<string, unknown>): string[] {
  return Array.isArray(summary.warnings) ? summary.warnings.filter((w): w is string => typeof w === 'string') : [];
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;
const rounded = (values: ArrayLike<number>) => Array.from(values, round4);

/** `isSolved` is the run's rule check (solvedCheck of its data config): each step is judged by it again here, so a
 *  trace stored before traces recorded "solved" reads the same as a new one. */
export function traceDetail(info: TraceInfo, run: TraceDetail['run'], grid: TraceGridInfo, trace: Trace, isSolved?: SolvedCheck | null): TraceDetail {
  const judged = judgeSteps(trace.input.inputs, trace.steps, isSolved);
  const V = trace.model.vocabSize;
  const L = trace.model.seqLen;
  const confidenceOf = (probabilities: Float32Array, prediction: Int32Array) =>
    Array.from({ length: L }, (_, cell) => round4(probabilities[cell * V + prediction[cell]]));
  const pca = (p: Trace['pca']['y']) => ({
    points: Array.from({ length: p.points.length / 2 }, (_, i) => [round4(p.points[2 * i]), round4(p.points[2 * i + 1])] as [number, number]),
    explainedVariance: [round4(p.explainedVariance[0]), round4(p.explainedVariance[1])] as [number, number],
  });
  return {
    info,
    run,
    grid,
    warnings: traceWarnings(info.summary),
    model: { vocabSize: V, haltMaxSteps: trace.model.haltMaxSteps, hCycles: trace.model.hCycles, lCycles: trace.model.lCycles, hiddenSize: trace.model.hiddenSize, loss: trace.model.loss },
    input: Array.from(trace.input.inputs),
    target: trace.input.labels ? Array.from(trace.input.labels) : null,
    steps: judged.steps.map((s) => ({
      step: s.step,
      prediction: Array.from(s.prediction),
      confidence: confidenceOf(s.probabilities, s.prediction),
      haltProbability: s.haltProbability,
      qHaltLogit: s.qHaltLogit,
      deltaY: s.deltaY,
      deltaZ: s.deltaZ,
      zNorms: rounded(s.zNorms),
      zDeltaNorms: rounded(s.zDeltaNorms),
      changedCells: s.changedCells,
      cellAccuracy: s.cellAccuracy,
      exact: s.exact,
      solved: s.solved,
    })),
    probabilities: trace.steps.map((s) => rounded(s.probabilities)),
    pca: { y: pca(trace.pca.y), z: pca(trace.pca.z) },
    inner: trace.inner?.map((u) => ({
      step: u.step, recursion: u.recursion, kind: u.kind, index: u.index, prediction: Array.from(u.prediction), confidence: rounded(u.confidence),
      haltProbability: u.haltProbability, delta: u.delta, pca: [round4(u.pca[0]), round4(u.pca[1])], cellAccuracy: u.cellAccuracy,
    })) ?? null,
    flags: judged.flags,
    trainingHaltStep: trace.trainingHaltStep,
  };
}
