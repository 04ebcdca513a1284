// Sudoku editor (4×4, 6×6, 9×9): type digits (0 or Backspace blanks a cell) or generate a puzzle with the
// engine's generator; rule violations and the number of solutions are checked live (puzzles.sudokuStatus).
// Stored as rows of digits with '.' for blanks.
import { useEffect, useMemo, useState } from 'react';
import type { SudokuStatusInfo, TaskInfo, TaskSetInfo } from '../../preload/contract.ts';
import { formatRoute } from '../app/route.ts';
import { useApi } from '../app/workbench.tsx';
import { useDraftAutosave } from './use-autosave.ts';

const BOXES: Record<number, [number, number]> = { 4: [2, 2], 6: [2, 3], 9: [3, 3] };

const cellsOf = (text: string): string[] => [...text.replace(/\s+/g, '')];
const textOf = (cells: readonly string[], side: number): string =>
  Array.from({ length: side }, (_, r) => cells.slice(r * side, (r + 1) * side).join('')).join('\n');

export function SudokuEditor({ info, set, initialText, restoredAt }: { info: TaskInfo; set: TaskSetInfo; initialText: string; restoredAt: number | null }) {
  const api = useApi();
  const [cells, setCells] = useState(() => cellsOf(initialText).map((c) => (c === '0' ? '.' : c)));
  const side = Math.round(Math.sqrt(cells.length));
  const [boxRows, boxCols] = BOXES[side] ?? [3, 3];
  const [name, setName] = useState(info.name);
  const [saved, setSaved] = useState(info.content);
  const [status, setStatus] = useState<SudokuStatusInfo | null>(null);
  const [message, setMessage] = useState<string | null>(restoredAt ? `Restored unsaved changes autosaved at ${new Date(restoredAt).toLocaleTimeString()}.` : null);
  const text = useMemo(() => textOf(cells, side), [cells, side]);
  const dirty = text !== saved || name !== info.name;
  const autosave = useDraftAutosave(`task:${info.id}`, dirty && !set.readOnly ? { taskId: info.id, kind: 'sudoku', name, content: text } : null);

  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(() => api.puzzles.sudokuStatus({ text }).then((s) => { if (!cancelled) setStatus(s); }, () => {}), 120);
    return () => { cancelled = true; clearTimeout(timer); };
  }, [api, text]);

  const conflicts = new Set(status?.conflicts ?? []);
  const setCell = (index: number, value: string) => setCells((previous) => previous.map((c, i) => (i === index ? value : c)));

  async function generate(size: number) {
    const { puzzle } = await api.puzzles.sudokuGenerate({ side: size as 4 | 6 | 9 });
    setCells(cellsOf(puzzle));
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
          {[4, 6, 9].map((n) => <button key={n} onClick={() => void generate(n)} disabled={set.readOnly}>Generate {n}×{n}</button>)}
          <button onClick={() => setCells(cells.map(() => '.'))} disabled={set.readOnly}>Clear</button>
          <button className="primary" onClick={() => void save()} disabled={!dirty || set.readOnly}>Save</button>
        </div>
      </header>
      {message && <div className="info-banner" role="status">{message} <button className="link small" onClick={() => setMessage(null)}>Dismiss</button></div>}
      <div className="puzzle-layout">
        <div className={`sudoku-board side-${side}`} style={{ gridTemplateColumns: `repeat(${side}, 40px)` }}>
          {cells.map((value, index) => {
            const row = Math.floor(index / side);
            const col = index % side;
            const edges = `${row % boxRows === 0 ? ' box-top' : ''}${col % boxCols === 0 ? ' box-left' : ''}${row === side - 1 ? ' box-bottom' : ''}${col === side - 1 ? ' box-right' : ''}`;
            return (
              <input key={index} className={`sudoku-cell${edges}${conflicts.has(index) ? ' conflict' : ''}`} aria-label={`row ${row + 1} column ${col + 1}`}
                value={value === '.' ? '' : value} inputMode="numeric" maxLength={1} disabled={set.readOnly}
                onChange={(e) => {
                  const digit = e.target.value.slice(-1);
                  if (digit === '' || digit === '0') setCell(index, '.');
                  else if (/^[1-9]$/.test(digit) && Number(digit) <= side) setCell(index, digit);
                }} />
            );
          })}
        </div>
        <section className="panel puzzle-status" aria-live="polite">
          <h2>Checks</h2>
          {!status ? <p className="muted">Checking…</p>
            : status.error ? <p className="field-error">{status.error}</p>
            : (
              <ul className="validation-list" data-testid="sudoku-status">
                <li className={conflicts.size > 0 ? 'issue-error' : ''}>{conflicts.size > 0 ? `${conflicts.size} cells break a row, column or box rule` : '✓ No rule violations'}</li>
                <li className={status.solutionCount === 1 ? '' : 'issue-warning'}>
                  {status.solutionCount === 1 ? '✓ Exactly one solution' : status.solutionCount === 0 ? 'No solution' : 'More than one solution (add givens)'}
                </li>
                <li className="muted">{cells.filter((c) => c === '.').length} blanks of {cells.length}</li>
              </ul>
            )}
        </section>
      </div>
    </div>
  );
}
