import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleRun, temporaryDatabase } from './fixtures.ts';

test('createRun stores every field; getRun reads it back with config parsed and tags as a sorted set', () => {
  const db = temporaryDatabase();
  const parent = db.createRun(sampleRun({ name: 'parent' }));
  const run = db.createRun(sampleRun({ config: { nested: { depth: [1, 2] } }, tags: ['seed-2', ' baseline ', 'seed-2'], notes: 'first try', parentRunId: parent.id }));
  assert.ok(run.id > parent.id);
  assert.deepEqual(db.getRun(run.id), run);
  assert.deepEqual(run.config, { nested: { depth: [1, 2] } });
  assert.deepEqual(run.tags, ['baseline', 'seed-2']);
  assert.equal(run.status, 'queued');
  assert.equal(run.parentRunId, parent.id);
  assert.equal(run.notes, 'first try');
  assert.equal(run.archived, false);
  assert.equal(run.step, 0);
  assert.equal(run.totalSteps, 1000);
  assert.ok(Math.abs(run.createdAt - Date.now()) < 60_000);
  assert.equal(db.getRun(9999), undefined);
});

test('updateRun changes only the given fields and validates status', () => {
  const db = temporaryDatabase();
  const run = db.createRun(sampleRun());
  const updated = db.updateRun(run.id, { status: 'running', pid: 4242, startedAt: 1000, step: 17, tags: ['b', 'a'], color: '#ff0000', archived: true, config: { lr: 2 } });
  assert.equal(updated.status, 'running');
  assert.equal(updated.pid, 4242);
  assert.equal(updated.startedAt, 1000);
  assert.equal(updated.step, 17);
  assert.deepEqual(updated.tags, ['a', 'b']);
  assert.equal(updated.color, '#ff0000');
  assert.equal(updated.archived, true);
  assert.deepEqual(updated.config, { lr: 2 });
  assert.equal(updated.name, run.name);
  const cleared = db.updateRun(run.id, { pid: null, color: null, status: 'finished', endedAt: 2000 });
  assert.equal(cleared.pid, null);
  assert.equal(cleared.color, null);
  assert.equal(cleared.endedAt, 2000);
  assert.throws(() => db.updateRun(run.id, { status: 'exploded' as never }), /Unknown run status "exploded"/);
  assert.throws(() => db.updateRun(run.id, { bogus: 1 } as never), /unknown field "bogus"/);
  assert.throws(() => db.updateRun(9999, { name: 'x' }), /Run 9999 does not exist/);
});

test('listRuns: newest first, filters by status, tag, preset and text, hides archived runs by default', () => {
  const db = temporaryDatabase();
  const a = db.createRun(sampleRun({ name: 'alpha', preset: 'sudoku6-mlp', tags: ['baseline'] }));
  const b = db.createRun(sampleRun({ name: 'beta', preset: 'arc-att', tags: ['ablation', 'seed-1'], notes: 'No EMA, 100%' }));
  const c = db.createRun(sampleRun({ name: 'gamma', preset: 'sudoku6-mlp' }));
  db.updateRun(b.id, { status: 'running' });
  db.updateRun(c.id, { archived: true });
  const ids = (filter?: Parameters<typeof db.listRuns>[0]) => db.listRuns(filter).map((run) => run.id);

  assert.deepEqual(ids(), [b.id, a.id]);
  assert.deepEqual(ids({ includeArchived: true }), [c.id, b.id, a.id]);
  assert.deepEqual(ids({ status: 'running' }), [b.id]);
  assert.deepEqual(ids({ tag: 'baseline' }), [a.id]);
  assert.deepEqual(ids({ tag: 'seed' }), []); // tags match whole
  assert.deepEqual(ids({ preset: 'sudoku6-mlp', includeArchived: true }), [c.id, a.id]);
  assert.deepEqual(ids({ text: 'ALPH' }), [a.id]); // name, case-insensitive
  assert.deepEqual(ids({ text: 'no ema' }), [b.id]); // notes
  assert.deepEqual(ids({ text: 'seed' }), [b.id]); // tag substring
  assert.deepEqual(ids({ text: 'arc-' }), [b.id]); // preset
  assert.deepEqual(ids({ text: '100%' }), [b.id]); // % is literal
  assert.deepEqual(ids({ text: '%' }), [b.id]);
  assert.deepEqual(ids({ status: 'running', tag: 'baseline' }), []);
  assert.deepEqual(db.listTags(), ['ablation', 'baseline', 'seed-1']);
});

test('listRuns carries each run\'s metric summaries', () => {
  const db = temporaryDatabase();
  const run = db.createRun(sampleRun());
  const silent = db.createRun(sampleRun());
  db.appendMetrics(run.id, [
    { key: 'train/lm_loss', step: 1, wallTimeMs: 10, value: 2.5 },
    { key: 'train/lm_loss', step: 2, wallTimeMs: 20, value: 1.5 },
    { key: 'eval/exact_accuracy', step: 2, wallTimeMs: 20, value: 0.25 },
  ]);
  const [silentSummary, runSummary] = db.listRuns();
  assert.equal(silentSummary.id, silent.id);
  assert.deepEqual(silentSummary.metrics, {});
  assert.deepEqual(runSummary.metrics['train/lm_loss'], { lastStep: 2, lastWallTimeMs: 20, lastValue: 1.5, minValue: 1.5, maxValue: 2.5, count: 2 });
  assert.equal(runSummary.metrics['eval/exact_accuracy'].lastValue, 0.25);
});

test('deleteRun cascades to metrics, summaries, checkpoints, aliases, evaluations and puzzle rows', () => {
  const db = temporaryDatabase();
  const run = db.createRun(sampleRun());
  const kept = db.createRun(sampleRun());
  const child = db.createRun(sampleRun({ parentRunId: run.id }));
  for (const id of [run.id, kept.id]) {
    db.appendMetrics(id, [{ key: 'loss', step: 1, wallTimeMs: 1, value: 1 }]);
    db.addCheckpoint({ runId: id, step: 1, path: `/ckpt/${id}`, bytes: 10 });
    db.setCheckpointAlias(id, 'latest', 1);
    db.addEvaluation({ runId: id, checkpointStep: 1, split: 'test', metrics: {}, perPuzzle: [{ puzzleKey: 'p1', correct: true }] });
  }
  assert.equal(db.deleteRun(run.id), true);
  assert.equal(db.deleteRun(run.id), false);
  const countFor = (table: string, column = 'run_id') =>
    db.sqlite.prepare(`SELECT count(*) FROM ${table} WHERE ${column} = ?`).pluck().get(run.id);
  for (const table of ['metrics', 'metric_summaries', 'checkpoints', 'checkpoint_aliases', 'evaluations']) {
    assert.equal(countFor(table), 0, table);
  }
  assert.equal(db.sqlite.prepare('SELECT count(*) FROM evaluation_puzzles').pluck().get(), 1); // only the kept run's
  assert.equal(db.getRun(child.id)!.parentRunId, null);
  assert.equal(db.listCheckpoints(kept.id).length, 1);
  assert.deepEqual(db.sqlite.pragma('foreign_key_check'), []);
});

test('markInterruptedRuns turns running runs with a dead or missing process into interrupted', () => {
  const db = temporaryDatabase();
  const alive = db.updateRun(db.createRun(sampleRun()).id, { status: 'running', pid: 100 });
  const dead = db.updateRun(db.createRun(sampleRun()).id, { status: 'running', pid: 200 });
  const noPid = db.updateRun(db.createRun(sampleRun()).id, { status: 'running' });
  const finished = db.updateRun(db.createRun(sampleRun()).id, { status: 'finished', pid: 300 });
  const checked: number[] = [];
  const interrupted = db.markInterruptedRuns((pid) => { checked.push(pid); return pid === 100; });
  assert.deepEqual(interrupted, [dead.id, noPid.id]);
  assert.deepEqual(checked.sort(), [100, 200]);
  assert.equal(db.getRun(alive.id)!.status, 'running');
  assert.equal(db.getRun(finished.id)!.status, 'finished');
  const deadNow = db.getRun(dead.id)!;
  assert.equal(deadNow.status, 'interrupted');
  assert.equal(deadNow.pid, null);
  assert.ok(deadNow.endedAt !== null);
  assert.deepEqual(db.markInterruptedRuns(() => false), [alive.id]);
  assert.deepEqual(db.markInterruptedRuns(() => false), []);
});

test('markInterruptedRuns: a queued run whose job process is gone (killed before training began) is interrupted, not queued for good', () => {
  const db = temporaryDatabase();
  const waiting = db.createRun(sampleRun()); // queued, no job process yet
  const starting = db.updateRun(db.createRun(sampleRun()).id, { pid: 100 }); // the queue started its job: still alive
  const killed = db.updateRun(db.createRun(sampleRun()).id, { pid: 200 });
  assert.deepEqual(db.markInterruptedRuns((pid) => pid === 100), [killed.id]);
  assert.deepEqual([waiting, starting].map((run) => db.getRun(run.id)!.status), ['queued', 'queued']);
  const killedNow = db.getRun(killed.id)!;
  assert.deepEqual([killedNow.status, killedNow.pid, killedNow.error], ['interrupted', null, 'The training job ended before training began (crash or kill)']);
});

test('markInterruptedRuns by default checks real processes', () => {
  const db = temporaryDatabase();
  const mine = db.updateRun(db.createRun(sampleRun()).id, { status: 'running', pid: process.pid });
  const gone = db.updateRun(db.createRun(sampleRun()).id, { status: 'running', pid: 2 ** 22 + 12345 }); // above pid_max
  assert.deepEqual(db.markInterruptedRuns(), [gone.id]);
  assert.equal(db.getRun(mine.id)!.status, 'running');
});

test('settings store JSON values by key', () => {
  const db = temporaryDatabase();
  assert.equal(db.getSetting('runs.columns'), undefined);
  db.setSetting('runs.columns', ['name', 'eval/exact_accuracy']);
  db.setSetting('theme', 'dark');
  db.setSetting('theme', { mode: 'light' });
  assert.deepEqual(db.getSetting('runs.columns'), ['name', 'eval/exact_accuracy']);
  assert.deepEqual(db.getSetting<{ mode: string }>('theme'), { mode: 'light' });
  db.setSetting('theme', undefined);
  assert.equal(db.getSetting('theme'), undefined);
});
