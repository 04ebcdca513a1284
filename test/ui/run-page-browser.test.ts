// The run page in browser mode (issue 17 item 5): running time leaves out the time a run sat stopped,
// evaluations show when they ran and say so while one runs, and the Logs section follows the job's log file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { skip, startBrowserUi, temporaryWorkspace, TINY_SUDOKU4, waitUntil, type BrowserUi } from './browser-harness.ts';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../db/index.ts';

let ui: BrowserUi;
let page: Page;
let workspace: string;

before(async () => {
  if (skip) return;
  workspace = temporaryWorkspace('trm-run-page-');
  ui = await startBrowserUi(workspace);
  ({ page } = ui);
});

after(() => ui?.close());

const HOUR_MS = 3_600_000;

test('running time counts only the time a run trained, not the hour it sat stopped', { skip, timeout: 120_000 }, async () => {
  const { createRun, trainRun } = await import('../../main/train/run.ts');
  const { runId } = await createRun({ preset: 'sudoku4-mlp', backend: 'cpu', overrides: { ...TINY_SUDOKU4, 'train.evalInterval': '0' } });
  await trainRun(runId, { maxSteps: 10 });
  // The first session started an hour ago; the run then sat stopped until now.
  const db = openDatabase();
  try {
    const run = db.getRun(runId)!;
    db.updateRun(runId, { status: 'stopped', startedAt: run.startedAt! - HOUR_MS });
  } finally {
    db.close();
  }
  await trainRun(runId, { maxSteps: 20 });

  await ui.open(`#/runs/${runId}`);
  const runningTime = page.locator('.run-summary-bar span', { hasText: 'running time' });
  await runningTime.waitFor({ timeout: 10_000 });
  const text = await runningTime.innerText();
  const match = /running time (\d+)s/.exec(text);
  assert.ok(match, `a few seconds of training, not an hour: '${text}'`);
  assert.ok(Number(match[1]) < 60, text);
});

test('Evaluate says so while the job runs, and each evaluation row shows when it ran', { skip, timeout: 180_000 }, async () => {
  const { createRun, trainRun } = await import('../../main/train/run.ts');
  const { runId } = await createRun({ preset: 'sudoku4-mlp', backend: 'cpu', overrides: { ...TINY_SUDOKU4, 'train.evalInterval': '0', 'train.checkpointInterval': '10' } });
  await trainRun(runId);
  await ui.open(`#/runs/${runId}`);
  const evaluate = page.locator('.checkpoints tbody tr').first().getByRole('button', { name: 'Evaluate' });
  const feedback = page.locator('.evaluation-jobs');
  const rows = page.locator('.evaluations tbody tr');
  const before = (await ui.api.evaluations.list({ runId })).length; // the trainer's own, at the last step
  await waitUntil('the evaluations table', async () => (await rows.count()) === before);
  for (const count of [before + 1, before + 2]) {
    await evaluate.click();
    // The job is queued or running at once: the page says which, and of which checkpoint.
    await feedback.filter({ hasText: /Evaluating step_20… \((queued|running)\)/ }).waitFor({ timeout: 10_000 });
    await waitUntil(`${count} evaluation rows`, async () => (await rows.count()) === count, 60_000);
    await feedback.filter({ hasText: 'Evaluating' }).waitFor({ state: 'detached', timeout: 60_000 });
  }
  const header = await page.locator('.evaluations thead').innerText();
  assert.match(header, /Evaluated/);
  const times = await rows.locator('.evaluated-at').allInnerTexts();
  assert.equal(times.length, before + 2);
  for (const time of times) assert.match(time, /\d{1,2}:\d{2}:\d{2}/, 'a time to the second, so repeated evaluations differ');
  await ui.shot('run-page-evaluations');
});

/** Flips a checkpoint file's last byte: its checksum no longer matches. */
function damage(path: string): void {
  const bytes = readFileSync(path);
  bytes[bytes.length - 1] ^= 0xff;
  writeFileSync(path, bytes);
}

test('the Logs section follows a job\'s log live (runs/N/train.log), warnings and errors highlighted', { skip, timeout: 240_000 }, async () => {
  const { createRun, trainRun } = await import('../../main/train/run.ts');
  const { runId } = await createRun({ preset: 'sudoku4-mlp', backend: 'cpu', overrides: {
    ...TINY_SUDOKU4, 'train.maxSteps': '200', 'train.evalInterval': '0', 'train.checkpointInterval': '5', 'train.keepCheckpoints': '100',
  } });
  const stop = new AbortController();
  await trainRun(runId, { signal: stop.signal, onEvent: (event) => { if (event.type === 'checkpoint' && event.step >= 10) stop.abort(); } });
  const db = openDatabase();
  try {
    assert.equal(db.getRun(runId)?.status, 'stopped');
    damage(db.getCheckpoint(runId, 'latest')!.path); // the resume warns and goes back to the one before
  } finally {
    db.close();
  }
  await ui.open(`#/runs/${runId}`);
  const log = page.locator('.run-log');
  await log.waitFor({ timeout: 10_000 });
  await page.getByRole('button', { name: 'Resume' }).click();
  await waitUntil('the log follows the job', async () => (await log.getAttribute('data-live')) === 'true');
  // Lines appear while the job runs, without reloading the page.
  await log.locator('.log-line', { hasText: /training from step \d+ to 200/ }).waitFor({ timeout: 60_000 });
  const warning = log.locator('.log-warning', { hasText: /warning: .*step_\d+ is damaged/ });
  await warning.waitFor({ timeout: 10_000 });
  await log.locator('.log-line', { hasText: 'finished at step 200' }).waitFor({ timeout: 120_000 });
  const path = join(workspace, 'runs', String(runId), 'train.log');
  assert.ok(existsSync(path), 'the log is a file in the run folder');
  assert.match(readFileSync(path, 'utf8'), /job \d+ finished/);

  // An evaluation of a damaged checkpoint fails: its error is in the log, highlighted.
  const db2 = openDatabase();
  try {
    damage(db2.getCheckpoint(runId, 'latest')!.path);
  } finally {
    db2.close();
  }
  await page.locator('.checkpoints tbody tr').first().getByRole('button', { name: 'Evaluate' }).click();
  await log.locator('.log-error', { hasText: /failed \(error: .*(corrupt|checksum)/ }).waitFor({ timeout: 60_000 });
  await page.locator('.evaluation-jobs .evaluation-failed').waitFor({ timeout: 10_000 });
  assert.equal(await log.locator('.log-error', { hasText: 'finished at step 200' }).count(), 0, 'ordinary lines are not highlighted');
  await ui.shot('run-page-logs');
});
