-- 0006: an evaluation job keeps its queued_jobs row while it runs, marked with the pid of the workbench process
-- that started it, and loses it when it ends. A crash of that process leaves the row behind, so the next start
-- queues the evaluation again (a training job instead leaves its run 'interrupted', resumable from a checkpoint).
-- NULL = waiting. Another workbench skips a row whose process is still alive: that one is running the job.
ALTER TABLE queued_jobs ADD COLUMN started_by INTEGER;
