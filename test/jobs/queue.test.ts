import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, type TrmDb } from '../../db/index.ts';
import { JobQueue } from '../../main/jobs/queue.ts';
import type { WorkbenchEvent } from '../../preload/contract.ts';

const FAKE_TRAINER = fileURLToPath(new URL('./fake-trainer.ts', import.meta.url));

/** A workspace with a database and a queue whose jobs run the fake trainer. */
function setUp(concurrency = 1) {
  const home = mkdtempSync(join(tmpdir(), 'trm-jobs-'));
  const db = openDatabase(join(home, 'trm.sqlite'));
  const events: WorkbenchEvent[] = [];
  const queue = new JobQueue({ db, concurrency, trainerModule: FAKE_TRAINER, env: { ...process.env, TRM_HOME: home }, onEvent: (event) => events.push(event) });
  const cleanUp = async () => { await queue.shutdown(2000); db.close(); rmSync(home, { recursive: true, force: true }); };
  return { db, queue, events, cleanUp };
}

function addRun(db: TrmDb, behaviour: string): number {
  return db.createRun({ name: behaviour, preset: 'fake', config: {}, backend: 'cpu', backendVersion: '0', appVersion: '0', datasetFingerprint: 'x', totalSteps: 100, notes: behaviour }).id;
}

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('a job process killed with SIGKILL leaves its run interrupted', async () => {
  const { db, queue, cleanUp } = setUp();
  try {
    const runId = addRun(db, 'hang');
    const job = queue.enqueue({ kind: 'train', runId });
    await waitFor(() => db.getRun(runId)?.status === 'running');
    const pid = db.getRun(runId)!.pid!;
    process.kill(pid, 'SIGKILL'); // from outside, like the OOM killer: the queue did not ask for it
    const ended = await queue.whenEnded(job.jobId);
    assert.equal(ended.state, 'interrupted');
    assert.equal(db.getRun(runId)?.status, 'interrupted');
    assert.match(db.getRun(runId)?.error ?? '', /SIGKILL/);
  } finally { await cleanUp(); }
});

test('kill ends the job at once and the run is interrupted; stop lets the trainer stop cleanly', async () => {
  const { db, queue, cleanUp } = setUp(2);
  try {
    const killedRun = addRun(db, 'hang');
    const stoppedRun = addRun(db, 'hang');
    const killedJob = queue.enqueue({ kind: 'train', runId: killedRun });
    const stoppedJob = queue.enqueue({ kind: 'train', runId: stoppedRun });
    await waitFor(() => db.getRun(killedRun)?.status === 'running' && db.getRun(stoppedRun)?.status === 'running');
    queue.kill(killedRun);
    queue.stop(stoppedRun);
    assert.equal((await queue.whenEnded(killedJob.jobId)).state, 'killed');
    assert.equal(db.getRun(killedRun)?.status, 'interrupted');
    assert.equal((await queue.whenEnded(stoppedJob.jobId)).state, 'stopped');
    assert.equal(db.getRun(stoppedRun)?.status, 'stopped');
  } finally { await cleanUp(); }
});

test('a finished run stays finished; a crash or a throwing trainer is recorded', async () => {
  const { db, queue, events, cleanUp } = setUp(3);
  try {
    const finished = addRun(db, 'finish');
    const crashed = addRun(db, 'crash');
    const failed = addRun(db, 'throw');
    const jobs = [finished, crashed, failed].map((runId) => queue.enqueue({ kind: 'train', runId }));
    const states = await Promise.all(jobs.map((job) => queue.whenEnded(job.jobId).then((info) => info.state)));
    assert.deepEqual(states, ['finished', 'interrupted', 'failed']);
    assert.deepEqual([finished, crashed, failed].map((runId) => db.getRun(runId)?.status), ['finished', 'interrupted', 'failed']);
    assert.equal(db.getRun(failed)?.error, 'fake trainer failure');
    // 100 progress events in a burst arrive throttled, and done always arrives.
    const finishedEvents = events.flatMap((event) => (event.type === 'train' && event.event.runId === finished ? [event.event] : []));
    assert.ok(finishedEvents.filter((event) => event.type === 'progress').length <= 2);
    assert.equal(finishedEvents.at(-1)?.type, 'done');
  } finally { await cleanUp(); }
});

test('concurrency limits how many jobs run at once; the rest wait in order', async () => {
  const { db, queue, events, cleanUp } = setUp(1);
  try {
    const first = addRun(db, 'hang');
    const second = addRun(db, 'finish');
    const firstJob = queue.enqueue({ kind: 'train', runId: first });
    const secondJob = queue.enqueue({ kind: 'train', runId: second });
    assert.equal(queue.activeJob(second)?.state, 'queued');
    assert.throws(() => queue.enqueue({ kind: 'train', runId: first }), /already has a train job/);
    await waitFor(() => db.getRun(first)?.status === 'running');
    assert.equal(queue.activeJob(second)?.state, 'queued');
    queue.stop(first);
    assert.equal((await queue.whenEnded(secondJob.jobId)).state, 'finished');
    const started = events.flatMap((event) => (event.type === 'job' && event.job.state === 'running' ? [event.job.jobId] : []));
    assert.deepEqual(started, [firstJob.jobId, secondJob.jobId]);
  } finally { await cleanUp(); }
});

test('stopping a queued job drops it and marks its run stopped', async () => {
  const { db, queue, cleanUp } = setUp(1);
  try {
    const running = addRun(db, 'hang');
    const waiting = addRun(db, 'finish');
    queue.enqueue({ kind: 'train', runId: running });
    const waitingJob = queue.enqueue({ kind: 'train', runId: waiting });
    assert.equal(queue.stop(waiting)?.state, 'stopped');
    assert.equal((await queue.whenEnded(waitingJob.jobId)).state, 'stopped');
    assert.equal(db.getRun(waiting)?.status, 'stopped');
    assert.equal(queue.activeJob(waiting), undefined);
  } finally { await cleanUp(); }
});
