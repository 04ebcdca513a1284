// Start-up recovery: runs still marked 'running' (or 'queued' for a started job) whose process is gone (crash,
// SIGKILL, power loss) become 'interrupted' so they can be resumed from their last checkpoint; resuming rewinds a run
// to that checkpoint.
import { prepared, writeTransaction, type Database } from './sql.ts';
import { getCheckpoint, listCheckpoints, setCheckpointAlias, type CheckpointRow } from './checkpoints.ts';
import { deleteMetricsAfter } from './metrics.ts';

/** True when a process with this id exists (EPERM means it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Marks orphaned runs as interrupted; returns their ids. Orphaned: 'running' with a dead process or none, or
 *  'queued' with a dead process (the job queue records a training job's process on its run when it starts it, so
 *  one killed before training began does not stay 'queued'; a queued run without a pid is waiting). */
export function markInterruptedRuns(sqlite: Database, isAlive: (pid: number) => boolean = isProcessAlive): number[] {
  return writeTransaction(sqlite, () => {
    const candidates = prepared(sqlite, `
      SELECT id, pid, status FROM runs WHERE status = 'running' OR (status = 'queued' AND pid IS NOT NULL) ORDER BY id`)
      .all() as { id: number; pid: number | null; status: 'running' | 'queued' }[];
    const orphaned = candidates.filter((run) => run.pid === null || !isAlive(run.pid));
    const markInterrupted = prepared(sqlite, `
      UPDATE runs SET status = 'interrupted', pid = NULL, ended_at = @now, updated_at = @now, error = coalesce(error, @error)
      WHERE id = @id`);
    const now = Date.now();
    for (const run of orphaned) {
      const error = run.status === 'running' ? 'The training process ended without reporting (crash or kill)' : 'The training job ended before training began (crash or kill)';
      markInterrupted.run({ id: run.id, now, error });
    }
    return orphaned.map((run) => run.id);
  });
}

/** Drops what a run recorded after `step`, the checkpoint it resumes from (0: none), so training it again neither
 *  duplicates nor contradicts it: metric rows (summaries rebuilt), evaluations and checkpoints, in one transaction.
 *  `latest` then names the checkpoint at `step`, if there is one. Returns the checkpoints dropped, whose files the
 *  caller removes (the database never touches checkpoint files). */
export function rewindRun(sqlite: Database, workspace: string, runId: number, step: number): CheckpointRow[] {
  return writeTransaction(sqlite, () => {
    const dropped = listCheckpoints(sqlite, workspace, runId).filter((checkpoint) => checkpoint.step > step);
    deleteMetricsAfter(sqlite, runId, step);
    prepared(sqlite, 'DELETE FROM evaluations WHERE run_id = ? AND checkpoint_step > ?').run(runId, step);
    prepared(sqlite, 'DELETE FROM checkpoints WHERE run_id = ? AND step > ?').run(runId, step);
    if (getCheckpoint(sqlite, workspace, runId, `step_${step}`)) setCheckpointAlias(sqlite, runId, 'latest', step);
    return dropped;
  });
}
