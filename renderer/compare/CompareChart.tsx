// One metric of every compared run on shared axes: one colour per run (the baseline thicker), the smoothed curve
// over its faint raw curve, or per group a mean line over a min–max band. Drag across the plot to zoom (shared
// by every chart), double-click to reset; hovering lists every run's value at that x.
import { useMemo, useRef, useState } from 'react';
import { Area, CartesianGrid, ComposedChart, Line, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import type { CompareXAxis } from '../../preload/contract.ts';
import { formatCount, formatDuration, formatEpoch, formatMetric } from '../common/format.ts';
import { downsampleMinMax, visibleRange, type RunSeries, type SeriesPoint } from '../runs/charts/downsample.ts';
import { AXIS_STYLE, DragToZoom, type HoverPosition, type StepRange } from '../runs/charts/DragToZoom.tsx';
import { downloadBlob, downloadText, fileSlug, serializeChartSvg, svgToPng } from './download.ts';
import { EPOCH_KEY, epochOfStep } from './epoch-axis.ts';
import { aggregateByStep, type BandPoint, type RunGroup } from './grouping.ts';
import { smoothDebiased } from './smoothing.ts';

const DISPLAY_POINTS = 1000;
const DOT_THRESHOLD = 40;

export interface ChartRun {
  id: number;
  name: string;
  colour: string;
  /** Wall time the run's relative-time axis starts from (its first logged point). */
  originMs: number;
}

export interface CompareChartProps {
  metricKey: string;
  runs: readonly ChartRun[];
  seriesByRun: ReadonlyMap<number, RunSeries>;
  version: number;
  xAxis: CompareXAxis;
  smoothing: number;
  logScale: boolean;
  baselineRunId: number | null;
  groups: readonly RunGroup[] | null;
  zoom: StepRange | null;
  onZoom: (range: StepRange | null) => void;
  onHide: () => void;
}

/** A drawn curve. Display points reuse downsample.ts's shape: `step` holds the x coordinate of the chosen axis. */
interface Curve {
  id: string;
  label: string;
  colour: string;
  thick: boolean;
  /** Full-resolution curve the tooltip reads (smoothed when smoothing is on). */
  full: SeriesPoint[];
  shown: SeriesPoint[];
  raw: SeriesPoint[] | null;
  band: { step: number; range: [number, number] }[] | null;
}

export function xTickFormatter(xAxis: CompareXAxis): (x: number) => string {
  if (xAxis === 'step') return formatCount;
  if (xAxis === 'epoch') return formatEpoch;
  // Short runs: tenths of a second, so ticks do not repeat "0s 0s 1s".
  if (xAxis === 'relative') return (ms) => (ms < 60_000 ? `${Number((ms / 1000).toFixed(ms < 10_000 ? 1 : 0))}s` : formatDuration(ms));
  return (ms) => new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function CompareChart(props: CompareChartProps) {
  const { metricKey, runs, seriesByRun, version, xAxis, smoothing, logScale, baselineRunId, groups, zoom, onZoom, onHide } = props;
  const figure = useRef<HTMLElement>(null);
  const [hover, setHover] = useState<HoverPosition | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);

  const curves = useMemo(() => {
    // x of a point; null leaves it off the axis (the epoch axis: a run or step without a logged epoch).
    const toX = (run: ChartRun): ((step: number, wallTimeMs: number) => number | null) => {
      if (xAxis === 'step') return (step) => step;
      if (xAxis === 'relative') return (_step, wallTimeMs) => wallTimeMs - run.originMs;
      if (xAxis === 'wall') return (_step, wallTimeMs) => wallTimeMs;
      const epochs = seriesByRun.get(run.id)?.get(EPOCH_KEY) ?? [];
      return (step) => epochOfStep(epochs, step);
    };
    const forLog = (value: number) => (logScale && !(value > 0) ? Number.NaN : value);
    const runPoints = (run: ChartRun) => {
      const x = toX(run);
      return (seriesByRun.get(run.id)?.get(metricKey) ?? []).flatMap((p) => {
        const at = x(p.step, p.wallTimeMs);
        return at === null ? [] : [{ step: p.step, x: at, value: p.value }];
      });
    };
    const display = (points: readonly SeriesPoint[]) => downsampleMinMax(zoom ? visibleRange(points, zoom[0], zoom[1]) : points, DISPLAY_POINTS).map((p) => ({ step: p.step, value: forLog(p.value) }));
    const result: Curve[] = [];
    if (groups) {
      for (const group of groups) {
        const members = runs.filter((run) => group.runIds.includes(run.id));
        if (members.length === 0) continue;
        const band: BandPoint[] = aggregateByStep(members.map((run) => smoothDebiased(runPoints(run), smoothing)));
        const mean = band.map((b) => ({ step: b.x, value: b.mean }));
        const bandInView = zoom ? band.filter((b) => b.x >= zoom[0] && b.x <= zoom[1]) : band;
        result.push({
          id: `group-${group.runIds.join('-')}`, label: `${group.label} (${members.length} run${members.length === 1 ? '' : 's'})`, colour: members[0].colour,
          thick: members.some((m) => m.id === baselineRunId), full: mean, shown: display(mean), raw: null,
          band: everyNth(bandInView, DISPLAY_POINTS).map((b) => ({ step: b.x, range: [forLog(b.min), forLog(b.max)] })),
        });
      }
      return result;
    }
    for (const run of runs) {
      const raw = runPoints(run).map((p) => ({ step: p.x, value: p.value }));
      if (raw.length === 0) continue;
      const smoothed = smoothDebiased(raw, smoothing);
      result.push({ id: `run-${run.id}`, label: run.name, colour: run.colour, thick: run.id === baselineRunId, full: smoothed, shown: display(smoothed), raw: smoothing > 0 ? display(raw) : null, band: null });
    }
    return result;
    // `version` stands for the contents of `seriesByRun`, which grow in place.
  }, [metricKey, runs, seriesByRun, version, xAxis, smoothing, logScale, baselineRunId, groups, zoom]);

  const formatX = xTickFormatter(xAxis);
  // What the x-axis spans (the zoom, else the curves' extent), as data-x-domain: tests check that live updates keep it.
  const xDomain = useMemo(() => zoom ?? xExtent(curves), [zoom, curves]);
  const yDomain = useMemo(() => constantDomain(curves, logScale), [curves, logScale]);
  const empty = curves.every((c) => c.full.length === 0);

  async function exportChart(format: 'svg' | 'png') {
    setExportError(null);
    const svg = figure.current?.querySelector<SVGSVGElement>('svg.recharts-surface');
    if (!svg) return;
    try {
      const { text, width, height } = serializeChartSvg(svg, metricKey);
      if (format === 'svg') downloadText(text, `${fileSlug(metricKey)}.svg`, 'image/svg+xml');
      else downloadBlob(await svgToPng(text, width, height), `${fileSlug(metricKey)}.png`);
    } catch (error) {
      setExportError(error instanceof Error ? error.message : String(error));
    }
  }

  return (
    <figure className="chart-panel compare-chart" data-chart={metricKey} data-x-domain={xDomain?.join(',')} ref={figure}>
      <figcaption>
        <span className="chart-title">{metricKey}</span>
        <span className="chart-actions">
          <button className="link small" onClick={() => void exportChart('svg')} title="Download this chart as SVG">SVG</button>
          <button className="link small" onClick={() => void exportChart('png')} title="Download this chart as PNG">PNG</button>
          <button className="link small" onClick={onHide} title="Hide this chart (Charts menu shows it again)" aria-label={`Hide chart ${metricKey}`}>×</button>
        </span>
      </figcaption>
      {exportError && <div className="error-banner small" role="alert">{exportError}</div>}
      <div className="chart-body compare-chart-body" onPointerLeave={() => setHover(null)}>
        {empty ? <div className="chart-empty">No points yet</div> : (
          <ResponsiveContainer width="100%" height={200}>
            <ComposedChart margin={{ top: 6, right: 14, bottom: 0, left: 0 }}>
              <CartesianGrid stroke="#e6e8ec" vertical={false} />
              <XAxis dataKey="step" type="number" domain={zoom ?? ['dataMin', 'dataMax']} allowDataOverflow allowDecimals={xAxis !== 'step'} tickFormatter={formatX}
                {...AXIS_STYLE} allowDuplicatedCategory={false} />
              <YAxis type="number" scale={logScale ? 'log' : 'auto'} domain={yDomain ?? ['auto', 'auto']} allowDataOverflow={logScale} tickFormatter={formatMetric} {...AXIS_STYLE} width={54} />
              {curves.map((curve) => curve.band && (
                <Area key={`${curve.id}-band`} data={curve.band} dataKey="range" type="linear" stroke="none" fill={curve.colour} fillOpacity={0.18} isAnimationActive={false} className="group-band" />
              ))}
              {curves.map((curve) => curve.raw && (
                <Line key={`${curve.id}-raw`} data={curve.raw} dataKey="value" type="linear" stroke={curve.colour} strokeOpacity={0.25} strokeWidth={1}
                  dot={false} isAnimationActive={false} className={`series-raw ${curve.id}`} />
              ))}
              {curves.map((curve) => (
                <Line key={curve.id} data={curve.shown} dataKey="value" name={curve.label} type="linear" stroke={curve.colour} strokeWidth={curve.thick ? 3 : 1.6}
                  dot={curve.shown.length <= DOT_THRESHOLD ? { r: curve.thick ? 3 : 2.2, fill: curve.colour } : false} isAnimationActive={false}
                  className={`series-main ${curve.id}`} />
              ))}
              <DragToZoom onZoom={onZoom} onHover={setHover} hoverLeft={hover?.left ?? null} />
            </ComposedChart>
          </ResponsiveContainer>
        )}
        {hover && !empty && <HoverTooltip x={hover.x} left={hover.left} curves={curves} formatX={formatX} xAxis={xAxis} />}
      </div>
    </figure>
  );
}

/** Each curve's value at the last point at or before x (the "x unified" hover of W&B and ClearML). */
function HoverTooltip({ x, left, curves, formatX, xAxis }: { x: number; left: number; curves: readonly Curve[]; formatX: (x: number) => string; xAxis: CompareXAxis }) {
  const rows = curves.map((curve) => ({ curve, point: pointAtOrBefore(curve.full, x) }));
  return (
    <div className="compare-tooltip" style={{ left: left + 14 }} role="tooltip">
      <div className="compare-tooltip-x">{xAxis === 'step' ? `step ${formatX(Math.round(x))}` : xAxis === 'epoch' ? `epoch ${formatX(x)}` : formatX(x)}</div>
      {rows.map(({ curve, point }) => (
        <div key={curve.id} className="compare-tooltip-row">
          <span className="legend-swatch" style={{ borderColor: curve.colour }} />
          <span className="compare-tooltip-name">{curve.label}</span>
          <strong>{point ? formatMetric(point.value) : '—'}</strong>
        </div>
      ))}
    </div>
  );
}

/** The smallest and largest x of every curve (what recharts' 'dataMin' / 'dataMax' would find); null when empty. */
function xExtent(curves: readonly Curve[]): StepRange | null {
  let min = Infinity;
  let max = -Infinity;
  for (const curve of curves) for (const { step } of curve.full) { min = Math.min(min, step); max = Math.max(max, step); }
  return min <= max ? [min, max] : null;
}

/** A padded y-range when every drawn value is the same (recharts' automatic domain would collapse to one tick);
 *  null otherwise, leaving the domain to recharts. */
function constantDomain(curves: readonly Curve[], logScale: boolean): [number, number] | null {
  let min = Infinity;
  let max = -Infinity;
  for (const curve of curves) for (const { value } of curve.shown) if (Number.isFinite(value)) { min = Math.min(min, value); max = Math.max(max, value); }
  // Smoothing's debiasing leaves rounding noise on a constant series, so "the same" allows a relative 1e-9.
  if (!Number.isFinite(min) || max - min > 1e-9 * Math.max(1, Math.abs(max))) return null;
  if (logScale) return [min / 2, max * 2];
  const pad = Math.abs(max) * 0.1 || 1;
  return [min - pad, max + pad];
}

/** At most `max` of `points`, evenly spaced (the band is a shading; the mean line keeps min/max detail). */
function everyNth<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return points.slice();
  const stride = Math.ceil(points.length / max);
  return points.filter((_, i) => i % stride === 0 || i === points.length - 1);
}

function pointAtOrBefore(points: readonly SeriesPoint[], x: number): SeriesPoint | null {
  let low = 0;
  let high = points.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (points[mid].step <= x) low = mid + 1;
    else high = mid;
  }
  return low > 0 ? points[low - 1] : null;
}
