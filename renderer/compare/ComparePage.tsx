// Compare: the runs picked in the runs table (`#/compare?runs=1,2,3`) or a saved view (`&view=<id>`) side by
// side — overlaid curves per metric key (smoothing, x-axis by step, epoch, relative or wall time, log scale,
// shared zoom, hover values; runs without epochs listed with the reason when plotting by epoch), a baseline
// run, grouping by config with mean and min–max band, the summary matrix, the config diff, the per-puzzle
// matrix from each run's latest evaluation, saved views and exports. Live runs keep updating in place.
import './compare.css';
import { useEffect, useMemo, useState } from 'react';
import type { CompareViewState, RunSummaryInfo, SavedViewInfo } from '../../preload/contract.ts';
import { formatRoute, formatIdList, parseIdList, withQuery, type Route } from '../app/route.ts';
import { navigate, useApi, useWorkbenchEvents } from '../app/workbench.tsx';
import { runColour } from '../common/palette.ts';
import { chartPanels } from '../runs/charts/chart-panels.ts';
import type { StepRange } from '../runs/charts/DragToZoom.tsx';
import { useLiveRuns } from '../runs/live-runs.ts';
import { RunStatusBadge } from '../runs/RunStatusBadge.tsx';
import { CompareChart, type ChartRun } from './CompareChart.tsx';
import { diffConfigs, flattenConfig } from './config-diff.ts';
import { downloadText } from './download.ts';
import { epochAxisExclusion } from './epoch-axis.ts';
import { comparisonMarkdown, metricsCsv, metricsJson } from './export.ts';
import { groupRuns } from './grouping.ts';
import { ConfigDiffTable, PuzzleMatrix, SummaryMatrix, useLatestEvaluations } from './CompareTables.tsx';
import { summaryColumns, type SummaryExtras } from './summary.ts';
import { useMetricSeriesByRun } from '../runs/charts/use-metric-series.ts';

export const DEFAULT_VIEW_STATE: Omit<CompareViewState, 'runIds'> = {
  hiddenCharts: [],
  smoothing: 0.6, // TensorBoard's default
  xAxis: 'step',
  logScale: false,
  baselineRunId: null,
  groupBy: null,
  showAllConfig: false,
  puzzleFilter: { kind: 'all' },
};

const X_AXIS_LABELS = { step: 'Step', epoch: 'Epoch', relative: 'Relative time', wall: 'Wall time' } as const;

export function ComparePage({ route }: { route: Route }) {
  const api = useApi();
  const live = useLiveRuns();
  const runIds = parseIdList(route.query.get('runs'));
  const viewId = Number(route.query.get('view')) || null;
  const [state, setState] = useState<Omit<CompareViewState, 'runIds'>>(DEFAULT_VIEW_STATE);
  const [zoom, setZoom] = useState<StepRange | null>(null);
  const [savedViews, setSavedViews] = useState<SavedViewInfo[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [parameterCounts, setParameterCounts] = useState<Record<number, number | null>>({});
  const update = (change: Partial<CompareViewState>) => setState((previous) => ({ ...previous, ...change }));

  const report = (e: unknown) => setError(e instanceof Error ? e.message : String(e));
  const loadViews = () => api.views.list().then(setSavedViews, report);
  useEffect(() => { void loadViews(); }, [api]);

  // Opening `view=<id>` restores that view once the list is loaded.
  const [appliedViewId, setAppliedViewId] = useState<number | null>(null);
  useEffect(() => {
    const view = savedViews.find((v) => v.id === viewId);
    if (!view || appliedViewId === view.id) return;
    setAppliedViewId(view.id);
    const { runIds: viewRuns, ...rest } = view.state;
    setState({ ...DEFAULT_VIEW_STATE, ...rest });
    setZoom(null);
    if (formatIdList(viewRuns) !== formatIdList(runIds)) navigate(formatRoute(['compare'], withQuery(route, { runs: formatIdList(viewRuns) })), { replace: true });
  }, [savedViews, viewId]);

  const runs = useMemo(() => {
    const byId = new Map((live.runs ?? []).map((run) => [run.id, run]));
    return runIds.map((id) => byId.get(id)).filter((run): run is RunSummaryInfo => run !== undefined);
  }, [live.runs, runIds.join(',')]);
  const missing = live.runs ? runIds.filter((id) => !runs.some((run) => run.id === id)) : [];

  const { seriesByRun, version, error: seriesError } = useMetricSeriesByRun(runIds);
  const evaluations = useLatestEvaluations(runIds);
  useEffect(() => {
    if (runIds.length > 0) api.views.parameterCounts({ runIds }).then(setParameterCounts, report);
  }, [api, runIds.join(',')]);
  useWorkbenchEvents((event) => {
    if (event.type === 'train' && event.event.type === 'started' && runIds.includes(event.event.runId)) {
      setParameterCounts((previous) => ({ ...previous, [event.event.runId]: (event.event as { parameterCount: number }).parameterCount }));
    }
  });

  const chartRuns: ChartRun[] = useMemo(() => runs.map((run) => {
    const series = seriesByRun.get(run.id);
    const firstTimes = series ? [...series.values()].filter((points) => points.length > 0).map((points) => points[0].wallTimeMs) : [];
    return { id: run.id, name: run.name, colour: runColour(run.id, run.color), originMs: firstTimes.length > 0 ? Math.min(...firstTimes) : (run.startedAt ?? 0) };
  }), [runs, version]);

  const metricKeys = useMemo(() => {
    const keys = new Set<string>();
    for (const series of seriesByRun.values()) for (const [key, points] of series) if (points.length > 0) keys.add(key);
    return chartPanels([...keys]).flatMap((panel) => panel.keys);
  }, [seriesByRun, version]);

  // On the epoch axis, the runs it cannot place and why (data generated on the fly, nothing logged yet, …).
  const epochExclusions = useMemo(() => (state.xAxis !== 'epoch' ? [] : runs.flatMap((run) => {
    const reason = epochAxisExclusion(run, seriesByRun.get(run.id));
    return reason ? [{ run, reason }] : [];
  })), [state.xAxis, runs, seriesByRun, version]);

  const flatConfigs = useMemo(() => runs.map((run) => flattenConfig(run.config)), [runs]);
  const configRows = useMemo(() => diffConfigs(flatConfigs), [flatConfigs]);
  const differingPaths = configRows.filter((row) => row.differs).map((row) => row.path);
  const groups = useMemo(
    () => (state.groupBy && runs.length > 1 ? groupRuns(runs.map((r) => r.id), flatConfigs, state.groupBy) : null),
    [state.groupBy, runs, flatConfigs],
  );
  const columns = useMemo(() => summaryColumns(runs), [runs]);
  const extras: SummaryExtras = { parameterCounts, now: Date.now() };
  const baselineRunId = runs.some((r) => r.id === state.baselineRunId) ? state.baselineRunId : null;

  const setRunIds = (ids: number[]) => navigate(formatRoute(['compare'], withQuery(route, { runs: formatIdList(ids), view: undefined })), { replace: true });
  const currentState = (): CompareViewState => ({ ...state, runIds });
  const exportRuns = () => runs.map((run) => ({ id: run.id, name: run.name, config: run.config, series: seriesByRun.get(run.id) ?? new Map() }));
  const stamp = () => new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-');

  async function setRunColour(runId: number, color: string | null) {
    try {
      await api.runs.update({ runId, color });
      live.refresh();
    } catch (e) {
      report(e);
    }
  }

  if (runIds.length === 0) {
    return (
      <div className="page compare-page">
        <header className="page-header"><h1>Compare runs</h1></header>
        <div className="empty-state">
          Select two or more runs in the <a href="#/runs">runs table</a> and press Compare, or open a saved view.
          <SavedViewsBar views={savedViews} currentId={null} onOpen={(id) => navigate(formatRoute(['compare'], { view: String(id) }))}
            onSave={null} onDelete={(id) => api.views.delete({ viewId: id }).then(loadViews, report)} />
        </div>
      </div>
    );
  }

  return (
    <div className="page compare-page">
      <header className="page-header">
        <h1><a href="#/runs" className="crumb">Runs</a> / Compare <span className="count">{runs.length} runs</span></h1>
        <div className="button-row export-buttons" role="group" aria-label="Export">
          <span className="muted small">Export</span>
          <button className="small" onClick={() => downloadText(metricsCsv(exportRuns()), `trm-metrics-${stamp()}.csv`, 'text/csv')}>Metrics CSV</button>
          <button className="small" onClick={() => downloadText(metricsJson(exportRuns()), `trm-metrics-${stamp()}.json`, 'application/json')}>Metrics JSON</button>
          <button className="small" onClick={() => downloadText(comparisonMarkdown(runs, columns, extras, configRows, baselineRunId), `trm-comparison-${stamp()}.md`, 'text/markdown')}>Comparison Markdown</button>
        </div>
      </header>

      <SavedViewsBar views={savedViews} currentId={viewId} onOpen={(id) => { setAppliedViewId(null); navigate(formatRoute(['compare'], withQuery(route, { view: String(id) }))); }}
        onSave={async (name) => {
          try {
            const saved = await api.views.save({ name, state: currentState() });
            await loadViews();
            setAppliedViewId(saved.id);
            navigate(formatRoute(['compare'], withQuery(route, { view: String(saved.id) })), { replace: true });
          } catch (e) {
            report(e);
          }
        }}
        onDelete={(id) => api.views.delete({ viewId: id }).then(() => { if (id === viewId) setRunIds(runIds); return loadViews(); }, report)} />

      {(error || seriesError || live.loadError) && <div className="error-banner" role="alert">{error ?? seriesError ?? live.loadError}</div>}
      {missing.length > 0 && <div className="error-banner" role="alert">No run {missing.map((id) => `#${id}`).join(', ')} (deleted?). <button className="link" onClick={() => setRunIds(runIds.filter((id) => !missing.includes(id)))}>Remove from the comparison</button></div>}

      <section className="panel compare-runs" aria-label="Compared runs">
        {runs.map((run) => (
          <div key={run.id} className={`compare-run ${run.id === baselineRunId ? 'baseline' : ''}`} data-run-id={run.id}>
            <input type="color" className="colour-input" value={runColour(run.id, run.color)} aria-label={`Colour of ${run.name}`} title="Run colour (used everywhere)"
              onChange={(e) => void setRunColour(run.id, e.target.value)} />
            {run.color && <button className="link small" title="Back to the default colour" onClick={() => void setRunColour(run.id, null)}>reset</button>}
            <a href={formatRoute(['runs', run.id])} className="compare-run-name" title={run.name}>{run.name}</a>
            <span className="muted small">#{run.id}</span>
            <RunStatusBadge status={run.status} />
            <button className={`small ${run.id === baselineRunId ? 'on' : ''}`} aria-pressed={run.id === baselineRunId}
              onClick={() => update({ baselineRunId: run.id === baselineRunId ? null : run.id })}>{run.id === baselineRunId ? 'Baseline ★' : 'Pin as baseline'}</button>
            <button className="link small" aria-label={`Remove ${run.name} from the comparison`} title="Remove from the comparison" onClick={() => setRunIds(runIds.filter((id) => id !== run.id))}>×</button>
          </div>
        ))}
      </section>

      <section className="panel charts" aria-label="Charts">
        <div className="toolbar compare-controls">
          <label className="control" title="TensorBoard's debiased exponential moving average; the raw curve stays faint behind">
            Smoothing
            <input type="range" min={0} max={0.99} step={0.01} value={state.smoothing} aria-label="Smoothing" onChange={(e) => update({ smoothing: Number(e.target.value) })} />
            <span className="mono">{state.smoothing.toFixed(2)}</span>
          </label>
          <label className="control">
            X-axis
            <select aria-label="X-axis" value={state.xAxis} onChange={(e) => { update({ xAxis: e.target.value as CompareViewState['xAxis'] }); setZoom(null); }}>
              {Object.entries(X_AXIS_LABELS).map(([value, label]) => <option key={value} value={value}>{label}</option>)}
            </select>
          </label>
          <label className="checkbox"><input type="checkbox" checked={state.logScale} onChange={(e) => update({ logScale: e.target.checked })} /> Log scale</label>
          <label className="control" title="Runs that agree on every other differing config value form a group, drawn as mean with a min–max band">
            Group over
            <select aria-label="Group over" value={state.groupBy ?? ''} onChange={(e) => update({ groupBy: e.target.value || null })}>
              <option value="">No grouping</option>
              {differingPaths.map((path) => <option key={path} value={path}>{path}</option>)}
            </select>
          </label>
          <ChartPicker keys={metricKeys} hidden={state.hiddenCharts} onChange={(hiddenCharts) => update({ hiddenCharts })} />
          <span className="muted small">{zoom ? 'Zoomed · double-click a chart or' : 'Drag across a chart to zoom · hover for values'}</span>
          {zoom && <button className="small" onClick={() => setZoom(null)}>Reset zoom</button>}
        </div>
        {epochExclusions.length > 0 && (
          <div className="muted small axis-exclusions" role="note" aria-label="Runs not on the epoch axis">
            Not on the epoch axis:
            <ul>
              {epochExclusions.map(({ run, reason }) => <li key={run.id} data-run-id={run.id}><strong>{run.name}</strong> #{run.id} — {reason}</li>)}
            </ul>
          </div>
        )}
        {groups && <p className="muted small group-note">Groups over <strong>{state.groupBy}</strong>: {groups.map((g) => `${g.label} (${g.runIds.length})`).join(' · ')}</p>}
        {metricKeys.length === 0 ? <div className="empty-state small">No metrics logged yet.</div> : (
          <div className="chart-grid compare-grid">
            {metricKeys.filter((key) => !state.hiddenCharts.includes(key)).map((key) => (
              <CompareChart key={key} metricKey={key} runs={chartRuns} seriesByRun={seriesByRun} version={version} xAxis={state.xAxis} smoothing={state.smoothing}
                logScale={state.logScale} baselineRunId={baselineRunId} groups={groups} zoom={zoom} onZoom={setZoom}
                onHide={() => update({ hiddenCharts: [...state.hiddenCharts, key] })} />
            ))}
          </div>
        )}
      </section>

      <SummaryMatrix runs={runs} columns={columns} extras={extras} baselineRunId={baselineRunId} />
      <ConfigDiffTable runs={runs} rows={configRows} showAll={state.showAllConfig} baselineRunId={baselineRunId} onShowAll={(showAllConfig) => update({ showAllConfig })} />
      <PuzzleMatrix runs={runs} evaluations={evaluations} filter={state.puzzleFilter} baselineRunId={baselineRunId} onFilter={(puzzleFilter) => update({ puzzleFilter })} />
    </div>
  );
}

function SavedViewsBar({ views, currentId, onOpen, onSave, onDelete }: {
  views: SavedViewInfo[]; currentId: number | null; onOpen: (id: number) => void; onSave: ((name: string) => void) | null; onDelete: (id: number) => void;
}) {
  const current = views.find((v) => v.id === currentId);
  const [name, setName] = useState('');
  useEffect(() => { if (current) setName(current.name); }, [current?.id]);
  return (
    <div className="toolbar saved-views" role="group" aria-label="Saved views">
      <label className="control">
        Saved view
        <select aria-label="Saved view" value={current?.id ?? ''} onChange={(e) => { if (e.target.value) onOpen(Number(e.target.value)); }}>
          <option value="">{views.length === 0 ? 'None saved yet' : 'Open a saved view…'}</option>
          {views.map((view) => <option key={view.id} value={view.id}>{view.name} ({view.state.runIds.length} runs)</option>)}
        </select>
      </label>
      {current && <button className="small" onClick={() => onDelete(current.id)}>Delete view</button>}
      {onSave && (
        <form className="control" onSubmit={(e) => { e.preventDefault(); if (name.trim()) onSave(name.trim()); }}>
          <input type="text" aria-label="View name" placeholder="View name" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
          <button type="submit" className="small" disabled={!name.trim()}>{views.some((v) => v.name === name.trim()) ? 'Update view' : 'Save view'}</button>
        </form>
      )}
    </div>
  );
}

function ChartPicker({ keys, hidden, onChange }: { keys: readonly string[]; hidden: readonly string[]; onChange: (hidden: string[]) => void }) {
  const [open, setOpen] = useState(false);
  const shown = keys.filter((key) => !hidden.includes(key)).length;
  return (
    <div className="popover-anchor">
      <button aria-expanded={open} onClick={() => setOpen(!open)}>Charts {shown}/{keys.length} ▾</button>
      {open && (
        <div className="popover chart-picker" role="dialog" aria-label="Charts">
          <div className="button-row">
            <button className="small" onClick={() => onChange([])}>Show all</button>
            <button className="small" onClick={() => onChange([...keys])}>Hide all</button>
          </div>
          {keys.map((key) => (
            <label key={key} className="checkbox">
              <input type="checkbox" checked={!hidden.includes(key)} onChange={(e) => onChange(e.target.checked ? hidden.filter((k) => k !== key) : [...hidden, key])} /> {key}
            </label>
          ))}
          <div className="button-row right"><button onClick={() => setOpen(false)}>Done</button></div>
        </div>
      )}
    </div>
  );
}
