-- 0009: the time a run has spent training, summed over its sessions (a stopped or interrupted run does not count
-- the time it sat); the trainer adds to it as it flushes. Runs from before this migration get the span they had.
ALTER TABLE runs ADD COLUMN active_ms INTEGER NOT NULL DEFAULT 0;
UPDATE runs SET active_ms = max(0, coalesce(ended_at, updated_at) - started_at) WHERE started_at IS NOT NULL;
