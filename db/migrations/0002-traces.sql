-- 0002: stored step-viewer traces: one puzzle run through all supervision steps of one checkpoint.
-- The blob is main/trace/trace-codec.ts's binary form; summary_json repeats the few numbers a list shows
-- (final exactness, halting step, flags) so listing never decodes blobs. A trace outlives its checkpoint file
-- (checkpoints are pruned), so checkpoint_step is a plain number, not a reference.
CREATE TABLE traces (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id          INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  checkpoint_step INTEGER NOT NULL,
  puzzle_key      TEXT    NOT NULL,
  created_at      INTEGER NOT NULL,
  inner_steps     INTEGER NOT NULL CHECK (inner_steps IN (0, 1)),
  summary_json    TEXT    NOT NULL DEFAULT '{}',
  blob            BLOB    NOT NULL
);
CREATE INDEX traces_by_run ON traces (run_id, checkpoint_step, puzzle_key);
