import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, type TrmDb } from '../../db/index.ts';
import { JobQueue, type JobQueueOptions } from '../../main/jobs/queue.ts';
import type { JobProcess } from '../../main/jobs/launcher.ts';
import type { WorkbenchEvent } from '../../preload/contract.ts';

test('a stored concurrency that is not a whole number from 1 to the maximum is ignored with a warning', async () => {
  for (const stored of [Number.NaN, 0, 17, 2.5, 'four' as unknown as number]) {
    const { queue, warnings, cleanUp } = setUp(stored);
    try {
      assert.equal(queue.getConcurrency(), 1);
      assert.match(warnings.join('\n'), /jobs at once: ignoring/);
    } finally { await cleanUp(); }
  }
  const { queue, warnings, cleanUp } = setUp(3);
  try {
    assert.equal(queue.getConcurrency(), 3);
    assert.deepEqual(warnings, []);
  } finally { await cleanUp(); }
});

const FAKE_TRAINER = fileURLToPath(new URL('./fake-trainer.ts', import.meta.url));

/** The app's side of one session on a workspace: its database connection and a queue running the fake trainer. */
function openSession(home: string, concurrency = 1, options: Partial<JobQueueOptions> = {}) {
  const db = openDatabase(join(home, 'trm.sqlite'));
  const events: WorkbenchEvent[] = [];
  const warnings: string[] = [];
  const queue = new JobQueue({
    db, concurrency, trainerModule: FAKE_TRAINER, env: { ...process.env, TRM_HOME: home },
    onEvent: (event) => events.push(event), warn: (message) => warnings.push(message), ...options,
  });
  /** Job ids in the order they started running. */
  const started = () => events.flatMap((event) => (event.type === 'job' && event.job.state === 'running' ? [event.job.jobId] : []));
  const close = async (options?: Parameters<JobQueue['shutdown']>[1]) => { await queue.shutdown(2000, options); db.close(); };
  return { db, queue, events, warnings, started, close };
}

/** A workspace with a database and a queue whose jobs run the fake trainer. */
function setUp(concurrency = 1) {
  const home = mkdtempSync(join(tmpdir(), 'trm-jobs-'));
  const session = openSession(home, concurrency);
  const cleanUp = async () => { await session.close(); rmSync(home, { recursive: true, force: true }); };
  return { ...session, home, cleanUp };
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

test('each job process is told its share of the cores (cores / jobs at once, at least 1), which auto threads use', async () => {
  for (const concurrency of [1, 2]) {
    const { db, queue, cleanUp } = setUp(concurrency);
    try {
      const runId = addRun(db, 'finish');
      await queue.whenEnded(queue.enqueue({ kind: 'train', runId }).jobId);
      assert.equal(db.getSetting(`fake-trainer-cores.${runId}`), String(Math.max(1, Math.floor(availableParallelism() / concurrency))));
    } finally { await cleanUp(); }
  }
});

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

test('concurrency changes at run time: raising it starts a waiting job at once, lowering it stops none', async () => {
  const { db, queue, cleanUp } = setUp(1);
  try {
    const [first, second, third] = ['hang', 'hang', 'finish'].map((behaviour) => addRun(db, behaviour));
    const firstJob = queue.enqueue({ kind: 'train', runId: first });
    const secondJob = queue.enqueue({ kind: 'train', runId: second });
    assert.equal(queue.activeJob(second)?.state, 'queued');
    queue.setConcurrency(2);
    assert.equal(queue.getConcurrency(), 2);
    assert.equal(queue.activeJob(second)?.state, 'running');
    await waitFor(() => db.getRun(first)?.status === 'running' && db.getRun(second)?.status === 'running');
    queue.setConcurrency(1);
    const thirdJob = queue.enqueue({ kind: 'train', runId: third });
    assert.deepEqual([first, second, third].map((runId) => queue.activeJob(runId)?.state), ['running', 'running', 'queued']);
    queue.stop(first);
    assert.equal((await queue.whenEnded(firstJob.jobId)).state, 'stopped');
    assert.equal(queue.activeJob(third)?.state, 'queued'); // one still runs: the limit is 1
    assert.equal(db.getRun(second)?.status, 'running');
    queue.stop(second);
    assert.equal((await queue.whenEnded(secondJob.jobId)).state, 'stopped');
    assert.equal((await queue.whenEnded(thirdJob.jobId)).state, 'finished');
    for (const invalid of [0, 17, 1.5, Number.NaN]) assert.throws(() => queue.setConcurrency(invalid), RangeError);
    assert.equal(queue.getConcurrency(), 1);
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

// Persistence: waiting jobs are stored in queued_jobs and a new session on the same database file restores them.

test('queued jobs survive a restart: a new queue on the same database runs them in their order with their options', async () => {
  const { db, home, queue, close } = setUp(1);
  let next: ReturnType<typeof openSession> | undefined;
  try {
    const blocking = addRun(db, 'hang');
    const [timed, evaluated, plain] = [addRun(db, 'finish'), addRun(db, 'finish'), addRun(db, 'finish')];
    queue.enqueue({ kind: 'train', runId: blocking });
    await waitFor(() => db.getRun(blocking)?.status === 'running');
    queue.enqueue({ kind: 'train', runId: timed, minutes: 2.5 });
    queue.enqueue({ kind: 'evaluate', runId: evaluated, checkpoint: 'best' });
    queue.enqueue({ kind: 'train', runId: plain });
    // The running job's row went when it started; the waiting ones are stored in order.
    assert.deepEqual(db.listQueuedJobs().map((row) => [row.kind, row.runId, JSON.parse(row.payloadJson)]),
      [['train', timed, { minutes: 2.5 }], ['evaluate', evaluated, { checkpoint: 'best' }], ['train', plain, {}]]);
    await close(); // the app quits: the running job stops, the waiting ones stay stored
    assert.equal(db.sqlite.open, false);

    next = openSession(home, 1);
    assert.deepEqual(next.db.listQueuedJobs().map((row) => row.runId), [timed, evaluated, plain]);
    assert.deepEqual([blocking, timed, plain].map((runId) => next!.db.getRun(runId)?.status), ['stopped', 'queued', 'queued']);
    const restored = next.queue.restore();
    assert.deepEqual(restored.map((job) => [job.kind, job.runId]), [['train', timed], ['evaluate', evaluated], ['train', plain]]);
    const ended = await Promise.all(restored.map((job) => next!.queue.whenEnded(job.jobId)));
    assert.deepEqual(ended.map((job) => job.state), ['finished', 'finished', 'finished']);
    assert.deepEqual(next.started(), restored.map((job) => job.jobId));
    assert.deepEqual(next.db.getSetting(`fake-trainer.${timed}`), { kind: 'train', minutes: 2.5 });
    assert.deepEqual(next.db.getSetting(`fake-trainer.${evaluated}`), { kind: 'evaluate', checkpoint: 'best' });
    assert.deepEqual(next.db.getSetting(`fake-trainer.${plain}`), { kind: 'train', minutes: null });
    assert.equal(next.queue.activeJob(blocking), undefined); // stopped by the quit, not brought back unasked
    assert.deepEqual(next.db.listQueuedJobs(), []);
    assert.deepEqual(next.warnings, []);
  } finally {
    await next?.close();
    rmSync(home, { recursive: true, force: true });
  }
});

test('a cancelled queued job is gone for good: its row is removed and a restart does not bring it back', async () => {
  const { db, home, queue, close } = setUp(1);
  let next: ReturnType<typeof openSession> | undefined;
  try {
    const blocking = addRun(db, 'hang');
    const [stopped, killed, kept] = [addRun(db, 'finish'), addRun(db, 'finish'), addRun(db, 'finish')];
    queue.enqueue({ kind: 'train', runId: blocking });
    for (const runId of [stopped, killed, kept]) queue.enqueue({ kind: 'train', runId });
    assert.equal(db.listQueuedJobs().length, 3);
    assert.equal(queue.stop(stopped)?.state, 'stopped');
    assert.equal(queue.kill(killed)?.state, 'stopped');
    assert.deepEqual(db.listQueuedJobs().map((row) => row.runId), [kept]);
    await close();

    next = openSession(home, 1);
    const restored = next.queue.restore();
    assert.deepEqual(restored.map((job) => job.runId), [kept]);
    assert.deepEqual([stopped, killed].map((runId) => next!.db.getRun(runId)?.status), ['stopped', 'stopped']);
    assert.equal((await next.queue.whenEnded(restored[0]!.jobId)).state, 'finished');
    assert.equal(next.db.getSetting(`fake-trainer.${stopped}`), undefined); // never ran
  } finally {
    await next?.close();
    rmSync(home, { recursive: true, force: true });
  }
});

test('stored jobs that cannot run are skipped with a warning and removed; the others still run', async () => {
  const { db, queue, warnings, cleanUp } = setUp(1);
  try {
    const [badJson, unknownKind, badMinutes, finishedRun, good, notAnObject] = ['finish', 'finish', 'finish', 'finish', 'finish', 'finish'].map((notes) => addRun(db, notes));
    db.updateRun(finishedRun, { status: 'finished' });
    const insert = db.sqlite.prepare('INSERT INTO queued_jobs (position, kind, run_id, payload_json, queued_at) VALUES (?, ?, ?, ?, ?)');
    insert.run(1, 'train', badJson, '{"minutes": 2', 1000);
    insert.run(2, 'sing', unknownKind, '{}', 1001);
    insert.run(3, 'train', badMinutes, '{"minutes": -3}', 1002);
    insert.run(4, 'train', finishedRun, '{}', 1003);
    insert.run(5, 'evaluate', good, '{"checkpoint": "latest"}', 1004);
    insert.run(6, 'evaluate', notAnObject, '[1, 2]', 1005);
    insert.run(7, 'train', good, '{}', 1006); // the run already has a job ahead of this one

    const restored = queue.restore();
    assert.deepEqual(restored.map((job) => [job.kind, job.runId, job.queuedAtMs]), [['evaluate', good, 1004]]);
    assert.equal(warnings.length, 6, warnings.join('\n'));
    for (const [index, pattern] of [/not JSON/, /unknown job kind "sing"/, /invalid minutes -3/, /its run is finished/, /not an object/, /already has a job/].entries()) {
      assert.match(warnings[index]!, pattern);
    }
    assert.equal((await queue.whenEnded(restored[0]!.jobId)).state, 'finished');
    assert.deepEqual(db.listQueuedJobs(), []);
    // A training run whose job could not be restored is no longer shown as queued: it can be resumed.
    assert.equal(db.getRun(badJson)?.status, 'stopped');
    assert.match(db.getRun(badJson)?.error ?? '', /could not be restored: its options are not JSON/);
    assert.equal(db.getRun(finishedRun)?.status, 'finished');
    assert.throws(() => queue.restore(), /already restored/);
  } finally { await cleanUp(); }
});

test('automatic resume: jobs a quit stopped and runs a crash interrupted start again first, in their order', async () => {
  const { db, home, queue, close } = setUp(2);
  let next: ReturnType<typeof openSession> | undefined;
  try {
    const [first, second, waiting, crashed] = [addRun(db, 'hang'), addRun(db, 'hang'), addRun(db, 'finish'), addRun(db, 'finish')];
    queue.enqueue({ kind: 'train', runId: first, minutes: 7 });
    queue.enqueue({ kind: 'train', runId: second });
    await waitFor(() => db.getRun(first)?.status === 'running' && db.getRun(second)?.status === 'running');
    queue.enqueue({ kind: 'train', runId: waiting });
    db.updateRun(crashed, { status: 'interrupted', error: 'The training process ended without reporting (crash or kill)' });
    queue.stop(second); // the user stopped this one just before quitting: it stays stopped
    await close({ requeueRunning: true });

    next = openSession(home, 1);
    assert.deepEqual([first, second, waiting].map((runId) => next!.db.getRun(runId)?.status), ['queued', 'stopped', 'queued']);
    const restored = next.queue.restore({ resumeRunIds: [crashed, second] }); // `second` is not interrupted: ignored
    assert.deepEqual(restored.map((job) => job.runId), [crashed, first, waiting]);
    await waitFor(() => next!.db.getRun(first)?.status === 'running');
    assert.equal(next.db.getRun(crashed)?.status, 'finished');
    assert.equal(next.db.getRun(crashed)?.error, null);
    assert.deepEqual(next.db.getSetting(`fake-trainer.${first}`), { kind: 'train', minutes: 7 });
    assert.equal(next.queue.activeJob(waiting)?.state, 'queued');
    assert.equal(next.queue.activeJob(second), undefined);
  } finally {
    await next?.close();
    rmSync(home, { recursive: true, force: true });
  }
});

test('two workbenches on one workspace restoring the same stored job: only one runs it', async () => {
  const { db, home, queue, cleanUp } = setUp(1);
  const other = openSession(home, 1);
  try {
    const [blocking, shared] = [addRun(db, 'hang'), addRun(db, 'finish')];
    db.addQueuedJob({ kind: 'train', runId: blocking, payload: {}, queuedAt: 1 });
    db.addQueuedJob({ kind: 'train', runId: shared, payload: {}, queuedAt: 2 });
    const here = queue.restore(); // starts `blocking`; `shared` waits behind it, still stored
    assert.deepEqual(here.map((job) => job.runId), [blocking, shared]);
    const there = other.queue.restore(); // sees `shared` only, and starts it
    assert.deepEqual(there.map((job) => job.runId), [shared]);
    assert.equal((await other.queue.whenEnded(there[0]!.jobId)).state, 'finished');
    queue.stop(blocking); // now this queue tries to start `shared`, which the other one took
    const lost = await queue.whenEnded(here[1]!.jobId);
    assert.equal(lost.state, 'stopped');
    assert.match(lost.error ?? '', /another workbench/);
    assert.equal(db.getRun(shared)?.status, 'finished');
  } finally {
    await other.close();
    await cleanUp();
  }
});

test('a running evaluation keeps its stored row, marked with the workbench pid, until it ends; training does not', async () => {
  const home = mkdtempSync(join(tmpdir(), 'trm-jobs-'));
  const rowsWhenRunning = new Map<number, { runId: number; startedBy: number | null }[]>();
  // Events arrive synchronously from the queue, so the rows seen here are the rows at the moment the job starts.
  const session = openSession(home, 1, { pid: 4242, onEvent: (event) => {
    if (event.type === 'job' && event.job.state === 'running') rowsWhenRunning.set(event.job.runId, session.db.listQueuedJobs().map(({ runId, startedBy }) => ({ runId, startedBy })));
  } });
  try {
    const [evaluated, trained] = [addRun(session.db, 'finish'), addRun(session.db, 'finish')];
    const evaluation = session.queue.enqueue({ kind: 'evaluate', runId: evaluated, checkpoint: 'best' });
    assert.equal((await session.queue.whenEnded(evaluation.jobId)).state, 'finished');
    const training = session.queue.enqueue({ kind: 'train', runId: trained });
    assert.equal((await session.queue.whenEnded(training.jobId)).state, 'finished');
    assert.deepEqual(rowsWhenRunning.get(evaluated), [{ runId: evaluated, startedBy: 4242 }]);
    assert.deepEqual(rowsWhenRunning.get(trained), []);
    assert.deepEqual(session.db.listQueuedJobs(), [], 'an ended evaluation leaves no row');
  } finally {
    await session.close();
    rmSync(home, { recursive: true, force: true });
  }
});

test('an evaluation cut short by a crash of its workbench runs again at the next start; one another live workbench runs is left alone', async () => {
  const home = mkdtempSync(join(tmpdir(), 'trm-jobs-'));
  const live = 4343;
  const session = openSession(home, 1, { pid: 4242, isProcessAlive: (pid) => pid === live });
  try {
    const [crashed, elsewhere] = [addRun(session.db, 'finish'), addRun(session.db, 'finish')];
    // As a crash leaves them: evaluations started by workbench processes, their rows still stored.
    const crashedRow = session.db.addQueuedJob({ kind: 'evaluate', runId: crashed, payload: { checkpoint: 'step_7' }, queuedAt: 1 });
    const elsewhereRow = session.db.addQueuedJob({ kind: 'evaluate', runId: elsewhere, payload: {}, queuedAt: 2 });
    assert.ok(session.db.claimQueuedJob(crashedRow.id, 999_999));
    assert.ok(session.db.claimQueuedJob(elsewhereRow.id, live));
    assert.equal(session.db.claimQueuedJob(elsewhereRow.id, 4242), false, 'a started job cannot be claimed twice');

    const restored = session.queue.restore();
    assert.deepEqual(restored.map((job) => [job.kind, job.runId]), [['evaluate', crashed]]);
    assert.match(session.warnings.join('\n'), new RegExp(`evaluate job of run ${crashed} was cut short \\(workbench process 999999 ended\\); queued again`));
    assert.equal((await session.queue.whenEnded(restored[0]!.jobId)).state, 'finished');
    assert.deepEqual(session.db.getSetting(`fake-trainer.${crashed}`), { kind: 'evaluate', checkpoint: 'step_7' });
    assert.equal(session.db.getSetting(`fake-trainer.${elsewhere}`), undefined, 'the live workbench still has it');
    assert.deepEqual(session.db.listQueuedJobs().map(({ runId, startedBy }) => ({ runId, startedBy })), [{ runId: elsewhere, startedBy: live }]);
  } finally {
    await session.close();
    rmSync(home, { recursive: true, force: true });
  }
});

test('a training job killed with its workbench before training began leaves its run interrupted at the next start, not queued', async () => {
  const home = mkdtempSync(join(tmpdir(), 'trm-jobs-'));
  const deadPid = 2 ** 22 + 4321; // above pid_max: the job process and its workbench are gone
  let exit: ((code: number | null, signal: string | null) => void) | undefined;
  // A job process that never reports: the workbench died before it (or its trainer) could say anything.
  const silent: JobProcess = { pid: deadPid, send() {}, kill() { exit?.(null, 'SIGKILL'); }, onMessage() {}, onExit(listener) { exit = listener; } };
  const session = openSession(home, 1, { launch: () => silent });
  try {
    const runId = addRun(session.db, 'finish');
    session.queue.enqueue({ kind: 'train', runId });
    assert.deepEqual([session.db.getRun(runId)?.status, session.db.getRun(runId)?.pid], ['queued', deadPid], 'the run names its job process');
    // The next start, on the same workspace:
    const next = openDatabase(join(home, 'trm.sqlite'));
    try {
      assert.deepEqual(next.markInterruptedRuns(), [runId]);
      assert.equal(next.getRun(runId)?.status, 'interrupted');
    } finally {
      next.close();
    }
  } finally {
    await session.queue.shutdown(10);
    session.db.close();
    rmSync(home, { recursive: true, force: true });
  }
});
