// Step-viewer traces: a puzzle run through every supervision step of one checkpoint, stored as an opaque blob
// (main/trace/trace-codec.ts encodes and decodes it; the database never looks inside).
import { parseJson, prepared, type Database } from './sql.ts';
// `import type` is erased at run time, so db loads no zod.
import type { TraceInfo } from '../preload/contract.ts';

export interface NewTrace {
  runId: number;
  checkpointStep: number;
  /** What was traced, e.g. "sudoku:1.3.…" or "arc:007bbfb7:0". */
  puzzleKey: string;
  innerSteps: boolean;
  /** A few numbers for lists (final exactness, halting step, flags), without decoding the blob. */
  summary?: object;
  blob: Uint8Array;
}

/** A trace as stored, without its blob: the API's TraceInfo (the one declaration, preload/contract.ts). */
export type TraceRow = TraceInfo;

interface TraceRecord {
  id: number; run_id: number; checkpoint_step: number; puzzle_key: string; created_at: number; inner_steps: number;
  summary_json: string; bytes: number;
}

const COLUMNS = 'id, run_id, checkpoint_step, puzzle_key, created_at, inner_steps, summary_json, length(blob) AS bytes';

function toTraceRow(record: TraceRecord): TraceRow {
  return {
    id: record.id, runId: record.run_id, checkpointStep: record.checkpoint_step, puzzleKey: record.puzzle_key,
    createdAt: record.created_at, innerSteps: record.inner_steps === 1,
    summary: parseJson<Record<string, unknown>>(record.summary_json) ?? {}, bytes: record.bytes,
  };
}

/** Stores a trace; returns its id. */
export function addTrace(sqlite: Database, trace: NewTrace): number {
  const { lastInsertRowid } = prepared(sqlite, `
    INSERT INTO traces (run_id, checkpoint_step, puzzle_key, created_at, inner_steps, summary_json, blob)
    VALUES (?, ?, ?, ?, ?, ?, ?)`).run(trace.runId, trace.checkpointStep, trace.puzzleKey, Date.now(), trace.innerSteps ? 1 : 0,
    JSON.stringify(trace.summary ?? {}), Buffer.from(trace.blob.buffer, trace.blob.byteOffset, trace.blob.byteLength));
  return Number(lastInsertRowid);
}

/** One trace with its blob. */
export function getTrace(sqlite: Database, id: number): (TraceRow & { blob: Uint8Array }) | undefined {
  const record = prepared(sqlite, `SELECT ${COLUMNS}, blob FROM traces WHERE id = ?`).get(id) as (TraceRecord & { blob: Buffer }) | undefined;
  return record ? { ...toTraceRow(record), blob: new Uint8Array(record.blob) } : undefined;
}

/** A run's traces without their blobs, newest first; optionally of one checkpoint step and/or puzzle. */
export function listTraces(sqlite: Database, runId: number, filter: { checkpointStep?: number; puzzleKey?: string } = {}): TraceRow[] {
  const records = prepared(sqlite, `
    SELECT ${COLUMNS} FROM traces
    WHERE run_id = ? AND (? IS NULL OR checkpoint_step = ?) AND (? IS NULL OR puzzle_key = ?)
    ORDER BY created_at DESC, id DESC`)
    .all(runId, filter.checkpointStep ?? null, filter.checkpointStep ?? null, filter.puzzleKey ?? null, filter.puzzleKey ?? null) as TraceRecord[];
  return records.map(toTraceRow);
}
