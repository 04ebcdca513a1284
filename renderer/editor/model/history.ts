// The editor document: the task plus an undo/redo history of every change. State is immutable (a reducer can
// hold it); `TaskEditor` wraps it for callers that prefer methods. Each history entry keeps the task as it was
// before the change — tasks share unchanged grids, so a snapshot costs a few arrays, not a copy of the task.
import { applyEdit, describeEdit, type EditOp, type EditorTask } from './task.ts';

/** Undo steps kept; the oldest are dropped beyond this. */
export const DEFAULT_HISTORY_LIMIT = 200;

export interface HistoryEntry {
  /** The task before (in `past`) or after (in `future`) the change. */
  task: EditorTask;
  label: string;
}

export interface EditorState {
  task: EditorTask;
  past: HistoryEntry[];
  future: HistoryEntry[];
  /** Coalescing key of the latest change (a paint stroke); null after undo/redo or any other change. */
  openStroke: string | null;
  limit: number;
}

export function createEditorState(task: EditorTask, limit = DEFAULT_HISTORY_LIMIT): EditorState {
  return { task, past: [], future: [], openStroke: null, limit };
}

const strokeKey = (op: EditOp): string | null =>
  op.kind === 'paint' && op.stroke !== undefined ? `${op.stroke}:${op.ref.split}:${op.ref.pair}:${op.ref.side}` : null;

/** Applies a change and records it. A no-op leaves the state as it is (redo stays available); a real change
 *  clears the redo list. Paints continuing the latest stroke (same `stroke` id, same grid) join its entry. */
export function applyToState(state: EditorState, op: EditOp): EditorState {
  const task = applyEdit(state.task, op);
  if (task === state.task) return state;
  const key = strokeKey(op);
  if (key !== null && key === state.openStroke) return { ...state, task, future: [] };
  const past = [...state.past, { task: state.task, label: describeEdit(op) }];
  return { ...state, task, past: past.slice(Math.max(0, past.length - state.limit)), future: [], openStroke: key };
}

export function undoState(state: EditorState): EditorState {
  const entry = state.past.at(-1);
  if (!entry) return state;
  return { ...state, task: entry.task, past: state.past.slice(0, -1), future: [...state.future, { task: state.task, label: entry.label }], openStroke: null };
}

export function redoState(state: EditorState): EditorState {
  const entry = state.future.at(-1);
  if (!entry) return state;
  return { ...state, task: entry.task, past: [...state.past, { task: state.task, label: entry.label }], future: state.future.slice(0, -1), openStroke: null };
}

/** Ends the open stroke (pointer up), so the next paint with the same id starts a new undo entry. */
export const endStroke = (state: EditorState): EditorState => (state.openStroke === null ? state : { ...state, openStroke: null });

export const canUndo = (state: EditorState): boolean => state.past.length > 0;
export const canRedo = (state: EditorState): boolean => state.future.length > 0;
/** Labels for "Undo …" / "Redo …" menu items. */
export const undoLabel = (state: EditorState): string | undefined => state.past.at(-1)?.label;
export const redoLabel = (state: EditorState): string | undefined => state.future.at(-1)?.label;

/** The same history as an object with methods; `onChange` runs after every change (autosave hooks in here). */
export class TaskEditor {
  private current: EditorState;

  constructor(task: EditorTask, private readonly onChange?: (task: EditorTask) => void, limit = DEFAULT_HISTORY_LIMIT) {
    this.current = createEditorState(task, limit);
  }

  get state(): EditorState { return this.current; }
  get task(): EditorTask { return this.current.task; }
  get canUndo(): boolean { return canUndo(this.current); }
  get canRedo(): boolean { return canRedo(this.current); }

  /** Returns whether anything changed. */
  apply(op: EditOp): boolean { return this.replace(applyToState(this.current, op)); }
  undo(): boolean { return this.replace(undoState(this.current)); }
  redo(): boolean { return this.replace(redoState(this.current)); }
  endStroke(): void { this.current = endStroke(this.current); }

  private replace(next: EditorState): boolean {
    const changed = next.task !== this.current.task;
    this.current = next;
    if (changed) this.onChange?.(next.task);
    return changed;
  }
}
