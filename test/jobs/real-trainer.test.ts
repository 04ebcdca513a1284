// The queue with the real trainer (main/train/run.ts) in a forked job process: a tiny 4×4 Sudoku run trains,
// is killed with SIGKILL mid-run, ends 'interrupted', and resumes to 'finished'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../db/index.ts';
import { JobQueue } from '../../main/jobs/queue.ts';
import { createRun } from '../../main/train/run.ts';
import type { TrainEvent } from '../../main/train/events.ts';

test('real trainer: SIGKILL mid-run leaves the run interrupted; resume finishes it', { timeout: 120_000 }, async () => {
  const home = mkdtempSync(join(tmpdir(), 'trm-real-job-'));
  const previousHome = process.env.TRM_HOME;
  process.env.TRM_HOME = home;
  const db = openDatabase();
  const events: TrainEvent[] = [];
  const queue = new JobQueue({ db, onEvent: (event) => { if (event.type === 'train') events.push(event.event); } });
  try {
    const overrides = { 'train.maxSteps': '12', 'train.batchSize': '8', 'train.checkpointInterval': '3', 'train.evalInterval': '0', 'train.evalExamples': '16', 'model.hiddenSize': '16', 'model.numHeads': '2', 'model.puzzleEmbDim': '16', 'data.testExamples': '16' };
    const { runId } = await createRun({ preset: 'sudoku4-mlp', overrides, backend: 'cpu' }, db);
    const first = queue.enqueue({ kind: 'train', runId });
    // Kill once a checkpoint exists, so there is something to resume from.
    while (!events.some((event) => event.type === 'checkpoint')) {
      if (queue.activeJob(runId) === undefined) assert.fail(`the job ended early: ${JSON.stringify((await queue.whenEnded(first.jobId)))}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    queue.kill(runId);
    assert.equal((await queue.whenEnded(first.jobId)).state, 'killed');
    assert.equal(db.getRun(runId)?.status, 'interrupted');

    db.updateRun(runId, { status: 'queued', error: null });
    const second = queue.enqueue({ kind: 'train', runId });
    assert.equal((await queue.whenEnded(second.jobId)).state, 'finished');
    assert.equal(db.getRun(runId)?.status, 'finished');
    assert.equal(db.getRun(runId)?.step, 12);
    assert.ok(events.some((event) => event.type === 'started' && event.resumedFromStep > 0));
  } finally {
    await queue.shutdown(2000);
    db.close();
    if (previousHome === undefined) delete process.env.TRM_HOME; else process.env.TRM_HOME = previousHome;
    rmSync(home, { recursive: true, force: true });
  }
});
