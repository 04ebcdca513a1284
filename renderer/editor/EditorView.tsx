// Puzzle editor: `#/editor/<taskId>` opens a library task in the editor of its kind (ARC, Sudoku, maze), restoring
// its autosaved draft when one is newer than the stored task; `?mode=solve` tries an ARC task's test inputs
// yourself. Tasks are created and listed by the library (renderer/library).
import { useEffect, useState } from 'react';
import type { DraftInfo, TaskInfo, TaskSetInfo } from '../../preload/contract.ts';
import type { Route } from '../app/route.ts';
import { useApi } from '../app/workbench.tsx';
import { ArcEditor } from './ArcEditor.tsx';
import { MazeEditor } from './MazeEditor.tsx';
import { parseArcJson } from './model/index.ts';
import { SolveView } from './SolveView.tsx';
import { SudokuEditor } from './SudokuEditor.tsx';

interface Loaded {
  info: TaskInfo;
  set: TaskSetInfo;
  draft: DraftInfo | null;
}

export function EditorView({ route }: { route: Route }) {
  const api = useApi();
  const taskId = Number(route.segments[1]);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!Number.isInteger(taskId) || taskId <= 0) return;
    let cancelled = false;
    setLoaded(null);
    (async () => {
      const info = await api.library.getTask({ taskId });
      const [sets, draft] = await Promise.all([api.library.sets(), api.drafts.get({ key: `task:${taskId}` })]);
      const set = sets.find((s) => s.id === info.setId)!;
      if (!cancelled) setLoaded({ info, set, draft: draft && draft.content !== info.content ? draft : null });
    })().catch((e: unknown) => { if (!cancelled) setError(e instanceof Error ? e.message : String(e)); });
    return () => { cancelled = true; };
  }, [api, taskId]);

  if (!Number.isInteger(taskId) || taskId <= 0) {
    return <div className="empty-state"><h1>Open a task from the library</h1><a href="#/library">Go to the library</a></div>;
  }
  if (error) return <div className="page"><div className="error-banner" role="alert">{error}</div><a href="#/library">Back to the library</a></div>;
  if (!loaded) return <div className="page"><p className="muted">Loading task…</p></div>;

  const { info, set, draft } = loaded;
  const content = draft?.content ?? info.content;
  const key = `${info.id}:${draft?.updatedAt ?? 0}`;
  if (info.kind === 'sudoku') return <SudokuEditor key={key} info={info} set={set} initialText={content} restoredAt={draft?.updatedAt ?? null} />;
  if (info.kind === 'maze') return <MazeEditor key={key} info={info} set={set} initialText={content} restoredAt={draft?.updatedAt ?? null} />;

  const parsed = parseArcJson(content, info.name);
  const original = parseArcJson(info.content, info.name);
  if (!parsed.task) {
    return <div className="page"><div className="error-banner" role="alert">This task cannot be read: {parsed.errors.map((e) => e.problem).join('; ')}</div></div>;
  }
  const task = { ...parsed.task, name: draft?.name ?? info.name };
  if (route.query.get('mode') === 'solve') return <SolveView key={key} info={info} set={set} task={task} />;
  return <ArcEditor key={key} info={info} set={set} initialTask={task} style={original.style} restoredAt={draft?.updatedAt ?? null} />;
}
