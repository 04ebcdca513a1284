// The step viewer's engine side on a tiny 4×4 Sudoku model trained for a few steps: shapes and invariants of a
// trace, agreement with the evaluation `trm eval` runs, the replayed inner recursion, and the flags.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../main/trm/backend.ts';
import { resolveConfig } from '../../main/train/run.ts';
import { createEngine, type Engine } from '../../main/train/engine.ts';
import { evaluateEngine } from '../../main/train/evaluate.ts';
import type { ExampleResult } from '../../main/train/scoring.ts';
import type { TaskData } from '../../main/puzzles/task-data.ts';
import { detectFlags, judgeSteps, replayRecursion, trace, tokenProbabilities, topKPerCell } from '../../main/trace/trace.ts';
import { sudokuSolvedCheck } from '../../main/puzzles/sudoku-task.ts';
import { sequenceLength } from '../../main/trm/model.ts';
import type { RunConfig } from '../../main/trm/config.ts';

const OVERRIDES = {
  'model.hiddenSize': '16', 'model.numHeads': '2', 'model.puzzleEmbDim': '16', 'model.haltMaxSteps': '3',
  'train.batchSize': '8', 'train.emaDecay': '0.9', 'data.testExamples': '8',
};

let engine: Engine;
let data: TaskData;
let config: RunConfig;

before(async () => {
  await selectBackend('wasm');
  ({ config, data } = resolveConfig('sudoku4-mlp', OVERRIDES));
  const trained = createEngine(config);
  const batches = data.trainBatches(config.train.batchSize, 1);
  for (let i = 0; i < 6; i++) await trained.trainStep(batches.next());
  // Through a checkpoint's contents, as `trm trace` loads a run.
  engine = createEngine(config);
  engine.restore(await trained.snapshot({}));
  trained.dispose();
});

after(() => engine.dispose());

function firstTestPuzzle() {
  const batch = [...data.testBatches(8, 8)][0];
  const L = batch.seqLen;
  return { inputs: batch.inputs.slice(0, L), labels: batch.labels.slice(0, L), puzzleIdentifier: batch.puzzleIdentifiers[0] };
}

test('a trace has N_sup steps, distributions that sum to 1, and the last prediction `trm eval` gives', async () => {
  const tensorsBefore = tf.memory().numTensors;
  const result = await trace(engine, firstTestPuzzle(), { isSolved: data.isSolved });
  assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensors leak');
  const { seqLen: L, vocabSize: V, haltMaxSteps } = config.model;
  assert.equal(result.steps.length, haltMaxSteps);
  for (const step of result.steps) {
    assert.equal(step.prediction.length, L);
    assert.equal(step.probabilities.length, L * V);
    assert.equal(step.topTokens.length, L * 3);
    for (let cell = 0; cell < L; cell++) {
      let sum = 0;
      for (let v = 0; v < V; v++) {
        const p = step.probabilities[cell * V + v];
        assert.ok(p >= 0 && p <= 1, `probability ${p} in [0, 1]`);
        sum += p;
      }
      assert.ok(Math.abs(sum - 1) < 1e-5, `cell ${cell} sums to ${sum}`);
      assert.equal(step.topTokens[cell * 3], step.prediction[cell], 'the most likely token is the prediction');
      assert.ok(step.topProbabilities[cell * 3] >= step.topProbabilities[cell * 3 + 1]);
    }
    assert.ok(step.haltProbability > 0 && step.haltProbability < 1);
    assert.ok(step.deltaY > 0 && step.deltaZ > 0);
    assert.equal(step.zNorms.length, L);
    assert.ok(step.cellAccuracy !== null && step.cellAccuracy >= 0 && step.cellAccuracy <= 1);
    assert.equal(step.exact, step.cellAccuracy === 1);
  }
  assert.equal(result.steps[0].changedCells, null);
  assert.equal(result.pca.z.points.length, 2 * (haltMaxSteps + 1));
  assert.ok(result.pca.y.explainedVariance[0] > 0);
  assert.equal(result.inner, null);

  // The evaluation of the same checkpoint on the held-out split (what `trm eval` runs): same final answer.
  let first: ExampleResult | undefined;
  await evaluateEngine(engine, data, { limit: 8, batchSize: 8, onResults: (results) => { first ??= results[0]; } });
  assert.ok(first);
  assert.deepEqual(Array.from(result.steps.at(-1)!.prediction), Array.from(first.finalPrediction));
  assert.ok(Math.abs(result.steps.at(-1)!.qHaltLogit - first.finalQHaltLogit) < 1e-4);
  assert.deepEqual(result.steps.map((s) => s.exact), first.exactAtStep);
  assert.deepEqual(result.steps.map((s) => s.solved), first.solvedAtStep);
});

test('the trace uses the EMA weights, not the raw ones', async () => {
  const puzzle = firstTestPuzzle();
  const withEma = await trace(engine, puzzle);
  const raw = await trace({ model: engine.model, ema: null }, puzzle);
  assert.notDeepEqual(Array.from(withEma.steps[0].probabilities), Array.from(raw.steps[0].probabilities));
});

test('inner steps: n z-updates and one y-update per recursion; the last inner y of each step is that step\'s y', async () => {
  const puzzle = firstTestPuzzle();
  const { hCycles: T, lCycles: n, haltMaxSteps } = config.model;
  const tensorsBefore = tf.memory().numTensors;
  const result = await trace(engine, puzzle, { innerSteps: true });
  assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensors leak');
  const inner = result.inner!;
  assert.equal(inner.length, haltMaxSteps * T * (n + 1));
  assert.deepEqual(inner.slice(0, n + 1).map((u) => `${u.step}.${u.recursion}${u.kind}${u.index}`), [...Array.from({ length: n }, (_, i) => `1.1z${i + 1}`), '1.1y0']);
  for (const step of result.steps) {
    const lastY = inner.filter((u) => u.step === step.step && u.kind === 'y').at(-1)!;
    assert.equal(lastY.recursion, T);
    assert.deepEqual(Array.from(lastY.prediction), Array.from(step.prediction));
    assert.ok(Math.abs(lastY.haltProbability! - step.haltProbability) < 1e-5);
    for (let cell = 0; cell < lastY.confidence.length; cell++)
      assert.ok(Math.abs(lastY.confidence[cell] - step.topProbabilities[cell * result.topK]) < 1e-5);
  }

  // The replayed recursion itself against model.forward, on the carried tensors.
  const model = engine.model;
  const inputs = tf.tensor2d(puzzle.inputs, [1, config.model.seqLen], 'int32');
  const rows = model.puzzleRows(Int32Array.of(puzzle.puzzleIdentifier));
  const carry = model.initialCarry(1);
  const stepped = model.forward(carry, inputs, rows);
  const x = model.inputEmbeddings(inputs, rows);
  let visits = 0;
  const replayed = replayRecursion(model, carry, x, () => visits++);
  assert.equal(visits, T * (n + 1));
  assert.equal(replayed.y.shape.join(), [1, sequenceLength(config.model), config.model.hiddenSize].join());
  const maxDifference = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
  assert.ok(maxDifference(replayed.y, stepped.y) < 1e-5, 'y matches forward');
  assert.ok(maxDifference(replayed.z, stepped.z) < 1e-5, 'z matches forward');
  tf.dispose([inputs, rows ?? [], carry.y, carry.z, x, replayed.y, replayed.z, stepped.y, stepped.z, stepped.logits, stepped.qHalt, stepped.qContinue]);
});

test('without a target: no accuracy, no flags', async () => {
  const { labels: _unused, ...puzzle } = firstTestPuzzle();
  const result = await trace(engine, puzzle);
  assert.ok(result.steps.every((s) => s.cellAccuracy === null && s.exact === null));
  assert.deepEqual(result.flags, { stuck: null, overthinking: null });
});

test('bad inputs are refused with a clear message', async () => {
  const puzzle = firstTestPuzzle();
  await assert.rejects(() => trace(engine, { ...puzzle, inputs: puzzle.inputs.slice(1) }), /15 tokens, the model expects 16/);
  await assert.rejects(() => trace(engine, { ...puzzle, puzzleIdentifier: 5 }), /puzzle identifier 5 is outside 0\.\.0/);
  await assert.rejects(() => trace(engine, { ...puzzle, inputs: puzzle.inputs.map(() => 99) }), /input token 99 at position 0/);
});

test('stablemax and softmax probabilities; top-k ordering', () => {
  const logits = Float32Array.of(2, 0, -1, 0.5, 0.5, 0.5);
  const stable = tokenProbabilities(logits, 3, 'stablemax');
  // s = [3, 1, 0.5] / 4.5
  assert.deepEqual(Array.from(stable.slice(0, 3)).map((p) => p.toFixed(4)), ['0.6667', '0.2222', '0.1111']);
  const soft = tokenProbabilities(logits, 3, 'softmax');
  const z = Math.exp(2) + 1 + Math.exp(-1);
  assert.ok(Math.abs(soft[0] - Math.exp(2) / z) < 1e-6);
  assert.ok(Math.abs(soft[3] - 1 / 3) < 1e-6);
  const top = topKPerCell(stable, 3, 2);
  assert.deepEqual(Array.from(top.tokens), [0, 1, 0, 1]); // ties: the lower token first
});

test('flags on hand-made sequences', () => {
  const a = [1, 2], b = [2, 2], c = [3, 3];
  // right, right, wrong: overthinking from step 1 to 3; the wrong step stands alone, not stuck.
  assert.deepEqual(detectFlags([c, c, a], [true, true, false]), { stuck: null, overthinking: { rightAtStep: 1, wrongAtStep: 3 } });
  // wrong and unchanged for steps 2–4: stuck; then never right.
  assert.deepEqual(detectFlags([a, b, b, b], [false, false, false, false]), { stuck: { fromStep: 2, toStep: 4 }, overthinking: null });
  // the longest wrong stretch wins; a right stretch does not count.
  assert.deepEqual(detectFlags([a, a, c, c, c, b, b], [false, false, true, true, true, false, false]).stuck, { fromStep: 1, toStep: 2 });
  assert.deepEqual(detectFlags([a, a, c, c, c, b, b], [false, false, true, true, true, false, false]).overthinking, { rightAtStep: 3, wrongAtStep: 6 });
  // a changing wrong answer that becomes right: neither flag.
  assert.deepEqual(detectFlags([a, b, c], [false, false, true]), { stuck: null, overthinking: null });
  // stuckSteps = 3 ignores a stretch of 2.
  assert.equal(detectFlags([a, a, b], [false, false, false], 3).stuck, null);
  assert.deepEqual(detectFlags([a, a], null), { stuck: null, overthinking: null });
});

test('a valid Sudoku answer other than the target is solved, so holding it is not "stuck"', () => {
  // Two solutions (they differ in r1c1, r1c2, r3c1, r3c2); the target is the first, the model settles on the second.
  const digits = (rows: string) => Int32Array.from(rows.replace(/\s/g, ''), (d) => (d === '.' ? 1 : Number(d) + 1));
  const puzzle = digits('..34 3412 ..43 4321'), target = digits('1234 3412 2143 4321'), other = digits('2134 3412 1243 4321');
  const wrong = other.slice();
  wrong[0] = other[1];
  const step = (prediction: Int32Array) => ({ prediction, exact: prediction.every((t, i) => t === target[i]) });
  const steps = [step(wrong), step(other), step(other), step(other)];
  // Against the target alone (no rule check) it reads as a wrong fixed point …
  assert.deepEqual(judgeSteps(puzzle, steps).flags.stuck, { fromStep: 2, toStep: 4 });
  // … by the rules it is solved from step 2 on: no flags, and the target comparison is kept beside it.
  const judged = judgeSteps(puzzle, steps, sudokuSolvedCheck({ boxRows: 2, boxCols: 2 }));
  assert.deepEqual(judged.steps.map((s) => s.solved), [false, true, true, true]);
  assert.deepEqual(judged.steps.map((s) => s.exact), [false, false, false, false]);
  assert.deepEqual(judged.flags, { stuck: null, overthinking: null });
  // Solved, then a broken grid held: overthinking and stuck, judged by the rules.
  const lost = judgeSteps(puzzle, [step(other), step(wrong), step(wrong)], sudokuSolvedCheck({ boxRows: 2, boxCols: 2 }));
  assert.deepEqual(lost.flags, { stuck: { fromStep: 2, toStep: 3 }, overthinking: { rightAtStep: 1, wrongAtStep: 2 } });
});
