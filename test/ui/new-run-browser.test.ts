// The new-run form's time budget and estimate (issue 17 item 5): without a GPU it starts on a CPU-scale preset,
// it estimates the duration from a step time measured on an earlier run, and a time limit in minutes reaches the
// job (its log says so).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { skip, startBrowserUi, temporaryWorkspace, TINY_SUDOKU4, trainRun, waitUntil, type BrowserUi } from './browser-harness.ts';

let ui: BrowserUi;
let page: Page;
let workspace: string;

before(async () => {
  if (skip) return;
  workspace = temporaryWorkspace('trm-new-run-');
  ui = await startBrowserUi(workspace);
  ({ page } = ui);
});

after(() => ui?.close());

const field = (path: string) => page.locator(`[data-field="${path}"] input`);

test('without a GPU the form starts on a CPU-scale preset', { skip, timeout: 60_000 }, async (t) => {
  const backends = await ui.api.app.backends();
  if (backends.some((b) => b.name === 'webgpu' && b.available)) return t.skip('this machine has a GPU');
  const cpuPreset = (await ui.api.presets.list()).find((p) => p.scale === 'cpu')!;
  await ui.open('#/runs/new');
  await page.waitForURL(new RegExp(`preset=${cpuPreset.name}`), { timeout: 10_000 });
  assert.equal(await page.getByRole('radio', { name: new RegExp(cpuPreset.name) }).isChecked(), true);
});

test('the duration is estimated from a measured step time, and a time limit in minutes reaches the job', { skip, timeout: 180_000 }, async () => {
  await ui.open('#/runs/new?preset=sudoku4-mlp');
  const estimate = page.locator('[data-testid="duration-estimate"]');
  await estimate.filter({ hasText: 'No step time measured for sudoku4-mlp' }).waitFor({ timeout: 10_000 });

  const timedRun = await trainRun({ preset: 'sudoku4-mlp', backend: 'cpu', overrides: { ...TINY_SUDOKU4, 'train.evalInterval': '0' } });
  await ui.open('#/runs/new?preset=sudoku4-mlp');
  await field('train.maxSteps').waitFor();
  await page.locator('[data-field="train.batchSize"] input').fill('8');
  await estimate.filter({ hasText: new RegExp(`Training takes about .+ ms/step, measured on run #${timedRun}`) }).waitFor({ timeout: 10_000 });

  await field('train.maxSteps').fill('100000000');
  await page.getByLabel('Time limit (minutes)').fill('0.5');
  await estimate.filter({ hasText: /Stops after 0.5 min at about step \S+ of 100M/ }).waitFor({ timeout: 10_000 });
  await page.getByLabel('Time limit (minutes)').fill('-3');
  assert.equal(await page.getByRole('button', { name: 'Start run' }).isDisabled(), true, 'a negative limit is refused');
  await page.getByLabel('Time limit (minutes)').fill('0.5');
  await ui.shot('new-run-time-limit');
  await page.getByRole('button', { name: 'Start run' }).click();
  await page.waitForURL(/#\/runs\/\d+$/);
  const runId = Number(/#\/runs\/(\d+)$/.exec(page.url())![1]);
  const log = join(workspace, 'runs', String(runId), 'train.log');
  await waitUntil('the job starts', async () => existsSync(log) && /train for at most 0.5 min/.test(readFileSync(log, 'utf8')));
  await ui.api.runs.stop({ runId });
  await waitUntil('the run stops', async () => (await ui.api.runs.get({ runId })).status !== 'running' && (await ui.api.jobs.list()).every((j) => j.state !== 'running' && j.state !== 'stopping'), 60_000);
});
