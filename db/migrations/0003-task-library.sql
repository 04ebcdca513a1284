-- 0003: the puzzle library — task sets, their tasks and the editor's autosave drafts.
-- A task's content is ARC task JSON (kept byte for byte as imported) or Sudoku/maze rows as text.
-- Times are ms since the Unix epoch. JSON columns end in _json.

CREATE TABLE task_sets (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  name       TEXT    NOT NULL,
  kind       TEXT    NOT NULL CHECK (kind IN ('arc', 'sudoku', 'maze')),
  -- Shared benchmark sets are read-only: their tasks can be copied to another set, not edited in place.
  read_only  INTEGER NOT NULL DEFAULT 0 CHECK (read_only IN (0, 1)),
  -- Where the set came from, e.g. 'shared:arc-agi-1/training' or an imported folder; NULL when made in the app.
  source     TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX task_sets_by_source ON task_sets (source);

CREATE TABLE tasks (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  set_id       INTEGER NOT NULL REFERENCES task_sets (id) ON DELETE CASCADE,
  name         TEXT    NOT NULL,
  kind         TEXT    NOT NULL CHECK (kind IN ('arc', 'sudoku', 'maze')),
  content      TEXT    NOT NULL,
  tags_json    TEXT    NOT NULL DEFAULT '[]',
  -- What a list or thumbnail needs without parsing content: pair counts and grid sizes, Sudoku side, maze size.
  summary_json TEXT    NOT NULL DEFAULT '{}',
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  UNIQUE (set_id, name)
);

-- One row per open editor document, rewritten on every change and read back after a reload or crash.
CREATE TABLE drafts (
  doc_key    TEXT    PRIMARY KEY,
  -- The library task the document edits; NULL for a new, never-saved task (or one deleted meanwhile).
  task_id    INTEGER REFERENCES tasks (id) ON DELETE SET NULL,
  kind       TEXT    NOT NULL CHECK (kind IN ('arc', 'sudoku', 'maze')),
  name       TEXT    NOT NULL,
  content    TEXT    NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX drafts_by_updated ON drafts (updated_at DESC);
