// Loading ARC tasks from disk: single task files, folders of them, and Kaggle bundles (a `*challenges.json`
// mapping task ids to tasks, with answers in the sibling `*solutions.json`). One bad file never stops the
// others: every problem comes back as an ArcTaskError next to the tasks that did load.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir } from '../../common/paths.ts';
import { forEachInSlices } from '../../common/slices.ts';
import { ExpectedError } from '../../common/errors.ts';
import { fsProblem, regularFileProblem } from '../../common/fs-checks.ts';
import type { ArcTask } from './grid.ts';
import { validateArcTask, type ArcTaskError } from './validate.ts';
import { taskIdOfFile } from './parse.ts';

// parseTaskJson lives in parse.ts (no Node imports, shared with the renderer's puzzle editor).
export { parseTaskJson } from './parse.ts';

export interface ArcTaskSet {
  tasks: ArcTask[];
  errors: ArcTaskError[];
}

/** Named subsets of the shared data (spec §5.5 names) → folders under dataDir(). */
const SUBSET_FOLDERS: Record<string, string> = {
  training: 'arc-agi-1/training',
  evaluation: 'arc-agi-1/evaluation',
  training2: 'arc-agi-2/training',
  evaluation2: 'arc-agi-2/evaluation',
  concept: 'concept-arc',
};
export const ARC_SUBSETS = Object.keys(SUBSET_FOLDERS);
/** The subset name a custom task set (`tasks: PATH`) gets, e.g. to use it as the test set. */
export const CUSTOM_SUBSET = 'custom';

export function arcSubsetFolder(name: string): string {
  const folder = SUBSET_FOLDERS[name];
  if (!folder) throw new ExpectedError(`unknown ARC subset '${name}'; known: ${ARC_SUBSETS.join(', ')} (or '${CUSTOM_SUBSET}' with tasks: PATH)`);
  return join(dataDir(), folder);
}

/** Tasks from files, folders (searched recursively for *.json) and Kaggle bundles, in a stable order.
 *  `heldOut`: the set a run evaluates on, where a task with no test pair is refused (it would evaluate nothing). */
export function loadTaskSet(paths: readonly string[], options: { heldOut?: boolean } = {}): ArcTaskSet {
  const set: ArcTaskSet = { tasks: [], errors: [] };
  for (const file of taskFilesIn(paths, set.errors)) addTaskFile(set, file, options);
  return set;
}

function addTaskFile(set: ArcTaskSet, file: string, options: { heldOut?: boolean }): void {
  const loaded = loadTaskFile(file, options);
  set.tasks.push(...loaded.tasks);
  set.errors.push(...loaded.errors);
}

/** A shared subset (read-only benchmark data under dataDir()), parsed once per process: an estimate or a run start
 *  of a paper ARC preset otherwise re-reads ≈1,000 files (60–130 ms on the server's event loop each time). The
 *  folder's modification time invalidates it. */
const sharedSubsets = new Map<string, { modifiedMs: number; set: ArcTaskSet }>();

function sharedSubsetKey(name: string, options: { heldOut?: boolean }): { folder: string; key: string; modifiedMs: number } {
  const folder = arcSubsetFolder(name);
  let modifiedMs = -1;
  try {
    modifiedMs = statSync(folder).mtimeMs;
  } catch {
    // missing: loadTaskSet says so
  }
  return { folder, key: `${folder}\u0000${options.heldOut === true}`, modifiedMs };
}

/** Parses a shared subset into the cache in slices of at most `sliceMs`, giving the event loop back between them
 *  (the server does this before an ARC estimate or run start, so no request waits ~140 ms behind it). */
export async function warmSharedSubset(name: string, options: { heldOut?: boolean } = {}): Promise<void> {
  const { folder, key, modifiedMs } = sharedSubsetKey(name, options);
  if (modifiedMs < 0 || sharedSubsets.get(key)?.modifiedMs === modifiedMs) return;
  const set: ArcTaskSet = { tasks: [], errors: [] };
  await forEachInSlices(taskFilesIn([folder], set.errors), (file) => addTaskFile(set, file, options));
  sharedSubsets.set(key, { modifiedMs, set });
}

export function loadSharedSubset(name: string, options: { heldOut?: boolean } = {}): ArcTaskSet {
  const { folder, key, modifiedMs } = sharedSubsetKey(name, options);
  let cached = sharedSubsets.get(key);
  if (!cached || cached.modifiedMs !== modifiedMs) {
    cached = { modifiedMs, set: loadTaskSet([folder], options) };
    if (modifiedMs >= 0) sharedSubsets.set(key, cached);
  }
  return { tasks: [...cached.set.tasks], errors: [...cached.set.errors] };
}

/** The files to read for `paths`, in a stable order: files as given, folders searched recursively for *.json,
 *  without the Kaggle solutions files (each is read together with its challenges file). A path that does not
 *  exist is pushed onto `errors` when the iteration reaches it, so errors stay in path order. */
export function* taskFilesIn(paths: readonly string[], errors: ArcTaskError[]): Generator<string> {
  for (const path of paths) {
    if (!existsSync(path)) { errors.push({ file: path, pair: '', problem: 'does not exist' }); continue; }
    let files: string[];
    try {
      files = statSync(path).isDirectory() ? jsonFilesUnder(path) : [path];
    } catch (error) { // e.g. a folder that cannot be listed
      errors.push({ file: path, pair: '', problem: fsProblem(error, path) ?? (error as Error).message });
      continue;
    }
    for (const file of files) {
      if (!isKaggleSolutions(file)) yield file;
    }
  }
}

/** A custom set: `tasks` is a folder or a comma-separated list of files/folders. */
export function parseTaskPaths(tasks: string): string[] {
  return tasks.split(',').map((part) => part.trim()).filter((part) => part.length > 0);
}

/** A task file, or every task of a Kaggle challenges bundle (answers merged from its solutions file). */
export function loadTaskFile(file: string, options: { heldOut?: boolean } = {}): ArcTaskSet {
  const loaded = readTaskFile(file);
  if (!options.heldOut) return loaded;
  const untestable = loaded.tasks.filter((task) => task.test.length === 0);
  if (untestable.length === 0) return loaded;
  const bundle = untestable.length > 1 || loaded.tasks.length > 1;
  return {
    tasks: loaded.tasks.filter((task) => task.test.length > 0),
    errors: [...loaded.errors, ...untestable.map((task) => ({ file: bundle ? `${file}#${task.id}` : file, pair: 'test', problem: 'has no pairs, and this set is held out for evaluation: a run would evaluate nothing on this task' }))],
  };
}

function readTaskFile(file: string): ArcTaskSet {
  const notAFile = regularFileProblem(file); // a named pipe would block the read forever
  if (notAFile) return { tasks: [], errors: [{ file, pair: '', problem: notAFile }] };
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { tasks: [], errors: [{ file, pair: '', problem: `cannot be read as JSON (${(error as Error).message})` }] };
  }
  if (!isKaggleBundle(value)) {
    const { task, errors } = validateArcTask(value, file, taskIdOfFile(file));
    return { tasks: task ? [task] : [], errors };
  }
  const set: ArcTaskSet = { tasks: [], errors: [] };
  const solutions = readKaggleSolutions(file, set.errors);
  for (const [id, raw] of Object.entries(value)) {
    const answers = solutions?.[id];
    const withAnswers = Array.isArray(answers) ? mergeAnswers(raw, answers) : raw;
    const { task, errors } = validateArcTask(withAnswers, `${file}#${id}`, id);
    if (task) set.tasks.push(task);
    set.errors.push(...errors);
  }
  return set;
}

function jsonFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return jsonFilesUnder(path);
      return entry.name.toLowerCase().endsWith('.json') ? [path] : [];
    });
}

/** A task has a "train" list; a bundle maps ids to objects that do. */
function isKaggleBundle(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || 'train' in value) return false;
  const entries = Object.values(value);
  return entries.length > 0 && entries.every((task) => typeof task === 'object' && task !== null && 'train' in task);
}

const solutionsPathOf = (challenges: string): string | undefined =>
  /challenges\.json$/i.test(challenges) ? challenges.replace(/challenges\.json$/i, 'solutions.json') : undefined;

function isKaggleSolutions(file: string): boolean {
  return /solutions\.json$/i.test(file) && existsSync(file.replace(/solutions\.json$/i, 'challenges.json'));
}

function readKaggleSolutions(challenges: string, errors: ArcTaskError[]): Record<string, unknown> | undefined {
  const path = solutionsPathOf(challenges);
  if (!path || !existsSync(path)) return undefined; // unlabelled: test outputs stay absent
  try {
    const value = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
    errors.push({ file: path, pair: '', problem: 'must map task ids to lists of test output grids' });
  } catch (error) {
    errors.push({ file: path, pair: '', problem: `cannot be read as JSON (${(error as Error).message})` });
  }
  return undefined;
}

function mergeAnswers(raw: unknown, answers: unknown[]): unknown {
  const task = raw as { test?: unknown };
  if (!Array.isArray(task.test)) return raw;
  const test = task.test.map((pair, index) =>
    typeof pair === 'object' && pair !== null && answers[index] !== undefined ? { ...pair, output: answers[index] } : pair);
  return { ...task, test };
}
