// Resuming after a kill: the run continues from the checkpoint it resumes from and drops what came after it
// (metrics, evaluations, checkpoints), so nothing is duplicated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openDatabase } from '../../db/index.ts';
import { buildSudokuDataset } from '../../main/puzzles/build.ts';

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

/** Flips the last byte of a checkpoint file: its checksum no longer matches. */
function damage(path: string): void {
  const bytes = readFileSync(path);
  bytes[bytes.length - 1] ^= 0xff;
  writeFileSync(path, bytes);
}

test('a damaged latest checkpoint: resume falls back to the newest intact one, says so, and fails only when none is intact', { timeout: 120_000 }, async () => {
  const runId = await tinyRun({ 'train.maxSteps': '6', 'train.evalInterval': '0', 'train.checkpointInterval': '2' });
  await trainRun(runId, { maxSteps: 4 });
  const db = openDatabase();
  try {
    const [second, fourth] = db.listCheckpoints(runId);
    assert.deepEqual([second.step, fourth.step], [2, 4]);
    damage(fourth.path);
    const warnings: string[] = [];
    const resumedFrom: number[] = [];
    await trainRun(runId, { maxSteps: 6, warn: (message) => warnings.push(message), onEvent: (event) => { if (event.type === 'started') resumedFrom.push(event.resumedFromStep); } });
    assert.deepEqual(resumedFrom, [2]);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /^run \d+: checkpoint step_4 is damaged: .*step_4\.trmckpt is corrupt \(checksum mismatch\); resuming from step_2$/);
    assert.equal(db.getRun(runId)?.status, 'finished');
    assert.deepEqual(db.getMetricSeries(runId, ['train/lm_loss'])['train/lm_loss'].steps, [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(db.listEvaluations(runId).map((e) => e.checkpointStep), [6], 'the damaged checkpoint\'s evaluation went with it');
    assert.deepEqual(db.listCheckpoints(runId).map((c) => c.step), [2, 4, 6]);

    // Every checkpoint damaged: the run fails, naming them, and keeps them.
    const broken = await tinyRun({ 'train.maxSteps': '6', 'train.evalInterval': '0', 'train.checkpointInterval': '2' });
    await trainRun(broken, { maxSteps: 4 });
    for (const checkpoint of db.listCheckpoints(broken)) damage(checkpoint.path);
    await assert.rejects(trainRun(broken, { maxSteps: 6 }), /no intact checkpoint to resume from: .*step_4\.trmckpt is corrupt \(checksum mismatch\); .*step_2\.trmckpt is corrupt/);
    assert.equal(db.getRun(broken)?.status, 'failed');
    assert.ok(db.listCheckpoints(broken).every((c) => existsSync(c.path)));
  } finally {
    db.close();
  }
});

test('half-written checkpoint files a kill left behind are removed when the run starts again', { timeout: 120_000 }, async () => {
  const runId = await tinyRun({ 'train.maxSteps': '4', 'train.evalInterval': '0', 'train.checkpointInterval': '2' });
  await trainRun(runId, { maxSteps: 2 });
  const folder = join(home, 'runs', String(runId), 'checkpoints');
  const killedWrite = join(folder, 'step_4.trmckpt.tmp-9999999'); // above any pid Linux hands out: that writer is gone
  const liveWrite = join(folder, 'step_4.trmckpt.tmp-1'); // pid 1 is alive: not ours to remove
  const other = join(folder, 'notes.txt');
  for (const path of [killedWrite, liveWrite, other]) writeFileSync(path, 'x');
  await trainRun(runId, { maxSteps: 4 });
  assert.deepEqual([killedWrite, liveWrite, other].map(existsSync), [false, true, true]);
});

test('a trainer killed before training began leaves its run interrupted at the next start, not queued', { timeout: 120_000 }, async () => {
  const folder = join(home, 'sudoku4');
  buildSudokuDataset({ boxRows: 2, boxCols: 2, source: 'generate', trainCount: 16, testCount: 8, augmentations: 1, seed: 1, out: folder, minBlanks: 4, maxBlanks: 8 });
  const { runId } = await createRun({ preset: 'sudoku4-mlp', backend: 'cpu', dataDir: folder, overrides: { 'model.hiddenSize': '16', 'model.numHeads': '2', 'model.puzzleEmbDim': '16', 'train.batchSize': '8' } });
  // The trainer's set-up reads the data: a check for the data's identifiers.json that never returns holds it there
  // until it is killed (fs patched in the child before the trainer loads; a FIFO no longer hangs, by design).
  const held = join(folder, 'identifiers.json');
  const script = `
    import fs from 'node:fs';
    import { syncBuiltinESMExports } from 'node:module';
    const existsSync = fs.existsSync;
    fs.existsSync = (path) => { if (String(path) === ${JSON.stringify(held)}) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); return existsSync(path); };
    syncBuiltinESMExports();
    const { trainRun } = await import(${JSON.stringify(pathToFileURL(join(import.meta.dirname, '..', '..', 'main', 'train', 'run.ts')).href)});
    await trainRun(${runId});`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, TRM_HOME: home }, stdio: 'ignore' });
  const db = openDatabase();
  try {
    const deadline = Date.now() + 20_000;
    while (db.getRun(runId)?.status === 'queued' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    assert.deepEqual(db.markInterruptedRuns(), [runId], `killed while setting up, the run was ${db.getRun(runId)?.status}`);
    assert.equal(db.getRun(runId)?.status, 'interrupted');
  } finally {
    db.close();
  }
});

test.after(() => {
  delete process.env.TRM_HOME;
  rmSync(home, { recursive: true, force: true });
});
