// Solve mode, like the official ARC testing interface: the demonstration pairs, then each test input with an
// output grid to build (copy from input, resize, reset, paint, flood fill) and Submit with two attempts.
import { useMemo, useReducer, useState } from 'react';
import type { TaskInfo, TaskSetInfo } from '../../preload/contract.ts';
import { Grid } from '../common/Grid.tsx';
import { ARC_COLOUR_NAMES, ARC_PALETTE } from '../common/palette.ts';
import { formatRoute } from '../app/route.ts';
import { EditableGrid, type Tool } from './EditableGrid.tsx';
import { applyToState, createEditorState, gridCols, gridRows, gridsEqual, isValidSize, newGrid, undoState, type EditOp, type EditorState, type EditorTask, type GridRef, type Rect } from './model/index.ts';

/** Attempts per test input (ARC-AGI-2's rule). */
export const ATTEMPTS = 2;
const OUTPUT: GridRef = { split: 'test', pair: 0, side: 'output' };

type Action = { type: 'edit'; op: EditOp } | { type: 'undo' } | { type: 'reset'; input: number[][] };

function reducer(state: EditorState, action: Action): EditorState {
  if (action.type === 'undo') return undoState(state);
  if (action.type === 'reset') return createEditorState(scratch(action.input));
  try {
    return applyToState(state, action.op);
  } catch {
    return state;
  }
}

/** The answer being built lives in a one-pair scratch task so every editor operation applies unchanged. */
const scratch = (input: number[][]): EditorTask => ({ name: 'attempt', train: [], test: [{ input, output: newGrid(3, 3) }] });

export function SolveView({ info, set, task }: { info: TaskInfo; set: TaskSetInfo; task: EditorTask }) {
  const [testIndex, setTestIndex] = useState(0);
  const test = task.test[testIndex];
  const [state, dispatch] = useReducer(reducer, test?.input ?? [[0]], (input) => createEditorState(scratch(input)));
  const [tool, setTool] = useState<Tool>('pencil');
  const [colour, setColour] = useState(1);
  const [selection, setSelection] = useState<Rect | null>(null);
  const [size, setSize] = useState({ w: '3', h: '3' });
  const [results, setResults] = useState<Record<number, boolean[]>>({});
  const attempt = state.task.test[0].output!;
  const tried = results[testIndex] ?? [];
  const solved = tried.includes(true);
  const left = ATTEMPTS - tried.length;
  const edit = (op: EditOp) => dispatch({ type: 'edit', op });
  const cellSize = useMemo(() => (test ? Math.max(10, Math.min(28, Math.floor(360 / Math.max(gridRows(test.input), gridCols(test.input))))) : 16), [test]);

  function goTo(index: number) {
    setTestIndex(index);
    setSelection(null);
    dispatch({ type: 'reset', input: task.test[index].input });
  }

  function submit() {
    if (!test?.output || solved || left <= 0) return;
    setResults({ ...results, [testIndex]: [...tried, gridsEqual(attempt, test.output)] });
  }

  if (!test) return <div className="page"><p className="muted">This task has no test inputs.</p></div>;
  return (
    <div className="page solve-view">
      <header className="page-header">
        <h1><a href={formatRoute(['library'], { set: String(set.id) })} className="crumb">{set.name}</a> / {task.name} <span className="muted">· solve</span></h1>
        <div className="button-row">
          {!set.readOnly && <a className="button" href={formatRoute(['editor', info.id])}>Edit task</a>}
        </div>
      </header>
      <div className="solve-layout">
        <section className="panel demo-pairs" aria-label="Demonstrations">
          <h2>Demonstrations</h2>
          {task.train.map((pair, index) => (
            <div key={index} className="demo-pair">
              <Grid cells={pair.input} cellSize={fitCell(pair.input, 120)} />
              <span className="muted">→</span>
              <Grid cells={pair.output} cellSize={fitCell(pair.output, 120)} />
            </div>
          ))}
        </section>
        <section className="panel" aria-label="Test input">
          <h2>Test input {testIndex + 1}/{task.test.length}</h2>
          <Grid cells={test.input} cellSize={cellSize} label="test input" />
          <p className="size-label">{gridCols(test.input)}×{gridRows(test.input)}</p>
          {task.test.length > 1 && <button onClick={() => goTo((testIndex + 1) % task.test.length)}>Next test input</button>}
        </section>
        <section className="panel" aria-label="Your answer">
          <h2>Your answer</h2>
          <div className="button-row">
            <button className="small" onClick={() => edit({ kind: 'copyInputToOutput', split: 'test', pair: 0 })}>Copy from input</button>
            <button className="small" onClick={() => dispatch({ type: 'reset', input: test.input })}>Reset grid</button>
            <button className="small" onClick={() => dispatch({ type: 'undo' })}>Undo</button>
            <form className="resize-row inline" onSubmit={(e) => { e.preventDefault(); const w = Number(size.w), h = Number(size.h); if (isValidSize(h, w)) edit({ kind: 'resize', ref: OUTPUT, rows: h, cols: w }); }}>
              <input aria-label="Answer width" value={size.w} onChange={(e) => setSize({ ...size, w: e.target.value })} />×
              <input aria-label="Answer height" value={size.h} onChange={(e) => setSize({ ...size, h: e.target.value })} />
              <button className="small" type="submit">Resize</button>
            </form>
          </div>
          <div className="button-row tool-buttons">
            {(['pencil', 'fill', 'select'] as Tool[]).map((t) => <button key={t} className={`small ${tool === t ? 'on' : ''}`} onClick={() => setTool(t)}>{t === 'pencil' ? 'Edit' : t === 'fill' ? 'Flood fill' : 'Select'}</button>)}
          </div>
          <div className="palette compact">
            {ARC_PALETTE.map((hex, value) => (
              <button key={value} aria-label={`colour ${value} ${ARC_COLOUR_NAMES[value]}`} className={`palette-swatch ${colour === value ? 'on' : ''}`} style={{ background: hex }}
                onClick={() => { setColour(value); if (tool === 'select' && selection) edit({ kind: 'fillRect', ref: OUTPUT, colour: value, area: selection }); }}><span>{value}</span></button>
            ))}
          </div>
          <EditableGrid grid={attempt} cellSize={cellSize} showGridLines tool={tool} colour={colour} active selection={selection} pasting={null} label="answer"
            onActivate={() => {}} onEdit={(e) => edit({ ...e, ref: OUTPUT })} onStrokeEnd={() => {}} onSelectionChange={setSelection} />
          <p className="size-label">{gridCols(attempt)}×{gridRows(attempt)}</p>
          <div className="button-row">
            <button className="primary" onClick={submit} disabled={!test.output || solved || left <= 0}>Submit</button>
            <span data-testid="solve-result" role="status">
              {!test.output ? <span className="muted">No answer is stored for this test input.</span>
                : solved ? <strong className="correct">Correct!</strong>
                : tried.length > 0 ? <strong className="wrong">Wrong — {left} attempt{left === 1 ? '' : 's'} left</strong>
                : <span className="muted">{ATTEMPTS} attempts</span>}
            </span>
          </div>
        </section>
      </div>
    </div>
  );
}

const fitCell = (cells: readonly (readonly number[])[], pixels: number): number => Math.max(3, Math.min(16, Math.floor(pixels / Math.max(cells.length, cells[0]?.length ?? 1))));
