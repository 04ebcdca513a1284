// The ARC task editor: the pairs of a task on the left (add, duplicate, reorder, delete), the selected pair's
// input and output grids in the middle, tools on the right (pencil, flood fill, select + fill, copy/paste with a
// live preview, rotate/flip/shift, resize with a warning, grid lines, zoom) and the validation panel. Every
// change goes through the model's history (undo/redo) and is autosaved to a SQLite draft.
import { useCallback, useEffect, useMemo, useReducer, useState } from 'react';
import type { TaskInfo, TaskSetInfo } from '../../preload/contract.ts';
import { ConfirmDialog } from '../common/ConfirmDialog.tsx';
import { Grid } from '../common/Grid.tsx';
import { ARC_COLOUR_NAMES, ARC_PALETTE } from '../common/palette.ts';
import { formatRoute } from '../app/route.ts';
import { navigate, useApi } from '../app/workbench.tsx';
import { downloadText, safeFileName } from './download.ts';
import { EditableGrid, type GridEdit, type Tool } from './EditableGrid.tsx';
import {
  applyToState, canRedo, canUndo, cellsLostByResize, clipRect, copyRect, createEditorState, endStroke, gridAt, gridCols, gridRows,
  isValidSize, MAX_SIDE, newGrid, redoLabel, redoState, serializeTask, transformedRect, undoLabel, undoState, validateTask,
  type ArcJsonStyle, type Cell, type Clipboard, type EditOp, type EditorState, type EditorTask, type GridRef, type Rect, type Split, type Transform,
} from './model/index.ts';
import { useDraftAutosave } from './use-autosave.ts';
import { RunModelDialog } from './RunModelDialog.tsx';
import { ValidationList } from './ValidationList.tsx';

type Action = { type: 'edit'; op: EditOp } | { type: 'undo' } | { type: 'redo' } | { type: 'endStroke' };

function reducer(state: EditorState, action: Action): EditorState {
  switch (action.type) {
    case 'edit':
      try {
        return applyToState(state, action.op);
      } catch (error) {
        console.error('edit refused', action.op.kind, error);
        return state;
      }
    case 'undo': return undoState(state);
    case 'redo': return redoState(state);
    case 'endStroke': return endStroke(state);
  }
}

const ZOOMS = [12, 16, 22, 28, 36];
const TOOLS: { tool: Tool; label: string; key: string; hint: string }[] = [
  { tool: 'pencil', label: 'Pencil', key: 'D', hint: 'click or drag to paint' },
  { tool: 'fill', label: 'Flood fill', key: 'F', hint: 'fill the connected area of one colour' },
  { tool: 'select', label: 'Select', key: 'S', hint: 'drag a rectangle; a colour fills it; C copies, V pastes' },
];

export interface ArcEditorProps {
  info: TaskInfo;
  set: TaskSetInfo;
  /** The task to start from (the stored task, or the autosaved draft). */
  initialTask: EditorTask;
  style: ArcJsonStyle;
  /** When the editor opened on an autosaved draft newer than the stored task: when it was saved. */
  restoredAt: number | null;
}

export function ArcEditor({ info, set, initialTask, style, restoredAt }: ArcEditorProps) {
  const api = useApi();
  const [state, dispatch] = useReducer(reducer, initialTask, (task) => createEditorState(task));
  const task = state.task;
  const [savedContent, setSavedContent] = useState(info.content);
  const [active, setActive] = useState<GridRef>({ split: 'train', pair: 0, side: 'input' });
  const [tool, setTool] = useState<Tool>('pencil');
  const [colour, setColour] = useState(1);
  const [selection, setSelection] = useState<Rect | null>(null);
  const [clipboard, setClipboard] = useState<Clipboard | null>(null);
  const [pasting, setPasting] = useState(false);
  const [hover, setHover] = useState<Cell | null>(null);
  const [showGridLines, setShowGridLines] = useState(true);
  const [zoom, setZoom] = useState(3);
  const [wrapShift, setWrapShift] = useState(true);
  const [sizeText, setSizeText] = useState({ rows: '', cols: '' });
  const [pendingResize, setPendingResize] = useState<{ rows: number; cols: number; lost: number } | null>(null);
  const [review, setReview] = useState<null | 'export' | 'train'>(null);
  const [runModel, setRunModel] = useState(false);
  const [message, setMessage] = useState<{ kind: 'error' | 'info'; text: string } | null>(restoredAt ? { kind: 'info', text: `Restored unsaved changes autosaved at ${new Date(restoredAt).toLocaleTimeString()}.` } : null);
  const [nameText, setNameText] = useState(task.name);
  const readOnly = set.readOnly;
  const content = useMemo(() => serializeTask(task, style), [task, style]);
  const dirty = content !== savedContent;
  const autosave = useDraftAutosave(`task:${info.id}`, dirty && !readOnly ? { taskId: info.id, kind: 'arc', name: task.name, content } : null);
  const issues = useMemo(() => validateTask(task), [task]);

  // Keep the active grid pointing at something that exists after pairs are deleted.
  const pairs = task[active.split];
  const ref: GridRef = pairs.length === 0
    ? { split: active.split === 'train' ? 'test' : 'train', pair: 0, side: active.side }
    : { ...active, pair: Math.min(active.pair, pairs.length - 1) };
  const grid = gridAt(task, ref);
  const cellSize = ZOOMS[zoom];

  useEffect(() => { setSelection(null); setPasting(false); }, [ref.split, ref.pair, ref.side]);
  useEffect(() => { if (grid) setSizeText({ rows: String(gridRows(grid)), cols: String(gridCols(grid)) }); }, [grid && gridRows(grid), grid && gridCols(grid), ref.split, ref.pair, ref.side]);
  useEffect(() => setNameText(task.name), [task.name]);

  const edit = useCallback((op: EditOp) => dispatch({ type: 'edit', op }), []);
  const onGridEdit = (target: GridRef) => (gridEdit: GridEdit) => {
    edit({ ...gridEdit, ref: target });
    if (gridEdit.kind === 'paste') setPasting(false);
  };

  function copySelection() {
    if (!grid) return;
    const copied = copyRect(grid, selection ?? undefined);
    if (copied) {
      setClipboard(copied);
      setMessage({ kind: 'info', text: `Copied ${copied.rows}×${copied.cols} cells. Press V to paste: the preview follows the pointer, click to place, Esc cancels.` });
    }
  }

  function startPaste() {
    if (!clipboard || readOnly) return;
    setPasting(true);
  }

  /** Enter places the paste at the hovered cell, else at the selection's corner, else at the top-left. */
  function placePaste() {
    if (!clipboard || !pasting) return;
    const at = hover ?? (selection ? { row: selection.top, col: selection.left } : { row: 0, col: 0 });
    edit({ kind: 'paste', ref, clipboard, at });
    setPasting(false);
  }

  function transform(kind: Transform) {
    if (!grid) return;
    edit({ kind: 'transform', ref, transform: kind, ...(selection ? { area: selection } : {}) });
    if (selection) setSelection(clipRect(grid, transformedRect(selection, kind)));
  }

  function shift(dRows: number, dCols: number) {
    edit({ kind: 'shift', ref, dRows, dCols, options: { wrap: wrapShift }, ...(selection ? { area: selection } : {}) });
  }

  function pickColour(value: number) {
    setColour(value);
    if (tool === 'select' && selection && !readOnly) edit({ kind: 'fillRect', ref, colour: value, area: selection });
  }

  function requestResize() {
    if (!grid) return;
    const rows = Number(sizeText.rows);
    const cols = Number(sizeText.cols);
    if (!isValidSize(rows, cols)) {
      setMessage({ kind: 'error', text: `A grid is 1×1 to ${MAX_SIDE}×${MAX_SIDE}; ${sizeText.rows}×${sizeText.cols} is not possible.` });
      return;
    }
    const lost = cellsLostByResize(grid, rows, cols);
    if (lost > 0) setPendingResize({ rows, cols, lost });
    else edit({ kind: 'resize', ref, rows, cols });
  }

  async function save(): Promise<boolean> {
    try {
      const saved = await api.library.saveTask({ setId: set.id, taskId: info.id, name: task.name, content });
      setSavedContent(saved.content);
      await api.drafts.delete({ key: `task:${info.id}` });
      setMessage({ kind: 'info', text: 'Saved to the library.' });
      return true;
    } catch (error) {
      setMessage({ kind: 'error', text: `Not saved: ${error instanceof Error ? error.message : String(error)}` });
      return false;
    }
  }

  function exportTask() {
    downloadText(`${safeFileName(task.name)}.json`, content);
    setReview(null);
  }

  async function trainOnSet() {
    setReview(null);
    if (dirty && !(await save())) return;
    try {
      const prepared = await api.library.prepareTraining({ setId: set.id });
      const query: Record<string, string> = { preset: prepared.preset };
      for (const [path, value] of Object.entries(prepared.overrides)) query[`o.${path}`] = value;
      navigate(formatRoute(['runs', 'new'], query));
    } catch (error) {
      setMessage({ kind: 'error', text: error instanceof Error ? error.message : String(error) });
    }
  }

  // Keyboard: 0–9 colours, D/F/S tools, C/V copy/paste, Enter/Esc for the paste, arrows shift, G grid lines,
  // Delete clears, Ctrl+Z undo, Ctrl+Shift+Z / Ctrl+Y redo.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT')) return;
      // A dialog is open: its keys (Escape, Enter on its buttons) are its own, and the grid behind stays as it is.
      if (runModel || review || pendingResize) return;
      const key = event.key.toLowerCase();
      const mod = event.ctrlKey || event.metaKey;
      let handled = true;
      if (mod && key === 'z' && !event.shiftKey) dispatch({ type: 'undo' });
      else if (mod && (key === 'y' || (key === 'z' && event.shiftKey))) dispatch({ type: 'redo' });
      else if (key === 'c' && !event.altKey) copySelection();
      else if (key === 'v' && !event.altKey) startPaste();
      else if (mod) handled = false;
      else if (/^[0-9]$/.test(event.key)) pickColour(Number(event.key));
      else if (key === 'd' || key === 'p') setTool('pencil');
      else if (key === 'f') setTool('fill');
      else if (key === 's') setTool('select');
      else if (key === 'g') setShowGridLines((on) => !on);
      else if (key === 'enter' && pasting) placePaste(); // otherwise Enter activates the focused button
      else if (key === 'escape') { setPasting(false); setSelection(null); }
      else if ((key === 'delete' || key === 'backspace') && !readOnly) edit({ kind: 'clear', ref, ...(selection ? { area: selection } : {}) });
      else if (key.startsWith('arrow') && !readOnly) shift(key === 'arrowup' ? -1 : key === 'arrowdown' ? 1 : 0, key === 'arrowleft' ? -1 : key === 'arrowright' ? 1 : 0);
      else handled = false;
      if (handled) event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const errorCount = issues.filter((issue) => issue.severity === 'error').length;
  const pair = task[ref.split][ref.pair];
  const gridPanel = (side: 'input' | 'output') => {
    const target: GridRef = { split: ref.split, pair: ref.pair, side };
    const cells = pair?.[side];
    const isActive = ref.side === side;
    return (
      <div className={`grid-panel ${isActive ? 'active' : ''}`}>
        <div className="grid-panel-header">
          <span className="grid-title">{side === 'input' ? 'Input' : 'Output'}</span>
          {cells && <span className="size-label" data-testid={`size-${side}`}>{gridCols(cells)}×{gridRows(cells)} <span className="muted">(w×h)</span></span>}
          {side === 'output' && cells && ref.split === 'test' && !readOnly && (
            <button className="small link" onClick={() => edit({ kind: 'removeTestOutput', pair: ref.pair })} title="Make this an unlabelled test input">Remove output</button>
          )}
        </div>
        {cells ? (
          <EditableGrid
            grid={cells} cellSize={cellSize} showGridLines={showGridLines} tool={tool} colour={colour} active={isActive} readOnly={readOnly}
            selection={isActive ? selection : null} pasting={isActive && pasting ? clipboard : null} label={`${ref.split} ${ref.pair + 1} ${side}`}
            onActivate={() => setActive(target)} onEdit={onGridEdit(target)} onStrokeEnd={() => dispatch({ type: 'endStroke' })}
            onSelectionChange={setSelection} onHover={isActive ? setHover : undefined}
          />
        ) : (
          <div className="missing-output">
            <p className="muted">No output: an unlabelled test input.</p>
            {!readOnly && pair && <button onClick={() => edit({ kind: 'setGrid', ref: target, grid: newGrid(gridRows(pair.input), gridCols(pair.input)) })}>Add output</button>}
          </div>
        )}
      </div>
    );
  };

  return (
    <div className="page arc-editor">
      <header className="page-header editor-header">
        <h1>
          <a href={formatRoute(['library'], { set: String(set.id) })} className="crumb">{set.name}</a> /
          <input className="task-name-input" aria-label="Task name" value={nameText} disabled={readOnly} onChange={(e) => setNameText(e.target.value)}
            onBlur={() => { if (nameText.trim() && nameText !== task.name) edit({ kind: 'rename', name: nameText.trim() }); else setNameText(task.name); }}
            onKeyDown={(e) => { if (e.key === 'Enter') (e.target as HTMLInputElement).blur(); }} />
        </h1>
        <div className="button-row">
          <span className="save-state muted small" data-testid="save-state">
            {readOnly ? 'Read-only shared task' : !dirty ? 'Saved' : autosave.error ? `Autosave failed: ${autosave.error}` : autosave.pending ? 'Autosaving…' : 'Unsaved changes (draft autosaved)'}
          </span>
          <button onClick={() => dispatch({ type: 'undo' })} disabled={!canUndo(state)} title={`Undo ${undoLabel(state) ?? ''} (Ctrl+Z)`}>↶ Undo</button>
          <button onClick={() => dispatch({ type: 'redo' })} disabled={!canRedo(state)} title={`Redo ${redoLabel(state) ?? ''} (Ctrl+Shift+Z)`}>↷ Redo</button>
          <a className="button" href={formatRoute(['editor', info.id], { mode: 'solve' })}>Solve</a>
          <button onClick={() => setReview('export')}>Review &amp; export</button>
          <button onClick={() => setRunModel(true)} disabled={task.test.length === 0}>Run a model…</button>
          {!readOnly && <button onClick={() => setReview('train')}>Train on this set</button>}
          {!readOnly && <button className="primary" onClick={() => void save()} disabled={!dirty}>Save</button>}
        </div>
      </header>
      {message && (
        <div className={message.kind === 'error' ? 'error-banner' : 'info-banner'} role={message.kind === 'error' ? 'alert' : 'status'}>
          {message.text} <button className="link small" onClick={() => setMessage(null)}>Dismiss</button>
        </div>
      )}

      <div className="editor-layout">
        <aside className="pair-list panel" aria-label="Pairs">
          {(['train', 'test'] as Split[]).map((split) => (
            <section key={split}>
              <h2>{split === 'train' ? 'Train pairs' : 'Test pairs'} <span className="muted">{task[split].length}</span></h2>
              {task[split].map((p, index) => (
                <div key={index} className={`pair-item ${ref.split === split && ref.pair === index ? 'selected' : ''}`} data-testid={`pair-${split}-${index}`}
                  onClick={() => setActive({ split, pair: index, side: ref.side })}>
                  <span className="pair-index">{index + 1}</span>
                  <span className="pair-thumbs">
                    <Grid cells={p.input} cellSize={thumbCell(p.input)} showGridLines={false} />
                    <span className="muted">→</span>
                    {p.output ? <Grid cells={p.output} cellSize={thumbCell(p.output)} showGridLines={false} /> : <span className="muted small">?</span>}
                  </span>
                  {!readOnly && (
                    <span className="pair-actions" onClick={(e) => e.stopPropagation()}>
                      <button className="small" title="Move up" aria-label={`Move ${split} ${index + 1} up`} disabled={index === 0} onClick={() => { edit({ kind: 'movePair', split, from: index, to: index - 1 }); setActive({ split, pair: index - 1, side: ref.side }); }}>↑</button>
                      <button className="small" title="Move down" aria-label={`Move ${split} ${index + 1} down`} disabled={index === task[split].length - 1} onClick={() => { edit({ kind: 'movePair', split, from: index, to: index + 1 }); setActive({ split, pair: index + 1, side: ref.side }); }}>↓</button>
                      <button className="small" title="Duplicate" aria-label={`Duplicate ${split} ${index + 1}`} onClick={() => edit({ kind: 'duplicatePair', split, pair: index })}>Dup</button>
                      <button className="small danger" title="Delete" aria-label={`Delete ${split} ${index + 1}`} onClick={() => edit({ kind: 'deletePair', split, pair: index })}>✕</button>
                    </span>
                  )}
                </div>
              ))}
              {!readOnly && (
                <button className="small add-pair" onClick={() => { edit({ kind: 'addPair', split }); setActive({ split, pair: task[split].length, side: 'input' }); }}>
                  + Add {split} pair
                </button>
              )}
            </section>
          ))}
        </aside>

        <section className="canvas-area panel" aria-label="Selected pair">
          <div className="canvas-title">
            <h2>{ref.split === 'train' ? 'Train' : 'Test'} pair {ref.pair + 1}</h2>
            {!readOnly && <button className="small" onClick={() => edit({ kind: 'copyInputToOutput', split: ref.split, pair: ref.pair })}>Copy input → output</button>}
          </div>
          {pair ? <div className="pair-grids">{gridPanel('input')}<span className="pair-arrow">→</span>{gridPanel('output')}</div> : <p className="muted">This task has no pairs yet.</p>}
          <div className="status-line muted small">
            {[
              hover && `row ${hover.row}, column ${hover.col}`,
              selection && `selection ${selection.cols}×${selection.rows}`,
              clipboard && `clipboard ${clipboard.cols}×${clipboard.rows}`,
              pasting && 'pasting: click to place, Enter at the pointer, Esc cancels',
            ].filter(Boolean).join(' · ') || 'Keys: 0–9 colour · D pencil · F fill · S select · C/V copy/paste · arrows shift · G grid lines · Ctrl+Z / Ctrl+Shift+Z'}
          </div>
        </section>

        <aside className="tool-panel panel" aria-label="Tools">
          <h2>Tools</h2>
          <div className="tool-buttons" role="radiogroup" aria-label="Tool">
            {TOOLS.map((t) => (
              <button key={t.tool} role="radio" aria-checked={tool === t.tool} className={tool === t.tool ? 'on' : ''} title={`${t.hint} (${t.key})`}
                onClick={() => setTool(t.tool)} disabled={readOnly}>
                {t.label} <kbd>{t.key}</kbd>
              </button>
            ))}
          </div>
          <p className="muted small tool-hint">{TOOLS.find((t) => t.tool === tool)?.hint}</p>
          <div className="palette" role="radiogroup" aria-label="Colour">
            {ARC_PALETTE.map((hex, value) => (
              <button key={value} role="radio" aria-checked={colour === value} aria-label={`colour ${value} ${ARC_COLOUR_NAMES[value]}`} title={`${value} ${ARC_COLOUR_NAMES[value]}`}
                className={`palette-swatch ${colour === value ? 'on' : ''}`} style={{ background: hex }} onClick={() => pickColour(value)}>
                <span>{value}</span>
              </button>
            ))}
          </div>

          <h2>Selection &amp; clipboard</h2>
          <div className="button-row">
            <button className="small" onClick={copySelection} disabled={!grid}>Copy <kbd>C</kbd></button>
            <button className="small" onClick={startPaste} disabled={!clipboard || readOnly}>Paste <kbd>V</kbd></button>
            <button className="small" onClick={() => selection && edit({ kind: 'fillRect', ref, colour, area: selection })} disabled={!selection || readOnly}>Fill selection</button>
            <button className="small" onClick={() => edit({ kind: 'clear', ref, ...(selection ? { area: selection } : {}) })} disabled={readOnly || !grid}>{selection ? 'Clear selection' : 'Clear grid'}</button>
          </div>

          <h2>Transform <span className="muted">{selection ? 'selection' : 'grid'}</span></h2>
          <div className="button-row">
            <button className="small" onClick={() => transform('rotate270')} disabled={readOnly || !grid} title="Rotate counter-clockwise">⟲ Rotate</button>
            <button className="small" onClick={() => transform('rotate90')} disabled={readOnly || !grid} title="Rotate clockwise">⟳ Rotate</button>
            <button className="small" onClick={() => transform('flipHorizontal')} disabled={readOnly || !grid} title="Mirror left↔right">⇆ Flip</button>
            <button className="small" onClick={() => transform('flipVertical')} disabled={readOnly || !grid} title="Mirror top↔bottom">⇅ Flip</button>
          </div>
          <div className="button-row shift-row">
            <span className="muted small">Shift</span>
            <button className="small" aria-label="Shift left" onClick={() => shift(0, -1)} disabled={readOnly || !grid}>←</button>
            <button className="small" aria-label="Shift up" onClick={() => shift(-1, 0)} disabled={readOnly || !grid}>↑</button>
            <button className="small" aria-label="Shift down" onClick={() => shift(1, 0)} disabled={readOnly || !grid}>↓</button>
            <button className="small" aria-label="Shift right" onClick={() => shift(0, 1)} disabled={readOnly || !grid}>→</button>
            <label className="checkbox small"><input type="checkbox" checked={wrapShift} onChange={(e) => setWrapShift(e.target.checked)} /> wrap</label>
          </div>

          <h2>Size <span className="muted">{ref.split} {ref.pair + 1} {ref.side}</span></h2>
          <form className="resize-row" onSubmit={(e) => { e.preventDefault(); requestResize(); }}>
            <label>W <input aria-label="Width" value={sizeText.cols} onChange={(e) => setSizeText({ ...sizeText, cols: e.target.value })} disabled={readOnly || !grid} /></label>
            <label>H <input aria-label="Height" value={sizeText.rows} onChange={(e) => setSizeText({ ...sizeText, rows: e.target.value })} disabled={readOnly || !grid} /></label>
            <button className="small" type="submit" disabled={readOnly || !grid}>Resize</button>
          </form>

          <h2>View</h2>
          <div className="button-row">
            <label className="checkbox small"><input type="checkbox" checked={showGridLines} onChange={(e) => setShowGridLines(e.target.checked)} /> Grid lines <kbd>G</kbd></label>
            <button className="small" aria-label="Zoom out" onClick={() => setZoom((z) => Math.max(0, z - 1))} disabled={zoom === 0}>−</button>
            <span className="small">{cellSize}px</span>
            <button className="small" aria-label="Zoom in" onClick={() => setZoom((z) => Math.min(ZOOMS.length - 1, z + 1))} disabled={zoom === ZOOMS.length - 1}>+</button>
          </div>

          <h2>Validation <span className="muted">{errorCount} error{errorCount === 1 ? '' : 's'}, {issues.length - errorCount} warning{issues.length - errorCount === 1 ? '' : 's'}</span></h2>
          <ValidationList issues={issues} />
        </aside>
      </div>

      {runModel && <RunModelDialog kind="arc" puzzleText={content} puzzleName={task.name} testCount={task.test.length} onClose={() => setRunModel(false)} />}
      {pendingResize && (
        <ConfirmDialog
          title="Resize and lose cells?"
          message={`Resizing this grid to ${pendingResize.cols}×${pendingResize.rows} (w×h) removes ${pendingResize.lost} coloured cell${pendingResize.lost === 1 ? '' : 's'} outside the new size. Undo brings them back.`}
          confirmLabel="Resize"
          onConfirm={() => { edit({ kind: 'resize', ref, rows: pendingResize.rows, cols: pendingResize.cols }); setPendingResize(null); }}
          onCancel={() => setPendingResize(null)}
        />
      )}
      {review && (
        <div className="modal-backdrop" onClick={() => setReview(null)}>
          <div className="modal review-modal" role="dialog" aria-modal="true" aria-labelledby="review-title" onClick={(e) => e.stopPropagation()}>
            <h2 id="review-title">{review === 'export' ? 'Review before export' : 'Review before training'}</h2>
            {issues.length === 0 ? <p>No problems found.</p> : <ValidationList issues={issues} />}
            {errorCount > 0 && <p className="field-error">Fix the errors first: a task with errors is not valid ARC.</p>}
            <div className="button-row right">
              <button onClick={() => setReview(null)}>Cancel</button>
              {review === 'export'
                ? <button className="primary" disabled={errorCount > 0} onClick={exportTask}>Download {safeFileName(task.name)}.json</button>
                : <button className="primary" disabled={errorCount > 0} onClick={() => void trainOnSet()}>Train on “{set.name}”</button>}
            </div>
          </div>
        </div>
      )}
    </div>
  );
}

/** Thumbnail cell size: a 30-wide grid gets 2px cells, a 3-wide one 8px. */
const thumbCell = (cells: readonly (readonly number[])[]): number => Math.max(2, Math.min(8, Math.floor(48 / Math.max(cells.length, cells[0]?.length ?? 1))));
