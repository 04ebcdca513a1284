// A run's `best` checkpoint is the one its task's headline metric ranks highest (ARC: pass@2), not the one with
// the highest exact accuracy, during a run and after a resume. The task here is the 4×4 Sudoku with a scripted
// scorer whose headline is pass@2, so which checkpoint is best does not depend on what the tiny model learns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../db/index.ts';
import { registerTask, type EvaluationScorer } from '../../main/puzzles/task-data.ts';
import { openSudokuTask } from '../../main/puzzles/sudoku-task.ts';
import { openArcTask } from '../../main/puzzles/arc/arc-task.ts';
import { dataDir } from '../../main/common/paths.ts';

process.env.TRM_HOME = mkdtempSync(join(tmpdir(), 'trm-best-'));
const { createRun, trainRun } = await import('../../main/train/run.ts');

/** Evaluation n scores scripted[n]: exact accuracy and pass@2 disagree on which checkpoint is better. */
const scripted = [
  { exact_accuracy: 0.9, 'pass@2': 0 },
  { exact_accuracy: 0.1, 'pass@2': 0.5 },
  { exact_accuracy: 1.0, 'pass@2': 0.4 }, // after the resume
];
let evaluations = 0;
registerTask('sudoku', (config, seed) => {
  if (config.kind !== 'sudoku') throw new Error('expected a sudoku config');
  return {
    ...openSudokuTask(config, seed),
    headlineMetric: 'pass@2',
    createScorer: (): EvaluationScorer => ({ add() {}, finish: () => ({ metrics: scripted[evaluations++], perPuzzle: [], files: {} }) }),
  };
});

test('ARC declares pass@2 as its headline metric', () => {
  const tasks = join(dataDir(), 'arc-agi-1', 'training', '007bbfb7.json');
  const arc = openArcTask({ kind: 'arc', subsets: [], testSet: 'custom', tasks, augmentations: 1, canvas: 0, translate: false }, 0);
  assert.equal(arc.headlineMetric, 'pass@2');
});

test('best follows the headline metric (pass@2), during the run and after a resume', { timeout: 120_000 }, async () => {
  const { runId } = await createRun({ preset: 'sudoku4-mlp', backend: 'cpu', overrides: {
    'model.hiddenSize': '16', 'model.numHeads': '2', 'model.puzzleEmbDim': '16', 'train.batchSize': '8', 'train.evalExamples': '8',
    'data.testExamples': '8', 'train.keepCheckpoints': '10', 'train.maxSteps': '6', 'train.evalInterval': '2', 'train.checkpointInterval': '2',
  } });
  const bestAliases: number[] = [];
  await trainRun(runId, { maxSteps: 4, onEvent: (event) => { if (event.type === 'checkpoint' && event.aliases.includes('best')) bestAliases.push(event.step); } });
  const db = openDatabase();
  try {
    assert.equal(db.getCheckpoint(runId, 'best')?.step, 4, 'step 4 has pass@2 0.5 (step 2 had 0, with higher exact accuracy)');
    await trainRun(runId, { maxSteps: 6, onEvent: (event) => { if (event.type === 'checkpoint' && event.aliases.includes('best')) bestAliases.push(event.step); } });
    assert.equal(db.getCheckpoint(runId, 'best')?.step, 4, 'step 6 has a lower pass@2 (0.4) though its exact accuracy is the highest');
    assert.deepEqual(bestAliases, [2, 4]);
  } finally {
    db.close();
  }
});
