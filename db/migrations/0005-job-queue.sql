-- 0005: the job queue's waiting jobs, so queued training and evaluation survive a quit or a crash. A row exists
-- from enqueue until the job starts (or is cancelled); running jobs are not stored here (a crash leaves their
-- run 'interrupted' instead). Jobs start in `position` order; putting a job first takes min(position) - 1.
-- kind and payload_json (the job's options besides kind and run) are checked by main/jobs/queue.ts when it
-- restores them, not by SQLite, so a row it cannot read is skipped with a warning instead of failing the start.

CREATE TABLE queued_jobs (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  position     INTEGER NOT NULL,
  kind         TEXT    NOT NULL,
  run_id       INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  payload_json TEXT    NOT NULL DEFAULT '{}',
  queued_at    INTEGER NOT NULL
);
CREATE INDEX queued_jobs_by_position ON queued_jobs (position, id);
CREATE INDEX queued_jobs_by_run ON queued_jobs (run_id);
