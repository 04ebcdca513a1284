// The step viewer (renderer/viewer), the workbench's `VIZ=1`: watch a TRM refine its answer y and latent z over
// the N_sup supervision steps of one puzzle. Routes (routes.ts): a start page to trace a pasted/uploaded puzzle
// or pick a recent trace, one trace (TraceView), two traces side by side (PairView), and a run's evaluation set
// (DatasetView). Traces are computed by the backend (traces.* channels) and fetched once.
import { useEffect, useState } from 'react';
import type { CheckpointInfo, RunSummaryInfo, TraceDetail, TraceInfo } from '../../preload/contract.ts';
import { formatDateTime } from '../common/format.ts';
import { parseIdList, type Route } from '../app/route.ts';
import { navigate, useApi } from '../app/workbench.tsx';
import { DatasetView } from './DatasetView.tsx';
import { PairView } from './PairView.tsx';
import { viewerHash } from './routes.ts';
import { shortKey, TraceView } from './TraceView.tsx';
import './viewer.css';

export function ViewerPage({ route }: { route: Route }) {
  const q = route.query;
  const traceId = Number(q.get('trace'));
  const withId = Number(q.get('with'));
  const runs = parseIdList(q.get('runs'));
  const runId = Number(q.get('run'));
  let body;
  let title = 'Step viewer';
  if (runs.length >= 1 && q.get('puzzle')) {
    body = <RunsOnPuzzle runIds={runs} puzzleKey={q.get('puzzle')!} checkpoints={(q.get('checkpoints') ?? '').split(',').filter(Boolean)} />;
  } else if (traceId > 0 && withId > 0) {
    body = <PairLoader a={traceId} b={withId} />;
  } else if (traceId > 0) {
    body = <SingleTrace traceId={traceId} />;
  } else if (runId > 0 && q.get('dataset')) {
    title = 'Step viewer · dataset';
    const evaluation = Number(q.get('dataset'));
    body = <DatasetView key={`${runId}-${q.get('dataset')}`} runId={runId} evaluationId={evaluation > 0 ? evaluation : undefined} />;
  } else {
    body = <StartPage initialRunId={runId > 0 ? runId : null} />;
  }
  return (
    <div className="page viewer-page">
      <header className="page-header">
        <h1>{traceId > 0 || runs.length > 0 || q.get('dataset') ? <><a href="#/viewer" className="crumb">Step viewer</a> / {title === 'Step viewer' ? (withId > 0 || runs.length > 0 ? 'side by side' : `trace ${traceId}`) : 'dataset'}</> : title}</h1>
      </header>
      {body}
    </div>
  );
}

function useTrace(traceId: number): { trace: TraceDetail | null; error: string | null } {
  const api = useApi();
  const [state, setState] = useState<{ trace: TraceDetail | null; error: string | null }>({ trace: null, error: null });
  useEffect(() => {
    setState({ trace: null, error: null });
    api.traces.get({ traceId }).then((trace) => setState({ trace, error: null }), (e: Error) => setState({ trace: null, error: e.message }));
  }, [api, traceId]);
  return state;
}

function SingleTrace({ traceId }: { traceId: number }) {
  const { trace, error } = useTrace(traceId);
  if (error) return <div className="error-banner" role="alert">{error}</div>;
  if (!trace) return <p className="muted">Loading trace {traceId}…</p>;
  return (
    <>
      <TraceView key={trace.info.id} trace={trace} />
      <ComparePicker trace={trace} />
    </>
  );
}

function PairLoader({ a, b }: { a: number; b: number }) {
  const first = useTrace(a);
  const second = useTrace(b);
  const error = first.error ?? second.error;
  if (error) return <div className="error-banner" role="alert">{error}</div>;
  if (!first.trace || !second.trace) return <p className="muted">Loading traces {a} and {b}…</p>;
  return <PairView traces={[first.trace, second.trace]} />;
}

/** `?runs=A,B&puzzle=KEY`: trace (or reuse traces of) the held-out puzzle KEY on each run, then show them side by side. */
function RunsOnPuzzle({ runIds, puzzleKey, checkpoints }: { runIds: number[]; puzzleKey: string; checkpoints: string[] }) {
  const api = useApi();
  const [ids, setIds] = useState<number[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // One run and two checkpoints (runs=A&checkpoints=step_10,latest) compares the checkpoints.
  const pairs = runIds.length === 1 && checkpoints.length >= 2 ? checkpoints.slice(0, 2).map((c) => [runIds[0], c] as const) : runIds.slice(0, 2).map((id, i) => [id, checkpoints[i] ?? 'latest'] as const);
  const signature = JSON.stringify(pairs);
  useEffect(() => {
    setIds(null);
    Promise.all(pairs.map(([runId, checkpoint]) => api.traces.create({ runId, puzzleKey, checkpoint, reuse: true })))
      .then((replies) => setIds(replies.map((r) => r.traceId)), (e: Error) => setError(e.message));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, signature, puzzleKey]);
  if (error) return <div className="error-banner" role="alert">Could not trace {puzzleKey}: {error}</div>;
  if (!ids) return <p className="muted">Tracing {puzzleKey} on {pairs.map(([r, c]) => `run ${r} (${c})`).join(' and ')}…</p>;
  if (ids.length === 1) return <SingleTrace traceId={ids[0]} />;
  return <PairLoader a={ids[0]} b={ids[1]} />;
}

/** Puzzle text that re-creates a trace's puzzle on another run: held-out keys trace by key, Sudoku keys carry
 *  their digits; other pasted puzzles can only be compared with existing traces of the same key. */
function samePuzzle(trace: TraceDetail): { puzzleKey: string } | { puzzleText: string } | null {
  const key = trace.info.puzzleKey;
  if (key.startsWith('sudoku:')) return { puzzleText: key.slice('sudoku:'.length) };
  if (key.startsWith('maze:') || key.startsWith('arc:')) return null;
  return { puzzleKey: key };
}

/** "Compare with…": the same puzzle on another run or checkpoint, side by side. */
function ComparePicker({ trace }: { trace: TraceDetail }) {
  const api = useApi();
  const [runs, setRuns] = useState<RunSummaryInfo[]>([]);
  const [runId, setRunId] = useState(trace.run.id);
  const [checkpoints, setCheckpoints] = useState<CheckpointInfo[]>([]);
  const [checkpoint, setCheckpoint] = useState('');
  const [existing, setExisting] = useState<TraceInfo[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api.runs.list({}).then(setRuns, () => {});
    api.traces.list({ puzzleKey: trace.info.puzzleKey }).then((list) => setExisting(list.filter((t) => t.id !== trace.info.id)), () => {});
  }, [api, trace]);
  useEffect(() => {
    api.checkpoints.list({ runId }).then((list) => {
      setCheckpoints(list);
      const other = list.map((c) => `step_${c.step}`).find((c) => !(runId === trace.run.id && c === `step_${trace.info.checkpointStep}`));
      setCheckpoint(other ?? 'latest');
    }, () => setCheckpoints([]));
  }, [api, runId, trace]);
  const puzzle = samePuzzle(trace);

  async function compare() {
    if (!puzzle) return;
    setBusy(true);
    setError(null);
    try {
      const { traceId } = await api.traces.create({ runId, checkpoint, ...puzzle, reuse: 'puzzleKey' in puzzle, innerSteps: false });
      navigate(viewerHash({ trace: trace.info.id, with: traceId }));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel compare-picker">
      <h2>Side by side</h2>
      <div className="toolbar">
        {puzzle ? (
          <>
            <span className="muted">This puzzle on</span>
            <select aria-label="Compare run" value={runId} onChange={(e) => setRunId(Number(e.target.value))}>
              {runs.map((r) => <option key={r.id} value={r.id}>#{r.id} {r.name}</option>)}
            </select>
            <select aria-label="Compare checkpoint" value={checkpoint} onChange={(e) => setCheckpoint(e.target.value)}>
              {checkpoints.map((c) => <option key={c.step} value={`step_${c.step}`}>step {c.step}{c.aliases.length ? ` (${c.aliases.join(', ')})` : ''}</option>)}
            </select>
            <button onClick={compare} disabled={busy || checkpoints.length === 0}>{busy ? 'Tracing…' : 'Trace and compare'}</button>
          </>
        ) : <span className="muted small">A pasted {trace.info.puzzleKey.split(':')[0]} puzzle: compare with an existing trace of it below, or trace the same file on another run.</span>}
        {error && <span className="field-error">{error}</span>}
      </div>
      {existing.length > 0 && (
        <div className="small existing-traces">
          Other traces of this puzzle:{' '}
          {existing.slice(0, 12).map((t) => (
            <a key={t.id} href={viewerHash({ trace: trace.info.id, with: t.id })}>run {t.runId} · step {t.checkpointStep}</a>
          ))}
        </div>
      )}
    </section>
  );
}

/** Trace a puzzle: pick a run and checkpoint, paste or upload a puzzle (ARC task JSON, Sudoku digits, maze text). */
export function TraceForm({ initialRunId }: { initialRunId: number | null }) {
  const api = useApi();
  const [runs, setRuns] = useState<RunSummaryInfo[]>([]);
  const [runId, setRunId] = useState<number | null>(initialRunId);
  const [checkpoints, setCheckpoints] = useState<CheckpointInfo[]>([]);
  const [checkpoint, setCheckpoint] = useState('latest');
  const [text, setText] = useState('');
  const [name, setName] = useState<string | undefined>(undefined);
  const [testIndex, setTestIndex] = useState(0);
  const [innerSteps, setInnerSteps] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api.runs.list({}).then((list) => {
      setRuns(list);
      setRunId((current) => current ?? list.find((r) => r.step > 0)?.id ?? list[0]?.id ?? null);
    }, (e: Error) => setError(e.message));
  }, [api]);
  useEffect(() => {
    if (runId === null) return;
    api.checkpoints.list({ runId }).then(setCheckpoints, () => setCheckpoints([]));
  }, [api, runId]);
  const run = runs.find((r) => r.id === runId);
  const kind = (run?.config as { data?: { kind?: string } } | undefined)?.data?.kind;

  async function submit() {
    if (runId === null) return;
    setBusy(true);
    setError(null);
    try {
      const { traceId } = await api.traces.create({ runId, checkpoint, puzzleText: text, puzzleName: name, testIndex, innerSteps });
      navigate(viewerHash({ trace: traceId }));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel trace-form" aria-label="Trace a puzzle">
      <h2>Trace a puzzle</h2>
      <div className="form-grid">
        <label>Run
          <select aria-label="Run" value={runId ?? ''} onChange={(e) => setRunId(Number(e.target.value))}>
            {runs.map((r) => <option key={r.id} value={r.id}>#{r.id} {r.name} ({r.preset})</option>)}
          </select>
        </label>
        <label>Checkpoint
          <select aria-label="Checkpoint" value={checkpoint} onChange={(e) => setCheckpoint(e.target.value)}>
            <option value="latest">latest</option>
            {checkpoints.some((c) => c.aliases.includes('best')) && <option value="best">best</option>}
            {checkpoints.map((c) => <option key={c.step} value={`step_${c.step}`}>step {c.step}</option>)}
          </select>
        </label>
        {kind === 'arc' && <label>Test pair <input type="number" min={0} value={testIndex} onChange={(e) => setTestIndex(Number(e.target.value))} /></label>}
        <label className="checkbox"><input type="checkbox" checked={innerSteps} onChange={(e) => setInnerSteps(e.target.checked)} /> record inner updates (logit lens)</label>
      </div>
      <textarea aria-label="Puzzle text" className="puzzle-text mono" rows={7} value={text} spellCheck={false}
        placeholder={kind === 'maze' ? 'Maze rows: # wall, space, S start, G goal' : kind === 'arc' ? 'ARC task JSON ({"train": [...], "test": [...]})' : 'Sudoku rows of digits, . or 0 for blanks, e.g.\n1.3.\n.4..\n..1.\n.2.4'}
        onChange={(e) => { setText(e.target.value); setName(undefined); }} />
      <div className="button-row">
        <label className="file-button">Upload file…
          <input type="file" accept=".json,.txt" onChange={async (e) => {
            const file = e.target.files?.[0];
            if (file) { setText(await file.text()); setName(file.name); }
          }} />
        </label>
        <button className="primary" disabled={busy || runId === null || text.trim() === ''} onClick={submit}>{busy ? 'Tracing…' : 'Trace'}</button>
        {runId !== null && <a href={viewerHash({ run: runId, dataset: true })}>Dataset view of this run's evaluation →</a>}
      </div>
      {error && <div className="error-banner" role="alert">{error}</div>}
    </section>
  );
}

function StartPage({ initialRunId }: { initialRunId: number | null }) {
  const api = useApi();
  const [traces, setTraces] = useState<TraceInfo[] | null>(null);
  useEffect(() => {
    api.traces.list({ runId: initialRunId ?? undefined, limit: 50 }).then(setTraces, () => setTraces([]));
  }, [api, initialRunId]);
  return (
    <>
      <TraceForm initialRunId={initialRunId} />
      <section className="panel">
        <h2>Recent traces</h2>
        {traces === null ? <p className="muted">Loading…</p> : traces.length === 0 ? <p className="muted small">No traces yet: trace a puzzle above, or open a run's dataset view and click a puzzle.</p> : (
          <table className="data-table compact recent-traces">
            <thead><tr><th className="num">Trace</th><th className="num">Run</th><th className="num">Checkpoint</th><th>Puzzle</th><th>Final</th><th className="num">Halts at</th><th>Flags</th><th>Traced</th></tr></thead>
            <tbody>
              {traces.map((t) => {
                const s = t.summary as { solved?: boolean | null; exact?: boolean | null; trainingHaltStep?: number | null; steps?: number; flags?: { stuck: unknown; overthinking: unknown } };
                return (
                  <tr key={t.id} className="clickable" onClick={() => navigate(viewerHash({ trace: t.id }))}>
                    <td className="num"><a href={viewerHash({ trace: t.id })}>{t.id}</a></td>
                    <td className="num">{t.runId}</td>
                    <td className="num">{t.checkpointStep}</td>
                    <td className="mono">{shortKey(t.puzzleKey)}</td>
                    <td>{(s.solved ?? s.exact) === true ? <span className="ok">solved</span> : (s.solved ?? s.exact) === false ? <span className="bad">not solved</span> : '—'}</td>
                    <td className="num">{s.trainingHaltStep ?? `max (${s.steps ?? '?'})`}</td>
                    <td>{s.flags?.stuck ? <span className="flag flag-stuck small-flag">stuck</span> : null}{s.flags?.overthinking ? <span className="flag flag-overthinking small-flag">overthinking</span> : null}</td>
                    <td>{formatDateTime(t.createdAt)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
