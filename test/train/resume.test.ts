// Resuming after a kill: the run continues from the checkpoint it resumes from and drops what came after it
// (metrics, evaluations, checkpoints), so nothing is duplicated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../db/index.ts';

const home = mkdtempSync(join(tmpdir(), 'trm-resume-'));
process.env.TRM_HOME = home;
const { createRun, trainRun } = await import('../../main/train/run.ts');

/** A tiny 4×4 Sudoku run that trains in about a second. */
async function tinyRun(overrides: Record<string, string>): Promise<number> {
  const { runId } = await createRun({ preset: 'sudoku4-mlp', backend: 'cpu', overrides: {
    'model.hiddenSize': '16', 'model.numHeads': '2', 'model.puzzleEmbDim': '16', 'train.batchSize': '8', 'train.evalExamples': '8',
    'data.testExamples': '8', 'train.keepCheckpoints': '10', ...overrides,
  } });
  return runId;
}

test('a kill between an evaluation\'s commit and its checkpoint leaves no duplicated evaluation after resume', { timeout: 120_000 }, async () => {
  const runId = await tinyRun({ 'train.maxSteps': '8', 'train.evalInterval': '4', 'train.checkpointInterval': '2' });
  // The 'eval' event comes after the evaluation is stored and before its checkpoint: dying there is the kill.
  await assert.rejects(trainRun(runId, { onEvent: (event) => { if (event.type === 'eval' && event.step === 4) throw new Error('killed'); } }), /killed/);
  const db = openDatabase();
  try {
    assert.deepEqual(db.listCheckpoints(runId).map((c) => c.step), [2]);
    assert.deepEqual(db.listEvaluations(runId).map((e) => e.checkpointStep), [4]);
    await trainRun(runId);
    assert.equal(db.getRun(runId)?.status, 'finished');
    assert.deepEqual(db.listEvaluations(runId).map((e) => e.checkpointStep), [8, 4], 'one evaluation per evaluated step');
    assert.deepEqual(db.getMetricSeries(runId, ['eval/exact_accuracy'])['eval/exact_accuracy'].steps, [4, 8]);
  } finally {
    db.close();
  }
});

test.after(() => {
  delete process.env.TRM_HOME;
  rmSync(home, { recursive: true, force: true });
});
