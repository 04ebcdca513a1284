// Saved comparison views: a named, JSON-encoded view state of the compare page. Saving under an existing name
// replaces that view's state (so "save" after tweaking a loaded view updates it).
import { prepared, type Database } from './sql.ts';

export interface SavedViewRow<State = unknown> {
  id: number;
  name: string;
  state: State;
  createdAt: number;
  updatedAt: number;
}

interface SavedViewRecord {
  id: number;
  name: string;
  state_json: string;
  created_at: number;
  updated_at: number;
}

function toRow<State>(record: SavedViewRecord): SavedViewRow<State> {
  return { id: record.id, name: record.name, state: JSON.parse(record.state_json) as State, createdAt: record.created_at, updatedAt: record.updated_at };
}

/** Views by name (case-insensitive). */
export function listViews<State = unknown>(sqlite: Database): SavedViewRow<State>[] {
  return (prepared(sqlite, 'SELECT * FROM saved_views ORDER BY name COLLATE NOCASE, id').all() as SavedViewRecord[]).map((r) => toRow<State>(r));
}

export function getView<State = unknown>(sqlite: Database, id: number): SavedViewRow<State> | undefined {
  const record = prepared(sqlite, 'SELECT * FROM saved_views WHERE id = ?').get(id) as SavedViewRecord | undefined;
  return record && toRow<State>(record);
}

/** Inserts the view, or replaces the state of the view with the same name; returns the stored row. */
export function saveView<State>(sqlite: Database, name: string, state: State): SavedViewRow<State> {
  const now = Date.now();
  const record = prepared(sqlite, `
    INSERT INTO saved_views (name, state_json, created_at, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (name) DO UPDATE SET state_json = excluded.state_json, updated_at = excluded.updated_at
    RETURNING *`).get(name, JSON.stringify(state), now, now) as SavedViewRecord;
  return toRow<State>(record);
}

export function deleteView(sqlite: Database, id: number): boolean {
  return prepared(sqlite, 'DELETE FROM saved_views WHERE id = ?').run(id).changes > 0;
}
