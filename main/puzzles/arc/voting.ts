// ARC evaluation by voting (spec §6.2, official `evaluators/arc.py`): every augmented version of a test input
// predicts a grid; each prediction is mapped back through its version's inverse transform, identical grids
// pool their votes, and candidates rank by vote count, then by mean halting probability sigmoid(q).
import { inverseTransformGrid, parseVersionName, type ArcVersion } from './augment.ts';
import { decodeGrid } from './encode.ts';
import { gridHash, type ArcTask, type Grid } from './grid.ts';

/** The K of pass@K reported (the paper quotes pass@2). */
export const PASS_AT_K = [1, 2, 5, 10, 100, 1000] as const;

/** One model output for one held-out row. */
export interface ArcPrediction {
  /** arcRowKey(task, testIndex, version name), or a bare version name (the test input is then found by its grid). */
  key: string;
  predictedTokens: ArrayLike<number>;
  inputTokens: ArrayLike<number>;
  qHaltLogit: number;
}

export interface ArcCandidate {
  hash: string;
  grid: Grid;
  /** Versions that predicted this grid. */
  count: number;
  /** Mean sigmoid(qHaltLogit) over those versions. */
  meanQ: number;
}

export interface ArcInputResult {
  testIndex: number;
  /** Ranked best first. */
  candidates: ArcCandidate[];
  /** Whether the true answer is among the top K (false when the answer is unknown). */
  passAt: Record<number, boolean>;
}

export interface ArcTaskResult {
  taskId: string;
  /** false when some test output is unknown: the task is not scored. */
  labelled: boolean;
  inputs: ArcInputResult[];
  /** Fraction of the task's test inputs passed at K (partial credit). */
  passAt: Record<number, number>;
}

export interface ArcVoteResult {
  tasks: ArcTaskResult[];
  /** Mean task score over every labelled task of the test set (tasks without predictions count 0). */
  passAt: Record<number, number>;
  scoredTasks: number;
  /** Predictions whose key or input grid matched no test input. */
  unmatched: number;
}

/** The key of one example row: `<task>:<pair index>|<version name>`. */
export function arcRowKey(taskId: string, pairIndex: number, versionName: string): string {
  return `${taskId}:${pairIndex}|${versionName}`;
}

/** The version a key names and, for full row keys, the test index. */
export function parseArcKey(key: string): { version: ArcVersion; testIndex?: number } {
  const match = /^(.*?):(\d+)\|(.*)$/.exec(key);
  if (match) {
    const version = parseVersionName(match[3]);
    if (version.taskId === match[1]) return { version, testIndex: Number(match[2]) };
  }
  return { version: parseVersionName(key) };
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Votes of predictions fed one at a time. Each prediction only adds to its grid's count and q sum, so the table
 *  holds one entry (and one grid) per distinct candidate per test input, however many predictions it has seen.
 *  The result does not depend on the order of the predictions (up to rounding in the q sums). */
export class ArcVoteTable {
  private readonly byTask: Map<string, ArcTask>;
  private readonly inputIndex: Map<string, Map<string, number>>;
  // votes[task][testIndex][gridHash]
  private readonly votes = new Map<string, Map<number, Map<string, { grid: Grid; count: number; qSum: number }>>>();
  private unmatched = 0;

  constructor(private readonly tasks: ArcTask[]) {
    this.byTask = new Map(tasks.map((task) => [task.id, task]));
    this.inputIndex = new Map(tasks.map((task) => [task.id, new Map(task.test.map((pair, i) => [gridHash(pair.input), i]))]));
  }

  add(prediction: ArcPrediction): void {
    const { version, testIndex: keyedIndex } = parseArcKey(prediction.key);
    const task = this.byTask.get(version.taskId);
    const testIndex = keyedIndex ?? this.inputIndex.get(version.taskId)?.get(gridHash(inverseTransformGrid(decodeGrid(prediction.inputTokens), version)));
    if (!task || testIndex === undefined || testIndex >= task.test.length) { this.unmatched++; return; }
    const grid = inverseTransformGrid(decodeGrid(prediction.predictedTokens), version);
    const hash = gridHash(grid);
    const perTask = this.votes.get(task.id) ?? this.votes.set(task.id, new Map()).get(task.id)!;
    const perInput = perTask.get(testIndex) ?? perTask.set(testIndex, new Map()).get(testIndex)!;
    const entry = perInput.get(hash) ?? perInput.set(hash, { grid, count: 0, qSum: 0 }).get(hash)!;
    entry.count++;
    entry.qSum += sigmoid(prediction.qHaltLogit);
  }

  /** Distinct candidate grids held, over every test input. */
  get candidateCount(): number {
    let count = 0;
    for (const perTask of this.votes.values()) for (const perInput of perTask.values()) count += perInput.size;
    return count;
  }

  result(): ArcVoteResult {
    const results = this.tasks.map((task): ArcTaskResult => {
      const labelled = task.test.every((pair) => pair.output !== undefined);
      const inputs = task.test.map((pair, testIndex): ArcInputResult => {
        const pooled = this.votes.get(task.id)?.get(testIndex) ?? new Map();
        const candidates = rankCandidates([...pooled].map(([hash, v]) => ({ hash, grid: v.grid, count: v.count, meanQ: v.qSum / v.count })));
        const answer = pair.output ? gridHash(pair.output) : undefined;
        const rank = candidates.findIndex((c) => c.hash === answer);
        const passAt = Object.fromEntries(PASS_AT_K.map((k) => [k, rank >= 0 && rank < k]));
        return { testIndex, candidates, passAt };
      });
      const passAt = Object.fromEntries(PASS_AT_K.map((k) => [k, inputs.filter((i) => i.passAt[k]).length / Math.max(1, inputs.length)]));
      return { taskId: task.id, labelled, inputs, passAt };
    });
    const scored = results.filter((r) => r.labelled);
    const passAt = Object.fromEntries(PASS_AT_K.map((k) => [k, scored.reduce((sum, r) => sum + r.passAt[k], 0) / Math.max(1, scored.length)]));
    return { tasks: results, passAt, scoredTasks: scored.length, unmatched: this.unmatched };
  }
}

/** Votes a whole list of predictions at once. */
export function voteArc(predictions: ArcPrediction[], tasks: ArcTask[]): ArcVoteResult {
  const table = new ArcVoteTable(tasks);
  for (const prediction of predictions) table.add(prediction);
  return table.result();
}

/** Count first, mean halting probability second (both descending); the hash only makes ties deterministic. */
export function rankCandidates(candidates: ArcCandidate[]): ArcCandidate[] {
  return [...candidates].sort((a, b) => b.count - a.count || b.meanQ - a.meanQ || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
}

/** Kaggle submission: per task, per test input, the top two grids (the first repeated when there is one). */
export function submissionJson(result: ArcVoteResult): Record<string, { attempt_1: Grid; attempt_2: Grid }[]> {
  const fallback: Grid = [[0]]; // no prediction at all: Kaggle still needs a grid
  return Object.fromEntries(result.tasks.map((task) => [task.taskId, task.inputs.map((input) => {
    // An empty crop (EOS at the corner, typical of an untrained model) still counts in the vote, but is no answer.
    const answers = input.candidates.filter((c) => c.grid.length > 0 && c.grid[0].length > 0);
    const first = answers[0]?.grid ?? fallback;
    return { attempt_1: first, attempt_2: answers[1]?.grid ?? first };
  })]));
}
