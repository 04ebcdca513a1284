import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVersionName, transformGrid } from '../../../main/puzzles/arc/augment.ts';
import { composeArc, identifierTableBytes, identifierTableProblem, leakWarnings, maxArcIdentifiers } from '../../../main/puzzles/arc/compose.ts';
import { decodeGrid } from '../../../main/puzzles/arc/encode.ts';
import type { ArcTask } from '../../../main/puzzles/arc/grid.ts';
import { arcSubsetFolder, loadTaskSet } from '../../../main/puzzles/arc/load.ts';

const taskA: ArcTask = {
  id: 'A',
  train: [{ input: [[1, 2]], output: [[2, 1]] }, { input: [[3, 4, 5]], output: [[5, 4, 3]] }],
  test: [{ input: [[6, 7]], output: [[7, 6]] }],
};
const taskB: ArcTask = {
  id: 'B',
  train: [{ input: [[1], [2]], output: [[3]] }, { input: [[4], [5]], output: [[6]] }, { input: [[7], [8]], output: [[9]] }],
  test: [{ input: [[2], [2]], output: [[4]] }, { input: [[3], [3]] }],
};
const options = { testSet: 'held', augmentations: 3, seed: 5, canvas: 0, translate: true };

test('split assignment: other subsets train on all pairs, the test subset trains on demos and holds out tests', () => {
  const data = composeArc([{ name: 'other', tasks: [taskA] }, { name: 'held', tasks: [taskB] }], options);
  assert.equal(data.canvas, 4); // largest side 3, plus the EOS border
  assert.deepEqual(data.testTasks.map((t) => t.id), ['B']);
  const versionsOf = (split: typeof data.train, g: number) => split.groupIndices[g + 1] - split.groupIndices[g];
  // Train: A with 2 demos + 1 test pair per version, B with its 3 demos per version.
  const aVersions = versionsOf(data.train, 0);
  const bVersions = versionsOf(data.train, 1);
  assert.equal(aVersions, 4);
  assert.equal(bVersions, 4);
  assert.equal(data.train.inputs.length / data.seqLen, aVersions * 3 + bVersions * 3);
  // Test: both of B's test inputs, every version, at (0, 0); the unlabelled one has all-ignored labels.
  assert.equal(data.test.rowKeys.length, bVersions * 2);
  // One identifier per (task, version), shared by B's train and test puzzles.
  assert.equal(data.identifiers.length, 1 + aVersions + bVersions);
  assert.deepEqual(Array.from(data.test.puzzleIdentifiers), Array.from(data.train.puzzleIdentifiers.slice(aVersions)));
  data.test.rowKeys.forEach((key, row) => {
    const [, pair, name] = /^B:(\d)\|(.*)$/.exec(key)!;
    const version = parseVersionName(name);
    const inputs = data.test.inputs.subarray(row * data.seqLen, (row + 1) * data.seqLen);
    assert.deepEqual(decodeGrid(inputs, data.canvas), transformGrid(taskB.test[Number(pair)].input, version));
    const labels = data.test.labels.subarray(row * data.seqLen, (row + 1) * data.seqLen);
    if (pair === '1') assert.ok(labels.every((t) => t === 0));
    else assert.deepEqual(decodeGrid(labels, data.canvas), transformGrid(taskB.test[0].output!, version));
  });
});

test('translation: per version exactly one training example may sit at (0, 0) unmoved, and it always does', () => {
  const data = composeArc([{ name: 'held', tasks: [taskA, taskB] }], { ...options, augmentations: 20 });
  const { train, seqLen } = data;
  let moved = 0;
  for (let p = 0; p < train.puzzleIdentifiers.length; p++) {
    let atOrigin = 0;
    for (let row = train.puzzleIndices[p]; row < train.puzzleIndices[p + 1]; row++) if (train.inputs[row * seqLen] >= 2) atOrigin++;
    assert.ok(atOrigin >= 1, `puzzle ${p} has no example at (0, 0)`);
    moved += train.puzzleIndices[p + 1] - train.puzzleIndices[p] - atOrigin;
  }
  assert.ok(moved > 0, 'translation never moved an example');
  const still = composeArc([{ name: 'held', tasks: [taskA, taskB] }], { ...options, augmentations: 20, translate: false });
  assert.ok(still.train.rowKeys.every((_, row) => still.train.inputs[row * still.seqLen] >= 2));
});

test('the same seed gives the same dataset; duplicate task ids keep the test set copy', () => {
  const a = composeArc([{ name: 'x', tasks: [taskA] }, { name: 'held', tasks: [taskB] }], options);
  const b = composeArc([{ name: 'x', tasks: [taskA] }, { name: 'held', tasks: [taskB] }], options);
  assert.deepEqual(a.train.inputs, b.train.inputs);
  assert.deepEqual(a.identifiers, b.identifiers);
  const dup = composeArc([{ name: 'x', tasks: [{ ...taskB, test: [] }] }, { name: 'held', tasks: [taskB] }], options);
  assert.equal(dup.testTasks[0].test.length, 2);
  assert.ok(dup.warnings.some((w) => /task B is in both 'x' and 'held'; using the copy from 'held'/.test(w)));
});

test('refuses grids larger than a fixed canvas', () => {
  assert.throws(() => composeArc([{ name: 'held', tasks: [taskA] }], { ...options, canvas: 2 }), /larger than the 2×2 canvas \(A\)/);
});

test('a fixed canvas leaves out training-only tasks that do not fit, with a warning', () => {
  // A's widest grid has 3 columns: on a 2×2 canvas it cannot train, while held-out B (2×1 grids) fits.
  const data = composeArc([{ name: 'other', tasks: [taskA] }, { name: 'held', tasks: [taskB] }], { ...options, canvas: 2 });
  assert.deepEqual(data.train.rowKeys.filter((key) => key.startsWith('A')), []);
  assert.ok(data.train.rowKeys.some((key) => key.startsWith('B')));
  assert.deepEqual(data.testTasks.map((t) => t.id), ['B']);
  assert.ok(data.warnings.some((w) => /1 training-only task\(s\) have grids larger than the 2×2 canvas and are left out \(A\)/.test(w)), data.warnings.join('\n'));
  assert.throws(() => composeArc([{ name: 'other', tasks: [taskB] }, { name: 'held', tasks: [taskA] }], { ...options, canvas: 2 }), /larger than the 2×2 canvas \(A\)/);
});

test('leak warnings: known overlaps between the shared subsets', () => {
  assert.equal(leakWarnings(['training', 'evaluation', 'concept'], 'evaluation').length, 1);
  assert.match(leakWarnings(['training2', 'evaluation'], 'evaluation')[0], /training2.*leaks/);
  assert.match(leakWarnings(['training2', 'evaluation2', 'evaluation'], 'evaluation2')[0], /0934a4d8/);
  assert.deepEqual(leakWarnings(['training2', 'evaluation2', 'concept'], 'evaluation2'), []);
});

test('held-out pairs that also train elsewhere are found by content (ARC-1 40853293 = 070dd51e)', () => {
  const training = loadTaskSet([arcSubsetFolder('training')]);
  const evaluation = loadTaskSet([arcSubsetFolder('evaluation')]);
  assert.deepEqual([training.errors, evaluation.errors], [[], []]);
  assert.equal(training.tasks.length + evaluation.tasks.length, 800);
  const data = composeArc([{ name: 'training', tasks: training.tasks }, { name: 'evaluation', tasks: evaluation.tasks }], { testSet: 'evaluation', augmentations: 0, seed: 0, canvas: 30, translate: false });
  assert.ok(data.warnings.some((w) => w.includes('070dd51e test[0] (= 40853293)')), data.warnings.join('\n'));
});

test('identifier table memory: estimate and refusal above a limit', () => {
  assert.equal(identifierTableBytes(961_001, 512), 961_001 * 512 * 4);
  assert.equal(maxArcIdentifiers(960, 1000), 1 + 960 * 1001);
  assert.equal(identifierTableProblem(1000, 16, 1 << 20), null);
  assert.match(identifierTableProblem(maxArcIdentifiers(960, 1000), 512, 2 ** 30)!, /960,961 identifiers × 512 × 4 bytes = 1876\.9 MiB, above the limit of 1024\.0 MiB/);
});
