// The desktop app's packaging and window policy, checked without an Electron binary: the fuses electron-builder
// flips, the menu of a packaged build (no DevTools), and the stored window bounds (used only when they fit a display).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { applicationMenuTemplate, DEFAULT_WINDOW_SIZE, validWindowBounds } from '../../main/electron/policy.ts';

const root = join(import.meta.dirname, '..', '..');

/** The `key: value` lines of one top-level block of electron-builder.yml (the file is flat enough for this). */
function yamlBlock(text: string, block: string): Record<string, string> {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line === `${block}:`);
  assert.ok(start >= 0, `electron-builder.yml has no '${block}:' block`);
  const entries: Record<string, string> = {};
  for (const line of lines.slice(start + 1)) {
    const match = /^ {2}(\w+):\s*(\S+)\s*$/.exec(line);
    if (!match) break;
    entries[match[1]] = match[2];
  }
  return entries;
}

test('packaged builds flip the fuses: no run-as-node, NODE_OPTIONS or --inspect; cookie encryption and asar integrity on', () => {
  const yml = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
  assert.deepEqual(yamlBlock(yml, 'electronFuses'), {
    runAsNode: 'false',
    enableNodeOptionsEnvironmentVariable: 'false',
    enableNodeCliInspectArguments: 'false',
    enableCookieEncryption: 'true',
    enableEmbeddedAsarIntegrityValidation: 'true',
    onlyLoadAppFromAsar: 'true',
  });
  assert.match(yml, /^asar: true$/m, 'asar integrity needs the app in an asar');
  assert.doesNotMatch(yml, /disableIntegrity/);
  // electronFuses is read only by electron-builder >= 25: the dist script pins one.
  const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  assert.match(scripts.dist, /electron-builder@(2[5-9]|[3-9]\d)\./);
});

test('native addons the job processes load are unpacked from the asar: better-sqlite3 and Dawn (webgpu)', () => {
  const yml = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
  const unpacked = yml.split('\n').slice(yml.split('\n').indexOf('asarUnpack:') + 1).filter((line) => line.startsWith('  - ')).map((line) => line.slice(4));
  for (const pattern of ['node_modules/better-sqlite3/**', 'node_modules/webgpu/**']) assert.ok(unpacked.includes(pattern), `asarUnpack has ${pattern}`);
  const dependencies = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies;
  assert.ok(dependencies.webgpu && dependencies['@tensorflow/tfjs-backend-webgpu'], 'Dawn and the tfjs webgpu backend install with npm install');
});

function roles(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((item) => [...(item.role ? [item.role] : []), ...(Array.isArray(item.submenu) ? roles(item.submenu) : [])]);
}

test('the menu of a packaged build has no DevTools toggle; a development build keeps it', () => {
  const actions = { openWorkspace() {}, openLog() {}, openPaper() {} };
  for (const isMac of [false, true]) {
    assert.ok(!roles(applicationMenuTemplate({ isMac, packaged: true, version: '1', actions })).includes('toggleDevTools'));
    assert.ok(roles(applicationMenuTemplate({ isMac, packaged: false, version: '1', actions })).includes('toggleDevTools'));
  }
});

test('stored window bounds are used only when they fit a display', () => {
  const displays = [{ x: 0, y: 0, width: 1920, height: 1080 }];
  assert.deepEqual(validWindowBounds({ width: 1000, height: 700, x: 100, y: 50 }, displays), { width: 1000, height: 700, x: 100, y: 50 });
  // Nothing stored, or not an object.
  for (const stored of [undefined, null, 'wide', 42, []]) assert.deepEqual(validWindowBounds(stored, displays), DEFAULT_WINDOW_SIZE);
  // Sizes that are not finite numbers, too small, or larger than any display.
  assert.deepEqual(validWindowBounds({ width: Number.NaN, height: '700' }, displays), DEFAULT_WINDOW_SIZE);
  assert.deepEqual(validWindowBounds({ width: 10, height: -5 }, displays), DEFAULT_WINDOW_SIZE);
  assert.deepEqual(validWindowBounds({ width: 1e9, height: 1e9 }, displays), { width: 1920, height: 1080 });
  // A position on a monitor that is gone, or with the title bar off-screen, is dropped (the window opens centred).
  assert.deepEqual(validWindowBounds({ width: 1000, height: 700, x: 2500, y: 100 }, displays), { width: 1000, height: 700 });
  assert.deepEqual(validWindowBounds({ width: 1000, height: 700, x: 100, y: -300 }, displays), { width: 1000, height: 700 });
  assert.deepEqual(validWindowBounds({ width: 1000, height: 700, x: 100, y: 1e12 }, displays), { width: 1000, height: 700 });
  // A second display to the right keeps a window placed there.
  const two = [...displays, { x: 1920, y: 0, width: 1280, height: 1024 }];
  assert.deepEqual(validWindowBounds({ width: 1000, height: 700, x: 2500, y: 100 }, two), { width: 1000, height: 700, x: 2500, y: 100 });
  // No display information at all: the size still gets bounds.
  assert.deepEqual(validWindowBounds({ width: 5000, height: 5000 }, []), { width: 800, height: 500 });
});
