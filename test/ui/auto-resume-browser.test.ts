// The runs page's backend settings (browser mode): the "Resume interrupted runs on start" switch stores the setting
// the backend reads at start-up and quit (main/api/index.ts AUTO_RESUME_SETTING), and shows it after a reload;
// "Jobs at once" is applied to the running queue and stored (CONCURRENCY_SETTING).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AUTO_RESUME_SETTING, CONCURRENCY_SETTING } from '../../main/api/index.ts';
import { skip, startBrowserUi, temporaryWorkspace, waitUntil, type BrowserUi } from './browser-harness.ts';

let ui: BrowserUi;

before(async () => {
  if (skip) return;
  ui = await startBrowserUi(temporaryWorkspace('trm-ui-resume-'));
});

after(() => ui?.close());

test('the automatic-resume switch stores the backend setting and shows it after a reload', { skip }, async () => {
  const { page, api } = ui;
  await ui.open('#/runs');
  const toggle = page.getByLabel('Resume interrupted runs on start');
  await toggle.waitFor();
  assert.equal(await toggle.isChecked(), false);
  assert.equal(await api.settings.get({ key: AUTO_RESUME_SETTING }), null);
  await toggle.check();
  await ui.shot('runs-auto-resume');
  await waitUntil('the setting is stored', async () => (await api.settings.get({ key: AUTO_RESUME_SETTING })) === true, 10_000);
  await ui.open('#/runs');
  await waitUntil('the reloaded switch is on', async () => page.getByLabel('Resume interrupted runs on start').isChecked(), 10_000);
  await toggle.uncheck();
  await waitUntil('the setting is cleared', async () => (await api.settings.get({ key: AUTO_RESUME_SETTING })) === false, 10_000);
  assert.deepEqual(ui.unexpectedPageProblems(), []);
});

test('"Jobs at once" applies to the running queue and is stored', { skip }, async () => {
  const { page, api } = ui;
  await ui.open('#/runs');
  const select = page.getByLabel('Jobs at once');
  await waitUntil('the current value is loaded', async () => (await select.inputValue()) === '1', 10_000);
  await select.selectOption('3');
  await waitUntil('the queue runs 3 at once', async () => (await api.jobs.getConcurrency()).concurrency === 3, 10_000);
  assert.equal(await api.settings.get({ key: CONCURRENCY_SETTING }), 3);
  await ui.open('#/runs');
  await waitUntil('the reloaded control shows 3', async () => (await page.getByLabel('Jobs at once').inputValue()) === '3', 10_000);
  assert.deepEqual(ui.unexpectedPageProblems(), []);
});
