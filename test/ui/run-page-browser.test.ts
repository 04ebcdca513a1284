// The run page in browser mode (issue 17 item 5): running time leaves out the time a run sat stopped,
// evaluations show when they ran and say so while one runs, and the Logs section follows the job's log file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { skip, startBrowserUi, temporaryWorkspace, TINY_SUDOKU4, type BrowserUi } from './browser-harness.ts';
import { openDatabase } from '../../db/index.ts';

let ui: BrowserUi;
let page: Page;

before(async () => {
  if (skip) return;
  ui = await startBrowserUi(temporaryWorkspace('trm-run-page-'));
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
