// One chart panel: several metric series over steps. Drag across the plot to zoom into a step range (shared by
// every panel of the page, and kept while new points arrive); click a legend entry to hide or show a series.
// Each series is reduced to ≤ DISPLAY_POINTS within the visible range, so zooming in reveals full detail.
import { useMemo, useRef, useState, type PointerEvent } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis, usePlotArea, useXAxisInverseScale } from 'recharts';
import { formatCount, formatMetric } from '../../common/format.ts';
import { downsampleMinMax, visibleRange, type SeriesPoint } from './downsample.ts';
import { splitMetricKey } from './chart-panels.ts';

export const DISPLAY_POINTS = 1500;
/** Series with few points (evaluations) show their points as dots. */
const DOT_THRESHOLD = 60;
const SERIES_COLOURS = ['#3b6fd1', '#e0772b', '#2e9e6a', '#b5489c', '#8a6d3b', '#5d6b7a'];

export type StepRange = [number, number];

export interface MetricChartProps {
  title: string;
  keys: string[];
  series: ReadonlyMap<string, SeriesPoint[]>;
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
                tick={{ fontSize: 11 }} stroke="#9aa3af" allowDuplicatedCategory={false} />
              <YAxis type="number" domain={['auto', 'auto']} tickFormatter={formatMetric} tick={{ fontSize: 11 }} width={52} stroke="#9aa3af" />
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

/** A transparent layer over the plot area: drag to select a step range, double-click to reset the zoom. */
function DragToZoom({ onZoom }: { onZoom: (range: StepRange | null) => void }) {
  const plot = usePlotArea();
  const toStep = useXAxisInverseScale();
  const layer = useRef<SVGRectElement>(null);
  const [drag, setDrag] = useState<{ fromX: number; toX: number } | null>(null);
  if (!plot || !toStep) return null;

  const localX = (event: PointerEvent<SVGRectElement>) => {
    const svg = layer.current!.ownerSVGElement!.getBoundingClientRect();
    return Math.min(plot.x + plot.width, Math.max(plot.x, event.clientX - svg.left));
  };
  const finish = () => {
    if (drag && Math.abs(drag.toX - drag.fromX) > 4) {
      const a = Number(toStep(drag.fromX));
      const b = Number(toStep(drag.toX));
      onZoom([Math.min(a, b), Math.max(a, b)]);
    }
    setDrag(null);
  };
  return (
    <g className="drag-zoom">
      {drag && (
        <rect x={Math.min(drag.fromX, drag.toX)} y={plot.y} width={Math.abs(drag.toX - drag.fromX)} height={plot.height} className="zoom-selection" />
      )}
      <rect ref={layer} x={plot.x} y={plot.y} width={plot.width} height={plot.height} fill="transparent" className="zoom-layer"
        onPointerDown={(e) => { e.currentTarget.setPointerCapture(e.pointerId); const x = localX(e); setDrag({ fromX: x, toX: x }); }}
        onPointerMove={(e) => { if (drag) setDrag({ ...drag, toX: localX(e) }); }}
        onPointerUp={finish} onPointerCancel={() => setDrag(null)} onDoubleClick={() => onZoom(null)} />
    </g>
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
