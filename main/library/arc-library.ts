// ARC tasks in the library: the shared benchmark sets registered read-only, user files and folders (single task
// files and Kaggle challenges + solutions bundles) imported all-or-nothing, editor tasks saved, and sets exported
// as a folder of ARC JSON files. Task files keep their exact text, so an imported file exports byte for byte.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { TrmDb } from '../../db/index.ts';
import * as tasks from '../../db/tasks.ts';
import { LibraryError, type TaskListItem, type TaskSetRow } from '../../db/tasks.ts';
import { writeTransaction } from '../../db/sql.ts';
import { dataDir } from '../common/paths.ts';
import { forEachInSlices, yieldToEventLoop } from '../common/slices.ts';
import type { ArcTask, ArcTestPair } from '../puzzles/arc/grid.ts';
import { loadTaskFile, taskFilesIn } from '../puzzles/arc/load.ts';
import { parseTaskJson } from '../puzzles/arc/parse.ts';
import type { ArcTaskError } from '../puzzles/arc/validate.ts';
import { serializeTask, type ArcJsonStyle } from '../../renderer/editor/model/arc-json.ts';
import type { EditorTask } from '../../renderer/editor/model/task.ts';

/** The shared sets: folder under dataDir(), display name, and how many tasks the folder must hold. */
export const SHARED_ARC_SETS = [
  { folder: 'arc-agi-1/training', name: 'ARC-AGI-1 training', expectedTasks: 400 },
  { folder: 'arc-agi-1/evaluation', name: 'ARC-AGI-1 evaluation', expectedTasks: 400 },
  { folder: 'arc-agi-2/training', name: 'ARC-AGI-2 training', expectedTasks: 1000 },
  { folder: 'arc-agi-2/evaluation', name: 'ARC-AGI-2 evaluation (70 public)', expectedTasks: 70 },
  { folder: 'concept-arc', name: 'ConceptARC', expectedTasks: 160 },
] as const;

export const sharedSource = (folder: string): string => `shared:${folder}`;

/** What a list or thumbnail shows without parsing the task: pair counts and sizes, rows×cols (input→output). */
export interface ArcTaskSummary {
  train: number;
  test: number;
  /** e.g. '3x3>9x9' per pair, train pairs then test pairs; '3x3>?' for a test pair without output. */
  sizes: string[];
  /** Every pair's output has its input's size. */
  sameSize: boolean;
}

export function summarizeArcTask(task: { train: ArcTestPair[]; test: ArcTestPair[] }): ArcTaskSummary {
  const size = (grid: number[][] | undefined): string => (grid ? `${grid.length}x${grid[0]?.length ?? 0}` : '?');
  const pairs = [...task.train, ...task.test];
  return {
    train: task.train.length,
    test: task.test.length,
    sizes: pairs.map((pair) => `${size(pair.input)}>${size(pair.output)}`),
    sameSize: pairs.every((pair) => !pair.output || size(pair.input) === size(pair.output)),
  };
}

/** A task file ready to store: its name, exact text, tags and summary. */
interface ParsedFile {
  name: string;
  content: string;
  tags: string[];
  summary: ArcTaskSummary;
}

/** Task files, or the tasks of a Kaggle bundle (stored in the compact style), with every problem found. */
function readTaskFiles(paths: readonly string[], tagsOf: (file: string) => string[] = () => []): { files: ParsedFile[]; errors: ArcTaskError[] } {
  const read = { files: [] as ParsedFile[], errors: [] as ArcTaskError[] };
  for (const _ of parseTaskFiles(paths, tagsOf, read));
  return read;
}

/** readTaskFiles in slices of at most `sliceMs`, giving the event loop back between slices, so a server reading
 *  ≈2,000 files keeps answering its other clients. */
async function readTaskFilesSliced(paths: readonly string[], tagsOf: (file: string) => string[]): Promise<{ files: ParsedFile[]; errors: ArcTaskError[] }> {
  const read = { files: [] as ParsedFile[], errors: [] as ArcTaskError[] };
  await forEachInSlices(parseTaskFiles(paths, tagsOf, read), () => {});
  return read;
}

/** Parses one file per iteration into `into`. */
function* parseTaskFiles(paths: readonly string[], tagsOf: (file: string) => string[], into: { files: ParsedFile[]; errors: ArcTaskError[] }): Generator<void> {
  const { files, errors } = into;
  for (const file of taskFilesIn(paths, errors)) {
    const text = readFileSync(file, 'utf8');
    if (looksLikeBundle(text)) {
      const bundle = loadTaskFile(file);
      errors.push(...bundle.errors);
      for (const task of bundle.tasks) {
        files.push({ name: task.id, content: serializeTask(editorTaskOf(task)), tags: tagsOf(file), summary: summarizeArcTask(task) });
      }
    } else {
      const { task, errors: problems } = parseTaskJson(text, file);
      errors.push(...problems);
      if (task) files.push({ name: task.id, content: text, tags: tagsOf(file), summary: summarizeArcTask(task) });
    }
    yield;
  }
}

const editorTaskOf = (task: ArcTask): EditorTask => ({ name: task.id, train: task.train, test: task.test });

/** A JSON object without a "train" key is read as a Kaggle bundle (load.ts decides and reports what is wrong). */
function looksLikeBundle(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) && !('train' in value) && !('test' in value) && Object.keys(value).length > 0;
  } catch {
    return false; // parseTaskJson reports the syntax error
  }
}

export interface ImportResult {
  imported: TaskListItem[];
  /** Problems, each naming its file (and pair). With any error and `partial` off, nothing was imported. */
  errors: ArcTaskError[];
}

export interface ImportOptions {
  /** Import the good files even when others have problems (default: all or nothing). */
  partial?: boolean;
}

/** Imports task files, folders (recursively) and Kaggle challenges files (answers from the sibling
 *  `*solutions.json`) into an ARC set, in one transaction. Names already in the set count as errors. */
export function importFiles(db: TrmDb, setId: number, paths: readonly string[], options: ImportOptions = {}): ImportResult {
  const set = requireArcSet(db, setId);
  if (set.readOnly) throw new LibraryError(`the set '${set.name}' is read-only`);
  const { files, errors } = readTaskFiles(paths);
  const seen = new Set<string>();
  const accepted = files.filter((file) => {
    const clash = seen.has(file.name) ? 'is imported twice' : tasks.getTaskByName(db.sqlite, setId, file.name) ? `already exists in '${set.name}'` : undefined;
    seen.add(file.name);
    if (clash) errors.push({ file: file.name, pair: '', problem: `a task named '${file.name}' ${clash}` });
    return !clash;
  });
  if (errors.length > 0 && !options.partial) return { imported: [], errors };
  const imported = writeTransaction(db.sqlite, () => accepted.map((file) => tasks.createTask(db.sqlite, { setId, ...file, summary: { ...file.summary } })));
  return { imported: imported.map(({ content: _content, ...item }) => item), errors };
}

function requireArcSet(db: TrmDb, setId: number): TaskSetRow {
  const set = db.getTaskSet(setId);
  if (!set) throw new LibraryError(`there is no task set ${setId}`);
  if (set.kind !== 'arc') throw new LibraryError(`'${set.name}' is a ${set.kind} set, not an ARC set`);
  return set;
}

export interface SharedSetResult {
  set: TaskSetRow;
  /** Tasks added now (0 when the set was already complete). */
  imported: number;
  errors: ArcTaskError[];
  elapsedMs: number;
}

/** Source of a shared set still being written (renamed to sharedSource when complete). */
const IMPORTING = 'importing:';
/** Tasks per write transaction: each holds the event loop ≈5–15 ms, so a server keeps answering. */
const WRITE_CHUNK = 100;
const importsInFlight = new WeakMap<TrmDb, Promise<SharedSetResult[]>>();

/** Registers the shared ARC-AGI-1/2 and ConceptARC sets as read-only sets, reading every file (≈2,000 small
 *  files). A set already present with all its tasks is left alone; an incomplete one is rebuilt. ConceptARC
 *  tasks are tagged with their concept (the folder name). Missing folders are reported, not thrown.
 *  The server runs this between other requests: files are read in 20 ms slices, and each set is written in
 *  chunks into a staging set that replaces the old one in one final step (a crash leaves only a staging set,
 *  removed by the next import). Concurrent calls share one import. */
export function importSharedSets(db: TrmDb, root: string = dataDir()): Promise<SharedSetResult[]> {
  let running = importsInFlight.get(db);
  if (!running) {
    running = importAll(db, root).finally(() => importsInFlight.delete(db));
    importsInFlight.set(db, running);
  }
  return running;
}

async function importAll(db: TrmDb, root: string): Promise<SharedSetResult[]> {
  for (const set of tasks.listTaskSets(db.sqlite)) if (set.source?.startsWith(IMPORTING)) tasks.deleteTaskSet(db.sqlite, set.id);
  const results: SharedSetResult[] = [];
  for (const shared of SHARED_ARC_SETS) {
    const started = performance.now();
    const source = sharedSource(shared.folder);
    const existing = tasks.findTaskSetBySource(db.sqlite, source);
    if (existing && existing.taskCount === shared.expectedTasks) {
      results.push({ set: existing, imported: 0, errors: [], elapsedMs: performance.now() - started });
      continue;
    }
    const path = join(root, shared.folder);
    const { files, errors } = await readTaskFilesSliced([path], (file) => (shared.folder === 'concept-arc' ? [relative(path, file).split(sep)[0]] : []));
    const staging = tasks.createTaskSet(db.sqlite, { name: `${shared.name} (importing)`, kind: 'arc', readOnly: true, source: IMPORTING + source });
    try {
      for (let from = 0; from < files.length; from += WRITE_CHUNK) {
        await yieldToEventLoop();
        const chunk = files.slice(from, from + WRITE_CHUNK).map((file) => ({ ...file, summary: { ...file.summary } }));
        writeTransaction(db.sqlite, () => tasks.createTasks(db.sqlite, staging.id, chunk, { evenIfReadOnly: true }));
      }
      const set = writeTransaction(db.sqlite, () => {
        const previous = tasks.findTaskSetBySource(db.sqlite, source);
        if (previous) tasks.deleteTaskSet(db.sqlite, previous.id);
        return tasks.publishTaskSet(db.sqlite, staging.id, shared.name, source);
      });
      results.push({ set, imported: files.length, errors, elapsedMs: performance.now() - started });
    } catch (error) {
      tasks.deleteTaskSet(db.sqlite, staging.id);
      throw error;
    }
  }
  return results;
}

/** Saves an editor task as a new library task (compact ARC JSON unless a style is given). */
export function saveArcTask(db: TrmDb, setId: number, task: EditorTask, style?: ArcJsonStyle, tags: string[] = []): TaskListItem {
  requireArcSet(db, setId);
  const { content: _content, ...item } = db.createTask({ setId, name: task.name, content: serializeTask(task, style), tags, summary: { ...summarizeArcTask(task) } });
  return item;
}

/** Writes an editor task back over a library task. */
export function updateArcTask(db: TrmDb, taskId: number, task: EditorTask, style?: ArcJsonStyle): TaskListItem {
  const { content: _content, ...item } = db.updateTask(taskId, { name: task.name, content: serializeTask(task, style), summary: { ...summarizeArcTask(task) } });
  return item;
}

/** Copies a task (e.g. from a read-only shared set) into another set of the same kind, under a free name. */
export function copyTask(db: TrmDb, taskId: number, targetSetId: number): TaskListItem {
  const task = db.getTask(taskId);
  if (!task) throw new LibraryError(`there is no task ${taskId}`);
  let name = task.name;
  for (let copy = 2; tasks.getTaskByName(db.sqlite, targetSetId, name); copy++) name = `${task.name} (${copy})`;
  const { content: _content, ...item } = db.createTask({ setId: targetSetId, name, kind: task.kind, content: task.content, tags: task.tags, summary: task.summary });
  return item;
}

/** Characters file systems refuse in names become '_'. */
export const fileNameOf = (taskName: string): string => taskName.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_') || '_';

/** Writes every task of a set into `folder` (created if needed) as `<name>.json` (ARC) or `<name>.txt`
 *  (Sudoku, maze), overwriting files of the same name. Returns the paths written, in name order. */
export function exportSetToFolder(db: TrmDb, setId: number, folder: string): string[] {
  const set = db.getTaskSet(setId);
  if (!set) throw new LibraryError(`there is no task set ${setId}`);
  mkdirSync(folder, { recursive: true });
  return db.searchTasks({ setId }).map((item) => {
    const task = db.getTask(item.id)!;
    const path = join(folder, `${fileNameOf(task.name)}.${task.kind === 'arc' ? 'json' : 'txt'}`);
    writeFileSync(path, task.content);
    return path;
  });
}
