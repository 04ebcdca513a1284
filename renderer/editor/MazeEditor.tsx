// Maze editor: paint walls and open cells by dragging, place the start and the goal; the shortest path is
// shown live (puzzles.mazeStatus). Stored as rows of '#', ' ', 'S', 'G'.
import { useMemo, useRef, useState } from 'react';
import { useApi } from '../app/workbench.tsx';
import { TextTaskEditorPage, useTextTask, type TextTaskEditorProps } from './TextTaskEditor.tsx';

type MazeTool = '#' | ' ' | 'S' | 'G';
const MAZE_TOOLS: { tool: MazeTool; label: string }[] = [{ tool: '#', label: 'Wall' }, { tool: ' ', label: 'Open' }, { tool: 'S', label: 'Start' }, { tool: 'G', label: 'Goal' }];
const CELL = 22;

const rowsOf = (text: string): string[][] => text.split('\n').filter((line, i, all) => line.length > 0 || i < all.length - 1).map((line) => [...line.replace(/o/g, ' ')]);

export function MazeEditor(props: TextTaskEditorProps) {
  const { set, initialText } = props;
  const api = useApi();
  const [rows, setRows] = useState(() => rowsOf(initialText));
  const [tool, setTool] = useState<MazeTool>('#');
  const dragging = useRef(false);
  const text = useMemo(() => rows.map((r) => r.join('')).join('\n'), [rows]);
  const task = useTextTask(props, 'maze', text, (t) => api.puzzles.mazeStatus({ text: t }), 100);

  const path = useMemo(() => new Set((task.status?.solution ?? '').split('\n').flatMap((line, r) => [...line].flatMap((c, col) => (c === 'o' ? [`${r},${col}`] : [])))), [task.status]);

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

  return (
    <TextTaskEditorPage task={task} set={set}
      actions={<label className="small">New empty <select aria-label="Maze size" value="" onChange={(e) => e.target.value && resize(Number(e.target.value))} disabled={set.readOnly}>
        <option value="">size…</option>{[7, 9, 11, 15, 21, 30].map((n) => <option key={n} value={n}>{n}×{n}</option>)}
      </select></label>}
      board={
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
      }
      checks={(status) => status.errors.length > 0
        ? <ul className="validation-list">{status.errors.map((e) => <li key={e} className="issue-error">{e}</li>)}</ul>
        : <ul className="validation-list" data-testid="maze-status"><li>✓ Shortest path: {status.shortestPath} moves</li><li className={status.uniquePath ? '' : 'issue-warning'}>{status.uniquePath ? '✓ The shortest path is unique' : 'Several shortest paths (ambiguous label)'}</li></ul>} />
  );
}
