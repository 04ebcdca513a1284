// A run's live charts: one panel per group of metrics (chart-panels.ts) with one step zoom shared by all.
import { useMemo, useState } from 'react';
import { formatCount } from '../../common/format.ts';
import { chartPanels } from './chart-panels.ts';
import { MetricChart } from './MetricChart.tsx';
import type { StepRange } from './DragToZoom.tsx';
import { useMetricSeries } from './use-metric-series.ts';

export function RunCharts({ runId }: { runId: number }) {
  const { series, version, error } = useMetricSeries(runId);
  const [zoom, setZoom] = useState<StepRange | null>(null);
  const keys = useMemo(() => [...series.keys()].sort(), [series, version]);
  const panels = useMemo(() => chartPanels(keys), [keys.join('\n')]);
  return (
    <section className="panel charts" aria-label="Charts">
      <header className="panel-header">
        <h2>Metrics</h2>
        <span className="muted small">
          {zoom ? <>Steps {formatCount(zoom[0])}–{formatCount(zoom[1])} · </> : 'Drag across a chart to zoom · '}
        </span>
        {zoom && <button className="small" onClick={() => setZoom(null)}>Reset zoom</button>}
      </header>
      {error && <div className="error-banner" role="alert">{error}</div>}
      {panels.length === 0 ? <div className="empty-state small">No metrics logged yet.</div> : (
        <div className="chart-grid">
          {panels.map((panel) => (
            <MetricChart key={panel.id} title={panel.title} keys={panel.keys} series={series} version={version} zoom={zoom} onZoom={setZoom} />
          ))}
        </div>
      )}
    </section>
  );
}
