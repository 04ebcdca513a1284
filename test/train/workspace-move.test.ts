// A workspace can be moved or copied: checkpoint paths are stored relative to it, so evaluation finds the files in
// the new place, and training in a copy prunes the copy's files, never the original's (nor any file outside it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../db/index.ts';

const root = mkdtempSync(join(tmpdir(), 'trm-workspace-'));

/** Runs `work` with TRM_HOME set to `home`. */
async function inWorkspace<T>(home: string, work: () => Promise<T>): Promise<T> {
  const previous = process.env.TRM_HOME;
  process.env.TRM_HOME = home;
  try {
    return await work();
  } finally {
    if (previous === undefined) delete process.env.TRM_HOME;
    else process.env.TRM_HOME = previous;
  }
}

function checkpointPaths(home: string, runId: number): string[] {
  const db = openDatabase(join(home, 'trm.sqlite'));
  try {
    return db.listCheckpoints(runId).map((c) => c.path);
  } finally {
    db.close();
  }
}

test('training in a copy of a workspace leaves the original\'s checkpoints alone; a moved workspace evaluates', { timeout: 120_000 }, async () => {
  const { createRun, evaluateRun, trainRun } = await import('../../main/train/run.ts');
  const original = join(root, 'original');
  const { runId } = await inWorkspace(original, async () => {
    const created = await createRun({ preset: 'sudoku4-mlp', backend: 'cpu', overrides: {
      'model.hiddenSize': '16', 'model.numHeads': '2', 'model.puzzleEmbDim': '16', 'train.batchSize': '8', 'train.maxSteps': '4',
      'train.evalInterval': '0', 'train.evalExamples': '8', 'train.checkpointInterval': '1', 'train.keepCheckpoints': '2', 'data.testExamples': '8',
    } });
    await trainRun(created.runId);
    return created;
  });
  const originalFiles = checkpointPaths(original, runId);
  assert.ok(originalFiles.length >= 2 && originalFiles.every((path) => path.startsWith(join(original, 'runs')) && existsSync(path)), originalFiles.join('\n'));

  // A copy, with one more (made-up) checkpoint row whose file is outside the workspace: pruning must not delete it.
  const copy = join(root, 'copy');
  cpSync(original, copy, { recursive: true });
  const outside = join(root, 'outside.trmckpt');
  writeFileSync(outside, 'not the copy\'s to delete');
  const copyDb = openDatabase(join(copy, 'trm.sqlite'));
  copyDb.addCheckpoint({ runId, step: 1, path: outside, bytes: 1 });
  copyDb.close();
  const warnings: string[] = [];
  await inWorkspace(copy, () => trainRun(runId, { maxSteps: 8, warn: (message) => warnings.push(message) }));
  for (const path of originalFiles) assert.ok(existsSync(path), `the original's ${path} is still there`);
  assert.ok(existsSync(outside), 'a file outside the workspace is never pruned');
  assert.match(warnings.join('\n'), /dropping checkpoint step_1 without deleting .*outside\.trmckpt: it is outside the workspace/);
  assert.ok(checkpointPaths(copy, runId).every((path) => path.startsWith(join(copy, 'runs'))));

  // The original, moved: evaluation reads its checkpoint at the new place.
  const moved = join(root, 'moved');
  renameSync(original, moved);
  const result = await inWorkspace(moved, () => evaluateRun(runId, { limit: 8 }));
  assert.equal(result.step, 4);
  assert.ok(checkpointPaths(moved, runId).every((path) => path.startsWith(join(moved, 'runs')) && existsSync(path)));
});

test.after(() => rmSync(root, { recursive: true, force: true }));
