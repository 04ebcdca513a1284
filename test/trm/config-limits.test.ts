// Values that make no sense are refused with the limit named (issue 16 item 5): `model.hiddenSize=1e9` used to be
// accepted and the process grew past 2 GB. The API (config.estimate → estimateRun, runs.create → resolveConfig) and
// the CLI (`--set`) go through the same validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { estimateRun, resolveConfig } from '../../main/train/run.ts';
import { ConfigError } from '../../main/trm/config.ts';

const root = join(import.meta.dirname, '..', '..');

const REFUSED: [Record<string, string>, string, RegExp][] = [
  [{ 'model.hiddenSize': '1000000000' }, 'model.hiddenSize', /at most 4,096/],
  [{ 'model.hiddenSize': '4096', 'model.layers': '64' }, 'model.hiddenSize', /billion parameters; the limit is 2 billion/],
  [{ 'train.batchSize': '1e9' }, 'train.batchSize', /at most 65,536/],
  [{ 'model.haltMaxSteps': '99999' }, 'model.haltMaxSteps', /at most 1,024/],
  [{ 'model.lCycles': '1000000' }, 'model.lCycles', /at most 64/],
  [{ 'train.maxSteps': '1e12' }, 'train.maxSteps', /at most 100,000,000/],
];

test('absurd sizes are refused with the limit named, before any data or tensor is made', () => {
  for (const [overrides, field, limit] of REFUSED) {
    assert.throws(() => resolveConfig('sudoku4-mlp', overrides), (error: unknown) => {
      assert.ok(error instanceof ConfigError, String(error));
      assert.match(error.fieldErrors[field] ?? '', limit, JSON.stringify(error.fieldErrors));
      return true;
    });
    const estimate = estimateRun('sudoku4-mlp', overrides);
    assert.match(estimate.errors[field] ?? '', limit, JSON.stringify(estimate.errors));
  }
  // Sizes at the paper's scale stay accepted.
  assert.deepEqual(estimateRun('sudoku4-mlp', { 'model.hiddenSize': '512', 'train.batchSize': '768', 'model.haltMaxSteps': '16' }).errors, {});
});

test('the CLI refuses them in one line with exit 2', () => {
  const result = spawnSync(process.execPath, [join(root, 'bin', 'trm.mjs'), 'params', '--preset', 'sudoku4-mlp', '--set', 'model.hiddenSize=1000000000'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  assert.equal(result.status, 2, result.stderr);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0], /hiddenSize.*at most 4,096/);
});
