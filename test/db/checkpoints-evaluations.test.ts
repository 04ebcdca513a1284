import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../db/index.ts';
import { sampleRun, temporaryDatabase, temporaryFolder } from './fixtures.ts';

test('checkpoints: list with aliases, resolve latest/best/step_N, move aliases, delete', () => {
  const db = temporaryDatabase();
  const run = db.createRun(sampleRun());
  for (const step of [100, 200, 300]) {
    db.addCheckpoint({ runId: run.id, step, path: `/ckpt/step_${step}.trm`, bytes: step * 10, metrics: { 'eval/exact_accuracy': step / 1000 } });
  }
  db.setCheckpointAlias(run.id, 'best', 200);
  db.setCheckpointAlias(run.id, 'latest', 200);
  db.setCheckpointAlias(run.id, 'latest', 300); // moves, never duplicates
  assert.deepEqual(db.listCheckpoints(run.id).map(({ step, aliases }) => ({ step, aliases })), [
    { step: 100, aliases: [] }, { step: 200, aliases: ['best'] }, { step: 300, aliases: ['latest'] },
  ]);
  db.setCheckpointAlias(run.id, 'best', 300);
  assert.deepEqual(db.getCheckpoint(run.id, 'best')!.aliases, ['best', 'latest']);
  const middle = db.getCheckpoint(run.id, 'step_200')!;
  assert.deepEqual({ ...middle, createdAt: 0 }, { runId: run.id, step: 200, path: '/ckpt/step_200.trm', bytes: 2000, metrics: { 'eval/exact_accuracy': 0.2 }, createdAt: 0, aliases: [] });
  assert.equal(db.getCheckpoint(run.id, 'step_999'), undefined);
  assert.throws(() => db.getCheckpoint(run.id, 'newest' as never), /Unknown checkpoint reference/);
  assert.throws(() => db.setCheckpointAlias(run.id, 'best', 999), /no checkpoint at step 999/);

  const deleted = db.deleteCheckpoint(run.id, 300);
  assert.equal(deleted?.path, '/ckpt/step_300.trm');
  assert.equal(db.getCheckpoint(run.id, 'latest'), undefined); // its aliases went with it
  assert.equal(db.getCheckpoint(run.id, 'best'), undefined);
  assert.deepEqual(db.listCheckpoints(run.id).map((checkpoint) => checkpoint.step), [100, 200]);
  assert.equal(db.deleteCheckpoint(run.id, 300), undefined);
});

test('saving a checkpoint at an existing step replaces it and keeps its aliases', () => {
  const db = temporaryDatabase();
  const run = db.createRun(sampleRun());
  db.addCheckpoint({ runId: run.id, step: 5, path: '/a', bytes: 1 });
  db.setCheckpointAlias(run.id, 'latest', 5);
  const replaced = db.addCheckpoint({ runId: run.id, step: 5, path: '/b', bytes: 2 });
  assert.equal(replaced.path, '/b');
  assert.deepEqual(replaced.aliases, ['latest']);
  assert.equal(db.listCheckpoints(run.id).length, 1);
});

test('evaluations store aggregate metrics and per-puzzle rows together', () => {
  const db = temporaryDatabase();
  const run = db.createRun(sampleRun());
  const first = db.addEvaluation({
    runId: run.id, checkpointStep: 100, split: 'test', metrics: { exactAccuracy: 0.5 },
    perPuzzle: [
      { puzzleKey: 'b-2', correct: false, haltStep: 16, detail: { wrongCells: 3 } },
      { puzzleKey: 'a-1', correct: true, haltStep: 4 },
    ],
  });
  const second = db.addEvaluation({ runId: run.id, checkpointStep: 200, split: 'test', metrics: { exactAccuracy: 1 }, perPuzzle: [{ puzzleKey: 'a-1', correct: true }] });
  const evaluations = db.listEvaluations(run.id);
  assert.deepEqual(evaluations.map((evaluation) => evaluation.id), [second, first]);
  assert.deepEqual({ ...evaluations[1], createdAt: 0 }, { id: first, runId: run.id, checkpointStep: 100, split: 'test', metrics: { exactAccuracy: 0.5 }, puzzleCount: 2, correctCount: 1, createdAt: 0 });
  assert.deepEqual(db.getEvaluationPuzzles(first), [
    { puzzleKey: 'a-1', correct: true, haltStep: 4, detail: null },
    { puzzleKey: 'b-2', correct: false, haltStep: 16, detail: { wrongCells: 3 } },
  ]);
  assert.throws(() => db.addEvaluation({ runId: run.id, checkpointStep: 300, split: 'test', metrics: {}, perPuzzle: [{ puzzleKey: 'x', correct: true }, { puzzleKey: 'x', correct: false }] }), /puzzle "x" appears twice/);
  // A failing puzzle row rolls back the whole evaluation (here: a detail that cannot be serialised).
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  assert.throws(() => db.addEvaluation({ runId: run.id, checkpointStep: 300, split: 'test', metrics: {}, perPuzzle: [{ puzzleKey: 'x', correct: true }, { puzzleKey: 'y', correct: false, detail: circular }] }), /circular/);
  assert.equal(db.listEvaluations(run.id).length, 2);
});

test('a checkpoint inside the workspace is stored relative to it, so a moved workspace still finds it', () => {
  const folder = temporaryFolder();
  const db = openDatabase(join(folder, 'old', 'trm.sqlite'));
  const run = db.createRun(sampleRun());
  const inside = join(folder, 'old', 'runs', String(run.id), 'checkpoints', 'step_5.trmckpt');
  assert.equal(db.addCheckpoint({ runId: run.id, step: 5, path: inside, bytes: 1 }).path, inside);
  db.addCheckpoint({ runId: run.id, step: 6, path: '/elsewhere/step_6.trmckpt', bytes: 1 });
  const stored = () => db.sqlite.prepare('SELECT step, path FROM checkpoints ORDER BY step').all();
  assert.deepEqual(stored(), [{ step: 5, path: `runs/${run.id}/checkpoints/step_5.trmckpt` }, { step: 6, path: '/elsewhere/step_6.trmckpt' }]);
  db.close();

  renameSync(join(folder, 'old'), join(folder, 'new'));
  const moved = openDatabase(join(folder, 'new', 'trm.sqlite'));
  try {
    assert.equal(moved.workspace, join(folder, 'new'));
    assert.deepEqual(moved.listCheckpoints(run.id).map((c) => c.path), [join(folder, 'new', 'runs', String(run.id), 'checkpoints', 'step_5.trmckpt'), '/elsewhere/step_6.trmckpt']);
    assert.equal(moved.deleteCheckpoint(run.id, 5)?.path, join(folder, 'new', 'runs', String(run.id), 'checkpoints', 'step_5.trmckpt'));
  } finally {
    moved.close();
  }
});

test('rewindRun drops the metrics, evaluations and checkpoints after the step a run resumes from', () => {
  const db = temporaryDatabase();
  const run = db.createRun(sampleRun());
  const other = db.createRun(sampleRun());
  for (const runId of [run.id, other.id]) {
    for (const step of [10, 20, 30]) {
      db.addCheckpoint({ runId, step, path: `/ckpt/${runId}/step_${step}.trmckpt`, bytes: 1 });
      db.addEvaluation({ runId, checkpointStep: step, split: 'test', metrics: {}, perPuzzle: [{ puzzleKey: 'a', correct: true }] });
      db.appendMetrics(runId, [{ key: 'train/lm_loss', step, wallTimeMs: step, value: step }]);
    }
    db.setCheckpointAlias(runId, 'latest', 30);
    db.setCheckpointAlias(runId, 'best', 30);
  }
  const dropped = db.rewindRun(run.id, 20);
  assert.deepEqual(dropped.map((c) => [c.step, c.path]), [[30, `/ckpt/${run.id}/step_30.trmckpt`]]);
  assert.deepEqual(db.listCheckpoints(run.id).map(({ step, aliases }) => ({ step, aliases })), [{ step: 10, aliases: [] }, { step: 20, aliases: ['latest'] }]);
  assert.deepEqual(db.listEvaluations(run.id).map((e) => e.checkpointStep), [20, 10]);
  assert.equal(db.sqlite.prepare('SELECT count(*) FROM evaluation_puzzles').pluck().get(), 5, 'the dropped evaluation\'s puzzle rows went with it');
  assert.deepEqual(db.getMetricSeries(run.id, ['train/lm_loss'])['train/lm_loss'].steps, [10, 20]);
  assert.equal(db.getMetricSummaries([run.id])[run.id]['train/lm_loss'].lastStep, 20);
  assert.equal(db.listEvaluations(other.id).length, 3, 'other runs are untouched');
  assert.deepEqual(db.rewindRun(run.id, 0).map((c) => c.step), [10, 20]); // no checkpoint: everything goes
  assert.deepEqual([db.listCheckpoints(run.id), db.listEvaluations(run.id)], [[], []]);
});
