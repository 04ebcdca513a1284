// The experiment database: runs, metric series with summaries, checkpoints, evaluations and UI settings in one
// SQLite file (WAL) in the workspace. Runs under plain Node (CLI, trainer) and in Electron's main process; never
// imports electron. Query modules take a better-sqlite3 connection; TrmDb binds them to one opened connection.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { workspaceDir } from '../main/common/paths.ts';
import { migrate } from './migrate.ts';
import * as runs from './runs.ts';
import * as metrics from './metrics.ts';
import type { NewRun, RunFilter, RunPatch, RunRow, RunSummary } from './runs.ts';
import type { MetricRow, MetricSeries, MetricSummary, SeriesOptions } from './metrics.ts';

export { RUN_STATUSES } from './runs.ts';
export type { NewRun, RunFilter, RunPatch, RunRow, RunStatus, RunSummary } from './runs.ts';
export type { MetricRow, MetricSeries, MetricSummary, SeriesOptions } from './metrics.ts';
export { downsampleSeries } from './metrics.ts';

/** Where the database lives unless a path is given. */
export function defaultDatabasePath(): string {
  return join(workspaceDir(), 'trm.sqlite');
}

/** Opens (creating if needed) the database at `path`, configures the connection and applies pending migrations.
 *  Throws an Error naming the path when the folder or file cannot be created or written. */
export function openDatabase(path: string = defaultDatabasePath()): TrmDb {
  let sqlite: Database.Database | undefined;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    sqlite = new Database(path);
    sqlite.pragma('busy_timeout = 5000'); // first, so the pragmas below wait for other writers too
    sqlite.pragma('journal_mode = WAL'); // readers never block the writer, and the trainer and app write concurrently
    sqlite.pragma('synchronous = NORMAL'); // with WAL: durable across app crashes, at most the last commits lost on power loss
    sqlite.pragma('foreign_keys = ON');
    migrate(sqlite);
  } catch (error) {
    sqlite?.close();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Cannot open the experiment database at ${path}: ${reason}`, { cause: error });
  }
  return new TrmDb(sqlite, path);
}

/** One connection to the experiment database. Methods are synchronous (better-sqlite3). */
export class TrmDb {
  constructor(
    /** The underlying better-sqlite3 connection, for queries this class does not cover. */
    readonly sqlite: Database.Database,
    readonly path: string,
  ) {}

  close(): void {
    this.sqlite.close();
  }

  // Runs

  createRun(run: NewRun): RunRow { return runs.createRun(this.sqlite, run); }
  getRun(id: number): RunRow | undefined { return runs.getRun(this.sqlite, id); }
  listRuns(filter?: RunFilter): RunSummary[] { return runs.listRuns(this.sqlite, filter); }
  listTags(): string[] { return runs.listTags(this.sqlite); }
  updateRun(id: number, patch: RunPatch): RunRow { return runs.updateRun(this.sqlite, id, patch); }
  deleteRun(id: number): boolean { return runs.deleteRun(this.sqlite, id); }

  // Metrics

  appendMetrics(runId: number, rows: readonly MetricRow[]): void { metrics.appendMetrics(this.sqlite, runId, rows); }
  getMetricSeries(runId: number, keys?: readonly string[], options?: SeriesOptions): Record<string, MetricSeries> {
    return metrics.getMetricSeries(this.sqlite, runId, keys, options);
  }
  getMetricSummaries(runIds: readonly number[]): Record<number, Record<string, MetricSummary>> {
    return metrics.getMetricSummaries(this.sqlite, runIds);
  }
  listMetricKeys(runId: number): string[] { return metrics.listMetricKeys(this.sqlite, runId); }
  deleteMetricsAfter(runId: number, step: number): number { return metrics.deleteMetricsAfter(this.sqlite, runId, step); }
}
