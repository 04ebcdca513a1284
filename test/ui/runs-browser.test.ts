// End to end in browser mode: the real server (real database, job queue and trainer) in a temporary TRM_HOME,
// driven through Debian's Chromium. Covers a rejected config, a live run stopped, resumed and finished, and the
// runs table's sort, filter, columns and selection. Screenshots go to test-artifacts/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import WebSocket from 'ws';
import { createWsClient, serverSocketUrl, type WebSocketConstructor } from '../../preload/ws-client.ts';
import type { WorkbenchApi } from '../../preload/contract.ts';
import { PACKAGE_ROOT } from '../../main/common/paths.ts';
import { ensureRendererBuilt, startServer, type RunningServer } from '../../main/server/index.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(PACKAGE_ROOT, 'test-artifacts');
const skip = existsSync(CHROMIUM) ? false : `no ${CHROMIUM} (apt-get install chromium)`;

let workspace: string;
let server: RunningServer;
let browser: Browser;
let page: Page;
let api: WorkbenchApi & { close(): void };
const pageProblems: string[] = [];

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  workspace = mkdtempSync(join(tmpdir(), 'trm-ui-'));
  ensureRendererBuilt();
  server = await startServer({ port: 0, workspace });
  api = createWsClient(serverSocketUrl(server.url), WebSocket as unknown as WebSocketConstructor);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (error) => pageProblems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => { if (message.type() === 'error') pageProblems.push(`console: ${message.text()}`); });
});

after(async () => {
  if (skip) return;
  api?.close();
  await browser?.close();
  await server?.close();
  rmSync(workspace, { recursive: true, force: true });
});

/** A fresh page load, so no form state carries over from the previous test. */
async function open(hash: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(`${server.url}${hash}`);
}
const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
const field = (path: string) => page.locator(`[data-field="${path}"]`);
const runRows = () => page.locator('.runs-table tbody tr');
const rowIds = async () => (await runRows().evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-run-id')))));

/** Points drawn by the first series of the chart titled `title` (M/L commands of its SVG path). */
async function chartPointCount(title: string): Promise<number> {
  const d = await page.locator(`[data-chart="${title}"] path.recharts-line-curve`).first().getAttribute('d').catch(() => null);
  return d ? (d.match(/[ML]/g) ?? []).length : 0;
}

/** Polls `condition` (in Node, so no DOM types are needed here) until it holds or `timeoutMs` passes. */
async function waitUntil(what: string, condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const waitForRowCount = (count: number) => waitUntil(`the table shows ${count} rows`, async () => (await runRows().count()) === count);

async function fillConfig(values: Record<string, string>): Promise<void> {
  for (const [path, value] of Object.entries(values)) await field(path).locator('input').fill(value);
}

test('the new-run form rejects an invalid config per field and starts nothing', { skip }, async () => {
  await open('#/runs/new');
  await page.getByRole('radio', { name: /sudoku4-mlp/ }).check();
  await field('model.hiddenSize').locator('input').waitFor();
  await fillConfig({ 'model.hiddenSize': '30' });
  // The backend's validation (config.estimate) names numHeads; the form shows it on that field.
  const error = page.locator('.config-field.invalid .field-error');
  await error.first().waitFor({ timeout: 10_000 });
  assert.match(await error.first().innerText(), /divide/);
  assert.equal(await page.getByRole('button', { name: 'Start run' }).isDisabled(), true);
  await fillConfig({ 'model.hiddenSize': '6.5' });
  assert.match(await field('model.hiddenSize').locator('.field-error').innerText(), /whole number/);
  await shot('new-run-invalid');
  assert.deepEqual(await api.runs.list({ includeArchived: true }), []);
});

test('a run trains live, stops, resumes and finishes', { skip, timeout: 240_000 }, async () => {
  await open('#/runs/new?preset=sudoku4-mlp');
  await field('train.maxSteps').locator('input').waitFor();
  await fillConfig({ 'train.maxSteps': '120', 'train.evalInterval': '40', 'train.checkpointInterval': '40', 'train.evalExamples': '32', 'train.batchSize': '16' });
  await page.getByLabel('Name').fill('tiny sudoku');
  await page.getByLabel('Tags').fill('e2e, tiny');
  await page.locator('[data-testid="estimate"] strong').first().waitFor({ timeout: 10_000 });
  assert.match(await page.locator('[data-testid="estimate"]').innerText(), /Parameters .+ estimated memory/);
  await shot('new-run-form');
  await page.getByRole('button', { name: 'Start run' }).click();

  await page.waitForURL(/#\/runs\/\d+$/);
  await page.locator('.run-page[data-status="running"]').waitFor({ timeout: 60_000 });
  await waitUntil('the loss chart draws', async () => (await chartPointCount('Loss components')) > 1, 60_000);
  const firstCount = await chartPointCount('Loss components');
  await waitUntil('the loss chart grows', async () => (await chartPointCount('Loss components')) > firstCount, 60_000);
  assert.ok(await chartPointCount('Loss components') > firstCount, 'the loss chart grows while the run trains');
  assert.match(await page.locator('.run-summary-bar .progress-text').innerText(), /ex\/s · ETA/);
  await shot('run-live');

  await page.getByRole('button', { name: 'Stop' }).click();
  await page.locator('.run-page[data-status="stopped"]').waitFor({ timeout: 60_000 });
  const stoppedAt = await chartPointCount('Loss components');
  await page.getByRole('button', { name: 'Resume' }).click();
  await page.locator('.run-page[data-status="finished"]').waitFor({ timeout: 180_000 });
  await page.locator('.checkpoints tbody tr').first().waitFor();
  assert.ok(await chartPointCount('Loss components') >= stoppedAt);
  assert.ok(await page.locator('.checkpoints .alias-latest').count() === 1);
  assert.ok(await page.locator('[data-chart="Exact accuracy"]').count() === 1);
  await shot('run-finished');
});

test('the runs table sorts, filters, hides columns and keeps the selection in the URL', { skip }, async () => {
  await api.runs.create({ preset: 'sudoku6-mlp', name: 'alpha queued', tags: ['other'], start: false });
  await open('#/runs');
  await runRows().nth(1).waitFor();
  assert.equal(await runRows().count(), 2);

  await page.getByTitle('Sort by Name').click();
  const byNameAscending = await rowIds();
  await page.getByTitle('Sort by Name').click();
  assert.deepEqual(await rowIds(), [...byNameAscending].reverse());
  assert.match(page.url(), /sort=name%3Adesc/);

  await page.getByLabel('Filter text').fill('tiny');
  await waitForRowCount(1);
  await page.getByLabel('Filter text').fill('');
  await page.getByRole('button', { name: 'finished', exact: true }).click();
  await waitForRowCount(1);
  assert.match(await runRows().first().innerText(), /tiny sudoku/);
  await page.getByRole('button', { name: 'finished', exact: true }).click();
  await page.getByLabel('Tag filter').selectOption('other');
  await waitForRowCount(1);
  assert.match(await runRows().first().innerText(), /alpha queued/);
  await page.getByLabel('Tag filter').selectOption('');
  await page.getByLabel('Preset filter').selectOption('sudoku4-mlp');
  await waitForRowCount(1);
  await page.getByLabel('Preset filter').selectOption('');
  await waitForRowCount(2);

  // Hidden columns persist through the settings channel across a reload.
  await page.getByRole('button', { name: /Columns/ }).click();
  await page.getByRole('dialog', { name: 'Columns' }).getByLabel('Preset').uncheck();
  await page.reload();
  await runRows().nth(1).waitFor();
  assert.equal(await page.locator('.runs-table th', { hasText: 'Preset' }).count(), 0);

  const ids = await rowIds();
  for (const id of ids) await page.getByLabel(`Select run ${id}`).check();
  assert.match(page.url(), new RegExp(`selected=${[...ids].sort((a, b) => a - b).join('%2C')}`));
  await page.reload();
  await page.locator('.selection-bar').waitFor();
  assert.match(await page.locator('.selection-bar').innerText(), /2 selected/);
  await shot('runs-table');
  await page.getByRole('button', { name: 'Compare' }).click();
  await page.waitForURL(/#\/compare\?runs=/);
});

test('the page loaded without errors or CSP violations', { skip }, () => {
  const unexpected = pageProblems.filter((p) => !/WebSocket connection .* closed/.test(p));
  assert.deepEqual(unexpected, []);
});
