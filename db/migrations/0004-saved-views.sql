-- 0004: saved comparison views (run selection, visible charts, smoothing, x-axis, filters), by unique name.
-- state_json is the compare page's view state; its shape is checked by the API contract, not by SQLite.

CREATE TABLE saved_views (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  name       TEXT    NOT NULL UNIQUE,
  state_json TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
