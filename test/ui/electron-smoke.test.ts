// The desktop window itself, through Playwright's Electron driver: the app starts, its window opens on the runs page
// and the preload bridge is there while Node is not. Runs wherever an Electron binary exists (ELECTRON_OVERRIDE_DIST_PATH
// or a normal `npm install` with network); elsewhere it is skipped and says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron } from 'playwright-core';

const root = join(import.meta.dirname, '..', '..');

function electronBinary(): { binary?: string; problem?: string } {
  try {
    const binary = createRequire(import.meta.url)('electron') as string;
    return existsSync(binary) ? { binary } : { problem: `no Electron binary at ${binary}` };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}

const { binary, problem } = electronBinary();

test('Electron: the window opens on the runs page with the sandboxed bridge', { skip: binary ? false : `skipped: no Electron binary here (${problem})`, timeout: 180_000 }, async () => {
  const build = spawnSync(process.execPath, [join(root, 'bin', 'start.mjs'), '--build-only'], { cwd: root, encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  const home = mkdtempSync(join(tmpdir(), 'trm-electron-'));
  const app = await electron.launch({ executablePath: binary!, args: [join(root, 'dist', 'electron', 'main.mjs')], env: { ...process.env, TRM_HOME: home } });
  try {
    const window = await app.firstWindow();
    await window.waitForSelector('text=Runs', { timeout: 60_000 });
    assert.equal(await window.evaluate(() => typeof (window as unknown as { trm?: unknown }).trm), 'object');
    assert.equal(await window.evaluate(() => typeof (globalThis as unknown as { require?: unknown }).require), 'undefined');
    await window.screenshot({ path: join(root, 'test-artifacts', 'electron-window.png') });
  } finally {
    await app.close();
    rmSync(home, { recursive: true, force: true });
  }
});
