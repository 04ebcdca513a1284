// Where things live on disk: the repository, the shared reference folder, and the user's workspace.
import { homedir, platform } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository (or installed package) root. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `../shared` beside the repository: parity fixtures and benchmark data (read-only). TRM_SHARED overrides. */
export function sharedDir(): string {
  return process.env.TRM_SHARED ? resolve(process.env.TRM_SHARED) : resolve(PACKAGE_ROOT, '..', 'shared');
}

/** The shared data folder (ARC-AGI-1/2, ConceptARC, Sudoku collections). TRM_DATA overrides. */
export function dataDir(): string {
  return process.env.TRM_DATA ? resolve(process.env.TRM_DATA) : join(sharedDir(), 'data');
}

/** The workspace: database, checkpoints, traces and logs. TRM_HOME overrides the platform's user-data folder,
 *  which is the same folder Electron's app.getPath('userData') gives for an app named "TRM Workbench". */
export function workspaceDir(): string {
  if (process.env.TRM_HOME) return resolve(process.env.TRM_HOME);
  const name = 'TRM Workbench';
  switch (platform()) {
    case 'darwin': return join(homedir(), 'Library', 'Application Support', name);
    case 'win32': return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), name);
    default: return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), name);
  }
}

/** True when `path` lies beneath `folder` (both resolved; links are not followed). */
export function isInsideFolder(folder: string, path: string): boolean {
  const inner = relative(resolve(folder), resolve(path));
  return inner !== '' && inner !== '..' && !inner.startsWith(`..${sep}`) && !isAbsolute(inner);
}
