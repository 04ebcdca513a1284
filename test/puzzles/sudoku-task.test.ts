import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTaskData } from '../../main/puzzles/index.ts';
import { canonicalForm, countSolutions, isValidSolution, type BoxShape } from '../../main/puzzles/sudoku.ts';
import type { DataConfig } from '../../main/trm/config.ts';

const config = (over: Partial<Extract<DataConfig, { kind: 'sudoku' }>> = {}): DataConfig => ({
  kind: 'sudoku', boxRows: 2, boxCols: 3, minBlanks: 14, maxBlanks: 23, source: 'generate', testExamples: 20, augment: true, ...over,
});

/** Digits of row b of a token array (token − 1; blank → 0). */
const gridOf = (tokens: Int32Array, b: number, L: number) => Uint8Array.from(tokens.subarray(b * L, (b + 1) * L), (t) => t - 1);

test('training batches hold valid puzzle/solution token pairs with the Sudoku vocabulary', () => {
  const task = openTaskData(config(), 1);
  const shape: BoxShape = { boxRows: 2, boxCols: 3 };
  assert.equal(task.vocabSize, 8);
  assert.equal(task.seqLen, 36);
  assert.equal(task.numPuzzleIdentifiers, 1);
  assert.deepEqual([task.grid.rows, task.grid.cols], [6, 6]);
  const batch = task.trainBatches(8, 3).next();
  assert.equal(batch.size, 8);
  assert.equal(batch.inputs.length, 8 * 36);
  assert.deepEqual([...batch.puzzleIdentifiers], new Array(8).fill(0));
  for (let b = 0; b < 8; b++) {
    const puzzle = gridOf(batch.inputs, b, 36), solution = gridOf(batch.labels, b, 36);
    assert.ok(batch.inputs.subarray(b * 36, b * 36 + 36).every((t) => t >= 1 && t <= 7));
    assert.ok(batch.labels.subarray(b * 36, b * 36 + 36).every((t) => t >= 2 && t <= 7), 'every cell supervised');
    assert.ok(isValidSolution(solution, shape, puzzle));
    assert.equal(countSolutions(puzzle, shape), 1);
  }
  assert.equal(task.grid.cellOfToken(1), 0);
  assert.equal(task.grid.cellOfToken(7), 6);
  assert.equal(task.grid.cellOfToken(0), null);
  assert.match(task.render(batch.labels.subarray(0, 36)), /^[1-6 |]+\n/);
});

test('the training stream is deterministic under its seed and resumes from its state', () => {
  const task = openTaskData(config(), 1);
  const key = (b: { inputs: Int32Array; labels: Int32Array }) => `${b.inputs.join()}/${b.labels.join()}`;
  const a = task.trainBatches(4, 9), b = task.trainBatches(4, 9), c = task.trainBatches(4, 10);
  const first = [key(a.next()), key(a.next())];
  assert.deepEqual([key(b.next()), key(b.next())], first);
  assert.notDeepEqual([key(c.next()), key(c.next())], first);
  const state = a.getState();
  const expected = key(a.next());
  const resumed = task.trainBatches(4, 0);
  resumed.setState(state);
  assert.equal(key(resumed.next()), expected);
  assert.equal(openTaskData(config(), 1).fingerprint, task.fingerprint);
  assert.notEqual(openTaskData(config(), 2).fingerprint, task.fingerprint);
});

test('no training puzzle is equivalent to a test puzzle (4×4, where collisions are frequent)', () => {
  const shape: BoxShape = { boxRows: 2, boxCols: 2 };
  const task = openTaskData(config({ boxRows: 2, boxCols: 2, minBlanks: 8, maxBlanks: 11, testExamples: 40 }), 4);
  const testForms = new Set<string>();
  for (const batch of task.testBatches(16)) for (let b = 0; b < batch.realCount; b++) testForms.add(canonicalForm(gridOf(batch.inputs, b, 16), shape));
  assert.equal(testForms.size, 40, 'test puzzles are distinct up to symmetry');
  const stream = task.trainBatches(32, 4);
  let checked = 0;
  for (let i = 0; i < 10; i++) {
    const batch = stream.next();
    for (let b = 0; b < 32; b++, checked++) assert.ok(!testForms.has(canonicalForm(gridOf(batch.inputs, b, 16), shape)));
  }
  assert.equal(checked, 320);
});

test('test batches come in a fixed order with the last one padded', () => {
  const task = openTaskData(config({ testExamples: 10 }), 2);
  assert.equal(task.testCount, 10);
  const once = [...task.testBatches(4)], twice = [...task.testBatches(4)];
  assert.deepEqual(once.map((b) => b.realCount), [4, 4, 2]);
  assert.deepEqual(once.map((b) => [...b.inputs]), twice.map((b) => [...b.inputs]));
  assert.deepEqual(once[2].keys, ['test/8', 'test/9']);
  assert.ok(once[2].inputs.subarray(2 * 36).every((t) => t === 0) && once[2].labels.subarray(2 * 36).every((t) => t === 0));
});

test('a collection is split by seed into solved test puzzles and disjoint training puzzles', () => {
  const shape: BoxShape = { boxRows: 3, boxCols: 3 };
  const task = openTaskData(config({ boxRows: 3, boxCols: 3, source: 'collection:magictour_top1465', testExamples: 12, augment: false }), 5);
  assert.equal(task.vocabSize, 11);
  const testPuzzles = new Set<string>();
  for (const batch of task.testBatches(12)) {
    for (let b = 0; b < batch.realCount; b++) {
      assert.ok(isValidSolution(gridOf(batch.labels, b, 81), shape, gridOf(batch.inputs, b, 81)));
      testPuzzles.add(batch.inputs.subarray(b * 81, b * 81 + 81).join());
    }
  }
  const batch = task.trainBatches(6, 5).next();
  for (let b = 0; b < 6; b++) {
    assert.ok(!testPuzzles.has(batch.inputs.subarray(b * 81, b * 81 + 81).join()));
    assert.ok(isValidSolution(gridOf(batch.labels, b, 81), shape, gridOf(batch.inputs, b, 81)));
  }
  const other = openTaskData(config({ boxRows: 3, boxCols: 3, source: 'collection:magictour_top1465', testExamples: 12, augment: false }), 6);
  assert.notEqual([...other.testBatches(12)][0].inputs.join(), [...task.testBatches(12)][0].inputs.join(), 'the split depends on the seed');
});
