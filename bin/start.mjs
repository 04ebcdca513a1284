#!/usr/bin/env node
// `npm start`: the desktop app. Builds what Electron loads (renderer via vite, main + preload bundles via esbuild)
// and starts the `electron` package's binary (ELECTRON_OVERRIDE_DIST_PATH honoured). Where Electron cannot start
// (no binary downloaded, missing system libraries, no display) it says so and runs browser mode instead.
// `--build-only` just builds (used by `npm run dist`).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
/** An Electron that dies this soon after starting never got going (missing libraries, no display). */
const EARLY_EXIT_MS = 5000;

register();
const { ensureRendererBuilt } = await import('../main/server/renderer-build.ts');

function electronBinary() {
  try {
    const binary = require('electron'); // the package's index.js: the binary's path, or throws if never downloaded
    return existsSync(binary) ? { binary } : { problem: `no Electron binary at ${binary}` };
  } catch (error) {
    return { problem: error.message };
  }
}

async function bundleForElectron() {
  const esbuild = await import('esbuild');
  const common = { bundle: true, platform: 'node', packages: 'external', sourcemap: true, logLevel: 'warning', absWorkingDir: root };
  // main keeps its dependencies external (better-sqlite3, ws, zod from node_modules); the sandboxed preload
  // cannot load modules, so it is bundled whole except for electron.
  await esbuild.build({ ...common, entryPoints: ['main/electron/main.ts'], format: 'esm', outfile: 'dist/electron/main.mjs',
    banner: { js: "import { createRequire as __trmCreateRequire } from 'node:module'; const require = __trmCreateRequire(import.meta.url);" } });
  await esbuild.build({ ...common, packages: undefined, external: ['electron'], entryPoints: ['preload/preload.ts'], format: 'cjs', outfile: 'dist/electron/preload.cjs' });
}

function runElectron(binary) {
  return new Promise((resolve) => {
    const startedAt = Date.now();
    const child = spawn(binary, [join(root, 'dist', 'electron', 'main.mjs'), ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
    child.on('error', (error) => resolve({ started: false, problem: error.message }));
    child.on('exit', (code, signal) => {
      const early = Date.now() - startedAt < EARLY_EXIT_MS && code !== 0;
      resolve(early ? { started: false, problem: `Electron exited at once (${signal ?? `code ${code}`})` } : { started: true, code: code ?? 1 });
    });
  });
}

async function browserMode(reason) {
  console.error(`Electron cannot start here: ${reason}.`);
  console.error('Falling back to browser mode: the same app, served on 127.0.0.1 (open the URL below).');
  const { serveCommand } = await import('../main/server/index.ts');
  return serveCommand(['--no-build']);
}

async function main() {
  try {
    ensureRendererBuilt();
  } catch (error) {
    console.error(`npm start: ${error.message}`);
    return 1;
  }
  if (process.argv.includes('--build-only')) { // `npm run dist` packages what this builds
    await bundleForElectron();
    return 0;
  }
  const electron = electronBinary();
  if (!electron.binary) return browserMode(electron.problem);
  await bundleForElectron();
  const outcome = await runElectron(electron.binary);
  return outcome.started ? outcome.code : browserMode(outcome.problem);
}

process.exitCode = await main();
