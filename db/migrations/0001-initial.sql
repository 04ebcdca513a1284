-- 0001: runs, their metric series and summaries, checkpoints with aliases, evaluations, UI settings.
-- Times are ms since the Unix epoch. JSON columns end in _json.

CREATE TABLE runs (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  name                TEXT    NOT NULL,
  preset              TEXT    NOT NULL,
  config_json         TEXT    NOT NULL,
  status              TEXT    NOT NULL DEFAULT 'queued'
                      CHECK (status IN ('queued', 'running', 'finished', 'failed', 'stopped', 'interrupted')),
  backend             TEXT    NOT NULL,
  backend_version     TEXT    NOT NULL,
  app_version         TEXT    NOT NULL,
  dataset_fingerprint TEXT    NOT NULL,
  parent_run_id       INTEGER REFERENCES runs (id) ON DELETE SET NULL,
  tags_json           TEXT    NOT NULL DEFAULT '[]',
  notes               TEXT    NOT NULL DEFAULT '',
  color               TEXT,
  archived            INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
  pid                 INTEGER,
  step                INTEGER NOT NULL DEFAULT 0,
  total_steps         INTEGER NOT NULL,
  error               TEXT,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL,
  started_at          INTEGER,
  ended_at            INTEGER
);
CREATE INDEX runs_by_created ON runs (created_at DESC, id DESC);
CREATE INDEX runs_by_status ON runs (status);
CREATE INDEX runs_by_parent ON runs (parent_run_id);

-- Append-only time series. The primary key clusters rows by (run, key, step), so reading one series is a range
-- scan, and a step logged twice for the same key is rejected instead of silently duplicated.
-- value is NULL for NaN: SQLite cannot store NaN and would turn it into NULL anyway.
CREATE TABLE metrics (
  run_id       INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  key          TEXT    NOT NULL,
  step         INTEGER NOT NULL,
  wall_time_ms INTEGER NOT NULL,
  value        REAL,
  PRIMARY KEY (run_id, key, step)
) WITHOUT ROWID;

-- One row per (run, key), maintained on every write so run tables never scan the series.
-- "last" is the row with the highest step; min/max ignore NaN (NULL while every value so far was NaN).
CREATE TABLE metric_summaries (
  run_id            INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  key               TEXT    NOT NULL,
  last_step         INTEGER NOT NULL,
  last_wall_time_ms INTEGER NOT NULL,
  last_value        REAL,
  min_value         REAL,
  max_value         REAL,
  count             INTEGER NOT NULL,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;

CREATE TABLE checkpoints (
  run_id       INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  step         INTEGER NOT NULL,
  path         TEXT    NOT NULL,
  bytes        INTEGER NOT NULL,
  metrics_json TEXT    NOT NULL DEFAULT '{}',
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (run_id, step)
);

-- An alias names one checkpoint of its run; deleting the checkpoint deletes its aliases.
CREATE TABLE checkpoint_aliases (
  run_id INTEGER NOT NULL,
  alias  TEXT    NOT NULL CHECK (alias IN ('latest', 'best')),
  step   INTEGER NOT NULL,
  PRIMARY KEY (run_id, alias),
  FOREIGN KEY (run_id, step) REFERENCES checkpoints (run_id, step) ON DELETE CASCADE
);
CREATE INDEX checkpoint_aliases_by_checkpoint ON checkpoint_aliases (run_id, step);

-- No foreign key to checkpoints: results stay meaningful after a checkpoint file is pruned.
CREATE TABLE evaluations (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id          INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  checkpoint_step INTEGER NOT NULL,
  split           TEXT    NOT NULL,
  metrics_json    TEXT    NOT NULL,
  puzzle_count    INTEGER NOT NULL,
  correct_count   INTEGER NOT NULL,
  created_at      INTEGER NOT NULL
);
CREATE INDEX evaluations_by_run ON evaluations (run_id, checkpoint_step);

CREATE TABLE evaluation_puzzles (
  evaluation_id INTEGER NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
  puzzle_key    TEXT    NOT NULL,
  correct       INTEGER NOT NULL CHECK (correct IN (0, 1)),
  halt_step     INTEGER,
  detail_json   TEXT,
  PRIMARY KEY (evaluation_id, puzzle_key)
) WITHOUT ROWID;

CREATE TABLE settings (
  key        TEXT    PRIMARY KEY,
  value_json TEXT    NOT NULL,
  updated_at INTEGER NOT NULL
);
