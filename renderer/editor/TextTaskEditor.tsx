// What the Sudoku and maze editors share: both edit a task stored as text. The hook keeps the task's name, the
// saved text, the autosaved draft, the message line and a live, debounced check of the text by the backend; the
// page frame draws the header (set crumb, name, save state, the editor's own buttons, Save), the message line
// and the "Checks" panel beside the editor's board, and "Run a model on this puzzle" for the current text.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { PuzzleKind, TaskInfo, TaskSetInfo } from '../../preload/contract.ts';
import { formatRoute } from '../app/route.ts';
import { useApi } from '../app/workbench.tsx';
import { RunModelDialog } from './RunModelDialog.tsx';
import { useDraftAutosave, type AutosaveStatus } from './use-autosave.ts';

/** The props EditorView gives a text editor. */
export interface TextTaskEditorProps {
  info: TaskInfo;
  set: TaskSetInfo;
  initialText: string;
  /** When the draft this editor opens on was autosaved, or null when it opens on the saved task. */
  restoredAt: number | null;
}

export interface TextTask<Status> {
  kind: PuzzleKind;
  /** The editor's current content. */
  text: string;
  name: string;
  setName(name: string): void;
  /** The text or the name differ from the saved task. */
  dirty: boolean;
  autosave: AutosaveStatus;
  message: string | null;
  setMessage(message: string | null): void;
  /** The backend's latest check of the text; null until the first arrives. */
  status: Status | null;
  save(): Promise<void>;
}

/** `text` is the editor's current content; `check` asks the backend about it `checkDelayMs` after it last changed. */
export function useTextTask<Status>({ info, set, restoredAt }: TextTaskEditorProps, kind: PuzzleKind, text: string,
  check: (text: string) => Promise<Status>, checkDelayMs: number): TextTask<Status> {
  const api = useApi();
  const [name, setName] = useState(info.name);
  const [saved, setSaved] = useState(info.content);
  const [status, setStatus] = useState<Status | null>(null);
  const [message, setMessage] = useState<string | null>(restoredAt ? `Restored unsaved changes autosaved at ${new Date(restoredAt).toLocaleTimeString()}.` : null);
  const dirty = text !== saved || name !== info.name;
  const autosave = useDraftAutosave(`task:${info.id}`, dirty && !set.readOnly ? { taskId: info.id, kind, name, content: text } : null);
  // The newest `check`, so an inline function does not restart the debounce on every render.
  const latestCheck = useRef(check);
  latestCheck.current = check;

  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(() => latestCheck.current(text).then((s) => { if (!cancelled) setStatus(s); }, () => {}), checkDelayMs);
    return () => { cancelled = true; clearTimeout(timer); };
  }, [text, checkDelayMs]);

  async function save() {
    try {
      const result = await api.library.saveTask({ setId: set.id, taskId: info.id, name, content: text });
      setSaved(result.content);
      await api.drafts.delete({ key: `task:${info.id}` });
      setMessage('Saved to the library.');
    } catch (error) {
      setMessage(`Not saved: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  return { kind, text, name, setName, dirty, autosave, message, setMessage, status, save };
}

/** The page of a text editor: `actions` are its header buttons before Save, `board` what it edits, `checks` the
 *  contents of the Checks panel once the first check arrived. */
export function TextTaskEditorPage<Status>({ task, set, actions, board, checks }: {
  task: TextTask<Status>; set: TaskSetInfo; actions: ReactNode; board: ReactNode; checks: (status: Status) => ReactNode;
}) {
  const [runModel, setRunModel] = useState(false);
  return (
    <div className="page puzzle-editor">
      <header className="page-header">
        <h1><a href={formatRoute(['library'], { set: String(set.id) })} className="crumb">{set.name}</a> /
          <input className="task-name-input" aria-label="Task name" value={task.name} disabled={set.readOnly} onChange={(e) => task.setName(e.target.value)} /></h1>
        <div className="button-row">
          <span className="muted small" data-testid="save-state">{!task.dirty ? 'Saved' : task.autosave.pending ? 'Autosaving…' : 'Unsaved changes (draft autosaved)'}</span>
          {actions}
          <button onClick={() => setRunModel(true)}>Run a model…</button>
          <button className="primary" onClick={() => void task.save()} disabled={!task.dirty || set.readOnly}>Save</button>
        </div>
      </header>
      {task.message && <div className="info-banner" role="status">{task.message} <button className="link small" onClick={() => task.setMessage(null)}>Dismiss</button></div>}
      <div className="puzzle-layout">
        {board}
        <section className="panel puzzle-status" aria-live="polite">
          <h2>Checks</h2>
          {task.status === null ? <p className="muted">Checking…</p> : checks(task.status)}
        </section>
      </div>
      {runModel && <RunModelDialog kind={task.kind} puzzleText={task.text} puzzleName={task.name} onClose={() => setRunModel(false)} />}
    </div>
  );
}
