// A CLI run killed with SIGKILL mid-training leaves a consistent database: the run reads 'interrupted', and
// `trm resume` continues from the last checkpoint to the end with exactly one metric row per key and step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../db/index.ts';

const TRM = join(import.meta.dirname, '..', '..', 'bin', 'trm.mjs');

test('kill -9 during training, then resume: no lost or duplicated metric rows', { timeout: 240_000 }, async () => {
  const home = mkdtempSync(join(tmpdir(), 'trm-kill-'));
  const env = { ...process.env, TRM_HOME: home };
  try {
    const overrides = ['model.hiddenSize=16', 'model.numHeads=2', 'model.puzzleEmbDim=16', 'train.batchSize=8', 'train.evalInterval=10', 'train.evalExamples=16', 'train.checkpointInterval=5', 'data.testExamples=16'];
    const child = spawn(process.execPath, [TRM, 'train', '--preset', 'sudoku4-mlp', '--max-steps', '40', ...overrides.flatMap((o) => ['--set', o])], { env, stdio: 'ignore' });
    // Wait until at least one checkpoint exists and training has gone past it, then kill without warning.
    const db = openDatabase(join(home, 'trm.sqlite'));
    try {
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline) {
        const run = db.getRun(1);
        if (run && db.listCheckpoints(1).length > 0 && run.step >= 12) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const killedAt = db.getRun(1)!;
      assert.ok(killedAt.step < 40, `the run was killed before the end (step ${killedAt.step})`);
      assert.equal(db.sqlite.pragma('integrity_check', { simple: true }), 'ok');

      const listed = spawnSync(process.execPath, [TRM, 'runs', '--json'], { env, encoding: 'utf8' });
      assert.equal(listed.status, 0, listed.stderr);
      assert.equal(JSON.parse(listed.stdout)[0].status, 'interrupted');

      const resumed = spawnSync(process.execPath, [TRM, 'resume', '1', '--json'], { env, encoding: 'utf8' });
      assert.equal(resumed.status, 0, resumed.stderr);
      assert.equal(JSON.parse(resumed.stdout).status, 'finished');
      assert.match(resumed.stderr, /resuming at step \d+/);

      const series = db.getMetricSeries(1, ['train/lm_loss', 'train/lr']);
      for (const [key, s] of Object.entries(series)) {
        assert.deepEqual(s.steps, Array.from({ length: 40 }, (_, i) => i + 1), `${key}: one row per step 1..40`);
      }
      const evals = db.getMetricSeries(1, ['eval/exact_accuracy'])['eval/exact_accuracy'];
      assert.deepEqual(evals.steps, [10, 20, 30, 40]);
    } finally {
      db.close();
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
