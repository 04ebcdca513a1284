// Why the experiment database could not be opened, in words that name the file and say what to do: it is a
// folder or a pipe, not an SQLite file, corrupt, read-only, locked. What SQLite itself reports ("unable to open
// database file", "file is not a database") says neither.
import { lstatSync } from 'node:fs';
import { isExpectedError } from '../main/common/errors.ts';
import { fsProblem, regularFileProblem } from '../main/common/fs-checks.ts';

const MOVE_ASIDE = 'move it aside to start an empty workspace, or set TRM_HOME to another folder';

/** Why the file at `path` cannot be a database (a folder, a pipe, a broken link), or null (absent: it is created). */
export function databaseFileProblem(path: string): string | null {
  try {
    lstatSync(path);
  } catch {
    return null;
  }
  const problem = regularFileProblem(path);
  return problem === null ? null : `it ${problem}`;
}

/** Why opening (or migrating) the database at `path` failed, or null when `error` is a bug (SQLite's own
 *  SQLITE_ERROR, a bad statement in a migration, stays one). */
export function databaseOpenProblem(path: string, error: unknown): string | null {
  if (isExpectedError(error)) return error.message;
  const code = String((error as { code?: unknown })?.code ?? '');
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_NOTADB') return `it is not an SQLite database (${message}); ${MOVE_ASIDE}`;
  if (code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_')) return `it is corrupt (${message}); ${MOVE_ASIDE}`;
  if (code.startsWith('SQLITE_CANTOPEN')) return `${message}: check that the file and its folder can be read and written`;
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || code === 'SQLITE_AUTH') return `it cannot be written (${message})`;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return `it is locked by another process (${message})`;
  if (code === 'SQLITE_FULL') return `the disk is full (${message})`;
  if (code.startsWith('SQLITE_IOERR')) return `it cannot be read or written (${message})`;
  const problem = fsProblem(error, path);
  return problem === null ? null : `it ${problem}`;
}
