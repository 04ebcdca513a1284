// ARC through the official layout both ways: `trm data build arc` writes a folder, a run trains from it
// (`trm train --data DIR`), and its evaluation votes over the augmented versions like the official evaluator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataDir } from '../../main/common/paths.ts';

const TRM = join(import.meta.dirname, '..', '..', 'bin', 'trm.mjs');

test('official ARC folder: build, train from it, evaluate with pass@K and a submission', { timeout: 180_000 }, () => {
  const home = mkdtempSync(join(tmpdir(), 'trm-arc-'));
  const env = { ...process.env, TRM_HOME: home };
  const run = (...args: string[]) => spawnSync(process.execPath, [TRM, ...args], { env, encoding: 'utf8' });
  try {
    const tasks = ['0d3d703e', '3c9b0459'].map((id) => join(dataDir(), 'arc-agi-1', 'training', `${id}.json`)).join(',');
    const folder = join(home, 'arc-data');
    const built = run('data', 'build', 'arc', '--tasks', tasks, '--aug', '3', '--canvas', '0', '--out', folder);
    assert.equal(built.status, 0, built.stderr);
    assert.ok(existsSync(join(folder, 'test_puzzles.json')) && existsSync(join(folder, 'train', 'all__inputs.npy')));

    const trained = run('train', '--preset', 'arc-mini-att', '--data', folder, '--max-steps', '3', '--set', 'train.batchSize=8', '--set', 'model.hiddenSize=16', '--set', 'model.numHeads=2', '--set', 'model.puzzleEmbDim=16', '--json');
    assert.equal(trained.status, 0, trained.stderr);
    assert.equal(JSON.parse(trained.stdout).status, 'finished');

    const evaluated = run('eval', '1', '--json');
    assert.equal(evaluated.status, 0, evaluated.stderr);
    const metrics = JSON.parse(evaluated.stdout);
    for (const k of [1, 2, 5, 10]) assert.ok(metrics[`pass@${k}`] >= 0 && metrics[`pass@${k}`] <= 1, `pass@${k} reported`);
    assert.equal(metrics.count, 8, '2 tasks × (original + 3 augmentations) test rows');
    const submission = JSON.parse(readFileSync(join(home, 'runs', '1', 'evaluations', `step_${metrics.checkpointStep}`, 'submission.json'), 'utf8'));
    assert.deepEqual(Object.keys(submission).sort(), ['0d3d703e', '3c9b0459']);
    assert.ok(submission['0d3d703e'][0].attempt_1.length > 0 && submission['0d3d703e'][0].attempt_2.length > 0);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
