// A run's evaluation set at a glance: halting-step histogram, accuracy (solved, by the task's rules where it has
// them) if stopped at each step, and the puzzles sorted by the step at which they became (and stayed) right. Clicking a puzzle traces it by its key.
import { useEffect, useMemo, useState } from 'react';
import type { TraceDatasetInfo } from '../../preload/contract.ts';
import { formatDateTime } from '../common/format.ts';
import { navigate, useApi } from '../app/workbench.tsx';
import { AccuracyIfStoppedChart, HaltHistogramChart } from './charts.tsx';
import { accuracyIfStoppedAt, datasetPuzzles, haltHistogram, sortByCriticalStep } from './trace-model.ts';
import { viewerHash } from './routes.ts';

export function DatasetView({ runId, evaluationId }: { runId: number; evaluationId?: number }) {
  const api = useApi();
  const [info, setInfo] = useState<TraceDatasetInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tracing, setTracing] = useState<string | null>(null);
  useEffect(() => {
    setInfo(null);
    api.traces.dataset({ runId, evaluationId }).then(setInfo, (e: Error) => setError(e.message));
  }, [api, runId, evaluationId]);
  const puzzles = useMemo(() => (info ? sortByCriticalStep(datasetPuzzles(info.puzzles)) : []), [info]);

  async function trace(puzzleKey: string) {
    if (!info?.evaluation) return;
    setTracing(puzzleKey);
    setError(null);
    try {
      const { traceId } = await api.traces.create({ runId, puzzleKey, checkpoint: `step_${info.evaluation.checkpointStep}`, reuse: true });
      navigate(viewerHash({ trace: traceId }));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setTracing(null);
    }
  }

  if (error && !info) return <div className="error-banner" role="alert">{error}</div>;
  if (!info) return <p className="muted">Loading the evaluation…</p>;
  if (!info.evaluation) return <div className="empty-state"><h2>No evaluation yet</h2><p>Evaluate a checkpoint on the run page first.</p></div>;
  const maxSteps = info.haltMaxSteps;
  const rightCount = puzzles.filter((p) => p.correct).length;
  return (
    <div className="dataset-view" data-evaluation-id={info.evaluation.id}>
      <section className="panel dataset-toolbar">
        <label className="control">Evaluation
          <select value={info.evaluation.id} aria-label="Evaluation" onChange={(e) => navigate(viewerHash({ run: runId, dataset: Number(e.target.value) }), { replace: true })}>
            {info.evaluations.map((e) => <option key={e.id} value={e.id}>checkpoint step {e.checkpointStep} · {e.split} · {formatDateTime(e.createdAt)}</option>)}
          </select>
        </label>
        <span className="muted"><strong>{rightCount}</strong> / {puzzles.length} right at the last step</span>
        {error && <span className="field-error">{error}</span>}
      </section>
      <div className="chart-grid viewer-charts">
        <HaltHistogramChart counts={haltHistogram(puzzles, maxSteps)} />
        <AccuracyIfStoppedChart accuracy={accuracyIfStoppedAt(puzzles, maxSteps)} />
      </div>
      <section className="panel">
        <h2>Puzzles by the step they became right</h2>
        <div className="table-scroll dataset-table-scroll">
          <table className="data-table compact dataset-puzzles">
            <thead><tr><th>Puzzle</th><th className="num">Became right at</th><th className="num">Halt step</th><th>Solved per step</th><th>Final</th><th /></tr></thead>
            <tbody>
              {puzzles.map((p) => (
                <tr key={p.puzzleKey} data-puzzle-key={p.puzzleKey} className="clickable" onClick={() => trace(p.puzzleKey)}>
                  <td className="mono">{p.puzzleKey}</td>
                  <td className="num">{p.becameRightAt ?? (p.solvedAtStep ? 'never' : '—')}{p.lostAnswer && <span className="flag flag-overthinking small-flag" title="right at some step, wrong at the last">lost</span>}</td>
                  <td className="num">{p.haltStep ?? '—'}</td>
                  <td>{p.solvedAtStep ? <StepDots solvedAtStep={p.solvedAtStep} haltStep={p.haltStep} /> : <span className="muted small">—</span>}</td>
                  <td>{p.correct ? <span className="ok">right</span> : <span className="bad">wrong</span>}</td>
                  <td><button className="small" disabled={tracing !== null}>{tracing === p.puzzleKey ? 'Tracing…' : 'Trace'}</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}

function StepDots({ solvedAtStep, haltStep }: { solvedAtStep: number[]; haltStep: number | null }) {
  return (
    <span className="step-dots" aria-label={`solved per step: ${solvedAtStep.join('')}`}>
      {solvedAtStep.map((solved, i) => <span key={i} className={`dot ${solved ? 'right' : 'wrong'}${i + 1 === haltStep ? ' halt' : ''}`} title={`step ${i + 1}: ${solved ? 'solved' : 'not solved'}${i + 1 === haltStep ? ' (halts)' : ''}`} />)}
    </span>
  );
}
