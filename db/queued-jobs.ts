// The job queue's waiting jobs, stored from enqueue until the job starts or is cancelled, so a relaunch after a
// quit or a crash restores them in order. An evaluation keeps its row while it runs (`startedBy`), so a crash of
// the workbench running it does not lose it either. What a kind and its payload mean belongs to
// main/jobs/queue.ts, which checks each row when it restores it; here they are stored as given.
import { prepared, type Database } from './sql.ts';

export interface NewQueuedJob {
  kind: string;
  runId: number;
  /** The job's options besides kind and run (JSON). */
  payload: object;
  queuedAt: number;
}

export interface QueuedJobRow {
  id: number;
  /** Jobs start in ascending position (ties by id). */
  position: number;
  kind: string;
  runId: number;
  /** As stored: may be anything if the file was edited or damaged, so the reader parses it. */
  payloadJson: string;
  queuedAt: number;
  /** Pid of the workbench process running the job; null while it waits. */
  startedBy: number | null;
}

interface QueuedJobRecord {
  id: number; position: number; kind: string; run_id: number; payload_json: string; queued_at: number; started_by: number | null;
}

function toRow(record: QueuedJobRecord): QueuedJobRow {
  return { id: record.id, position: record.position, kind: record.kind, runId: record.run_id, payloadJson: record.payload_json, queuedAt: record.queued_at, startedBy: record.started_by };
}

/** Stores a waiting job at the end of the queue, or ahead of every stored job with `placement: 'first'`. */
export function addQueuedJob(sqlite: Database, job: NewQueuedJob, placement: 'last' | 'first' = 'last'): QueuedJobRow {
  // One statement, so the position is computed and used under the same write lock.
  const position = placement === 'last' ? '(SELECT coalesce(max(position), 0) + 1 FROM queued_jobs)' : '(SELECT coalesce(min(position), 1) - 1 FROM queued_jobs)';
  const record = prepared(sqlite, `
    INSERT INTO queued_jobs (position, kind, run_id, payload_json, queued_at)
    VALUES (${position}, @kind, @runId, @payloadJson, @queuedAt)
    RETURNING *`).get({ kind: job.kind, runId: job.runId, payloadJson: JSON.stringify(job.payload), queuedAt: job.queuedAt }) as QueuedJobRecord;
  return toRow(record);
}

/** Every stored waiting job, in start order. */
export function listQueuedJobs(sqlite: Database): QueuedJobRow[] {
  return (prepared(sqlite, 'SELECT * FROM queued_jobs ORDER BY position, id').all() as QueuedJobRecord[]).map(toRow);
}

/** Marks a waiting job as started by process `pid`; false when it was not waiting any more (started by another
 *  process, cancelled, or its run deleted). One statement, so two processes cannot both claim it. */
export function claimQueuedJob(sqlite: Database, id: number, pid: number): boolean {
  return prepared(sqlite, 'UPDATE queued_jobs SET started_by = ? WHERE id = ? AND started_by IS NULL').run(pid, id).changes > 0;
}

/** Puts a started job back to waiting, in its old place (its process died). */
export function releaseQueuedJob(sqlite: Database, id: number): void {
  prepared(sqlite, 'UPDATE queued_jobs SET started_by = NULL WHERE id = ?').run(id);
}

/** Removes a stored job; false when it was already gone (started or cancelled by another process, or its run deleted). */
export function removeQueuedJob(sqlite: Database, id: number): boolean {
  return prepared(sqlite, 'DELETE FROM queued_jobs WHERE id = ?').run(id).changes > 0;
}
