// A run with train.threads = 2: its steps are shared with a helper thread (main/trm/data-parallel.ts), the run
// records the thread count, and it stops and resumes from its checkpoint like any run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrainEvent } from '../../main/train/events.ts';

const home = mkdtempSync(join(tmpdir(), 'trm-threads-'));

test('a two-thread run trains, records its threads, and resumes from its checkpoint', { timeout: 120_000 }, async () => {
  process.env.TRM_HOME = home;
  try {
    const { createRun, trainRun } = await import('../../main/train/run.ts');
    const { openDatabase } = await import('../../db/index.ts');
    const { runId } = await createRun({ preset: 'sudoku4-mlp', backend: 'wasm', overrides: {
      'model.hiddenSize': '16', 'model.numHeads': '2', 'model.puzzleEmbDim': '16', 'train.batchSize': '8', 'train.maxSteps': '8',
      'train.evalInterval': '0', 'train.checkpointInterval': '4', 'data.testExamples': '8', 'train.threads': '2',
    } });
    const events: TrainEvent[] = [];
    await trainRun(runId, { maxSteps: 4, onEvent: (e) => events.push(e) });
    await trainRun(runId, { maxSteps: 8, onEvent: (e) => events.push(e) });
    const started = events.filter((e) => e.type === 'started');
    assert.deepEqual(started.map((e) => [e.threads, e.resumedFromStep]), [[2, 0], [2, 4]]);
    const losses = events.flatMap((e) => (e.type === 'metric' ? [e.values.lm_loss] : []));
    assert.equal(losses.length, 8);
    assert.ok(losses.every(Number.isFinite), `finite losses: ${losses}`);
    const db = openDatabase();
    try {
      const run = db.getRun(runId)!;
      assert.equal(run.status, 'finished');
      assert.equal(run.step, 8);
      assert.equal(run.config.threads, 2);
    } finally {
      db.close();
    }
  } finally {
    delete process.env.TRM_HOME;
  }
});

test.after(() => rmSync(home, { recursive: true, force: true }));
