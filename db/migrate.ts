// Numbered migrations: db/migrations/NNNN-name.sql, applied in order, one transaction each, recorded in
// schema_migrations. Adding a migration means adding a file with the next number; files are never edited.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTransaction, type Database } from './sql.ts';
import { ExpectedError } from '../main/common/errors.ts';

/** Resolved from this module's own location, so it works from any working directory. */
export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATION_FILE = /^(\d{4})-([a-z0-9-]+)\.sql$/;

/** The migration files in version order; numbers must run 1, 2, 3… without gaps or repeats. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .map((file) => MIGRATION_FILE.exec(file))
    .filter((match): match is RegExpExecArray => match !== null)
    .map(([file, number, name]) => ({ version: Number(number), name, sql: readFileSync(join(dir, file), 'utf8') }))
    .sort((a, b) => a.version - b.version);
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`Migrations in ${dir} must be numbered 0001, 0002, … without gaps or repeats; found ${migration.version} at position ${index + 1}`);
    }
  });
  return migrations;
}

/** The highest applied version (0 for an empty database). */
export function schemaVersion(sqlite: Database): number {
  const row = sqlite.prepare('SELECT max(version) AS version FROM schema_migrations').get() as { version: number | null };
  return row.version ?? 0;
}

/** Applies pending migrations; returns the versions applied (empty when already up to date). */
export function migrate(sqlite: Database, migrations: Migration[] = loadMigrations()): number[] {
  sqlite.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const latestKnown = migrations.at(-1)?.version ?? 0;
  const current = schemaVersion(sqlite);
  if (current > latestKnown) {
    throw new ExpectedError(`The database is at schema version ${current}, newer than this version of TRM Workbench knows (${latestKnown}); update the app`);
  }
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    writeTransaction(sqlite, () => {
      // Another process (app and CLI together) may have applied it while we waited for the write lock.
      if (schemaVersion(sqlite) >= migration.version) return;
      sqlite.exec(migration.sql);
      sqlite.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
        .run(migration.version, migration.name, Date.now());
      applied.push(migration.version);
    });
  }
  return applied;
}
