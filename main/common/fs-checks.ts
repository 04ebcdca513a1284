// Paths the user gives (TRM_HOME, a checkpoint, a task file, a dataset folder) checked before they are opened,
// and Node's fs errors on them turned into ExpectedErrors that name the path and say what is wrong. Reading a
// named pipe never returns until something writes to it, and Node's recursive mkdir never returns under /proc,
// so both are refused before any read or mkdir.
import { lstatSync, mkdirSync, readFileSync, readlinkSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ExpectedError } from './errors.ts';

/** What a path is, when it is not a regular file or folder (a pipe, a socket, a device). */
function specialKind(stats: Stats): string | null {
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return null;
}

/** The closest of `path` and its parents that exists, or null. */
function nearestExisting(path: string): string | null {
  for (let current = resolve(path); ; current = dirname(current)) {
    try {
      lstatSync(current);
      return current;
    } catch {
      if (dirname(current) === current) return null;
    }
  }
}

/** Why `path` cannot be opened, from the errno code of a failed fs call on it (null: not an fs error we know). */
export function fsProblem(error: unknown, path: string): string | null {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT': {
      try {
        if (lstatSync(path).isSymbolicLink()) return `is a symbolic link to ${readlinkSync(path)}, which does not exist`;
      } catch { /* not there at all */ }
      return 'does not exist';
    }
    case 'ENOTDIR':
    case 'EEXIST': {
      // A parent (or the path itself, for mkdir) is a file: name it.
      const blocker = nearestExisting(path);
      if (blocker && !isFolder(blocker)) return blocker === resolve(path) ? 'is a file, not a folder' : `cannot be a folder: ${blocker} is a file`;
      return code === 'EEXIST' ? 'already exists' : 'is not a folder';
    }
    case 'EISDIR': return 'is a folder, not a file';
    case 'EACCES': case 'EPERM': return 'is not accessible (permission denied)';
    case 'EROFS': return 'is on a read-only file system';
    case 'ELOOP': return 'is a loop of symbolic links';
    case 'ENAMETOOLONG': return 'is too long a name';
    case 'ENOSPC': return 'no space left on the device';
    case 'EMFILE': case 'ENFILE': return 'too many open files';
    case 'EIO': return 'input/output error';
    case 'ERR_INVALID_ARG_VALUE': case 'ERR_INVALID_ARG_TYPE': return 'is not a valid path (it contains a NUL byte)';
    default: return null;
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** An ExpectedError for an fs error on `path` ("<what> <path> <problem>"), or the error itself when it is not
 *  one we know (then it is a bug and keeps its stack). */
export function pathError(error: unknown, what: string, path: string): unknown {
  if (error instanceof ExpectedError) return error;
  const problem = fsProblem(error, path);
  return problem === null ? error : new ExpectedError(`${what} ${path} ${problem}`, { cause: error });
}

/** Why `path` is not a regular file (following links): missing, a folder, a pipe, a socket, a device; or null. */
export function regularFileProblem(path: string): string | null {
  if (path.includes('\0')) return 'is not a valid path (it contains a NUL byte)';
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    const problem = fsProblem(error, path);
    if (problem === null) throw error;
    return problem;
  }
  if (stats.isDirectory()) return 'is a folder, not a file';
  const kind = specialKind(stats);
  return kind ? `is ${kind}, not a regular file` : null;
}

/** Throws an ExpectedError ("<what> <path> <problem>") unless `path` is a regular file. */
export function checkRegularFile(path: string, what = 'file'): void {
  const problem = regularFileProblem(path);
  if (problem !== null) throw new ExpectedError(`${what} ${path.includes('\0') ? JSON.stringify(path) : path} ${problem}`);
}

/** The whole file, after checkRegularFile; fs errors become ExpectedErrors naming it. */
export function readRegularFile(path: string, what = 'file'): Buffer {
  checkRegularFile(path, what);
  try {
    return readFileSync(path);
  } catch (error) {
    throw pathError(error, what, path);
  }
}

/** Throws an ExpectedError unless `path` is an existing folder. */
export function checkFolder(path: string, what = 'folder'): void {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    throw pathError(error, what, path);
  }
  if (!stats.isDirectory()) throw new ExpectedError(`${what} ${path} is ${specialKind(stats) ?? 'a file'}, not a folder`);
}

/** Kernel file systems: nothing of ours can live there, and mkdir under /proc never returns. */
const KERNEL_FILE_SYSTEMS = ['/proc', '/sys'];

/** Creates `path` and its missing parents. One level at a time from the closest existing parent (Node's recursive
 *  mkdir loops forever where mkdir answers ENOENT under an existing folder, as /proc does), refusing kernel file
 *  systems; every failure is an ExpectedError naming the path. */
export function ensureFolder(path: string, what = 'folder'): void {
  const target = resolve(path);
  if (target.includes('\0')) throw new ExpectedError(`${what} ${JSON.stringify(path)} is not a valid path (it contains a NUL byte)`);
  const existing = nearestExisting(target);
  let real = existing;
  try {
    if (existing) real = realpathSync(existing);
  } catch { /* a loop of links: mkdir below names it */ }
  const kernel = KERNEL_FILE_SYSTEMS.find((root) => [target, real].some((p) => p !== null && (p === root || p.startsWith(`${root}/`))));
  if (kernel) throw new ExpectedError(`${what} ${path} is under ${kernel}, a kernel file system where no folder can be created; choose another folder`);
  if (existing === target) {
    checkFolder(target, what);
    return;
  }
  const missing: string[] = [];
  for (let current = target; current !== existing && dirname(current) !== current; current = dirname(current)) missing.unshift(current);
  for (const folder of missing) {
    try {
      mkdirSync(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && isFolder(folder)) continue; // made meanwhile
      throw pathError(error, what, path);
    }
  }
}
