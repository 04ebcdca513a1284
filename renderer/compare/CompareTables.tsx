// The compare page's tables: the summary matrix (best per column highlighted, differences to the baseline), the
// config diff (differing fields by default) and the per-puzzle matrix of the runs' latest evaluations.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { CompareViewState, EvaluationInfo, EvaluationPuzzle, RunSummaryInfo } from '../../preload/contract.ts';
import { formatRoute } from '../app/route.ts';
import { useApi, useWorkbenchEvents } from '../app/workbench.tsx';
import { runColour } from '../common/palette.ts';
import { formatConfigValue, valueKey, type ConfigRow } from './config-diff.ts';
import { filterPuzzles, puzzleMatrix, type PuzzleFilter } from './puzzle-matrix.ts';
import { bestRunIds, formatSummaryValue, type SummaryColumn, type SummaryExtras } from './summary.ts';

function RunHeader({ run, baselineRunId }: { run: RunSummaryInfo; baselineRunId: number | null }) {
  return (
    <span className="run-name" title={`${run.name} (#${run.id})`}>
      <span className="swatch" style={{ background: runColour(run.id, run.color) }} />
      <span className="truncate">{run.name}</span>{run.id === baselineRunId && <span className="muted"> ★</span>}
    </span>
  );
}

export function SummaryMatrix({ runs, columns, extras, baselineRunId }: { runs: RunSummaryInfo[]; columns: SummaryColumn[]; extras: SummaryExtras; baselineRunId: number | null }) {
  const best = bestRunIds(columns, runs, extras);
  const baseline = runs.find((run) => run.id === baselineRunId);
  return (
    <section className="panel" aria-label="Summary">
      <header className="panel-header">
        <h2>Summary</h2>
        <span className="muted small">Best per column highlighted{baseline ? ` · differences relative to ${baseline.name}` : ' · pin a baseline to see differences'}</span>
      </header>
      <div className="table-scroll">
        <table className="data-table compact summary-matrix">
          <thead>
            <tr><th>Run</th>{columns.map((column) => <th key={column.id} className={column.id === 'backend' ? undefined : 'num'}>{column.label}</th>)}</tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr key={run.id} data-run-id={run.id} className={run.id === baselineRunId ? 'baseline' : undefined}>
                <td><RunHeader run={run} baselineRunId={baselineRunId} /></td>
                {columns.map((column) => {
                  const value = column.value(run, extras);
                  const baseValue = baseline && column.value(baseline, extras);
                  const delta = baseline && run !== baseline && typeof value === 'number' && typeof baseValue === 'number' ? value - baseValue : null;
                  const isBest = best.get(column.id)?.has(run.id) ?? false;
                  return (
                    <td key={column.id} className={[column.id === 'backend' ? '' : 'num', isBest ? 'best' : ''].join(' ')} data-column={column.id}>
                      {formatSummaryValue(column, value)}
                      {delta !== null && delta !== 0 && <span className={`delta ${deltaClass(column.better, delta)}`}>{column.formatDelta(delta)}</span>}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function deltaClass(better: SummaryColumn['better'], delta: number): string {
  if (better === 'none') return '';
  return (better === 'higher') === delta > 0 ? 'better' : 'worse';
}

export function ConfigDiffTable({ runs, rows, showAll, baselineRunId, onShowAll }: {
  runs: RunSummaryInfo[]; rows: ConfigRow[]; showAll: boolean; baselineRunId: number | null; onShowAll: (showAll: boolean) => void;
}) {
  const differing = rows.filter((row) => row.differs);
  const shown = showAll ? rows : differing;
  const baselineIndex = runs.findIndex((run) => run.id === baselineRunId);
  return (
    <section className="panel" aria-label="Configuration">
      <header className="panel-header">
        <h2>Configuration</h2>
        <span className="muted small">{differing.length} of {rows.length} fields differ</span>
        <label className="checkbox small"><input type="checkbox" checked={showAll} onChange={(e) => onShowAll(e.target.checked)} /> Show all fields</label>
      </header>
      {shown.length === 0 ? <p className="muted small">The runs share the same configuration.</p> : (
        <div className="table-scroll">
          <table className="data-table compact config-diff">
            <thead><tr><th>Field</th>{runs.map((run) => <th key={run.id}><RunHeader run={run} baselineRunId={baselineRunId} /></th>)}</tr></thead>
            <tbody>
              {shown.map((row) => (
                <tr key={row.path} data-path={row.path} className={row.differs ? 'differs' : undefined}>
                  <td className="mono">{row.path}</td>
                  {row.values.map((value, index) => {
                    const changed = row.differs && (baselineIndex < 0 ? true : valueKey(value) !== valueKey(row.values[baselineIndex]));
                    return <td key={runs[index].id} className={`mono ${changed && index !== baselineIndex ? 'changed' : ''}`}>{formatConfigValue(value)}</td>;
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export interface LatestEvaluation {
  evaluation: EvaluationInfo;
  puzzles: EvaluationPuzzle[];
}

const PUZZLE_PAGE = 1000;

/** Each run's latest evaluation (highest checkpoint step) with all its puzzle rows; refetched when a run logs a
 *  new evaluation. null: the run has no evaluation yet. */
export function useLatestEvaluations(runIds: readonly number[]): ReadonlyMap<number, LatestEvaluation | null> {
  const api = useApi();
  const [byRun, setByRun] = useState<ReadonlyMap<number, LatestEvaluation | null>>(new Map());
  const load = useCallback(async (runId: number) => {
    const [latest] = await api.evaluations.list({ runId });
    let result: LatestEvaluation | null = null;
    if (latest) {
      const puzzles: EvaluationPuzzle[] = [];
      for (let offset = 0; ; offset += PUZZLE_PAGE) {
        const page = await api.evaluations.puzzles({ evaluationId: latest.id, offset, limit: PUZZLE_PAGE });
        puzzles.push(...page);
        if (page.length < PUZZLE_PAGE) break;
      }
      result = { evaluation: latest, puzzles };
    }
    setByRun((previous) => new Map(previous).set(runId, result));
  }, [api]);
  useEffect(() => {
    for (const runId of runIds) load(runId).catch((error: unknown) => console.error(`loading evaluations of run ${runId}`, error));
  }, [runIds.join(','), load]);
  useWorkbenchEvents((event) => {
    const runId = event.type === 'job' ? (event.job.state === 'finished' ? event.job.runId : null) : event.type === 'train' && event.event.type === 'eval' ? event.event.runId : null;
    if (runId !== null && runIds.includes(runId)) load(runId).catch((error: unknown) => console.error(`loading evaluations of run ${runId}`, error));
  });
  return byRun;
}

const MAX_PUZZLE_ROWS = 500;

export function PuzzleMatrix({ runs, evaluations, filter, baselineRunId, onFilter }: {
  runs: RunSummaryInfo[]; evaluations: ReadonlyMap<number, LatestEvaluation | null>; filter: CompareViewState['puzzleFilter'];
  baselineRunId: number | null; onFilter: (filter: CompareViewState['puzzleFilter']) => void;
}) {
  const runIds = runs.map((run) => run.id);
  const rows = useMemo(() => puzzleMatrix(new Map(runIds.flatMap((id) => {
    const latest = evaluations.get(id);
    return latest ? [[id, latest.puzzles] as const] : [];
  }))), [evaluations, runIds.join(',')]);
  // A and B default to the baseline (or the first run) and the next run.
  const a = runIds.includes(filter.a ?? -1) ? filter.a! : (baselineRunId ?? runIds[0]);
  const b = runIds.includes(filter.b ?? -1) ? filter.b! : (runIds.find((id) => id !== a) ?? a);
  const active: PuzzleFilter = filter.kind === 'solved-by-a-not-b' ? { kind: filter.kind, a, b } : { kind: filter.kind };
  const shown = filterPuzzles(rows, active, runIds.filter((id) => evaluations.get(id)));
  const viewerRuns = filter.kind === 'solved-by-a-not-b' ? [a, b] : [a, b].filter((id, i, all) => all.indexOf(id) === i);
  const nameOf = (id: number) => runs.find((run) => run.id === id)?.name ?? `#${id}`;

  return (
    <section className="panel" aria-label="Per-puzzle results">
      <header className="panel-header">
        <h2>Per-puzzle results</h2>
        <span className="muted small">Latest evaluation of each run · click a puzzle to open it for {viewerRuns.map(nameOf).join(' and ')} in the step viewer</span>
      </header>
      <div className="toolbar puzzle-filters">
        <div className="chip-group" role="group" aria-label="Puzzle filter">
          {([['all', 'All'], ['solved-by-a-not-b', 'Solved by A, not B'], ['solved-by-none', 'Solved by none'], ['solved-by-all', 'Solved by all']] as const).map(([kind, label]) => (
            <button key={kind} className={`chip ${filter.kind === kind ? 'on' : ''}`} aria-pressed={filter.kind === kind} onClick={() => onFilter({ ...filter, kind, a, b })}>{label}</button>
          ))}
        </div>
        {filter.kind === 'solved-by-a-not-b' && (
          <>
            <label className="control">A <select aria-label="Run A" value={a} onChange={(e) => onFilter({ ...filter, a: Number(e.target.value), b })}>{runs.map((run) => <option key={run.id} value={run.id}>{run.name}</option>)}</select></label>
            <label className="control">B <select aria-label="Run B" value={b} onChange={(e) => onFilter({ ...filter, a, b: Number(e.target.value) })}>{runs.map((run) => <option key={run.id} value={run.id}>{run.name}</option>)}</select></label>
          </>
        )}
        <span className="muted small" data-testid="puzzle-count">{shown.length} of {rows.length} puzzles</span>
      </div>
      {rows.length === 0 ? <p className="muted small">No evaluations yet: runs evaluate every train.evalInterval steps, or evaluate a checkpoint from its run page.</p> : (
        <div className="table-scroll puzzle-scroll">
          <table className="data-table compact puzzle-matrix">
            <thead>
              <tr>
                <th>Puzzle</th>
                {runs.map((run) => {
                  const latest = evaluations.get(run.id);
                  return <th key={run.id} className="center" title={latest ? `step ${latest.evaluation.checkpointStep}: ${latest.evaluation.correctCount}/${latest.evaluation.puzzleCount} solved` : 'no evaluation'}>
                    <RunHeader run={run} baselineRunId={baselineRunId} />
                    <div className="muted small">{latest ? `step ${latest.evaluation.checkpointStep} · ${latest.evaluation.correctCount}/${latest.evaluation.puzzleCount}` : 'not evaluated'}</div>
                  </th>;
                })}
              </tr>
            </thead>
            <tbody>
              {shown.slice(0, MAX_PUZZLE_ROWS).map((row) => (
                <tr key={row.puzzleKey} data-puzzle={row.puzzleKey}>
                  <td><a className="mono" href={formatRoute(['viewer'], { runs: viewerRuns.join(','), puzzle: row.puzzleKey })} title="Open in the step viewer">{row.puzzleKey}</a></td>
                  {runs.map((run) => {
                    const solved = row.solved.get(run.id);
                    return <td key={run.id} className={`center cell-${solved === undefined ? 'none' : solved ? 'solved' : 'failed'}`}>{solved === undefined ? '—' : solved ? '✓' : '✗'}</td>;
                  })}
                </tr>
              ))}
            </tbody>
          </table>
          {shown.length > MAX_PUZZLE_ROWS && <p className="muted small">Showing the first {MAX_PUZZLE_ROWS} of {shown.length}; narrow with the filters.</p>}
        </div>
      )}
    </section>
  );
}
