// Sudoku editor (4×4, 6×6, 9×9): type digits (0 or Backspace blanks a cell) or generate a puzzle with the
// engine's generator; rule violations and the number of solutions are checked live (puzzles.sudokuStatus).
// Stored as rows of digits with '.' for blanks.
import { useMemo, useState } from 'react';
import { useApi } from '../app/workbench.tsx';
import { TextTaskEditorPage, useTextTask, type TextTaskEditorProps } from './TextTaskEditor.tsx';

const BOXES: Record<number, [number, number]> = { 4: [2, 2], 6: [2, 3], 9: [3, 3] };

const cellsOf = (text: string): string[] => [...text.replace(/\s+/g, '')];
const textOf = (cells: readonly string[], side: number): string =>
  Array.from({ length: side }, (_, r) => cells.slice(r * side, (r + 1) * side).join('')).join('\n');

export function SudokuEditor(props: TextTaskEditorProps) {
  const { set, initialText } = props;
  const api = useApi();
  const [cells, setCells] = useState(() => cellsOf(initialText).map((c) => (c === '0' ? '.' : c)));
  const side = Math.round(Math.sqrt(cells.length));
  const [boxRows, boxCols] = BOXES[side] ?? [3, 3];
  const text = useMemo(() => textOf(cells, side), [cells, side]);
  const task = useTextTask(props, 'sudoku', text, (t) => api.puzzles.sudokuStatus({ text: t }), 120);

  const conflicts = new Set(task.status?.conflicts ?? []);
  const setCell = (index: number, value: string) => setCells((previous) => previous.map((c, i) => (i === index ? value : c)));

  async function generate(size: number) {
    const { puzzle } = await api.puzzles.sudokuGenerate({ side: size as 4 | 6 | 9 });
    setCells(cellsOf(puzzle));
  }

  return (
    <TextTaskEditorPage task={task} set={set}
      actions={<>
        {[4, 6, 9].map((n) => <button key={n} onClick={() => void generate(n)} disabled={set.readOnly}>Generate {n}×{n}</button>)}
        <button onClick={() => setCells(cells.map(() => '.'))} disabled={set.readOnly}>Clear</button>
      </>}
      board={
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
      }
      checks={(status) => status.error ? <p className="field-error">{status.error}</p> : (
        <ul className="validation-list" data-testid="sudoku-status">
          <li className={conflicts.size > 0 ? 'issue-error' : ''}>{conflicts.size > 0 ? `${conflicts.size} cells break a row, column or box rule` : '✓ No rule violations'}</li>
          <li className={status.solutionCount === 1 ? '' : 'issue-warning'}>
            {status.solutionCount === 1 ? '✓ Exactly one solution' : status.solutionCount === 0 ? 'No solution' : 'More than one solution (add givens)'}
          </li>
          <li className="muted">{cells.filter((c) => c === '.').length} blanks of {cells.length}</li>
        </ul>
      )} />
  );
}
