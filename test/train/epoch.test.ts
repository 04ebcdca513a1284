// The `train/epoch` metric: examples seen / the training set's epoch size, which comes from the task data
// (official folders, ARC sets, Sudoku collections) and is absent for data generated on the fly. The loop computes
// it from the step alone, so a resumed run continues its epoch count; the trainer logs it only when it exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Batch } from '../../main/common/batch.ts';
import { dataDir } from '../../main/common/paths.ts';
import { openDatabase } from '../../db/index.ts';
import { HierarchySampler, examplesPerEpoch, type PuzzleHierarchy } from '../../main/puzzles/hierarchy.ts';
import { buildSudokuDataset } from '../../main/puzzles/build.ts';
import { openTaskData } from '../../main/puzzles/task-data.ts';
import '../../main/puzzles/index.ts';
import { epochAtStep, runTrainingLoop, type LoopOptions } from '../../main/train/loop.ts';
import type { DataConfig } from '../../main/trm/config.ts';

const BATCH: Batch = { size: 4, seqLen: 1, inputs: new Int32Array(4), labels: new Int32Array(4), puzzleIdentifiers: new Int32Array(4) };

/** The epoch the loop reports after each step it runs. */
async function loopEpochs(options: Partial<LoopOptions>): Promise<Map<number, number | null>> {
  const epochs = new Map<number, number | null>();
  await runTrainingLoop(
    { startStep: 0, maxSteps: 5, evalInterval: 0, checkpointInterval: 0, batchSize: 4, ...options },
    { nextBatch: () => BATCH, trainStep: () => ({ lm_loss: 1 }), onStep: (step, _metrics, timing) => epochs.set(step, timing.epoch) },
  );
  return epochs;
}

test('the loop reports fractional epochs = examples seen / epoch size, and none for an endless source', async () => {
  // 4 examples per step, 10 per epoch: 0.4 epochs per step.
  assert.deepEqual([...(await loopEpochs({ examplesPerEpoch: 10 }))], [[1, 0.4], [2, 0.8], [3, 1.2], [4, 1.6], [5, 2]]);
  assert.deepEqual([...(await loopEpochs({ examplesPerEpoch: null })).values()], [null, null, null, null, null]);
  assert.deepEqual([...(await loopEpochs({})).values()], [null, null, null, null, null]);
  assert.equal(epochAtStep(7, 32, 0), null, 'an empty epoch is no epoch');
});

test('a resumed loop continues the epoch count from its start step instead of restarting it', async () => {
  const fresh = await loopEpochs({ examplesPerEpoch: 6 });
  const resumed = await loopEpochs({ examplesPerEpoch: 6, startStep: 3 });
  assert.deepEqual([...resumed.keys()], [4, 5]);
  for (const step of [4, 5]) assert.equal(resumed.get(step), fresh.get(step), `step ${step}`);
  assert.ok(resumed.get(4)! > 2, 'step 4 of 4×4 examples over 6 is past epoch 2, not back at 0.67');
});

test('a hierarchy epoch counts groups, not augmented versions: groups × mean examples per puzzle, as the sampler draws', () => {
  // Group 0: three versions of a puzzle with 2 examples each; group 1: one puzzle with 2 examples.
  const h: PuzzleHierarchy = {
    seqLen: 1, inputs: Uint8Array.from({ length: 8 }, (_, i) => i + 1), labels: new Uint8Array(8),
    puzzleIdentifiers: Int32Array.from([1, 2, 3, 4]), puzzleIndices: Int32Array.from([0, 2, 4, 6, 8]), groupIndices: Int32Array.from([0, 3, 4]),
  };
  assert.equal(examplesPerEpoch(h), 4);
  // The sampler's epoch (one permutation of the groups) yields exactly that many examples: one batch of 4 here.
  const sampler = new HierarchySampler(h, 4, 1);
  const first = sampler.next();
  const groupOf = (token: number) => (token <= 6 ? 0 : 1);
  assert.deepEqual(new Set(Array.from(first.inputs, groupOf)), new Set([0, 1]), 'one batch = one epoch covers both groups');
});

test('tasks give their epoch size: official folders and Sudoku collections have one, generated data has none', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trm-epoch-data-'));
  try {
    buildSudokuDataset({ boxRows: 2, boxCols: 2, source: 'generate', trainCount: 30, testCount: 8, augmentations: 3, seed: 5, out: dir, minBlanks: 4, maxBlanks: 8 });
    assert.equal(openTaskData({ kind: 'official', dir }, 0).trainExamplesPerEpoch, 30, '30 groups of 4 versions with one example each');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const generated: DataConfig = { kind: 'sudoku', boxRows: 2, boxCols: 2, minBlanks: 4, maxBlanks: 8, source: 'generate', testExamples: 8, augment: false };
  assert.equal(openTaskData(generated, 0).trainExamplesPerEpoch, null);
  assert.equal(openTaskData({ kind: 'maze', size: 5, minPathLength: 1, testExamples: 4, augment: false }, 0).trainExamplesPerEpoch, null);

  const collectionSize = readFileSync(join(dataDir(), 'sudoku', 'magictour_top1465.txt'), 'utf8').split('\n').filter((line) => line.trim()).length;
  const collection: DataConfig = { ...generated, boxRows: 3, boxCols: 3, source: 'collection:magictour_top1465', testExamples: 5 };
  assert.equal(openTaskData(collection, 0).trainExamplesPerEpoch, collectionSize - 5, 'the rows not held out');

  const tasks = ['0d3d703e', '3c9b0459'].map((id) => join(dataDir(), 'arc-agi-1', 'training', `${id}.json`)).join(',');
  const arc = openTaskData({ kind: 'arc', subsets: [], testSet: 'custom', tasks, augmentations: 2, canvas: 0, translate: false }, 0);
  const trainPairs = ['0d3d703e', '3c9b0459'].reduce((sum, id) => sum + JSON.parse(readFileSync(join(dataDir(), 'arc-agi-1', 'training', `${id}.json`), 'utf8')).train.length, 0);
  assert.equal(arc.trainExamplesPerEpoch, trainPairs, 'one version of each task per epoch: its train pairs (test pairs are held out)');
});

test('the trainer logs train/epoch on a finite set, continues it on resume, and logs none on generated data', { timeout: 120_000 }, async () => {
  const home = mkdtempSync(join(tmpdir(), 'trm-epoch-'));
  const previousHome = process.env.TRM_HOME;
  process.env.TRM_HOME = home;
  const { createRun, trainRun } = await import('../../main/train/run.ts');
  const tiny = { 'model.hiddenSize': '16', 'model.numHeads': '2', 'model.puzzleEmbDim': '16', 'train.batchSize': '8', 'train.evalInterval': '0', 'train.evalExamples': '8', 'train.checkpointInterval': '4' };
  const db = openDatabase();
  try {
    const folder = join(home, 'sudoku4');
    buildSudokuDataset({ boxRows: 2, boxCols: 2, source: 'generate', trainCount: 20, testCount: 8, augmentations: 1, seed: 3, out: folder, minBlanks: 4, maxBlanks: 8 });
    const { runId } = await createRun({ preset: 'sudoku4-mlp', dataDir: folder, overrides: { ...tiny, 'train.maxSteps': '10' }, backend: 'cpu' }, db);
    assert.equal(db.getRun(runId)?.config.trainExamplesPerEpoch, 20, 'the epoch size is stored with the run');

    // Stop after step 6: the stop checkpoints there, and the resume continues from step 7.
    const abort = new AbortController();
    await trainRun(runId, { signal: abort.signal, onEvent: (event) => { if (event.type === 'metric' && event.step === 6) abort.abort(); } });
    assert.equal(db.getRun(runId)?.status, 'stopped');
    assert.equal(db.getRun(runId)?.step, 6);
    const resumedFrom: number[] = [];
    await trainRun(runId, { onEvent: (event) => { if (event.type === 'started') resumedFrom.push(event.resumedFromStep); } });
    assert.deepEqual(resumedFrom, [6]);
    assert.equal(db.getRun(runId)?.status, 'finished');

    const series = db.getMetricSeries(runId, ['train/epoch'])['train/epoch'];
    assert.deepEqual(series.steps, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // 8 examples per step over 20 per epoch; after the resume step 7 is epoch 2.8, not 0.4.
    series.values.forEach((epoch, i) => assert.ok(Math.abs(epoch - ((i + 1) * 8) / 20) < 1e-12, `step ${i + 1}: epoch ${epoch}`));
    assert.equal(db.getMetricSummaries([runId])[runId]['train/epoch'].lastValue, 4);

    const generated = await createRun({ preset: 'sudoku4-mlp', overrides: { ...tiny, 'train.maxSteps': '2', 'data.testExamples': '8' }, backend: 'cpu' }, db);
    await trainRun(generated.runId);
    assert.equal(db.getRun(generated.runId)?.config.trainExamplesPerEpoch, null);
    const keys = Object.keys(db.getMetricSummaries([generated.runId])[generated.runId]);
    assert.ok(keys.includes('train/lm_loss') && !keys.includes('train/epoch'), `generated data logs no epochs: ${keys.join(', ')}`);
  } finally {
    db.close();
    if (previousHome === undefined) delete process.env.TRM_HOME;
    else process.env.TRM_HOME = previousHome;
    rmSync(home, { recursive: true, force: true });
  }
});
