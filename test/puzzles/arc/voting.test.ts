import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeVersion, originalVersion, transformGrid, type ArcVersion } from '../../../main/puzzles/arc/augment.ts';
import { encodeGrid } from '../../../main/puzzles/arc/encode.ts';
import type { ArcTask, Grid } from '../../../main/puzzles/arc/grid.ts';
import { ArcVoteTable, arcRowKey, rankCandidates, submissionJson, voteArc, type ArcPrediction } from '../../../main/puzzles/arc/voting.ts';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const A: Grid = [[1, 2], [3, 4]];
const B: Grid = [[5]];
const C: Grid = [[6, 6]];

/** What the model outputs for `grid` when it reads the version `version` of a test input. */
function prediction(task: ArcTask, testIndex: number, version: ArcVersion, grid: Grid, qHaltLogit: number, keyed = true): ArcPrediction {
  return {
    key: keyed ? arcRowKey(task.id, testIndex, version.name) : version.name,
    predictedTokens: encodeGrid(transformGrid(grid, version), 30),
    inputTokens: encodeGrid(transformGrid(task.test[testIndex].input, version), 30),
    qHaltLogit,
  };
}

const one: ArcTask = { id: 'one', train: [{ input: [[1]], output: [[1]] }], test: [{ input: [[7, 8], [9, 0]], output: A }] };
const two: ArcTask = { id: 'two', train: [{ input: [[1]], output: [[1]] }], test: [{ input: [[1]], output: B }, { input: [[2]], output: C }] };
const none: ArcTask = { id: 'none', train: [{ input: [[1]], output: [[1]] }], test: [{ input: [[3]], output: [[3]] }] };
const v = [originalVersion('one'), makeVersion('one', 1, [0, 9, 8, 7, 6, 5, 4, 3, 2, 1]), makeVersion('one', 7, [0, 2, 3, 4, 5, 6, 7, 8, 9, 1])];

test('candidates rank by vote count, then by mean halting probability; predictions are inverted first', () => {
  const predictions = [
    prediction(one, 0, v[0], B, -3), prediction(one, 0, v[1], B, -3), prediction(one, 0, v[2], B, -3, false),
    prediction(one, 0, v[1], A, 2), prediction(one, 0, v[2], A, 0, false),
    prediction(one, 0, v[0], C, 1), prediction(one, 0, v[1], C, -1),
  ];
  const result = voteArc(predictions, [one]);
  assert.equal(result.unmatched, 0);
  const [input] = result.tasks[0].inputs;
  assert.deepEqual(input.candidates.map((c) => [c.grid, c.count]), [[B, 3], [A, 2], [C, 2]]);
  assert.ok(Math.abs(input.candidates[1].meanQ - (sigmoid(2) + sigmoid(0)) / 2) < 1e-12);
  assert.ok(Math.abs(input.candidates[2].meanQ - (sigmoid(1) + sigmoid(-1)) / 2) < 1e-12);
  assert.equal(input.passAt[1], false);
  assert.equal(input.passAt[2], true);
  assert.deepEqual(submissionJson(result), { one: [{ attempt_1: B, attempt_2: A }] });
});

test('rankCandidates: count beats a higher mean q', () => {
  const ranked = rankCandidates([
    { hash: 'a', grid: A, count: 1, meanQ: 0.99 },
    { hash: 'b', grid: B, count: 2, meanQ: 0.1 },
    { hash: 'c', grid: C, count: 2, meanQ: 0.2 },
  ]);
  assert.deepEqual(ranked.map((c) => c.hash), ['c', 'b', 'a']);
});

test('pass@K gives partial credit per task and counts tasks without predictions as 0', () => {
  const vt = [originalVersion('two'), makeVersion('two', 3, [0, 5, 6, 7, 8, 9, 1, 2, 3, 4])];
  const predictions = [
    // one: the answer is second → passes at 2, not at 1.
    prediction(one, 0, v[0], B, 0), prediction(one, 0, v[1], B, 0), prediction(one, 0, v[2], A, 0),
    // two: input 0 right at rank 1; input 1 never predicted correctly.
    prediction(two, 0, vt[0], B, 0), prediction(two, 0, vt[1], B, 0, false),
    prediction(two, 1, vt[0], A, 0), prediction(two, 1, vt[1], [[7]], 0),
  ];
  const result = voteArc(predictions, [one, two, none]);
  const scores = Object.fromEntries(result.tasks.map((t) => [t.taskId, t.passAt]));
  assert.equal(scores.one[1], 0);
  assert.equal(scores.one[2], 1);
  assert.equal(scores.two[1], 0.5);
  assert.equal(scores.two[2], 0.5);
  assert.equal(scores.none[1000], 0);
  assert.equal(result.scoredTasks, 3);
  assert.ok(Math.abs(result.passAt[1] - 0.5 / 3) < 1e-12);
  assert.ok(Math.abs(result.passAt[2] - 1.5 / 3) < 1e-12);
  const submission = submissionJson(result);
  assert.deepEqual(submission.two[0], { attempt_1: B, attempt_2: B }); // one candidate: repeated
  assert.equal(submission.none.length, 1);
});

test('the submission skips empty crops: the next non-empty candidate, or [[0]] when there is none', () => {
  // All padding: the crop is empty whatever the version.
  const empty = (version: ArcVersion) => ({ ...prediction(one, 0, version, A, 0), predictedTokens: new Uint8Array(900) });
  const withEmpty = voteArc([empty(v[0]), empty(v[1]), prediction(one, 0, v[2], A, 0)], [one]);
  assert.deepEqual(withEmpty.tasks[0].inputs[0].candidates.map((c) => c.count), [2, 1], 'the empty crop is still the top vote');
  assert.deepEqual(submissionJson(withEmpty), { one: [{ attempt_1: A, attempt_2: A }] });
  const onlyEmpty = voteArc([empty(v[0])], [one]);
  assert.deepEqual(submissionJson(onlyEmpty), { one: [{ attempt_1: [[0]], attempt_2: [[0]] }] });
});

test('predictions for unknown tasks or inputs are counted as unmatched', () => {
  const stray = { ...prediction(one, 0, v[0], A, 0), key: 'ghost' };
  const wrongInput = { ...prediction(one, 0, v[0], A, 0, false), inputTokens: encodeGrid([[4, 4, 4]], 30) };
  assert.equal(voteArc([stray, wrongInput], [one]).unmatched, 2);
});

test('the vote table holds one entry per distinct candidate, however many predictions it is fed', () => {
  const table = new ArcVoteTable([one]);
  const grids = [A, B, C];
  const predictions: ArcPrediction[] = [];
  for (let i = 0; i < 600; i++) {
    const predicted = prediction(one, 0, v[i % 3], grids[i % 7 % 3], (i % 11) - 5, i % 2 === 0);
    predictions.push(predicted);
    table.add(predicted);
  }
  assert.equal(table.candidateCount, 3);
  assert.deepEqual(table.result(), voteArc(predictions, [one]));
});
