// Evaluation streamed batch by batch: its metrics and per-puzzle rows equal the all-in-memory computation (the
// formulas below are the pre-streaming code, kept here as the reference) on real small Sudoku and ARC evaluations;
// ARC voting fed in shuffled chunks gives the same result; and an evaluation of thousands of 900-token rows does
// not keep per-row arrays.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { selectBackend } from '../../main/trm/backend.ts';
import { resolveConfig } from '../../main/train/run.ts';
import { createEngine, type Engine } from '../../main/train/engine.ts';
import { evaluateEngine } from '../../main/train/evaluate.ts';
import type { ExampleResult } from '../../main/train/scoring.ts';
import type { EvalBatch, EvaluationScorer, TaskData } from '../../main/puzzles/task-data.ts';
import { openTaskData, solvedCheck } from '../../main/puzzles/index.ts';
import { scoreArcEvaluation, type ArcTaskData } from '../../main/puzzles/arc/arc-task.ts';
import { voteArc } from '../../main/puzzles/arc/voting.ts';
import { dataDir } from '../../main/common/paths.ts';

const TINY_MODEL = { 'model.hiddenSize': '16', 'model.numHeads': '2', 'model.puzzleEmbDim': '16', 'train.batchSize': '8' };
const arcTasks = (...ids: string[]) => ids.map((id) => join(dataDir(), 'arc-agi-1', 'training', `${id}.json`)).join(',');

/** The metrics as computed before streaming: means over the list of every row (the exact_accuracy family counts
 *  solved rows, target_match_accuracy the rows equal to the target). */
function referenceMetrics(results: ExampleResult[], haltMaxSteps: number): Record<string, number> {
  const n = results.length;
  if (n === 0) return { count: 0 };
  const mean = (f: (r: ExampleResult) => number) => results.reduce((sum, r) => sum + f(r), 0) / n;
  const metrics: Record<string, number> = {
    count: n,
    exact_accuracy: mean((r) => Number(r.solvedAtStep[r.solvedAtStep.length - 1])),
    target_match_accuracy: mean((r) => Number(r.exactAtStep[r.exactAtStep.length - 1])),
    accuracy: mean((r) => r.tokenAccuracy),
    q_halt_accuracy: mean((r) => Number(r.haltAgrees)),
    steps: mean((r) => r.haltStep),
    exact_accuracy_at_halt: mean((r) => Number(r.solvedAtStep[r.haltStep - 1])),
  };
  for (let s = 1; s <= haltMaxSteps; s++) {
    metrics[`exact_accuracy@${s}`] = mean((r) => Number(r.solvedAtStep[s - 1] ?? false));
    metrics[`halt_fraction@${s}`] = mean((r) => Number(r.haltStep === s));
  }
  return metrics;
}

const referencePerExample = (results: ExampleResult[]) => results.map((r) => ({ puzzleKey: r.key, correct: r.solvedAtStep[r.solvedAtStep.length - 1], haltStep: r.haltStep, detail: { solvedAtStep: r.solvedAtStep.map(Number), exactAtStep: r.exactAtStep.map(Number), tokenAccuracy: r.tokenAccuracy } }));

const arcPredictions = (results: ExampleResult[]) => results.map((r) => ({ key: r.key, predictedTokens: r.finalPrediction, inputTokens: r.inputs, qHaltLogit: r.finalQHaltLogit }));

/** Deterministic pseudo-random numbers in [0, 1). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** An engine that answers each row with `answer(batch, row, step)` instead of running a model. */
function fakeEngine(haltMaxSteps: number, answer: (batch: EvalBatch, row: number, step: number) => { tokens: ArrayLike<number>; qHalt: number }): Engine {
  const rollout = async (batch: EvalBatch) => Array.from({ length: haltMaxSteps }, (_, s) => {
    const predictions = new Int32Array(batch.size * batch.seqLen);
    const qHalt = new Float32Array(batch.size);
    for (let row = 0; row < batch.realCount; row++) {
      const { tokens, qHalt: q } = answer(batch, row, s + 1);
      predictions.set(tokens, row * batch.seqLen);
      qHalt[row] = q;
    }
    return { step: s + 1, predictions, qHalt, qContinue: new Float32Array(batch.size) };
  });
  return { rollout, model: { config: { haltMaxSteps } } } as unknown as Engine;
}

/** Right (the labels) for about a third of the rows, the input echoed for another third, the labels with the first
 *  cell's colour changed for the rest; q_halt random. Gives ARC voting several candidates of different counts. */
function mixedAnswers(seed: number) {
  const next = random(seed);
  return (batch: EvalBatch, row: number) => {
    const L = batch.seqLen;
    const choice = Math.floor(next() * 3);
    const tokens = (choice === 1 ? batch.inputs : batch.labels).slice(row * L, (row + 1) * L);
    if (choice === 2) tokens[0] = tokens[0] === 2 ? 3 : 2;
    return { tokens, qHalt: next() * 8 - 4 };
  };
}

before(async () => {
  await selectBackend('wasm');
});

test('a real Sudoku evaluation: streamed metrics and per-example rows equal the all-in-memory computation', async () => {
  const { config, data } = resolveConfig('sudoku4-mlp', { ...TINY_MODEL, 'model.haltMaxSteps': '3', 'data.testExamples': '20' });
  const engine = createEngine(config);
  const trainBatches = data.trainBatches(8, 1);
  for (let i = 0; i < 3; i++) await engine.trainStep(trainBatches.next());
  try {
    const rows: ExampleResult[] = [];
    const evaluation = await evaluateEngine(engine, data, { batchSize: 8, onResults: (results) => rows.push(...results) });
    assert.equal(rows.length, 20, 'three batches, the last one padded');
    assert.ok(rows.some((r) => r.tokenAccuracy > 0), 'a real model gets some tokens right');
    assert.deepEqual(evaluation.metrics, referenceMetrics(rows, 3));
    assert.deepEqual(evaluation.perPuzzle, referencePerExample(rows));
    assert.deepEqual(evaluation.files, {});
  } finally {
    engine.dispose();
  }
});

test('a real ARC evaluation: streamed metrics, voted per-puzzle rows and submission equal voting every row at once', async () => {
  const { config, data } = resolveConfig('arc-mini-att', { ...TINY_MODEL, 'data.tasks': arcTasks('0d3d703e', '3c9b0459'), 'data.augmentations': '5' });
  const engine = createEngine(config);
  try {
    const rows: ExampleResult[] = [];
    const evaluation = await evaluateEngine(engine, data, { batchSize: 5, onResults: (results) => rows.push(...results) });
    assert.equal(rows.length, 12, '2 tasks × 1 test input × 6 versions, in three batches');
    const voted = scoreArcEvaluation(voteArc(arcPredictions(rows), (data as ArcTaskData).dataset.testTasks));
    assert.deepEqual(evaluation.metrics, { ...referenceMetrics(rows, config.model.haltMaxSteps), ...voted.metrics });
    assert.deepEqual(evaluation.perPuzzle, voted.perPuzzle);
    assert.equal(evaluation.perPuzzle.length, 2, 'one row per test input');
    assert.deepEqual(evaluation.files, voted.files);
  } finally {
    engine.dispose();
  }
});

test('a valid Sudoku answer other than the target is solved: exact_accuracy by the rules, target_match_accuracy beside it', async () => {
  // Blanks at r1c1, r1c2, r3c1, r3c2: two solutions. The target is one; the model answers the other, or a broken grid.
  const digits = (rows: string) => Int32Array.from(rows.replace(/\s/g, ''), (d) => (d === '.' ? 1 : Number(d) + 1));
  const puzzle = digits('..34 3412 ..43 4321'), target = digits('1234 3412 2143 4321'), other = digits('2134 3412 1243 4321');
  const broken = other.slice();
  broken[0] = other[1];
  const answers = [other, broken, target];
  const L = 16;
  const data: TaskData = {
    kind: 'sudoku', vocabSize: 6, seqLen: L, numPuzzleIdentifiers: 1, fingerprint: 'two solutions', trainExamplesPerEpoch: null,
    trainBatches: () => { throw new Error('evaluation only'); },
    testCount: answers.length,
    *testBatches(batchSize) {
      const inputs = new Int32Array(batchSize * L), labels = new Int32Array(batchSize * L);
      answers.forEach((_, row) => { inputs.set(puzzle, row * L); labels.set(target, row * L); });
      yield { size: batchSize, seqLen: L, realCount: answers.length, keys: answers.map((_, row) => `test/${row}`), inputs, labels, puzzleIdentifiers: new Int32Array(batchSize) };
    },
    render: () => '',
    grid: { rows: 4, cols: 4, cellOfToken: (token) => token - 1 },
    isSolved: solvedCheck({ kind: 'sudoku', boxRows: 2, boxCols: 2, source: 'generate', minBlanks: 4, maxBlanks: 8, testExamples: 3, augment: false })!,
  };
  // Step 1 echoes the puzzle (not solved); step 2 gives each row its answer.
  const engine = fakeEngine(2, (batch, row, step) => ({ tokens: step === 1 ? puzzle : answers[row], qHalt: step === 2 ? 1 : -1 }));
  const evaluation = await evaluateEngine(engine, data, { batchSize: 4 });
  assert.equal(evaluation.metrics.exact_accuracy, 2 / 3, 'the other solution and the target are solved');
  assert.equal(evaluation.metrics.target_match_accuracy, 1 / 3, 'only the target matches the target');
  assert.equal(evaluation.metrics['exact_accuracy@1'], 0);
  assert.equal(evaluation.metrics['exact_accuracy@2'], 2 / 3);
  assert.equal(evaluation.metrics.exact_accuracy_at_halt, 2 / 3);
  assert.deepEqual(evaluation.perPuzzle.map((p) => p.correct), [true, false, true]);
  assert.deepEqual(evaluation.perPuzzle.map((p) => (p.detail as { solvedAtStep: number[] }).solvedAtStep), [[0, 1], [0, 0], [0, 1]]);
  assert.deepEqual(evaluation.perPuzzle.map((p) => (p.detail as { exactAtStep: number[] }).exactAtStep), [[0, 0], [0, 0], [0, 1]]);
  // Without the rule check the same answers score against the target alone.
  const targetOnly = await evaluateEngine(engine, { ...data, isSolved: undefined }, { batchSize: 4 });
  assert.equal(targetOnly.metrics.exact_accuracy, 1 / 3);
  assert.equal(targetOnly.metrics.target_match_accuracy, 1 / 3);
});

test('ARC voting fed in shuffled chunks gives the pass@K, candidates and submission of voting in order at once', async () => {
  const data = openTaskData({ kind: 'arc', subsets: [], testSet: 'custom', tasks: arcTasks('0d3d703e', '3c9b0459', '6150a2bd', '68b16354'), augmentations: 40, canvas: 0, translate: false }, 3);
  const rows: ExampleResult[] = [];
  const evaluation = await evaluateEngine(fakeEngine(2, mixedAnswers(7)), data, { batchSize: 16, onResults: (results) => rows.push(...results) });
  assert.equal(rows.length, 4 * 41);

  const whole = data.createScorer!();
  whole.add(rows);
  const inOrder = whole.finish();
  assert.deepEqual(inOrder, { ...evaluation, metrics: Object.fromEntries(Object.entries(evaluation.metrics).filter(([k]) => k.startsWith('pass@') || k.startsWith('arc_'))) });

  const next = random(11);
  const shuffled = [...rows];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  const chunked: EvaluationScorer = data.createScorer!();
  for (let start = 0; start < shuffled.length;) {
    const size = 1 + Math.floor(next() * 30);
    chunked.add(shuffled.slice(start, start + size));
    start += size;
  }
  const fed = chunked.finish();

  assert.deepEqual(fed.metrics, inOrder.metrics);
  assert.ok(inOrder.metrics['pass@1'] > 0 && inOrder.metrics['pass@1'] < 1, `pass@1 ${inOrder.metrics['pass@1']} is neither 0 nor 1: the ranking matters`);
  assert.deepEqual(fed.files, inOrder.files);
  // The q sums may round differently in another order: mean q to 1e-12, everything else exactly.
  type Detail = { passAt: object; candidates: { grid: number[][]; count: number; meanQ: number }[] };
  const withoutQ = (rows: typeof fed.perPuzzle) => rows.map((row) => {
    const detail = row.detail as Detail;
    return { ...row, detail: { passAt: detail.passAt, candidates: detail.candidates.map(({ grid, count }) => ({ grid, count })) } };
  });
  assert.deepEqual(withoutQ(fed.perPuzzle), withoutQ(inOrder.perPuzzle));
  assert.ok(inOrder.perPuzzle.some((row) => (row.detail as Detail).candidates.length > 2), 'several candidates per input');
  fed.perPuzzle.forEach((row, i) => (row.detail as Detail).candidates.forEach((candidate, c) => {
    assert.ok(Math.abs(candidate.meanQ - (inOrder.perPuzzle[i].detail as Detail).candidates[c].meanQ) < 1e-12);
  }));
});

// Heap (JS objects and typed-array memory) after a full collection.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
function heapBytes(): number {
  gc();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

/** The most the heap grows above its level before the evaluation, sampled after every batch, and what one row's
 *  inputs and prediction arrays take. */
async function evaluationHeapGrowth(data: TaskData, engine: Engine): Promise<{ growth: number; perRowArrays: number; rows: number }> {
  const baseline = heapBytes();
  let peak = baseline;
  let rows = 0;
  const evaluation = await evaluateEngine(engine, data, { batchSize: 64, onResults: (results) => { rows += results.length; peak = Math.max(peak, heapBytes()); } });
  peak = Math.max(peak, heapBytes());
  assert.equal(evaluation.metrics.count, rows);
  return { growth: peak - baseline, perRowArrays: 2 * data.seqLen * Int32Array.BYTES_PER_ELEMENT, rows };
}

test('memory: thousands of 900-token rows without a task scorer keep only their small per-example rows', async () => {
  const seqLen = 900;
  const testCount = 4000;
  const data: TaskData = {
    kind: 'sudoku', vocabSize: 12, seqLen, numPuzzleIdentifiers: 1, fingerprint: 'synthetic', trainExamplesPerEpoch: null,
    trainBatches: () => { throw new Error('evaluation only'); },
    testCount,
    *testBatches(batchSize, limit = testCount) {
      for (let first = 0; first < limit; first += batchSize) {
        const realCount = Math.min(batchSize, limit - first);
        const keys = Array.from({ length: realCount }, (_, b) => `test/${first + b}`);
        const inputs = new Int32Array(batchSize * seqLen).map((_, i) => 1 + ((first * seqLen + i) % 9));
        yield { size: batchSize, seqLen, realCount, keys, inputs, labels: inputs.map((t) => t + 1), puzzleIdentifiers: new Int32Array(batchSize) };
      }
    },
    render: () => '',
    grid: { rows: 30, cols: 30, cellOfToken: (token) => token },
  };
  const next = random(5);
  const engine = fakeEngine(2, (batch, row, step) => ({ tokens: (step === 2 && next() < 0.5 ? batch.labels : batch.inputs).subarray(row * seqLen, (row + 1) * seqLen), qHalt: next() - 0.5 }));
  const { growth, perRowArrays, rows } = await evaluationHeapGrowth(data, engine);
  assert.equal(rows, testCount);
  assert.ok(growth < (rows * perRowArrays) / 4, `heap grew ${(growth / 2 ** 20).toFixed(1)} MiB; the rows' arrays alone are ${(rows * perRowArrays / 2 ** 20).toFixed(1)} MiB`);
});

test('memory: ARC voting over 4004 rows at canvas 30 holds its candidates, not the rows', async () => {
  const data = openTaskData({ kind: 'arc', subsets: [], testSet: 'custom', tasks: arcTasks('0d3d703e', '3c9b0459', '6150a2bd', '68b16354'), augmentations: 1000, canvas: 30, translate: false }, 1);
  const { growth, perRowArrays, rows } = await evaluationHeapGrowth(data, fakeEngine(2, mixedAnswers(3)));
  assert.equal(rows, 4 * 1001);
  assert.equal(data.seqLen, 900);
  assert.ok(growth < (rows * perRowArrays) / 4, `heap grew ${(growth / 2 ** 20).toFixed(1)} MiB; the rows' arrays alone are ${(rows * perRowArrays / 2 ** 20).toFixed(1)} MiB`);
});
