// A disk that fills up while training: the run is marked failed with the reason, and every checkpoint saved before
// is intact. The checkpoints folder sits on a tiny tmpfs (needs root to mount; skipped, saying so, otherwise).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const home = mkdtempSync(join(tmpdir(), 'trm-full-'));
const runsDir = join(home, 'runs');
mkdirSync(runsDir);
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=400k', 'tmpfs', runsDir]).status === 0;

test('disk full during training: run failed with the reason, earlier checkpoints intact', { skip: mounted ? false : 'skipped: cannot mount a small tmpfs here (needs root)', timeout: 120_000 }, async () => {
  process.env.TRM_HOME = home;
  try {
    const { createRun, trainRun } = await import('../../main/train/run.ts');
    const { openDatabase } = await import('../../db/index.ts');
    const { readCheckpoint } = await import('../../main/train/checkpoint.ts');
    const { runId } = await createRun({ preset: 'sudoku4-mlp', overrides: {
      'model.hiddenSize': '16', 'model.numHeads': '2', 'model.puzzleEmbDim': '16', 'train.batchSize': '8', 'train.maxSteps': '200',
      'train.evalInterval': '0', 'train.checkpointInterval': '1', 'train.keepCheckpoints': '1000', 'data.testExamples': '8',
    } });
    await assert.rejects(trainRun(runId), /disk full/);
    const db = openDatabase();
    try {
      const run = db.getRun(runId)!;
      assert.equal(run.status, 'failed');
      assert.match(run.error ?? '', /disk full.*resume/s);
      const checkpoints = db.listCheckpoints(runId);
      assert.ok(checkpoints.length >= 2, `some checkpoints were saved before the disk filled (${checkpoints.length})`);
      for (const c of checkpoints) assert.equal(readCheckpoint(c.path).meta.step, c.step, `step_${c.step} reads back intact`);
    } finally {
      db.close();
    }
  } finally {
    delete process.env.TRM_HOME;
  }
});

test.after(() => {
  if (mounted) spawnSync('umount', [runsDir]);
  rmSync(home, { recursive: true, force: true });
});
