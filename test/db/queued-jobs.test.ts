import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openDatabase } from '../../db/index.ts';
import { sampleRun, temporaryDatabase, temporaryFolder } from './fixtures.ts';

test('queued jobs are listed in queue order: appended last, or put ahead of every stored job', () => {
  const db = temporaryDatabase();
  const [a, b, c, d] = [1, 2, 3, 4].map(() => db.createRun(sampleRun()).id);
  const second = db.addQueuedJob({ kind: 'train', runId: a, payload: { minutes: 3 }, queuedAt: 10 });
  db.addQueuedJob({ kind: 'evaluate', runId: b, payload: { checkpoint: 'best' }, queuedAt: 11 });
  db.addQueuedJob({ kind: 'train', runId: c, payload: {}, queuedAt: 12 }, 'first');
  db.addQueuedJob({ kind: 'train', runId: d, payload: {}, queuedAt: 13 }, 'first');
  assert.deepEqual(db.listQueuedJobs().map((row) => row.runId), [d, c, a, b]);
  assert.deepEqual(second, { id: second.id, position: 1, kind: 'train', runId: a, payloadJson: '{"minutes":3}', queuedAt: 10, startedBy: null });
  assert.equal(db.removeQueuedJob(second.id), true);
  assert.equal(db.removeQueuedJob(second.id), false); // already gone: another process took it
  assert.deepEqual(db.listQueuedJobs().map((row) => row.runId), [d, c, b]);
});

test('a waiting job is claimed once by marking the process that starts it, and released back to waiting in its place', () => {
  const db = temporaryDatabase();
  const [a, b] = [1, 2].map(() => db.createRun(sampleRun()).id);
  const first = db.addQueuedJob({ kind: 'evaluate', runId: a, payload: {}, queuedAt: 1 });
  db.addQueuedJob({ kind: 'evaluate', runId: b, payload: {}, queuedAt: 2 });
  assert.equal(db.claimQueuedJob(first.id, 101), true);
  assert.equal(db.claimQueuedJob(first.id, 102), false, 'already started by 101');
  assert.deepEqual(db.listQueuedJobs().map((row) => [row.runId, row.startedBy]), [[a, 101], [b, null]]);
  db.releaseQueuedJob(first.id);
  assert.deepEqual(db.listQueuedJobs().map((row) => [row.runId, row.startedBy]), [[a, null], [b, null]]);
  assert.equal(db.claimQueuedJob(first.id, 102), true);
  assert.equal(db.removeQueuedJob(first.id), true);
  assert.equal(db.claimQueuedJob(first.id, 103), false, 'gone');
});

test('the stored queue outlives the connection, and deleting a run removes its queued jobs', () => {
  const path = join(temporaryFolder(), 'trm.sqlite');
  const db = openDatabase(path);
  const [kept, deleted] = [db.createRun(sampleRun()).id, db.createRun(sampleRun()).id];
  db.addQueuedJob({ kind: 'train', runId: deleted, payload: {}, queuedAt: 1 });
  db.addQueuedJob({ kind: 'train', runId: kept, payload: {}, queuedAt: 2 });
  db.close();
  const reopened = openDatabase(path);
  try {
    assert.deepEqual(reopened.listQueuedJobs().map((row) => row.runId), [deleted, kept]);
    reopened.deleteRun(deleted);
    assert.deepEqual(reopened.listQueuedJobs().map((row) => row.runId), [kept]);
    assert.throws(() => reopened.addQueuedJob({ kind: 'train', runId: 999, payload: {}, queuedAt: 3 }), /FOREIGN KEY/);
  } finally { reopened.close(); }
});
