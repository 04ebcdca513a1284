// Metric series: the append-only hot path, with a per-(run, key) summary row maintained in the same transaction.
import { prepared, writeTransaction, type Database } from './sql.ts';
// The series and summary types are the API's (erased at run time; see preload/contract.ts).
import type { MetricSeries, MetricSummary } from '../preload/contract.ts';

export interface MetricRow {
  key: string;
  step: number;
  wallTimeMs: number;
  value: number;
}

export type { MetricSeries, MetricSummary };

export interface SeriesOptions {
  /** Downsample each series to at most this many points, keeping the first and last point and each bucket's
   *  minimum and maximum so spikes survive. */
  maxPoints?: number;
  /** Only rows with step > afterStep (incremental refresh of a live chart). */
  afterStep?: number;
}

const INSERT_METRIC = `
  INSERT INTO metrics (run_id, key, step, wall_time_ms, value) VALUES (?, ?, ?, ?, ?)`;

// Merges one batch's per-key summary into the stored one. In an upsert's SET clause every column reference is the
// old value, so the CASEs compare against the old last_step. min()/max() with a NULL (all-NaN) argument return
// NULL, hence the coalesce on both sides.
const UPSERT_SUMMARY = `
  INSERT INTO metric_summaries (run_id, key, last_step, last_wall_time_ms, last_value, min_value, max_value, count)
  VALUES (@runId, @key, @lastStep, @lastWallTimeMs, @lastValue, @minValue, @maxValue, @count)
  ON CONFLICT (run_id, key) DO UPDATE SET
    last_value        = CASE WHEN excluded.last_step >= last_step THEN excluded.last_value ELSE last_value END,
    last_wall_time_ms = CASE WHEN excluded.last_step >= last_step THEN excluded.last_wall_time_ms ELSE last_wall_time_ms END,
    last_step         = max(last_step, excluded.last_step),
    min_value         = min(coalesce(min_value, excluded.min_value), coalesce(excluded.min_value, min_value)),
    max_value         = max(coalesce(max_value, excluded.max_value), coalesce(excluded.max_value, max_value)),
    count             = count + excluded.count`;

/** A batch's rows of one key, summarised in memory so the summary row is written once per key, not per row. */
interface BatchSummary {
  lastStep: number;
  lastWallTimeMs: number;
  lastValue: number | null;
  minValue: number | null;
  maxValue: number | null;
  count: number;
}

function addToBatchSummary(summaries: Map<string, BatchSummary>, key: string, step: number, wallTimeMs: number, value: number | null): void {
  const summary = summaries.get(key);
  if (!summary) {
    summaries.set(key, { lastStep: step, lastWallTimeMs: wallTimeMs, lastValue: value, minValue: value, maxValue: value, count: 1 });
    return;
  }
  if (step >= summary.lastStep) Object.assign(summary, { lastStep: step, lastWallTimeMs: wallTimeMs, lastValue: value });
  if (value !== null) {
    summary.minValue = summary.minValue === null ? value : Math.min(summary.minValue, value);
    summary.maxValue = summary.maxValue === null ? value : Math.max(summary.maxValue, value);
  }
  summary.count++;
}

/** NaN is stored as NULL (SQLite has no NaN); read back as NaN. */
const toStored = (value: number): number | null => (Number.isNaN(value) ? null : value);
const fromStored = (value: number | null): number => (value === null ? Number.NaN : value);

function checkMetricRow(runId: number, row: MetricRow): void {
  if (typeof row.key !== 'string' || row.key === '' || !Number.isInteger(row.step) || !Number.isFinite(row.wallTimeMs) || typeof row.value !== 'number') {
    throw new Error(`appendMetrics(run ${runId}): invalid row ${JSON.stringify(row)}; need a key, an integer step, a wall time and a number`);
  }
}

/** Appends rows and updates their summaries in one transaction: all rows land or none do. A (key, step) that is
 *  already stored is an error; on resume call deleteMetricsAfter(lastCheckpointStep) first. */
export function appendMetrics(sqlite: Database, runId: number, rows: readonly MetricRow[]): void {
  if (rows.length === 0) return;
  const insertMetric = prepared(sqlite, INSERT_METRIC);
  const upsertSummary = prepared(sqlite, UPSERT_SUMMARY);
  try {
    writeTransaction(sqlite, () => {
      const summaries = new Map<string, BatchSummary>();
      for (const row of rows) {
        checkMetricRow(runId, row);
        const value = toStored(row.value);
        const wallTimeMs = Math.round(row.wallTimeMs);
        insertMetric.run(runId, row.key, row.step, wallTimeMs, value);
        addToBatchSummary(summaries, row.key, row.step, wallTimeMs, value);
      }
      for (const [key, summary] of summaries) upsertSummary.run({ runId, key, ...summary });
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      throw new Error(`appendMetrics(run ${runId}): a metric was already logged at one of these steps; on resume, call deleteMetricsAfter with the checkpoint step first`, { cause: error });
    }
    if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new Error(`appendMetrics: run ${runId} does not exist`, { cause: error });
    throw error;
  }
}

/** Series of one run by key (all keys when `keys` is omitted), ordered by step. */
export function getMetricSeries(sqlite: Database, runId: number, keys?: readonly string[], options: SeriesOptions = {}): Record<string, MetricSeries> {
  const wantedKeys = keys ?? listMetricKeys(sqlite, runId);
  const selectSeries = prepared(sqlite, `
    SELECT step, value, wall_time_ms FROM metrics WHERE run_id = ? AND key = ? AND step > ? ORDER BY step`).raw(true);
  const result: Record<string, MetricSeries> = {};
  for (const key of wantedKeys) {
    const steps: number[] = [];
    const values: number[] = [];
    const wallTimesMs: number[] = [];
    for (const [step, value, wallTimeMs] of selectSeries.iterate(runId, key, options.afterStep ?? Number.MIN_SAFE_INTEGER) as Iterable<[number, number | null, number]>) {
      steps.push(step);
      values.push(fromStored(value));
      wallTimesMs.push(wallTimeMs);
    }
    const series = { steps, values, wallTimesMs };
    result[key] = options.maxPoints === undefined ? series : downsampleSeries(series, options.maxPoints);
  }
  return result;
}

/** At most `maxPoints` points: the first and last point, and in between, equal-width buckets by index each
 *  contributing its minimum and maximum (in step order), so spikes and dips remain visible. */
export function downsampleSeries(series: MetricSeries, maxPoints: number): MetricSeries {
  if (!Number.isInteger(maxPoints) || maxPoints < 2) throw new Error(`maxPoints must be an integer ≥ 2, got ${maxPoints}`);
  const count = series.steps.length;
  if (count <= maxPoints) return series;
  const bucketCount = Math.floor((maxPoints - 2) / 2);
  const interiorCount = count - 2;
  const kept: number[] = [0];
  for (let bucket = 0; bucket < bucketCount; bucket++) {
    const start = 1 + Math.floor((bucket * interiorCount) / bucketCount);
    const end = 1 + Math.floor(((bucket + 1) * interiorCount) / bucketCount);
    if (start >= end) continue;
    let minIndex = start;
    let maxIndex = start;
    for (let index = start; index < end; index++) {
      const value = series.values[index];
      // NaN never wins a comparison, so a bucket keeps its real extremes when it has any.
      if (value < series.values[minIndex] || Number.isNaN(series.values[minIndex])) minIndex = index;
      if (value > series.values[maxIndex] || Number.isNaN(series.values[maxIndex])) maxIndex = index;
    }
    kept.push(Math.min(minIndex, maxIndex));
    if (maxIndex !== minIndex) kept.push(Math.max(minIndex, maxIndex));
  }
  kept.push(count - 1);
  return {
    steps: kept.map((index) => series.steps[index]),
    values: kept.map((index) => series.values[index]),
    wallTimesMs: kept.map((index) => series.wallTimesMs[index]),
  };
}

interface SummaryRecord {
  run_id: number; key: string; last_step: number; last_wall_time_ms: number; last_value: number | null;
  min_value: number | null; max_value: number | null; count: number;
}

/** Summaries of the given runs: runId → key → summary. Runs without metrics are absent. */
export function getMetricSummaries(sqlite: Database, runIds: readonly number[]): Record<number, Record<string, MetricSummary>> {
  const records = prepared(sqlite, `
    SELECT * FROM metric_summaries WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY run_id, key`)
    .all(JSON.stringify(runIds)) as SummaryRecord[];
  const result: Record<number, Record<string, MetricSummary>> = {};
  for (const record of records) {
    (result[record.run_id] ??= {})[record.key] = {
      lastStep: record.last_step, lastWallTimeMs: record.last_wall_time_ms, lastValue: fromStored(record.last_value),
      minValue: fromStored(record.min_value), maxValue: fromStored(record.max_value), count: record.count,
    };
  }
  return result;
}

export function listMetricKeys(sqlite: Database, runId: number): string[] {
  const rows = prepared(sqlite, 'SELECT key FROM metric_summaries WHERE run_id = ? ORDER BY key').all(runId) as { key: string }[];
  return rows.map((row) => row.key);
}

/** Drops rows logged after `step` (those past the checkpoint a run resumes from) and rebuilds the run's summaries.
 *  Returns the number of rows deleted. */
export function deleteMetricsAfter(sqlite: Database, runId: number, step: number): number {
  return writeTransaction(sqlite, () => {
    const { changes } = prepared(sqlite, 'DELETE FROM metrics WHERE run_id = ? AND step > ?').run(runId, step);
    rebuildMetricSummaries(sqlite, runId);
    return changes;
  });
}

/** Recomputes a run's summaries from its rows (call inside a write transaction). */
export function rebuildMetricSummaries(sqlite: Database, runId: number): void {
  prepared(sqlite, 'DELETE FROM metric_summaries WHERE run_id = ?').run(runId);
  prepared(sqlite, `
    INSERT INTO metric_summaries (run_id, key, last_step, last_wall_time_ms, last_value, min_value, max_value, count)
    SELECT last.run_id, last.key, last.step, last.wall_time_ms, last.value, totals.min_value, totals.max_value, totals.count
    FROM (SELECT key, max(step) AS last_step, min(value) AS min_value, max(value) AS max_value, count(*) AS count
          FROM metrics WHERE run_id = @runId GROUP BY key) AS totals
    JOIN metrics AS last ON last.run_id = @runId AND last.key = totals.key AND last.step = totals.last_step`).run({ runId });
}
