// The puzzle library: task sets, their tasks, and autosave drafts of open editor documents (migration 0003).
// This module stores text; it does not parse ARC JSON or Sudoku rows — main/library does that and hands over
// the summary a list needs.
import { likePattern, parseJson, prepared, writeTransaction, type Database } from './sql.ts';
import { ExpectedError } from '../main/common/errors.ts';
// Row types come from the API contract (`import type` is erased at run time, so db loads no zod).
import type { DraftInfo, PuzzleKind, TaskInfo, TaskItemInfo, TaskSetInfo } from '../preload/contract.ts';

export type { PuzzleKind };
/** The kinds at run time (the contract's PUZZLE_KIND_VALUES would load zod). */
export const PUZZLE_KINDS = ['arc', 'sudoku', 'maze'] as const satisfies readonly PuzzleKind[];

export interface NewTaskSet {
  name: string;
  kind: PuzzleKind;
  readOnly?: boolean;
  source?: string | null;
}

export type TaskSetRow = TaskSetInfo;

export interface NewTask {
  setId: number;
  name: string;
  /** ARC task JSON, or Sudoku/maze rows as text. */
  content: string;
  /** Defaults to the set's kind; must equal it. */
  kind?: PuzzleKind;
  tags?: string[];
  summary?: Record<string, unknown>;
}

/** A task without its content, as lists show it (the API adds thumbnails, which are not stored). */
export type TaskListItem = Omit<TaskItemInfo, 'thumbnail'>;

export type TaskRow = Omit<TaskInfo, 'thumbnail'>;

export interface TaskPatch {
  name?: string;
  content?: string;
  tags?: string[];
  summary?: Record<string, unknown>;
}

export interface TaskFilter {
  setId?: number;
  kind?: PuzzleKind;
  /** Case-insensitive substring of the task name or a tag. */
  text?: string;
  /** An exact tag. */
  tag?: string;
  limit?: number;
  offset?: number;
}

/** An autosaved editor document, one per key the editor chooses (e.g. 'task:12'). */
export type Draft = DraftInfo;

export type NewDraft = Omit<Draft, 'updatedAt' | 'taskId'> & { taskId?: number | null };

/** Thrown for a change the library refuses (read-only set, wrong kind, duplicate name); the message says why. */
export class LibraryError extends ExpectedError {
  constructor(message: string) {
    super(message, { code: 'conflict' });
    this.name = 'LibraryError';
  }
}

// Task sets

interface TaskSetRecord {
  id: number; name: string; kind: PuzzleKind; read_only: number; source: string | null; task_count: number; created_at: number; updated_at: number;
}

const TASK_SET_COLUMNS = `s.id, s.name, s.kind, s.read_only, s.source, s.created_at, s.updated_at,
  (SELECT count(*) FROM tasks t WHERE t.set_id = s.id) AS task_count`;

const toTaskSet = (row: TaskSetRecord): TaskSetRow => ({
  id: row.id, name: row.name, kind: row.kind, readOnly: row.read_only === 1, source: row.source,
  taskCount: row.task_count, createdAt: row.created_at, updatedAt: row.updated_at,
});

export function createTaskSet(sqlite: Database, set: NewTaskSet): TaskSetRow {
  const now = Date.now();
  const { lastInsertRowid } = prepared(sqlite, 'INSERT INTO task_sets (name, kind, read_only, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(set.name, set.kind, set.readOnly ? 1 : 0, set.source ?? null, now, now);
  return getTaskSet(sqlite, Number(lastInsertRowid))!;
}

export function getTaskSet(sqlite: Database, id: number): TaskSetRow | undefined {
  const row = prepared(sqlite, `SELECT ${TASK_SET_COLUMNS} FROM task_sets s WHERE s.id = ?`).get(id) as TaskSetRecord | undefined;
  return row && toTaskSet(row);
}

export function findTaskSetBySource(sqlite: Database, source: string): TaskSetRow | undefined {
  const row = prepared(sqlite, `SELECT ${TASK_SET_COLUMNS} FROM task_sets s WHERE s.source = ? ORDER BY s.id LIMIT 1`).get(source) as TaskSetRecord | undefined;
  return row && toTaskSet(row);
}

/** Every set, read-only (shared) sets first, then by name. */
export function listTaskSets(sqlite: Database): TaskSetRow[] {
  const rows = prepared(sqlite, `SELECT ${TASK_SET_COLUMNS} FROM task_sets s ORDER BY s.read_only DESC, s.name, s.id`).all() as TaskSetRecord[];
  return rows.map(toTaskSet);
}

export function renameTaskSet(sqlite: Database, id: number, name: string): TaskSetRow {
  const set = requireSet(sqlite, id);
  if (set.readOnly) throw new LibraryError(`the set '${set.name}' is read-only`);
  prepared(sqlite, 'UPDATE task_sets SET name = ?, updated_at = ? WHERE id = ?').run(name, Date.now(), id);
  return getTaskSet(sqlite, id)!;
}

/** Gives a set its final name and source (an importer's staging set, once complete). */
export function publishTaskSet(sqlite: Database, id: number, name: string, source: string): TaskSetRow {
  prepared(sqlite, 'UPDATE task_sets SET name = ?, source = ?, updated_at = ? WHERE id = ?').run(name, source, Date.now(), id);
  return requireSet(sqlite, id);
}

/** Deletes a set and its tasks (read-only sets too: shared sets can be imported again). */
export function deleteTaskSet(sqlite: Database, id: number): boolean {
  return prepared(sqlite, 'DELETE FROM task_sets WHERE id = ?').run(id).changes > 0;
}

function requireSet(sqlite: Database, id: number): TaskSetRow {
  const set = getTaskSet(sqlite, id);
  if (!set) throw new LibraryError(`there is no task set ${id}`);
  return set;
}

const touchSet = (sqlite: Database, setId: number, now: number): void =>
  void prepared(sqlite, 'UPDATE task_sets SET updated_at = ? WHERE id = ?').run(now, setId);

// Tasks

interface TaskRecord {
  id: number; set_id: number; name: string; kind: PuzzleKind; content?: string; tags_json: string; summary_json: string; created_at: number; updated_at: number;
}

const LIST_COLUMNS = 't.id, t.set_id, t.name, t.kind, t.tags_json, t.summary_json, t.created_at, t.updated_at';

function toListItem(row: TaskRecord): TaskListItem {
  return {
    id: row.id, setId: row.set_id, name: row.name, kind: row.kind, tags: parseJson<string[]>(row.tags_json) ?? [],
    summary: parseJson<Record<string, unknown>>(row.summary_json) ?? {}, createdAt: row.created_at, updatedAt: row.updated_at,
  };
}

export interface CreateTaskOptions {
  /** Lets the library's own importers fill read-only sets. */
  evenIfReadOnly?: boolean;
}

/** Adds a task; throws LibraryError for a read-only set, a kind other than the set's, or a name already used. */
export function createTask(sqlite: Database, task: NewTask, options: CreateTaskOptions = {}): TaskRow {
  const set = requireSet(sqlite, task.setId);
  if (set.readOnly && !options.evenIfReadOnly) throw new LibraryError(`the set '${set.name}' is read-only`);
  const kind = task.kind ?? set.kind;
  if (kind !== set.kind) throw new LibraryError(`a ${kind} task cannot go in the ${set.kind} set '${set.name}'`);
  if (taskNameTaken(sqlite, task.setId, task.name)) throw new LibraryError(`the set '${set.name}' already has a task named '${task.name}'`);
  const now = Date.now();
  const { lastInsertRowid } = prepared(sqlite, `
    INSERT INTO tasks (set_id, name, kind, content, tags_json, summary_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(task.setId, task.name, kind, task.content, JSON.stringify(task.tags ?? []), JSON.stringify(task.summary ?? {}), now, now);
  touchSet(sqlite, task.setId, now);
  return getTask(sqlite, Number(lastInsertRowid))!;
}

/** Adds many tasks to one set with a single set check and one statement per task (an importer's bulk path;
 *  createTask runs five). A duplicate name fails the caller's transaction through the UNIQUE constraint. */
export function createTasks(sqlite: Database, setId: number, items: readonly Omit<NewTask, 'setId' | 'kind'>[], options: CreateTaskOptions = {}): number {
  const set = requireSet(sqlite, setId);
  if (set.readOnly && !options.evenIfReadOnly) throw new LibraryError(`the set '${set.name}' is read-only`);
  const insert = prepared(sqlite, 'INSERT INTO tasks (set_id, name, kind, content, tags_json, summary_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const now = Date.now();
  for (const task of items) insert.run(setId, task.name, set.kind, task.content, JSON.stringify(task.tags ?? []), JSON.stringify(task.summary ?? {}), now, now);
  touchSet(sqlite, setId, now);
  return items.length;
}

const taskNameTaken = (sqlite: Database, setId: number, name: string, exceptId = -1): boolean =>
  prepared(sqlite, 'SELECT 1 FROM tasks WHERE set_id = ? AND name = ? AND id != ?').get(setId, name, exceptId) !== undefined;

export function getTask(sqlite: Database, id: number): TaskRow | undefined {
  const row = prepared(sqlite, `SELECT ${LIST_COLUMNS}, t.content FROM tasks t WHERE t.id = ?`).get(id) as TaskRecord | undefined;
  return row && { ...toListItem(row), content: row.content! };
}

export function getTaskByName(sqlite: Database, setId: number, name: string): TaskRow | undefined {
  const row = prepared(sqlite, 'SELECT id FROM tasks WHERE set_id = ? AND name = ?').get(setId, name) as { id: number } | undefined;
  return row && getTask(sqlite, row.id);
}

/** Tasks matching every given filter, by set then name. Without filters: the whole library. */
export function searchTasks(sqlite: Database, filter: TaskFilter = {}): TaskListItem[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.setId !== undefined) { where.push('t.set_id = ?'); params.push(filter.setId); }
  if (filter.kind !== undefined) { where.push('t.kind = ?'); params.push(filter.kind); }
  if (filter.tag !== undefined) { where.push('EXISTS (SELECT 1 FROM json_each(t.tags_json) WHERE value = ?)'); params.push(filter.tag); }
  if (filter.text) {
    where.push(`(t.name LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM json_each(t.tags_json) WHERE value LIKE ? ESCAPE '\\'))`);
    params.push(likePattern(filter.text), likePattern(filter.text));
  }
  const sql = `SELECT ${LIST_COLUMNS} FROM tasks t ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY t.set_id, t.name, t.id LIMIT ? OFFSET ?`;
  const rows = sqlite.prepare(sql).all(...params, filter.limit ?? -1, filter.offset ?? 0) as TaskRecord[];
  return rows.map(toListItem);
}

/** Every tag used in the library, sorted. */
export function listTaskTags(sqlite: Database): string[] {
  const rows = prepared(sqlite, 'SELECT DISTINCT value AS tag FROM tasks, json_each(tasks.tags_json) ORDER BY value').all() as { tag: string }[];
  return rows.map((row) => row.tag);
}

function requireWritableTask(sqlite: Database, id: number): TaskRow {
  const task = getTask(sqlite, id);
  if (!task) throw new LibraryError(`there is no task ${id}`);
  const set = requireSet(sqlite, task.setId);
  if (set.readOnly) throw new LibraryError(`'${task.name}' is in the read-only set '${set.name}'; copy it to another set to edit it`);
  return task;
}

export function updateTask(sqlite: Database, id: number, patch: TaskPatch): TaskRow {
  return writeTransaction(sqlite, () => {
    const task = requireWritableTask(sqlite, id);
    if (patch.name !== undefined && taskNameTaken(sqlite, task.setId, patch.name, id)) {
      throw new LibraryError(`the set already has a task named '${patch.name}'`);
    }
    const now = Date.now();
    prepared(sqlite, 'UPDATE tasks SET name = ?, content = ?, tags_json = ?, summary_json = ?, updated_at = ? WHERE id = ?').run(
      patch.name ?? task.name, patch.content ?? task.content, JSON.stringify(patch.tags ?? task.tags),
      JSON.stringify(patch.summary ?? task.summary), now, id);
    touchSet(sqlite, task.setId, now);
    return getTask(sqlite, id)!;
  });
}

/** Deletes a task; false when there is none. Throws LibraryError for a task in a read-only set. */
export function deleteTask(sqlite: Database, id: number): boolean {
  if (!getTask(sqlite, id)) return false;
  const task = requireWritableTask(sqlite, id);
  prepared(sqlite, 'DELETE FROM tasks WHERE id = ?').run(id);
  touchSet(sqlite, task.setId, Date.now());
  return true;
}

// Drafts

interface DraftRecord { doc_key: string; task_id: number | null; kind: PuzzleKind; name: string; content: string; updated_at: number }

const toDraft = (row: DraftRecord): Draft => ({
  key: row.doc_key, taskId: row.task_id, kind: row.kind, name: row.name, content: row.content, updatedAt: row.updated_at,
});

/** Writes (or rewrites) the draft of one open document; called on every change, so it is one upsert. */
export function saveDraft(sqlite: Database, draft: NewDraft): Draft {
  const now = Date.now();
  prepared(sqlite, `
    INSERT INTO drafts (doc_key, task_id, kind, name, content, updated_at) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (doc_key) DO UPDATE SET task_id = excluded.task_id, kind = excluded.kind, name = excluded.name,
      content = excluded.content, updated_at = excluded.updated_at`)
    .run(draft.key, draft.taskId ?? null, draft.kind, draft.name, draft.content, now);
  return { key: draft.key, taskId: draft.taskId ?? null, kind: draft.kind, name: draft.name, content: draft.content, updatedAt: now };
}

export function getDraft(sqlite: Database, key: string): Draft | undefined {
  const row = prepared(sqlite, 'SELECT * FROM drafts WHERE doc_key = ?').get(key) as DraftRecord | undefined;
  return row && toDraft(row);
}

/** Every draft, newest first ("Recover previous task"). */
export function listDrafts(sqlite: Database): Draft[] {
  return (prepared(sqlite, 'SELECT * FROM drafts ORDER BY updated_at DESC, doc_key').all() as DraftRecord[]).map(toDraft);
}

export function deleteDraft(sqlite: Database, key: string): boolean {
  return prepared(sqlite, 'DELETE FROM drafts WHERE doc_key = ?').run(key).changes > 0;
}
