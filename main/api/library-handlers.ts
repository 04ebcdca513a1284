// The puzzle library's API channels (library.*, drafts.*, puzzles.*): task sets and tasks, imports of file
// contents sent by the UI, autosave drafts, Sudoku/maze live checks and "Train on this set". Storage and parsing
// are db/tasks.ts and main/library; this file only adapts them to the channel map and its error codes.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, sep } from 'node:path';
import { ApiError, type Channel, type TaskInfo, type TaskItemInfo } from '../../preload/contract.ts';
import { LibraryError, type TaskListItem, type TaskRow, type TrmDb } from '../../db/index.ts';
import { exportSetToFolder, formatSudokuRows, importFiles, importSharedSets, mazeStatus, parseSudokuText, copyTask, summarizeArcTask, sudokuStatus } from '../library/index.ts';
import { parseTaskJson } from '../puzzles/arc/parse.ts';
import { formatMaze } from '../puzzles/maze.ts';
import { generateSudoku } from '../puzzles/sudoku.ts';
import { Rng } from '../common/rng.ts';
import { findPreset } from '../trm/presets.ts';
import type { Handlers } from './register.ts';

export type LibraryChannel = Extract<Channel, `library.${string}` | `drafts.${string}` | `puzzles.${string}`>;

/** The preset "Train on this set" picks for small custom ARC tasks (added by the lead; see fallback below). */
const SMALL_ARC_PRESET = 'arc-mini-att';

/** Library refusals (read-only set, duplicate name) are the user's to fix: 'conflict', not 'internal'. */
async function refusalsAsConflicts<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof LibraryError) throw new ApiError({ code: 'conflict', message: error.message });
    throw error;
  }
}

/** The first train pair (ARC) or the text (Sudoku, maze), for a thumbnail in the library grid. */
function thumbnailOf(task: TaskRow): TaskItemInfo['thumbnail'] {
  if (task.kind !== 'arc') return { text: task.content };
  try {
    const parsed = JSON.parse(task.content) as { train?: { input: number[][]; output?: number[][] }[] };
    const first = parsed.train?.[0];
    return first ? { input: first.input, output: first.output } : undefined;
  } catch {
    return undefined;
  }
}

/** Checks puzzle text before it is stored; returns the summary lists show. */
function checkContent(kind: string, name: string, content: string): Record<string, unknown> {
  if (kind === 'arc') {
    const { task, errors } = parseTaskJson(content, name);
    if (!task) throw new ApiError({ code: 'invalid-payload', message: `'${name}' is not a valid ARC task: ${errors.map((e) => `${e.pair ? `${e.pair} ` : ''}${e.problem}`).join('; ')}` });
    return { ...summarizeArcTask(task) };
  }
  if (kind === 'sudoku') {
    try {
      const { box } = parseSudokuText(content);
      return { side: box.boxRows * box.boxCols };
    } catch (error) {
      throw new ApiError({ code: 'invalid-payload', message: `'${name}' is not a Sudoku: ${(error as Error).message}` });
    }
  }
  const lines = content.split('\n');
  return { rows: lines.length, cols: lines[0]?.length ?? 0 };
}

/** An uploaded name as a path relative to the upload folder (no '..', '.' or empty parts). */
const uploadedPath = (path: string): string =>
  normalize(path.replace(/\\/g, '/')).split(sep).filter((part) => part !== '..' && part !== '.' && part !== '').join(sep) || 'file.json';

/** Refuses names the upload folder cannot hold, as 'invalid-input' naming them (Node's own errors for these were
 *  answered 'internal'): a NUL byte, and a name that is a file and also the folder of another uploaded file. */
function checkUploadedNames(files: readonly { path: string }[]): void {
  const nul = files.find(({ path }) => path.includes('\0'));
  if (nul) throw new ApiError({ code: 'invalid-input', message: `${JSON.stringify(nul.path)} is not a valid file name: it contains a NUL byte` });
  const asFile = new Map(files.map(({ path }) => [uploadedPath(path), path]));
  for (const { path } of files) {
    const parts = uploadedPath(path).split(sep);
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join(sep);
      const file = asFile.get(folder);
      if (file !== undefined) throw new ApiError({ code: 'invalid-input', message: `'${file}' is uploaded as a file and is also the folder of '${path}'; rename one of them` });
    }
  }
}

/** Writes uploaded files under a private temporary folder keeping their relative paths (so a Kaggle
 *  challenges file finds its sibling solutions file), and maps reported paths back to the uploaded names. */
function withUploadedFiles<T>(files: readonly { path: string; content: string }[], work: (paths: string[], displayName: (path: string) => string) => T): T {
  checkUploadedNames(files);
  const root = mkdtempSync(join(tmpdir(), 'trm-import-'));
  try {
    const paths = files.map(({ path, content }) => {
      const target = join(root, uploadedPath(path));
      try {
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, content);
      } catch (error) {
        // What checkUploadedNames cannot see, e.g. 'A' and 'a/x.json' on a case-insensitive file system.
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR') throw new ApiError({ code: 'invalid-input', message: `'${path}' cannot be written beside the other uploaded files: a file and a folder have the same name` });
        throw error;
      }
      return target;
    });
    return work(paths, (path) => (path.startsWith(root + sep) ? path.slice(root.length + 1).split(sep).join('/') : path));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export function createLibraryHandlers({ db, workspace }: { db: TrmDb; workspace: string }): Pick<Handlers, LibraryChannel> {
  const requireTask = (taskId: number): TaskRow => {
    const task = db.getTask(taskId);
    if (!task) throw new ApiError({ code: 'not-found', message: `no task ${taskId}` });
    return task;
  };
  const withThumbnail = (item: TaskListItem): TaskItemInfo => ({ ...item, thumbnail: thumbnailOf(requireTask(item.id)) });

  return {
    'library.sets': () => db.listTaskSets(),
    'library.createSet': ({ name, kind }) => db.createTaskSet({ name, kind }),
    'library.renameSet': ({ setId, name }) => refusalsAsConflicts(() => db.renameTaskSet(setId, name)),
    'library.deleteSet': ({ setId }) => ({ deleted: db.deleteTaskSet(setId) }),
    'library.importShared': async () => {
      const results = await importSharedSets(db);
      return { sets: results.map((r) => r.set), imported: results.reduce((sum, r) => sum + r.imported, 0), errors: results.flatMap((r) => r.errors) };
    },
    'library.tasks': ({ thumbnails, ...filter }) => {
      const items = db.searchTasks(filter);
      return thumbnails ? items.map(withThumbnail) : items;
    },
    'library.tags': () => db.listTaskTags(),
    'library.getTask': ({ taskId }) => ({ ...requireTask(taskId), thumbnail: undefined }),
    'library.saveTask': ({ setId, taskId, name, content, tags }) => refusalsAsConflicts((): TaskInfo => {
      const set = db.getTaskSet(setId);
      if (!set) throw new ApiError({ code: 'not-found', message: `no task set ${setId}` });
      const summary = checkContent(set.kind, name, content);
      if (taskId === undefined) return db.createTask({ setId, name, content, tags, summary });
      if (requireTask(taskId).setId !== setId) throw new ApiError({ code: 'conflict', message: `task ${taskId} is not in set ${setId}` });
      return db.updateTask(taskId, { name, content, summary, ...(tags ? { tags } : {}) });
    }),
    'library.deleteTask': ({ taskId }) => refusalsAsConflicts(() => ({ deleted: db.deleteTask(taskId) })),
    'library.copyTask': ({ taskId, setId }) => refusalsAsConflicts(() => requireTask(copyTask(db, taskId, setId).id)),
    'library.importFiles': ({ setId, files }) => refusalsAsConflicts(() => withUploadedFiles(files, (paths, displayName) => {
      const result = importFiles(db, setId, paths);
      return { imported: result.imported, errors: result.errors.map((e) => ({ ...e, file: displayName(e.file) })) };
    })),
    'library.prepareTraining': ({ setId }) => refusalsAsConflicts(() => {
      const set = db.getTaskSet(setId);
      if (!set) throw new ApiError({ code: 'not-found', message: `no task set ${setId}` });
      if (set.taskCount === 0) throw new ApiError({ code: 'conflict', message: `the set '${set.name}' has no tasks to train on` });
      const folder = join(workspace, 'tasksets', String(setId));
      rmSync(folder, { recursive: true, force: true }); // exactly the set's current tasks, no leftovers
      const written = exportSetToFolder(db, setId, folder);
      if (set.kind === 'arc') {
        const small = findPreset(SMALL_ARC_PRESET);
        // arc-mini-att trains and tests on data.tasks alone; the paper preset needs its subsets pointed there too.
        const overrides: Record<string, string> = small ? { 'data.tasks': folder } : { 'data.subsets': 'custom', 'data.testSet': 'custom', 'data.tasks': folder, 'data.canvas': '0' };
        return {
          folder, taskCount: written.length, preset: small ? SMALL_ARC_PRESET : 'arc1-att', overrides,
          note: small ? null : `the '${SMALL_ARC_PRESET}' preset is not available in this build; using arc1-att (paper scale) with the smallest canvas`,
        };
      }
      // Sudoku and maze presets generate their own puzzles; the set picks the size that matches it.
      const first = db.getTask(db.searchTasks({ setId, limit: 1 })[0].id)!;
      const side = set.kind === 'sudoku' ? Math.round(Math.sqrt(first.content.replace(/\s+/g, '').length)) : 0;
      const preset = set.kind === 'sudoku' ? (side === 4 ? 'sudoku4-mlp' : side === 9 ? 'sudoku-extreme-mlp' : 'sudoku6-mlp') : 'maze-small-att';
      return { folder, taskCount: written.length, preset, overrides: {}, note: `${set.kind} presets train on generated puzzles of this size; the set's files are in ${folder}` };
    }),
    'drafts.get': ({ key }) => db.getDraft(key) ?? null,
    'drafts.list': () => db.listDrafts(),
    'drafts.save': (draft) => ({ updatedAt: db.saveDraft(draft).updatedAt }),
    'drafts.delete': ({ key }) => ({ deleted: db.deleteDraft(key) }),
    'puzzles.sudokuStatus': ({ text }) => {
      try {
        const { grid, box } = parseSudokuText(text);
        return { ...sudokuStatus(grid, box), error: null };
      } catch (error) {
        return { conflicts: [], solutionCount: 0, error: (error as Error).message };
      }
    },
    'puzzles.sudokuGenerate': ({ side, blanks, seed }) => {
      const box = side === 4 ? { boxRows: 2, boxCols: 2 } : side === 6 ? { boxRows: 2, boxCols: 3 } : { boxRows: 3, boxCols: 3 };
      const cells = side * side;
      const target = Math.min(blanks ?? Math.round(cells * (side === 9 ? 0.6 : 0.5)), cells - side);
      const generated = generateSudoku(box, new Rng(seed ?? Math.floor(Math.random() * 2 ** 31)), { minBlanks: Math.max(0, target - 4), maxBlanks: target });
      return { puzzle: formatSudokuRows(generated.puzzle, box), solution: formatSudokuRows(generated.solution, box) };
    },
    'puzzles.mazeStatus': ({ text }) => {
      const status = mazeStatus(text);
      return { errors: status.errors, shortestPath: status.shortestPath, uniquePath: status.uniquePath, solution: status.solution ? formatMaze(status.solution) : null };
    },
  };
}
