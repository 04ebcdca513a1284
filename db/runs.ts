// Runs: one row per training job, with its configuration, provenance, status and the live step.
import { likePattern, prepared, type Database } from './sql.ts';
import { getMetricSummaries } from './metrics.ts';
// Row types come from the API contract, which the renderer shares; `import type` is erased, so db loads no zod.
import type { RunInfo, RunStatus, RunSummaryInfo } from '../preload/contract.ts';

export type { RunStatus };
/** The statuses at run time (the contract's RUN_STATUS_VALUES would load zod). */
export const RUN_STATUSES = ['queued', 'running', 'finished', 'failed', 'stopped', 'interrupted'] as const satisfies readonly RunStatus[];

export interface NewRun {
  name: string;
  preset: string;
  config: object;
  backend: string;
  backendVersion: string;
  appVersion: string;
  /** Identifies the exact training data, so runs on different data are never compared by accident. */
  datasetFingerprint: string;
  /** The run this one was forked or resumed from. */
  parentRunId?: number;
  tags?: string[];
  notes?: string;
  totalSteps: number;
}

/** A run as stored; the API's RunInfo is the one declaration (see preload/contract.ts). */
export type RunRow = RunInfo;

/** A run with its metric summaries by key (last/min/max/count), as the runs table shows it. */
export type RunSummary = RunSummaryInfo;

export interface RunPatch {
  name?: string;
  status?: RunStatus;
  tags?: string[];
  notes?: string;
  color?: string | null;
  archived?: boolean;
  pid?: number | null;
  startedAt?: number | null;
  endedAt?: number | null;
  activeMs?: number;
  error?: string | null;
  step?: number;
  backend?: string;
  backendVersion?: string;
  /** The GPU adapter for webgpu ('' otherwise). */
  backendDevice?: string;
  config?: object;
}

export interface RunFilter {
  status?: RunStatus;
  tag?: string;
  preset?: string;
  /** Case-insensitive substring of the name, notes, preset or a tag. */
  text?: string;
  includeArchived?: boolean;
}

interface RunRecord {
  id: number; name: string; preset: string; config_json: string; status: RunStatus; backend: string;
  backend_version: string; backend_device: string; app_version: string; dataset_fingerprint: string; parent_run_id: number | null;
  tags_json: string; notes: string; color: string | null; archived: number; pid: number | null; step: number;
  total_steps: number; error: string | null; created_at: number; updated_at: number; started_at: number | null;
  ended_at: number | null; active_ms: number;
}

function toRunRow(record: RunRecord): RunRow {
  return {
    id: record.id, name: record.name, preset: record.preset,
    config: JSON.parse(record.config_json) as Record<string, unknown>,
    status: record.status, backend: record.backend, backendVersion: record.backend_version, backendDevice: record.backend_device,
    appVersion: record.app_version, datasetFingerprint: record.dataset_fingerprint,
    parentRunId: record.parent_run_id, tags: JSON.parse(record.tags_json) as string[], notes: record.notes,
    color: record.color, archived: record.archived === 1, pid: record.pid, step: record.step,
    totalSteps: record.total_steps, error: record.error, createdAt: record.created_at, updatedAt: record.updated_at,
    startedAt: record.started_at, endedAt: record.ended_at, activeMs: record.active_ms,
  };
}

/** Tags are kept trimmed, unique and sorted, so equal tag sets compare equal. */
function normaliseTags(tags: string[]): string[] {
  return [...new Set(tags.map((tag) => tag.trim()).filter((tag) => tag.length > 0))].sort();
}

function assertStatus(status: string): asserts status is RunStatus {
  if (!(RUN_STATUSES as readonly string[]).includes(status)) {
    throw new Error(`Unknown run status "${status}"; expected one of ${RUN_STATUSES.join(', ')}`);
  }
}

export function createRun(sqlite: Database, run: NewRun): RunRow {
  const now = Date.now();
  const { lastInsertRowid } = prepared(sqlite, `
    INSERT INTO runs (name, preset, config_json, backend, backend_version, app_version, dataset_fingerprint,
                      parent_run_id, tags_json, notes, total_steps, created_at, updated_at)
    VALUES (@name, @preset, @configJson, @backend, @backendVersion, @appVersion, @datasetFingerprint,
            @parentRunId, @tagsJson, @notes, @totalSteps, @now, @now)`).run({
    name: run.name, preset: run.preset, configJson: JSON.stringify(run.config), backend: run.backend,
    backendVersion: run.backendVersion, appVersion: run.appVersion, datasetFingerprint: run.datasetFingerprint,
    parentRunId: run.parentRunId ?? null, tagsJson: JSON.stringify(normaliseTags(run.tags ?? [])),
    notes: run.notes ?? '', totalSteps: run.totalSteps, now,
  });
  return getRun(sqlite, Number(lastInsertRowid))!;
}

export function getRun(sqlite: Database, id: number): RunRow | undefined {
  const record = prepared(sqlite, 'SELECT * FROM runs WHERE id = ?').get(id) as RunRecord | undefined;
  return record && toRunRow(record);
}

/** Each patch field: its column and how its value is stored. */
const PATCH_COLUMNS: { [Field in keyof Required<RunPatch>]: [column: string, encode: (value: RunPatch[Field]) => unknown] } = {
  name: ['name', (name) => name],
  status: ['status', (status) => { assertStatus(status!); return status; }],
  tags: ['tags_json', (tags) => JSON.stringify(normaliseTags(tags!))],
  notes: ['notes', (notes) => notes],
  color: ['color', (color) => color],
  archived: ['archived', (archived) => (archived ? 1 : 0)],
  pid: ['pid', (pid) => pid],
  startedAt: ['started_at', (startedAt) => startedAt],
  endedAt: ['ended_at', (endedAt) => endedAt],
  activeMs: ['active_ms', (activeMs) => Math.round(activeMs!)],
  error: ['error', (error) => error],
  step: ['step', (step) => step],
  backend: ['backend', (backend) => backend],
  backendVersion: ['backend_version', (backendVersion) => backendVersion],
  backendDevice: ['backend_device', (backendDevice) => backendDevice],
  config: ['config_json', (config) => JSON.stringify(config)],
};

/** Applies the fields present in `patch` (undefined fields are left alone) and returns the updated run. */
export function updateRun(sqlite: Database, id: number, patch: RunPatch): RunRow {
  const assignments: string[] = ['updated_at = ?'];
  const values: unknown[] = [Date.now()];
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const entry = PATCH_COLUMNS[field as keyof RunPatch] as [string, (value: unknown) => unknown] | undefined;
    if (!entry) throw new Error(`updateRun: unknown field "${field}"`);
    assignments.push(`${entry[0]} = ?`);
    values.push(entry[1](value));
  }
  const { changes } = prepared(sqlite, `UPDATE runs SET ${assignments.join(', ')} WHERE id = ?`).run(...values, id);
  if (changes === 0) throw new Error(`Run ${id} does not exist`);
  return getRun(sqlite, id)!;
}

/** Deletes the run and, through foreign keys, its metrics, summaries, checkpoints and evaluations. */
export function deleteRun(sqlite: Database, id: number): boolean {
  return prepared(sqlite, 'DELETE FROM runs WHERE id = ?').run(id).changes > 0;
}

/** Runs matching every given filter, newest first, each with its metric summaries (one query, no series scan). */
export function listRuns(sqlite: Database, filter: RunFilter = {}): RunSummary[] {
  const conditions: string[] = [];
  const values: unknown[] = [];
  if (!filter.includeArchived) conditions.push('archived = 0');
  if (filter.status !== undefined) {
    assertStatus(filter.status);
    conditions.push('status = ?');
    values.push(filter.status);
  }
  if (filter.preset !== undefined) {
    conditions.push('preset = ?');
    values.push(filter.preset);
  }
  if (filter.tag !== undefined) {
    conditions.push('EXISTS (SELECT 1 FROM json_each(runs.tags_json) WHERE value = ?)');
    values.push(filter.tag);
  }
  if (filter.text !== undefined && filter.text.trim() !== '') {
    const pattern = likePattern(filter.text.trim());
    conditions.push(`(name LIKE ? ESCAPE '\\' OR notes LIKE ? ESCAPE '\\' OR preset LIKE ? ESCAPE '\\'
      OR EXISTS (SELECT 1 FROM json_each(runs.tags_json) WHERE value LIKE ? ESCAPE '\\'))`);
    values.push(pattern, pattern, pattern, pattern);
  }
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  const records = prepared(sqlite, `SELECT * FROM runs ${where} ORDER BY created_at DESC, id DESC`).all(...values) as RunRecord[];
  const summaries = getMetricSummaries(sqlite, records.map((record) => record.id));
  return records.map((record) => ({ ...toRunRow(record), metrics: summaries[record.id] ?? {} }));
}

/** Every tag in use, for filter suggestions. */
export function listTags(sqlite: Database): string[] {
  const rows = prepared(sqlite, 'SELECT DISTINCT tag.value AS tag FROM runs, json_each(runs.tags_json) AS tag ORDER BY 1').all() as { tag: string }[];
  return rows.map((row) => row.tag);
}
