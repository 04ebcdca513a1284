// The experiment database: runs, metric series with summaries, checkpoints, evaluations, the job queue's waiting
// jobs and UI settings in one SQLite file (WAL) in the workspace. Runs under plain Node (CLI, trainer) and in
// Electron's main process; never imports electron. Query modules take a better-sqlite3 connection; TrmDb binds
// them to one opened connection.
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { workspaceDir } from '../main/common/paths.ts';
import { migrate } from './migrate.ts';
import { databaseFileProblem, databaseOpenProblem } from './open-errors.ts';
import { ExpectedError } from '../main/common/errors.ts';
import { ensureFolder } from '../main/common/fs-checks.ts';
import * as runs from './runs.ts';
import * as metrics from './metrics.ts';
import * as checkpoints from './checkpoints.ts';
import * as evaluations from './evaluations.ts';
import * as settings from './settings.ts';
import * as traces from './traces.ts';
import { isProcessAlive, markInterruptedRuns, rewindRun } from './recovery.ts';
import * as tasks from './tasks.ts';
import * as views from './views.ts';
import * as queuedJobs from './queued-jobs.ts';
import type { SavedViewRow } from './views.ts';
import type { CreateTaskOptions, Draft, NewDraft, NewTask, NewTaskSet, TaskFilter, TaskListItem, TaskPatch, TaskRow, TaskSetRow } from './tasks.ts';
import type { NewRun, RunFilter, RunPatch, RunRow, RunSummary } from './runs.ts';
import type { MetricRow, MetricSeries, MetricSummary, SeriesOptions } from './metrics.ts';
import type { CheckpointAlias, CheckpointRef, CheckpointRow, NewCheckpoint } from './checkpoints.ts';
import type { EvaluationRow, NewEvaluation, PuzzleResultRow } from './evaluations.ts';
import type { NewTrace, TraceRow } from './traces.ts';
import type { NewQueuedJob, QueuedJobRow } from './queued-jobs.ts';

export { RUN_STATUSES } from './runs.ts';
export type { NewRun, RunFilter, RunPatch, RunRow, RunStatus, RunSummary } from './runs.ts';
export type { MetricRow, MetricSeries, MetricSummary, SeriesOptions } from './metrics.ts';
export { downsampleSeries } from './metrics.ts';
export { CHECKPOINT_ALIASES } from './checkpoints.ts';
export type { CheckpointAlias, CheckpointRef, CheckpointRow, NewCheckpoint } from './checkpoints.ts';
export type { EvaluationRow, NewEvaluation, PuzzleResult, PuzzleResultRow } from './evaluations.ts';
export type { NewTrace, TraceRow } from './traces.ts';
export type { SavedViewRow } from './views.ts';
export type { NewQueuedJob, QueuedJobRow } from './queued-jobs.ts';
export { isProcessAlive } from './recovery.ts';
export { schemaVersion } from './migrate.ts';
export { LibraryError, PUZZLE_KINDS } from './tasks.ts';
export type { CreateTaskOptions, Draft, NewDraft, NewTask, NewTaskSet, PuzzleKind, TaskFilter, TaskListItem, TaskPatch, TaskRow, TaskSetRow } from './tasks.ts';

/** Where the database lives unless a path is given. */
export function defaultDatabasePath(): string {
  return join(workspaceDir(), 'trm.sqlite');
}

/** Opens (creating if needed) the database at `path`, configures the connection and applies pending migrations.
 *  Throws an ExpectedError naming the path and what is wrong when the folder cannot be created or the file is not
 *  a database that can be opened and written (a folder, a pipe, another file, corrupt, read-only, locked). */
export function openDatabase(path: string = defaultDatabasePath()): TrmDb {
  let sqlite: Database.Database | undefined;
  try {
    if (path !== ':memory:') {
      ensureFolder(dirname(path), 'the workspace folder');
      const problem = databaseFileProblem(path);
      if (problem) throw new ExpectedError(problem);
    }
    sqlite = new Database(path);
    sqlite.pragma('busy_timeout = 5000'); // first, so the pragmas below wait for other writers too
    sqlite.pragma('journal_mode = WAL'); // readers never block the writer, and the trainer and app write concurrently
    sqlite.pragma('synchronous = NORMAL'); // with WAL: durable across app crashes, at most the last commits lost on power loss
    sqlite.pragma('foreign_keys = ON');
    migrate(sqlite);
  } catch (error) {
    sqlite?.close();
    const reason = error instanceof Error ? error.message : String(error);
    const problem = databaseOpenProblem(path, error);
    const message = `Cannot open the experiment database at ${path}: ${problem ?? reason}`;
    throw problem === null ? new Error(message, { cause: error }) : new ExpectedError(message, { cause: error });
  }
  return new TrmDb(sqlite, path);
}

/** One connection to the experiment database. Methods are synchronous (better-sqlite3). */
export class TrmDb {
  /** The workspace: the folder holding the database file (TRM_HOME for the default path). Checkpoint paths are
   *  stored relative to it, so the workspace can be moved or copied. */
  readonly workspace: string;

  constructor(
    /** The underlying better-sqlite3 connection, for queries this class does not cover. */
    readonly sqlite: Database.Database,
    readonly path: string,
  ) {
    this.workspace = path === ':memory:' ? workspaceDir() : dirname(resolve(path));
  }

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

  // Checkpoints

  addCheckpoint(checkpoint: NewCheckpoint): CheckpointRow { return checkpoints.addCheckpoint(this.sqlite, this.workspace, checkpoint); }
  listCheckpoints(runId: number): CheckpointRow[] { return checkpoints.listCheckpoints(this.sqlite, this.workspace, runId); }
  setCheckpointAlias(runId: number, alias: CheckpointAlias, step: number): void {
    checkpoints.setCheckpointAlias(this.sqlite, runId, alias, step);
  }
  getCheckpoint(runId: number, ref: CheckpointRef): CheckpointRow | undefined { return checkpoints.getCheckpoint(this.sqlite, this.workspace, runId, ref); }
  deleteCheckpoint(runId: number, step: number): CheckpointRow | undefined { return checkpoints.deleteCheckpoint(this.sqlite, this.workspace, runId, step); }

  // Evaluations

  addEvaluation(evaluation: NewEvaluation): number { return evaluations.addEvaluation(this.sqlite, evaluation); }
  listEvaluations(runId: number): EvaluationRow[] { return evaluations.listEvaluations(this.sqlite, runId); }
  getEvaluationPuzzles(evaluationId: number): PuzzleResultRow[] { return evaluations.getEvaluationPuzzles(this.sqlite, evaluationId); }

  // Puzzle library: task sets, tasks and editor drafts (main/library parses and imports; these store)

  createTaskSet(set: NewTaskSet): TaskSetRow { return tasks.createTaskSet(this.sqlite, set); }
  getTaskSet(id: number): TaskSetRow | undefined { return tasks.getTaskSet(this.sqlite, id); }
  listTaskSets(): TaskSetRow[] { return tasks.listTaskSets(this.sqlite); }
  renameTaskSet(id: number, name: string): TaskSetRow { return tasks.renameTaskSet(this.sqlite, id, name); }
  deleteTaskSet(id: number): boolean { return tasks.deleteTaskSet(this.sqlite, id); }
  createTask(task: NewTask, options?: CreateTaskOptions): TaskRow { return tasks.createTask(this.sqlite, task, options); }
  getTask(id: number): TaskRow | undefined { return tasks.getTask(this.sqlite, id); }
  searchTasks(filter?: TaskFilter): TaskListItem[] { return tasks.searchTasks(this.sqlite, filter); }
  listTaskTags(): string[] { return tasks.listTaskTags(this.sqlite); }
  updateTask(id: number, patch: TaskPatch): TaskRow { return tasks.updateTask(this.sqlite, id, patch); }
  deleteTask(id: number): boolean { return tasks.deleteTask(this.sqlite, id); }
  saveDraft(draft: NewDraft): Draft { return tasks.saveDraft(this.sqlite, draft); }
  getDraft(key: string): Draft | undefined { return tasks.getDraft(this.sqlite, key); }
  listDrafts(): Draft[] { return tasks.listDrafts(this.sqlite); }
  deleteDraft(key: string): boolean { return tasks.deleteDraft(this.sqlite, key); }

  // Step-viewer traces (blobs are main/trace/trace-codec.ts's format)

  addTrace(trace: NewTrace): number { return traces.addTrace(this.sqlite, trace); }
  getTrace(id: number): (TraceRow & { blob: Uint8Array }) | undefined { return traces.getTrace(this.sqlite, id); }
  listTraces(runId: number, filter?: { checkpointStep?: number; puzzleKey?: string }): TraceRow[] { return traces.listTraces(this.sqlite, runId, filter); }

  // Saved comparison views (the state's shape belongs to the compare page and the API contract)

  listViews<State = unknown>(): SavedViewRow<State>[] { return views.listViews<State>(this.sqlite); }
  getView<State = unknown>(id: number): SavedViewRow<State> | undefined { return views.getView<State>(this.sqlite, id); }
  saveView<State>(name: string, state: State): SavedViewRow<State> { return views.saveView(this.sqlite, name, state); }
  deleteView(id: number): boolean { return views.deleteView(this.sqlite, id); }

  // The job queue's waiting jobs (main/jobs/queue.ts gives kinds and payloads their meaning)

  addQueuedJob(job: NewQueuedJob, placement?: 'last' | 'first'): QueuedJobRow { return queuedJobs.addQueuedJob(this.sqlite, job, placement); }
  listQueuedJobs(): QueuedJobRow[] { return queuedJobs.listQueuedJobs(this.sqlite); }
  removeQueuedJob(id: number): boolean { return queuedJobs.removeQueuedJob(this.sqlite, id); }
  claimQueuedJob(id: number, pid: number): boolean { return queuedJobs.claimQueuedJob(this.sqlite, id, pid); }
  releaseQueuedJob(id: number): void { queuedJobs.releaseQueuedJob(this.sqlite, id); }

  // Recovery and settings

  /** Call once at start-up, before starting new jobs. */
  markInterruptedRuns(isAlive: (pid: number) => boolean = isProcessAlive): number[] { return markInterruptedRuns(this.sqlite, isAlive); }
  /** Before resuming from the checkpoint at `step`: drops the metrics, evaluations and checkpoints after it. */
  rewindRun(runId: number, step: number): CheckpointRow[] { return rewindRun(this.sqlite, this.workspace, runId, step); }
  getSetting<T = unknown>(key: string): T | undefined { return settings.getSetting<T>(this.sqlite, key); }
  setSetting(key: string, value: unknown): void { settings.setSetting(this.sqlite, key, value); }
}
