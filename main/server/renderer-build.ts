// The built renderer (dist/renderer, from `vite build` with vite.config.ts) that browser mode serves and the
// Electron window loads. Rebuilt on demand when missing or older than its sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { PACKAGE_ROOT } from '../common/paths.ts';

export const RENDERER_DIST = join(PACKAGE_ROOT, 'dist', 'renderer');
const RENDERER_SOURCES = [join(PACKAGE_ROOT, 'renderer'), join(PACKAGE_ROOT, 'preload'), join(PACKAGE_ROOT, 'vite.config.ts')];

function newestMtimeMs(path: string): number {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(0, ...readdirSync(path).filter((name) => name !== 'node_modules').map((name) => newestMtimeMs(join(path, name))));
}

/** True when dist/renderer/index.html exists and is newer than every renderer source. */
export function isRendererBuildCurrent(): boolean {
  const built = join(RENDERER_DIST, 'index.html');
  return existsSync(built) && statSync(built).mtimeMs >= Math.max(...RENDERER_SOURCES.map(newestMtimeMs));
}

/** Runs `vite build` if the renderer build is missing or stale; throws with vite's output if the build fails. */
export function ensureRendererBuilt(log: (line: string) => void = console.error): void {
  if (isRendererBuildCurrent()) return;
  if (!existsSync(join(PACKAGE_ROOT, 'vite.config.ts'))) throw new Error('cannot build the renderer: vite.config.ts is missing');
  log('Building the renderer (vite build)…');
  const vite = join(PACKAGE_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: PACKAGE_ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`vite build failed:\n${result.stdout}${result.stderr}`);
}
