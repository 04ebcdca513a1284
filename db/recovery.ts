// Start-up recovery: runs still marked 'running' whose process is gone (crash, SIGKILL, power loss) become
// 'interrupted' so they can be resumed from their last checkpoint.
import { prepared, writeTransaction, type Database } from './sql.ts';

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
