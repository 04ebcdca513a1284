// Maze editor: paint walls and open cells by dragging, place the start and the goal; the shortest path is
// shown live (puzzles.mazeStatus). Stored as rows of '#', ' ', 'S', 'G'.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { MazeStatusInfo, TaskInfo, TaskSetInfo } from '../../preload/contract.ts';
import { formatRoute } from '../app/route.ts';
import { useApi } from '../app/workbench.tsx';
import { useDraftAutosave } from './use-autosave.ts';

type MazeTool = '#' | ' ' | 'S' | 'G';
const MAZE_TOOLS: { tool: MazeTool; label: string }[] = [{ tool: '#', label: 'Wall' }, { tool: ' ', label: 'Open' }, { tool: 'S', label: 'Start' }, { tool: 'G', label: 'Goal' }];
const CELL = 22;

const rowsOf = (text: string): string[][] => text.split('\n').filter((line, i, all) => line.length > 0 || i < all.length - 1).map((line) => [...line.replace(/o/g, ' ')]);

export function MazeEditor({ info, set, initialText, restoredAt }: { info: TaskInfo; set: TaskSetInfo; initialText: string; restoredAt: number | null }) {
  const api = useApi();
  const [rows, setRows] = useState(() => rowsOf(initialText));
  const [tool, setTool] = useState<MazeTool>('#');
  const [name, setName] = useState(info.name);
  const [saved, setSaved] = useState(info.content);
  const [status, setStatus] = useState<MazeStatusInfo | null>(null);
  const [message, setMessage] = useState<string | null>(restoredAt ? `Restored unsaved changes autosaved at ${new Date(restoredAt).toLocaleTimeString()}.` : null);
  const dragging = useRef(false);
  const text = useMemo(() => rows.map((r) => r.join('')).join('\n'), [rows]);
  const dirty = text !== saved || name !== info.name;
  const autosave = useDraftAutosave(`task:${info.id}`, dirty && !set.readOnly ? { taskId: info.id, kind: 'maze', name, content: text } : null);

  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(() => api.puzzles.mazeStatus({ text }).then((s) => { if (!cancelled) setStatus(s); }, () => {}), 100);
    return () => { cancelled = true; clearTimeout(timer); };
  }, [api, text]);

  const path = useMemo(() => new Set((status?.solution ?? '').split('\n').flatMap((line, r) => [...line].flatMap((c, col) => (c === 'o' ? [`${r},${col}`] : [])))), [status]);

  function paint(r: number, c: number) {
    if (set.readOnly) return;
    setRows((previous) => previous.map((row, ri) => row.map((cell, ci) => {
      if (ri === r && ci === c) return tool;
      if ((tool === 'S' || tool === 'G') && cell === tool) return ' '; // one start, one goal
      return cell;
    })));
  }

  function resize(size: number) {
    setRows(Array.from({ length: size }, (_, r) => Array.from({ length: size }, (_, c) =>
      r === 0 || c === 0 || r === size - 1 || c === size - 1 ? '#' : r === 1 && c === 1 ? 'S' : r === size - 2 && c === size - 2 ? 'G' : ' ')));
  }

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

  return (
    <div className="page puzzle-editor">
      <header className="page-header">
        <h1><a href={formatRoute(['library'], { set: String(set.id) })} className="crumb">{set.name}</a> /
          <input className="task-name-input" aria-label="Task name" value={name} disabled={set.readOnly} onChange={(e) => setName(e.target.value)} /></h1>
        <div className="button-row">
          <span className="muted small" data-testid="save-state">{!dirty ? 'Saved' : autosave.pending ? 'Autosaving…' : 'Unsaved changes (draft autosaved)'}</span>
          <label className="small">New empty <select aria-label="Maze size" value="" onChange={(e) => e.target.value && resize(Number(e.target.value))} disabled={set.readOnly}>
            <option value="">size…</option>{[7, 9, 11, 15, 21, 30].map((n) => <option key={n} value={n}>{n}×{n}</option>)}
          </select></label>
          <button className="primary" onClick={() => void save()} disabled={!dirty || set.readOnly}>Save</button>
        </div>
      </header>
      {message && <div className="info-banner" role="status">{message} <button className="link small" onClick={() => setMessage(null)}>Dismiss</button></div>}
      <div className="puzzle-layout">
        <div>
          <div className="tool-buttons button-row" role="radiogroup" aria-label="Maze tool">
            {MAZE_TOOLS.map((t) => <button key={t.label} role="radio" aria-checked={tool === t.tool} className={tool === t.tool ? 'on' : ''} onClick={() => setTool(t.tool)}>{t.label}</button>)}
          </div>
          <svg className="maze-board" width={(rows[0]?.length ?? 0) * CELL} height={rows.length * CELL} onPointerUp={() => { dragging.current = false; }} onPointerLeave={() => { dragging.current = false; }}>
            {rows.flatMap((row, r) => row.map((cell, c) => (
              <rect key={`${r}-${c}`} x={c * CELL} y={r * CELL} width={CELL - 1} height={CELL - 1}
                className={`maze-cell ${cell === '#' ? 'wall' : cell === 'S' ? 'start' : cell === 'G' ? 'goal' : path.has(`${r},${c}`) ? 'path' : 'open'}`}
                onPointerDown={() => { dragging.current = tool === '#' || tool === ' '; paint(r, c); }}
                onPointerEnter={() => { if (dragging.current) paint(r, c); }} />
            )))}
          </svg>
        </div>
        <section className="panel puzzle-status" aria-live="polite">
          <h2>Checks</h2>
          {!status ? <p className="muted">Checking…</p> : status.errors.length > 0
            ? <ul className="validation-list">{status.errors.map((e) => <li key={e} className="issue-error">{e}</li>)}</ul>
            : <ul className="validation-list" data-testid="maze-status"><li>✓ Shortest path: {status.shortestPath} moves</li><li className={status.uniquePath ? '' : 'issue-warning'}>{status.uniquePath ? '✓ The shortest path is unique' : 'Several shortest paths (ambiguous label)'}</li></ul>}
        </section>
      </div>
    </div>
  );
}
