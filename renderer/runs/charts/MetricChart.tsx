// One chart panel: several metric series over steps. Drag across the plot to zoom into a step range (shared by
// every panel of the page, and kept while new points arrive); click a legend entry to hide or show a series.
// Each series is reduced to ≤ DISPLAY_POINTS within the visible range, so zooming in reveals full detail.
import { useMemo, useState } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatCount, formatMetric } from '../../common/format.ts';
import { downsampleMinMax, visibleRange, type SeriesPoint } from './downsample.ts';
import { splitMetricKey } from './chart-panels.ts';
import { AXIS_STYLE, DragToZoom, type StepRange } from './DragToZoom.tsx';

export const DISPLAY_POINTS = 1500;
/** Series with few points (evaluations) show their points as dots. */
const DOT_THRESHOLD = 60;
const SERIES_COLOURS = ['#3b6fd1', '#e0772b', '#2e9e6a', '#b5489c', '#8a6d3b', '#5d6b7a'];

export interface MetricChartProps {
  title: string;
  keys: string[];
  series: ReadonlyMap<string, readonly SeriesPoint[]>;
  version: number;
  zoom: StepRange | null;
  onZoom: (range: StepRange | null) => void;
}

export function MetricChart({ title, keys, series, version, zoom, onZoom }: MetricChartProps) {
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const colourOf = useMemo(() => colourByMetricName(keys), [keys]);

  const lines = useMemo(() => {
    return keys.map((key) => {
      const points = series.get(key) ?? [];
      const shown = zoom ? visibleRange(points, zoom[0], zoom[1]) : points;
      return { key, points: downsampleMinMax(shown, DISPLAY_POINTS), total: points.length };
    });
    // `version` stands for the contents of `series`, which are appended in place.
  }, [keys, series, version, zoom]);

  const { split } = splitMetricKey(keys[0] ?? '');
  const empty = lines.every((l) => l.total === 0);
  return (
    <figure className="chart-panel" data-chart={title}>
      <figcaption>
        <span className="chart-title">{title}</span>
        <span className="chart-legend">
          {lines.map(({ key, total }) => (
            <button key={key} className={`legend-item ${hidden.has(key) ? 'off' : ''}`} aria-pressed={!hidden.has(key)} title={`${total} points`}
              onClick={() => setHidden(toggle(hidden, key))}>
              <span className={`legend-swatch ${splitMetricKey(key).split === 'eval' ? 'dashed' : ''}`} style={{ borderColor: colourOf(key) }} />
              {keys.length > 1 || split !== 'train' ? key : splitMetricKey(key).name}
            </button>
          ))}
        </span>
      </figcaption>
      <div className="chart-body">
        {empty ? <div className="chart-empty">No points yet</div> : (
          <ResponsiveContainer width="100%" height={180}>
            <LineChart margin={{ top: 6, right: 12, bottom: 0, left: 0 }}>
              <CartesianGrid stroke="#e6e8ec" vertical={false} />
              <XAxis dataKey="step" type="number" domain={zoom ?? ['dataMin', 'dataMax']} allowDataOverflow allowDecimals={false} tickFormatter={formatCount}
                {...AXIS_STYLE} allowDuplicatedCategory={false} />
              <YAxis type="number" domain={['auto', 'auto']} tickFormatter={formatMetric} {...AXIS_STYLE} width={52} />
              <Tooltip isAnimationActive={false} labelFormatter={(step) => `step ${step}`}
                formatter={(value) => formatMetric(typeof value === 'number' ? value : Number(value))} contentStyle={{ fontSize: 12, padding: '4px 8px' }} />
              {lines.map(({ key, points }) =>
                hidden.has(key) ? null : (
                  <Line key={key} data={points} dataKey="value" name={key} type="linear" stroke={colourOf(key)} strokeWidth={1.5}
                    strokeDasharray={splitMetricKey(key).split === 'eval' ? '5 3' : undefined}
                    dot={points.length <= DOT_THRESHOLD ? { r: 2.5 } : false} isAnimationActive={false} connectNulls={false} />
                ),
              )}
              <DragToZoom onZoom={onZoom} />
            </LineChart>
          </ResponsiveContainer>
        )}
      </div>
    </figure>
  );
}

function toggle(set: ReadonlySet<string>, key: string): ReadonlySet<string> {
  const next = new Set(set);
  if (next.has(key)) next.delete(key);
  else next.add(key);
  return next;
}

/** Train and eval variants of one metric share a colour (eval is dashed). */
function colourByMetricName(keys: readonly string[]): (key: string) => string {
  const names = [...new Set(keys.map((key) => splitMetricKey(key).name))];
  return (key) => SERIES_COLOURS[names.indexOf(splitMetricKey(key).name) % SERIES_COLOURS.length];
}
