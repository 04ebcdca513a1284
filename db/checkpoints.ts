// Checkpoints: one row per saved model file, plus the `latest` / `best` aliases that point at one of them.
// A file inside the workspace is stored by its path relative to it ('/'-separated), so a workspace that is moved
// or copied keeps finding its own checkpoints; functions here take the workspace folder and give absolute paths.
import { relative, resolve, sep } from 'node:path';
import { isInsideFolder } from '../main/common/paths.ts';
import { prepared, writeTransaction, type Database } from './sql.ts';
// `import type` is erased at run time, so db loads no zod.
import type { CheckpointInfo } from '../preload/contract.ts';

export type CheckpointAlias = CheckpointInfo['aliases'][number];
export const CHECKPOINT_ALIASES = ['latest', 'best'] as const satisfies readonly CheckpointAlias[];
/** A checkpoint by alias or by step, e.g. `step_5000`. */
export type CheckpointRef = CheckpointAlias | `step_${number}`;

export interface NewCheckpoint {
  runId: number;
  step: number;
  path: string;
  bytes: number;
  /** Metrics at the time of saving (e.g. eval accuracy), shown beside the checkpoint. */
  metrics?: object;
}

/** A checkpoint as stored: the API's CheckpointInfo (the one declaration, preload/contract.ts). */
export type CheckpointRow = CheckpointInfo;

interface CheckpointRecord {
  run_id: number; step: number; path: string; bytes: number; metrics_json: string; created_at: number;
  aliases: string | null;
}

// group_concat gives the aliases in alias order ('best' before 'latest'); no checkpoint has more than two.
const SELECT_WITH_ALIASES = `
  SELECT checkpoints.*, (SELECT group_concat(alias, ',') FROM (SELECT alias FROM checkpoint_aliases AS a
                          WHERE a.run_id = checkpoints.run_id AND a.step = checkpoints.step ORDER BY alias)) AS aliases
  FROM checkpoints`;

/** The path as stored: relative to the workspace when inside it (a relative `path` is taken as relative to it). */
function storedPath(workspace: string, path: string): string {
  const absolute = resolve(workspace, path);
  return isInsideFolder(workspace, absolute) ? relative(resolve(workspace), absolute).split(sep).join('/') : absolute;
}

function toCheckpointRow(workspace: string, record: CheckpointRecord): CheckpointRow {
  return {
    runId: record.run_id, step: record.step, path: resolve(workspace, record.path), bytes: record.bytes,
    metrics: JSON.parse(record.metrics_json) as Record<string, unknown>, createdAt: record.created_at,
    aliases: record.aliases ? (record.aliases.split(',') as CheckpointAlias[]) : [],
  };
}

/** Records a saved checkpoint; saving the same step again replaces the row (and keeps its aliases). */
export function addCheckpoint(sqlite: Database, workspace: string, checkpoint: NewCheckpoint): CheckpointRow {
  prepared(sqlite, `
    INSERT INTO checkpoints (run_id, step, path, bytes, metrics_json, created_at) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (run_id, step) DO UPDATE SET path = excluded.path, bytes = excluded.bytes,
      metrics_json = excluded.metrics_json, created_at = excluded.created_at`)
    .run(checkpoint.runId, checkpoint.step, storedPath(workspace, checkpoint.path), checkpoint.bytes, JSON.stringify(checkpoint.metrics ?? {}), Date.now());
  return getCheckpoint(sqlite, workspace, checkpoint.runId, `step_${checkpoint.step}`)!;
}

/** A run's checkpoints, oldest step first, each with the aliases pointing at it. */
export function listCheckpoints(sqlite: Database, workspace: string, runId: number): CheckpointRow[] {
  const records = prepared(sqlite, `${SELECT_WITH_ALIASES} WHERE run_id = ? ORDER BY step`).all(runId) as CheckpointRecord[];
  return records.map((record) => toCheckpointRow(workspace, record));
}

/** Points `alias` at the run's checkpoint at `step` (which must exist), moving it off any other checkpoint. */
export function setCheckpointAlias(sqlite: Database, runId: number, alias: CheckpointAlias, step: number): void {
  if (!CHECKPOINT_ALIASES.includes(alias)) throw new Error(`Unknown checkpoint alias "${alias}"; expected latest or best`);
  try {
    prepared(sqlite, `
      INSERT INTO checkpoint_aliases (run_id, alias, step) VALUES (?, ?, ?)
      ON CONFLICT (run_id, alias) DO UPDATE SET step = excluded.step`).run(runId, alias, step);
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
      throw new Error(`Run ${runId} has no checkpoint at step ${step} to call "${alias}"`, { cause: error });
    }
    throw error;
  }
}

/** Resolves `latest`, `best` or `step_N` to the checkpoint, or undefined when there is none. */
export function getCheckpoint(sqlite: Database, workspace: string, runId: number, ref: CheckpointRef): CheckpointRow | undefined {
  const stepMatch = /^step_(\d+)$/.exec(ref);
  let step: number | undefined;
  if (stepMatch) {
    step = Number(stepMatch[1]);
  } else if ((CHECKPOINT_ALIASES as readonly string[]).includes(ref)) {
    const aliasRow = prepared(sqlite, 'SELECT step FROM checkpoint_aliases WHERE run_id = ? AND alias = ?').get(runId, ref) as { step: number } | undefined;
    step = aliasRow?.step;
  } else {
    throw new Error(`Unknown checkpoint reference "${ref}"; expected latest, best or step_<number>`);
  }
  if (step === undefined) return undefined;
  const record = prepared(sqlite, `${SELECT_WITH_ALIASES} WHERE run_id = ? AND step = ?`).get(runId, step) as CheckpointRecord | undefined;
  return record && toCheckpointRow(workspace, record);
}

/** Forgets the checkpoint (its aliases go with it) and returns what was deleted, so the caller can remove the
 *  file; the database never touches checkpoint files. */
export function deleteCheckpoint(sqlite: Database, workspace: string, runId: number, step: number): CheckpointRow | undefined {
  return writeTransaction(sqlite, () => {
    const checkpoint = getCheckpoint(sqlite, workspace, runId, `step_${step}`);
    if (checkpoint) prepared(sqlite, 'DELETE FROM checkpoints WHERE run_id = ? AND step = ?').run(runId, step);
    return checkpoint;
  });
}
