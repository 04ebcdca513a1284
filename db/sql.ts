// Small helpers every query module shares: a per-connection cache of prepared statements and write transactions.
import type { Database, Statement } from 'better-sqlite3';

export type { Database };

const statementsByConnection = new WeakMap<Database, Map<string, Statement>>();

/** The prepared statement for `sql` on this connection, prepared once and reused (hot paths call this per write). */
export function prepared(sqlite: Database, sql: string): Statement {
  let statements = statementsByConnection.get(sqlite);
  if (!statements) statementsByConnection.set(sqlite, (statements = new Map()));
  let statement = statements.get(sql);
  if (!statement) statements.set(sql, (statement = sqlite.prepare(sql)));
  return statement;
}

/** Runs `work` in a BEGIN IMMEDIATE transaction: the write lock is taken up front, so a transaction that reads
 *  before it writes waits on busy_timeout instead of failing with SQLITE_BUSY when another process wrote meanwhile. */
export function writeTransaction<T>(sqlite: Database, work: () => T): T {
  return sqlite.transaction(work).immediate();
}

/** JSON column → value; NULL stays null. */
export function parseJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

/** Escapes `%`, `_` and `\` so user text matches literally in `LIKE ? ESCAPE '\'`. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}
