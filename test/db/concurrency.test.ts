// Two processes on one database file (the trainer appends while the app reads), a SIGKILL in the middle of
// appending, and the append throughput of the hot path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openDatabase, type MetricRow, type TrmDb } from '../../db/index.ts';
import { sampleRun, temporaryDatabase, temporaryFolder } from './fixtures.ts';

const DB_MODULE = new URL('../../db/index.ts', import.meta.url).href;
const KEYS = ['train/lm_loss', 'train/q_halt_loss', 'train/exact_accuracy', 'train/lr'];
const STEPS_PER_BATCH = 5; // × 4 keys = 20 rows per batch, as the trainer logs them

function batch(firstStep: number): MetricRow[] {
  const rows: MetricRow[] = [];
  for (let step = firstStep; step < firstStep + STEPS_PER_BATCH; step++) {
    for (const key of KEYS) rows.push({ key, step, wallTimeMs: Date.now(), value: Math.sin(step) + key.length });
  }
  return rows;
}

/** A separate Node process that marks the run running under its own pid, then appends `batches` batches of 20
 *  rows (forever when 0), printing "appending" after the first. */
function spawnAppender(path: string, runId: number, batches: number): ChildProcess {
  const script = `
    import { openDatabase } from ${JSON.stringify(DB_MODULE)};
    const db = openDatabase(${JSON.stringify(path)});
    db.updateRun(${runId}, { status: 'running', pid: process.pid });
    const keys = ${JSON.stringify(KEYS)};
    for (let index = 0; ${batches} === 0 || index < ${batches}; index++) {
      const rows = [];
      for (let step = index * ${STEPS_PER_BATCH}; step < (index + 1) * ${STEPS_PER_BATCH}; step++) {
        for (const key of keys) rows.push({ key, step, wallTimeMs: Date.now(), value: Math.cos(step) });
      }
      db.appendMetrics(${runId}, rows);
      db.updateRun(${runId}, { step: (index + 1) * ${STEPS_PER_BATCH} });
      if (index === 0) process.stdout.write('appending\\n');
    }
    db.close();`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.setEncoding('utf8');
  let stderr = '';
  child.stderr!.on('data', (text: string) => { stderr += text; });
  child.on('exit', (code) => { if (code !== 0 && code !== null) console.error(stderr); });
  return child;
}

async function waitForLine(child: ChildProcess, line: string): Promise<void> {
  let output = '';
  for await (const chunk of child.stdout!) {
    output += String(chunk);
    if (output.includes(line)) return;
  }
  throw new Error(`child exited before printing "${line}"`);
}

/** Per key, within one read snapshot: the summary's count and last step against the stored rows. */
function summaryMismatches(db: TrmDb, runId: number): string[] {
  return db.sqlite.transaction(() => {
    const actual = db.sqlite.prepare('SELECT key, count(*) AS count, max(step) AS lastStep FROM metrics WHERE run_id = ? GROUP BY key').all(runId) as { key: string; count: number; lastStep: number }[];
    const summaries = db.getMetricSummaries([runId])[runId] ?? {};
    const problems = actual
      .filter(({ key, count, lastStep }) => summaries[key]?.count !== count || summaries[key]?.lastStep !== lastStep)
      .map(({ key, count }) => `${key}: ${count} rows, summary says ${summaries[key]?.count}`);
    if (Object.keys(summaries).length !== actual.length) problems.push(`summary keys ${Object.keys(summaries)} vs row keys ${actual.map((row) => row.key)}`);
    return problems;
  })();
}

test('a child process appends while this one reads and writes: WAL, no SQLITE_BUSY, consistent snapshots', async () => {
  const db = temporaryDatabase();
  const run = db.createRun(sampleRun());
  const batches = 300;
  const child = spawnAppender(db.path, run.id, batches);
  const exited = once(child, 'exit');
  await waitForLine(child, 'appending');
  let reads = 0;
  let childDone = false;
  void exited.then(() => { childDone = true; });
  while (!childDone) {
    assert.deepEqual(summaryMismatches(db, run.id), []);
    const [summary] = db.listRuns();
    assert.equal(summary.id, run.id);
    db.getMetricSeries(run.id, ['train/lm_loss'], { maxPoints: 100 });
    db.setSetting('last-read', reads); // a write from this process too, contending for the write lock
    reads++;
    await sleep(1);
  }
  const [code] = await exited;
  assert.equal(code, 0, 'the appender failed (see its stderr above)');
  assert.ok(reads > 5, `only ${reads} reads overlapped the appender`);
  const total = db.sqlite.prepare('SELECT count(*) FROM metrics WHERE run_id = ?').pluck().get(run.id);
  assert.equal(total, batches * STEPS_PER_BATCH * KEYS.length);
  assert.deepEqual(summaryMismatches(db, run.id), []);
  assert.equal(db.getRun(run.id)!.step, batches * STEPS_PER_BATCH);
});

test('SIGKILL while appending leaves a consistent database: integrity ok, summaries match rows, whole batches only', async () => {
  const path = join(temporaryFolder(), 'trm.sqlite');
  const setup = openDatabase(path);
  const runId = setup.createRun(sampleRun()).id;
  setup.close();
  for (const delayMs of [30, 170]) {
    const child = spawnAppender(path, runId, 0);
    const exited = once(child, 'exit');
    await waitForLine(child, 'appending');
    await sleep(delayMs);
    child.kill('SIGKILL');
    const [, signal] = await exited;
    assert.equal(signal, 'SIGKILL');

    const db = openDatabase(path);
    assert.equal(db.sqlite.pragma('integrity_check', { simple: true }), 'ok');
    assert.deepEqual(db.sqlite.pragma('foreign_key_check'), []);
    assert.deepEqual(summaryMismatches(db, runId), []);
    const total = db.sqlite.prepare('SELECT count(*) FROM metrics WHERE run_id = ?').pluck().get(runId) as number;
    assert.ok(total > 0);
    assert.equal(total % (STEPS_PER_BATCH * KEYS.length), 0, 'a batch was half written');
    // The killed trainer's run is found and marked interrupted; the next attempt resumes from scratch here.
    assert.deepEqual(db.markInterruptedRuns(), [runId]);
    db.deleteMetricsAfter(runId, -1);
    db.close();
  }
});

test('appendMetrics throughput, batches of 20 rows', (t) => {
  const db = temporaryDatabase();
  const run = db.createRun(sampleRun());
  const batches = 2_000;
  const started = process.hrtime.bigint();
  for (let index = 0; index < batches; index++) db.appendMetrics(run.id, batch(index * STEPS_PER_BATCH));
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  const rowsPerSecond = (batches * 20) / (elapsedMs / 1000);
  t.diagnostic(`appendMetrics: ${Math.round(rowsPerSecond)} rows/s, ${(elapsedMs / batches).toFixed(3)} ms per 20-row batch`);
  assert.equal(db.getMetricSummaries([run.id])[run.id]['train/lm_loss'].count, batches * STEPS_PER_BATCH);
  // A trainer logs a batch every few hundred ms; anything near this floor would still be a regression to look at.
  assert.ok(rowsPerSecond > 5_000, `${Math.round(rowsPerSecond)} rows/s`);
});
