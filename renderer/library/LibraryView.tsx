// The puzzle library: task sets on the left (the shared ARC-AGI-1/2 and ConceptARC sets read-only, your own
// sets editable), the chosen set's tasks as thumbnails with search and tag filter, imports of ARC files, folders
// and Kaggle challenges + solutions (all or nothing, with per-file errors), export, and "Train on this set".
// `#/library?set=<id>&q=<text>&tag=<tag>`; a task opens in the editor at `#/editor/<taskId>`.
import { useCallback, useEffect, useRef, useState, type ChangeEvent } from 'react';
import type { ImportProblem, PuzzleKind, TaskItemInfo, TaskSetInfo } from '../../preload/contract.ts';
import { ConfirmDialog } from '../common/ConfirmDialog.tsx';
import { Grid } from '../common/Grid.tsx';
import { formatRoute, withQuery, type Route } from '../app/route.ts';
import { navigate, useApi } from '../app/workbench.tsx';
import { downloadText, safeFileName } from '../editor/download.ts';
import { newTask, parseArcJson, serializeTask, serializeTaskSet, type EditorTask } from '../editor/model/index.ts';

const PAGE_SIZE = 120;
const KIND_LABELS: Record<PuzzleKind, string> = { arc: 'ARC', sudoku: 'Sudoku', maze: 'Maze' };

/** What a new task of each kind starts as. */
function blankContent(kind: PuzzleKind, name: string): string {
  if (kind === 'arc') return serializeTask(newTask(name));
  if (kind === 'sudoku') return Array.from({ length: 6 }, () => '......').join('\n');
  return ['#########', '#S      #', '# ##### #', '#     # #', '##### # #', '#     # #', '# ##### #', '#      G#', '#########'].join('\n');
}

export function LibraryView({ route }: { route: Route }) {
  const api = useApi();
  const [sets, setSets] = useState<TaskSetInfo[] | null>(null);
  const [tasks, setTasks] = useState<TaskItemInfo[]>([]);
  const [tags, setTags] = useState<string[]>([]);
  const [limit, setLimit] = useState(PAGE_SIZE);
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [importErrors, setImportErrors] = useState<ImportProblem[]>([]);
  const [newSet, setNewSet] = useState<{ name: string; kind: PuzzleKind } | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<TaskItemInfo | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const setId = Number(route.query.get('set')) || null;
  const text = route.query.get('q') ?? '';
  const tag = route.query.get('tag') ?? '';
  const set = sets?.find((s) => s.id === setId) ?? null;
  const report = (e: unknown) => setError(e instanceof Error ? e.message : String(e));

  const refreshSets = useCallback(() => api.library.sets().then(setSets, report), [api]);
  const refreshTasks = useCallback(() => {
    api.library.tasks({ ...(setId ? { setId } : {}), ...(text ? { text } : {}), ...(tag ? { tag } : {}), limit, thumbnails: true }).then(setTasks, report);
  }, [api, setId, text, tag, limit]);
  useEffect(() => { void refreshSets(); api.library.tags().then(setTags, report); }, [api, refreshSets]);
  useEffect(() => { refreshTasks(); }, [refreshTasks]);
  useEffect(() => setLimit(PAGE_SIZE), [setId, text, tag]);
  // Folder picking is a non-standard attribute React does not type.
  useEffect(() => { folderInput.current?.setAttribute('webkitdirectory', ''); }, []);

  const go = (changes: Record<string, string | undefined>) => navigate(formatRoute(['library'], withQuery(route, changes)), { replace: true });

  async function importShared() {
    setBusy('Importing the shared ARC sets (about 2,000 files)…');
    try {
      const result = await api.library.importShared();
      setNotice(`Shared sets ready: ${result.sets.map((s) => `${s.name} (${s.taskCount})`).join(', ')}.`);
      await refreshSets();
    } catch (e) { report(e); } finally { setBusy(null); }
  }

  async function createSet() {
    if (!newSet?.name.trim()) return;
    try {
      const created = await api.library.createSet({ name: newSet.name.trim(), kind: newSet.kind });
      setNewSet(null);
      await refreshSets();
      go({ set: String(created.id) });
    } catch (e) { report(e); }
  }

  async function createTask() {
    if (!set) return;
    const taken = new Set(tasks.map((t) => t.name));
    let n = set.taskCount + 1;
    while (taken.has(`task-${n}`)) n++;
    try {
      const created = await api.library.saveTask({ setId: set.id, name: `task-${n}`, content: blankContent(set.kind, `task-${n}`) });
      navigate(formatRoute(['editor', created.id]));
    } catch (e) { report(e); }
  }

  async function importChosen(event: ChangeEvent<HTMLInputElement>) {
    const chosen = [...(event.target.files ?? [])].filter((file) => file.name.toLowerCase().endsWith('.json'));
    event.target.value = '';
    if (!set || chosen.length === 0) return;
    setImportErrors([]);
    setBusy(`Importing ${chosen.length} file${chosen.length === 1 ? '' : 's'}…`);
    try {
      const files = await Promise.all(chosen.map(async (file) => ({ path: file.webkitRelativePath || file.name, content: await file.text() })));
      const result = await api.library.importFiles({ setId: set.id, files });
      if (result.errors.length > 0) setImportErrors(result.errors);
      else setNotice(`Imported ${result.imported.length} task${result.imported.length === 1 ? '' : 's'} into ${set.name}.`);
      await refreshSets();
      refreshTasks();
    } catch (e) { report(e); } finally { setBusy(null); }
  }

  async function exportSet() {
    if (!set) return;
    setBusy('Exporting…');
    try {
      const items = await api.library.tasks({ setId: set.id });
      const contents = await Promise.all(items.map((item) => api.library.getTask({ taskId: item.id })));
      if (set.kind === 'arc') {
        const parsed = contents.map((task) => parseArcJson(task.content, task.name).task).filter((task): task is EditorTask => task !== undefined);
        downloadText(`${safeFileName(set.name)}.json`, serializeTaskSet(parsed.map((task, i) => ({ ...task, name: contents[i].name }))));
      } else {
        downloadText(`${safeFileName(set.name)}.txt`, contents.map((task) => `# ${task.name}\n${task.content}`).join('\n\n'), 'text/plain');
      }
    } catch (e) { report(e); } finally { setBusy(null); }
  }

  async function trainOnSet() {
    if (!set) return;
    try {
      const prepared = await api.library.prepareTraining({ setId: set.id });
      const query: Record<string, string> = { preset: prepared.preset };
      for (const [path, value] of Object.entries(prepared.overrides)) query[`o.${path}`] = value;
      navigate(formatRoute(['runs', 'new'], query));
    } catch (e) { report(e); }
  }

  /** Copies a (read-only) task into the first writable set of its kind, creating "My <kind> tasks" if none. */
  async function copyToMySet(item: TaskItemInfo) {
    try {
      let target = sets?.find((s) => !s.readOnly && s.kind === item.kind);
      target ??= await api.library.createSet({ name: `My ${KIND_LABELS[item.kind]} tasks`, kind: item.kind });
      const copy = await api.library.copyTask({ taskId: item.id, setId: target.id });
      await refreshSets();
      navigate(formatRoute(['editor', copy.id]));
    } catch (e) { report(e); }
  }

  async function deleteTask(item: TaskItemInfo) {
    setConfirmDelete(null);
    try {
      await api.library.deleteTask({ taskId: item.id });
      await api.drafts.delete({ key: `task:${item.id}` });
      await refreshSets();
      refreshTasks();
    } catch (e) { report(e); }
  }

  const hasShared = sets?.some((s) => s.readOnly) ?? false;
  return (
    <div className="page library">
      <header className="page-header">
        <h1>Puzzle library {set && <span className="muted">/ {set.name}</span>}</h1>
        <div className="button-row">
          {!hasShared && <button onClick={() => void importShared()} disabled={busy !== null}>Import shared ARC sets</button>}
          <button onClick={() => setNewSet({ name: '', kind: 'arc' })}>New set</button>
        </div>
      </header>
      {busy && <div className="info-banner" role="status">{busy}</div>}
      {notice && <div className="info-banner" role="status">{notice} <button className="link small" onClick={() => setNotice(null)}>Dismiss</button></div>}
      {error && <div className="error-banner" role="alert">{error} <button className="link small" onClick={() => setError(null)}>Dismiss</button></div>}
      {importErrors.length > 0 && (
        <div className="error-banner import-errors" role="alert" data-testid="import-errors">
          <strong>Nothing was imported: {importErrors.length} problem{importErrors.length === 1 ? '' : 's'}.</strong>
          <ul>{importErrors.map((e, i) => <li key={i}><code>{e.file}</code>{e.pair ? <> <code>{e.pair}</code></> : null}: {e.problem}</li>)}</ul>
          <button className="link small" onClick={() => setImportErrors([])}>Dismiss</button>
        </div>
      )}

      <div className="library-layout">
        <nav className="set-list panel" aria-label="Task sets">
          <button className={`set-item ${setId === null ? 'on' : ''}`} onClick={() => go({ set: undefined })}>All tasks</button>
          {sets?.map((s) => (
            <button key={s.id} className={`set-item ${s.id === setId ? 'on' : ''}`} data-set-id={s.id} onClick={() => go({ set: String(s.id) })}>
              <span className="set-name">{s.readOnly && <span title="Read-only shared set" aria-label="read-only">🔒 </span>}{s.name}</span>
              <span className="set-meta">{KIND_LABELS[s.kind]} · {s.taskCount}</span>
            </button>
          ))}
          {sets?.length === 0 && <p className="muted small">No sets yet. Import the shared ARC sets or create one.</p>}
        </nav>

        <section className="task-area">
          <div className="toolbar">
            <input type="search" className="search" placeholder="Search names and tags" aria-label="Search tasks" defaultValue={text}
              onKeyDown={(e) => { if (e.key === 'Enter') go({ q: (e.target as HTMLInputElement).value }); }}
              onBlur={(e) => { if (e.target.value !== text) go({ q: e.target.value }); }} />
            <select aria-label="Tag" value={tag} onChange={(e) => go({ tag: e.target.value })}>
              <option value="">Any tag</option>
              {tags.map((t) => <option key={t} value={t}>{t}</option>)}
            </select>
            {set && !set.readOnly && (
              <>
                <button className="primary" onClick={() => void createTask()}>New {KIND_LABELS[set.kind]} task</button>
                {set.kind === 'arc' && <button onClick={() => fileInput.current?.click()}>Import files…</button>}
                {set.kind === 'arc' && <button onClick={() => folderInput.current?.click()}>Import folder…</button>}
                <button onClick={() => void trainOnSet()} disabled={set.taskCount === 0}>Train on this set</button>
              </>
            )}
            {set && <button onClick={() => void exportSet()} disabled={set.taskCount === 0}>Export set</button>}
            <input ref={fileInput} type="file" accept=".json,application/json" multiple hidden data-testid="import-files" onChange={(e) => void importChosen(e)} />
            <input ref={folderInput} type="file" multiple hidden data-testid="import-folder" onChange={(e) => void importChosen(e)} />
          </div>

          {tasks.length === 0 ? (
            <div className="empty-state">{set ? (set.readOnly ? 'No tasks match.' : 'No tasks yet: create one or import ARC files.') : 'Choose a set on the left.'}</div>
          ) : (
            <div className="task-grid" data-testid="task-grid">
              {tasks.map((item) => {
                const readOnly = sets?.find((s) => s.id === item.setId)?.readOnly ?? false;
                return (
                  <article key={item.id} className="task-card" data-task-name={item.name}>
                    <a className="task-thumb" href={formatRoute(['editor', item.id], readOnly && item.kind === 'arc' ? { mode: 'solve' } : {})} aria-label={`Open ${item.name}`}>
                      <Thumbnail item={item} />
                    </a>
                    <div className="task-card-body">
                      <a className="task-card-name" href={formatRoute(['editor', item.id])}>{item.name}</a>
                      <div className="muted small">{describe(item)}</div>
                      {item.tags.length > 0 && <div>{item.tags.map((t) => <span key={t} className="tag">{t}</span>)}</div>}
                      <div className="button-row task-card-actions">
                        {readOnly
                          ? <button className="small" onClick={() => void copyToMySet(item)}>Copy to my set</button>
                          : <button className="small danger" onClick={() => setConfirmDelete(item)}>Delete</button>}
                      </div>
                    </div>
                  </article>
                );
              })}
            </div>
          )}
          {tasks.length === limit && <button className="show-more" onClick={() => setLimit(limit + PAGE_SIZE)}>Show more</button>}
        </section>
      </div>

      {newSet && (
        <div className="modal-backdrop" onClick={() => setNewSet(null)}>
          <form className="modal" role="dialog" aria-modal="true" aria-labelledby="new-set-title" onClick={(e) => e.stopPropagation()} onSubmit={(e) => { e.preventDefault(); void createSet(); }}>
            <h2 id="new-set-title">New task set</h2>
            <div className="form-grid">
              <label htmlFor="set-name">Name</label>
              <input id="set-name" autoFocus value={newSet.name} onChange={(e) => setNewSet({ ...newSet, name: e.target.value })} />
              <label htmlFor="set-kind">Kind</label>
              <select id="set-kind" value={newSet.kind} onChange={(e) => setNewSet({ ...newSet, kind: e.target.value as PuzzleKind })}>
                <option value="arc">ARC tasks</option><option value="sudoku">Sudoku</option><option value="maze">Mazes</option>
              </select>
            </div>
            <div className="button-row right">
              <button type="button" onClick={() => setNewSet(null)}>Cancel</button>
              <button type="submit" className="primary" disabled={!newSet.name.trim()}>Create</button>
            </div>
          </form>
        </div>
      )}
      {confirmDelete && (
        <ConfirmDialog title={`Delete ${confirmDelete.name}?`} message="The task is removed from the library. This cannot be undone." confirmLabel="Delete"
          onConfirm={() => void deleteTask(confirmDelete)} onCancel={() => setConfirmDelete(null)} />
      )}
    </div>
  );
}

function describe(item: TaskItemInfo): string {
  const s = item.summary as { train?: number; test?: number; sizes?: string[]; side?: number; rows?: number; cols?: number };
  if (item.kind === 'arc') return `${s.train ?? '?'} train · ${s.test ?? '?'} test${s.sizes?.[0] ? ` · ${s.sizes[0].replace('>', ' → ')}` : ''}`;
  if (item.kind === 'sudoku') return `${s.side ?? '?'}×${s.side ?? '?'} Sudoku`;
  return `${s.cols ?? '?'}×${s.rows ?? '?'} maze`;
}

const fit = (cells: readonly (readonly number[])[], pixels: number): number => Math.max(1, Math.min(10, Math.floor(pixels / Math.max(cells.length, cells[0]?.length ?? 1))));

function Thumbnail({ item }: { item: TaskItemInfo }) {
  const thumb = item.thumbnail;
  if (!thumb) return <span className="muted small">no preview</span>;
  if ('text' in thumb) return <pre className="text-thumb">{thumb.text}</pre>;
  return (
    <span className="thumb-pair">
      <Grid cells={thumb.input} cellSize={fit(thumb.input, 64)} showGridLines={false} />
      <span className="muted">→</span>
      {thumb.output ? <Grid cells={thumb.output} cellSize={fit(thumb.output, 64)} showGridLines={false} /> : <span className="muted">?</span>}
    </span>
  );
}
