// Key/value settings (UI preferences such as column layouts), stored as JSON.
import { prepared, type Database } from './sql.ts';

export function getSetting<T = unknown>(sqlite: Database, key: string): T | undefined {
  const row = prepared(sqlite, 'SELECT value_json FROM settings WHERE key = ?').get(key) as { value_json: string } | undefined;
  return row && (JSON.parse(row.value_json) as T);
}

/** Stores any JSON-serialisable value; `undefined` removes the setting. */
export function setSetting(sqlite: Database, key: string, value: unknown): void {
  if (value === undefined) {
    prepared(sqlite, 'DELETE FROM settings WHERE key = ?').run(key);
    return;
  }
  prepared(sqlite, `
    INSERT INTO settings (key, value_json, updated_at) VALUES (?, ?, ?)
    ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at`)
    .run(key, JSON.stringify(value), Date.now());
}
