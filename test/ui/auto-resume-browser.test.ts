// The runs page's "Resume interrupted runs on start" switch (browser mode): it stores the setting the backend
// reads at start-up and quit (main/api/index.ts AUTO_RESUME_SETTING), and shows the stored value after a reload.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AUTO_RESUME_SETTING } from '../../main/api/index.ts';
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
