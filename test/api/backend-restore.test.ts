// The backend's start-up (Electron main and browser mode share it): the stored queue is restored, and runs a crash
// interrupted are resumed ahead of it only when the user turned automatic resume on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, type TrmDb } from '../../db/index.ts';
import { AUTO_RESUME_SETTING, startBackend } from '../../main/api/index.ts';

const FAKE_TRAINER = fileURLToPath(new URL('../jobs/fake-trainer.ts', import.meta.url));

function addRun(db: TrmDb): number {
  return db.createRun({ name: 'r', preset: 'fake', config: {}, backend: 'cpu', backendVersion: '0', appVersion: '0', datasetFingerprint: 'x', totalSteps: 100, notes: 'finish' }).id;
}

/** A workspace left by a crashed session: one run still marked running (no process), one job waiting. */
async function afterCrash(autoResume: boolean | undefined, check: (ids: { crashed: number; waiting: number }, backend: ReturnType<typeof startBackend>) => Promise<void>) {
  const home = mkdtempSync(join(tmpdir(), 'trm-api-restore-'));
  const previousHome = process.env.TRM_HOME;
  process.env.TRM_HOME = home;
  const db = openDatabase();
  const crashed = addRun(db);
  const waiting = addRun(db);
  db.updateRun(crashed, { status: 'running', pid: null });
  db.addQueuedJob({ kind: 'train', runId: waiting, payload: {}, queuedAt: 1 });
  if (autoResume !== undefined) db.setSetting(AUTO_RESUME_SETTING, autoResume);
  db.close();
  const warnings: string[] = [];
  const backend = startBackend({ mode: 'browser', version: '0', trainerModule: FAKE_TRAINER, warn: (message) => warnings.push(message) });
  try {
    await check({ crashed, waiting }, backend);
    assert.deepEqual(warnings, []);
  } finally {
    await backend.close(2000);
    if (previousHome === undefined) delete process.env.TRM_HOME; else process.env.TRM_HOME = previousHome;
    rmSync(home, { recursive: true, force: true });
  }
}

test('with automatic resume on, an interrupted run trains again first, then the stored queue', async () => {
  await afterCrash(true, async ({ crashed, waiting }, { db, jobs }) => {
    const restored = jobs.list();
    assert.deepEqual(restored.map((job) => [job.kind, job.runId]), [['train', crashed], ['train', waiting]]);
    await Promise.all(restored.map((job) => jobs.whenEnded(job.jobId)));
    assert.deepEqual([crashed, waiting].map((runId) => db.getRun(runId)?.status), ['finished', 'finished']);
  });
});

test('without it, the interrupted run waits for the Resume button; the stored queue is restored all the same', async () => {
  await afterCrash(undefined, async ({ crashed, waiting }, { db, jobs }) => {
    const restored = jobs.list();
    assert.deepEqual(restored.map((job) => [job.kind, job.runId]), [['train', waiting]]);
    await jobs.whenEnded(restored[0]!.jobId);
    assert.equal(db.getRun(crashed)?.status, 'interrupted');
    assert.equal(db.getRun(waiting)?.status, 'finished');
  });
});
