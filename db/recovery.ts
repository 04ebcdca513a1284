// Start-up recovery: runs still marked 'running' whose process is gone (crash, SIGKILL, power loss) become
// 'interrupted' so they can be resumed from their last checkpoint; resuming rewinds a run to that checkpoint.
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

/** Marks orphaned running runs as interrupted; returns their ids. A running run without a pid counts as orphaned. */
export function markInterruptedRuns(sqlite: Database, isAlive: (pid: number) => boolean = isProcessAlive): number[] {
  return writeTransaction(sqlite, () => {
    const running = prepared(sqlite, "SELECT id, pid FROM runs WHERE status = 'running' ORDER BY id").all() as { id: number; pid: number | null }[];
    const orphaned = running.filter((run) => run.pid === null || !isAlive(run.pid)).map((run) => run.id);
    const markInterrupted = prepared(sqlite, `
      UPDATE runs SET status = 'interrupted', pid = NULL, ended_at = @now, updated_at = @now,
        error = coalesce(error, 'The training process ended without reporting (crash or kill)')
      WHERE id = @id`);
    const now = Date.now();
    for (const id of orphaned) markInterrupted.run({ id, now });
    return orphaned;
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
