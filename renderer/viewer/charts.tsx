// The step viewer's charts: halting (σ(q_halt) with the 0.5 line, where training-time halting would stop, and
// accuracy per step), convergence (‖Δy‖, ‖Δz‖), the PCA trajectories of y and z, a cell's distribution over
// steps, and the dataset view's halting histogram and accuracy-if-stopped curve. Clicking a step selects it.
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { TraceDetail } from '../../preload/contract.ts';
import { cellColour } from '../common/palette.ts';

const Y_COLOUR = '#3b6fd1';
const Z_COLOUR = '#e0772b';
const ACCURACY_COLOUR = '#2e9e6a';
const HALT_COLOUR = '#b5489c';

const fixed = (digits: number) => (value: unknown) => (typeof value === 'number' ? value.toFixed(digits) : String(value ?? '—'));

/** recharts passes the clicked category as activeLabel. */
function stepClick(onStep: (index: number) => void) {
  return (state: unknown) => {
    const label = Number((state as { activeLabel?: unknown } | null)?.activeLabel);
    if (Number.isInteger(label) && label >= 1) onStep(label - 1);
  };
}

export function HaltingChart({ trace, stepIndex, onStep }: { trace: TraceDetail; stepIndex: number; onStep: (index: number) => void }) {
  const data = trace.steps.map((s) => ({
    step: s.step, halt: s.haltProbability, cellAccuracy: s.cellAccuracy,
    solved: (s.solved ?? s.exact) === null ? null : Number(s.solved ?? s.exact), exact: s.exact === null ? null : Number(s.exact),
  }));
  // The target match gets its own line only when some step is solved without matching it (another valid answer).
  const solvedDiffers = trace.steps.some((s) => s.solved !== null && s.solved !== s.exact);
  const halt = trace.trainingHaltStep;
  return (
    <figure className="chart-panel viewer-chart" data-chart="Halting">
      <figcaption><span className="chart-title">Halting σ(q_halt) and accuracy per step</span></figcaption>
      <div className="chart-body">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 8, right: 14, bottom: 0, left: -18 }} onClick={stepClick(onStep)}>
            <CartesianGrid stroke="#eef0f3" />
            <XAxis dataKey="step" tick={{ fontSize: 10 }} />
            <YAxis domain={[0, 1]} ticks={[0, 0.25, 0.5, 0.75, 1]} tick={{ fontSize: 10 }} />
            <Tooltip formatter={fixed(3)} labelFormatter={(step) => `step ${step}`} />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            <ReferenceLine y={0.5} stroke="#c8372d" strokeDasharray="5 3" label={{ value: 'halt 0.5', position: 'insideTopLeft', fontSize: 10, fill: '#c8372d' }} className="halt-threshold" />
            {halt !== null && <ReferenceLine x={halt} stroke={HALT_COLOUR} label={{ value: `halts @${halt}`, position: 'insideTopRight', fontSize: 10, fill: HALT_COLOUR }} className="halt-step" />}
            <ReferenceLine x={trace.steps[stepIndex]?.step} stroke="#9aa3af" strokeDasharray="2 2" />
            <Line dataKey="halt" name="σ(q_halt)" stroke={HALT_COLOUR} strokeWidth={2} dot={{ r: 2 }} isAnimationActive={false} />
            {trace.target && <Line dataKey="cellAccuracy" name="cells = target" stroke={ACCURACY_COLOUR} dot={{ r: 2 }} isAnimationActive={false} />}
            {trace.target && <Line dataKey="solved" name="solved" type="stepAfter" stroke="#1f2430" strokeDasharray="4 2" dot={false} isAnimationActive={false} />}
            {trace.target && solvedDiffers && <Line dataKey="exact" name="matches target" type="stepAfter" stroke="#8a8f99" strokeDasharray="1 3" dot={false} isAnimationActive={false} />}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

export function ConvergenceChart({ trace, stepIndex, onStep }: { trace: TraceDetail; stepIndex: number; onStep: (index: number) => void }) {
  const data = trace.steps.map((s) => ({ step: s.step, deltaY: s.deltaY, deltaZ: s.deltaZ, changed: s.changedCells }));
  return (
    <figure className="chart-panel viewer-chart" data-chart="Convergence">
      <figcaption><span className="chart-title">Convergence ‖Δy‖, ‖Δz‖ (change from the previous step)</span></figcaption>
      <div className="chart-body">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 8, right: 14, bottom: 0, left: -10 }} onClick={stepClick(onStep)}>
            <CartesianGrid stroke="#eef0f3" />
            <XAxis dataKey="step" tick={{ fontSize: 10 }} />
            <YAxis domain={[0, 'auto']} tick={{ fontSize: 10 }} tickFormatter={(v: number) => Number(v.toPrecision(3)).toString()} />
            <Tooltip formatter={fixed(4)} labelFormatter={(step) => `step ${step}`} />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            <ReferenceLine x={trace.steps[stepIndex]?.step} stroke="#9aa3af" strokeDasharray="2 2" />
            <Line dataKey="deltaY" name="‖Δy‖" stroke={Y_COLOUR} dot={{ r: 2 }} isAnimationActive={false} />
            <Line dataKey="deltaZ" name="‖Δz‖" stroke={Z_COLOUR} dot={{ r: 2 }} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

/** Mean-pooled y and z of every step projected on each variable's first two principal components: a path from
 *  the initial carry (hollow) through steps 1…N, the selected step ringed. */
export function PcaChart({ trace, stepIndex, onStep }: { trace: TraceDetail; stepIndex: number; onStep: (index: number) => void }) {
  const width = 300;
  const height = 180;
  return (
    <figure className="chart-panel viewer-chart" data-chart="PCA">
      <figcaption>
        <span className="chart-title">PCA trajectory of y and z</span>
        <span className="small muted">
          <span className="legend-swatch" style={{ borderColor: Y_COLOUR }} /> y {pct(trace.pca.y.explainedVariance)}{'  '}
          <span className="legend-swatch" style={{ borderColor: Z_COLOUR }} /> z {pct(trace.pca.z.explainedVariance)}
        </span>
      </figcaption>
      <div className="pca-pair">
        {(['y', 'z'] as const).map((variable) => (
          <PcaPath key={variable} variable={variable} points={trace.pca[variable].points} width={width / 2 + 40} height={height} colour={variable === 'y' ? Y_COLOUR : Z_COLOUR} stepIndex={stepIndex} onStep={onStep} />
        ))}
      </div>
    </figure>
  );
}

const pct = ([a, b]: [number, number]) => `(PC1 ${(a * 100).toFixed(0)}%, PC2 ${(b * 100).toFixed(0)}%)`;

function PcaPath({ variable, points, width, height, colour, stepIndex, onStep }: { variable: string; points: [number, number][]; width: number; height: number; colour: string; stepIndex: number; onStep: (index: number) => void }) {
  const pad = 14;
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const sx = (x: number) => pad + ((x - x0) / (x1 - x0 || 1)) * (width - 2 * pad);
  const sy = (y: number) => height - pad - ((y - y0) / (y1 - y0 || 1)) * (height - 2 * pad);
  const markerId = `arrow-${variable}`;
  return (
    <svg width={width} height={height} className="pca-path" role="img" aria-label={`PCA trajectory of ${variable}`}>
      <defs>
        <marker id={markerId} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" fill={colour} />
        </marker>
      </defs>
      <text x={4} y={12} fontSize={11} fill="#4b5363">{variable}</text>
      {points.slice(1).map((p, i) => (
        <line key={i} x1={sx(points[i][0])} y1={sy(points[i][1])} x2={sx(p[0])} y2={sy(p[1])} stroke={colour} strokeOpacity={0.7} markerEnd={`url(#${markerId})`} />
      ))}
      {points.map((p, i) => (
        <circle key={i} cx={sx(p[0])} cy={sy(p[1])} r={i === stepIndex + 1 ? 5 : 3} fill={i === 0 ? '#fff' : colour} stroke={i === stepIndex + 1 ? '#1f2430' : colour}
          strokeWidth={i === stepIndex + 1 ? 2 : 1} onClick={() => i > 0 && onStep(i - 1)} className={i > 0 ? 'clickable' : undefined}>
          <title>{i === 0 ? 'initial carry' : `step ${i}`}</title>
        </circle>
      ))}
    </svg>
  );
}

/** One cell's distribution over steps: a row per value (its palette swatch and glyph), a column per step, darker
 *  = more probable; the predicted value of each step is outlined. */
export function CellDistributionChart({ trace, distribution, tokens, stepIndex, onStep }: { trace: TraceDetail; distribution: number[][]; tokens: number[]; stepIndex: number; onStep: (index: number) => void }) {
  const cell = 22;
  const labelWidth = 48;
  const width = labelWidth + distribution.length * cell;
  const height = tokens.length * cell + 16;
  const label = (token: number) => {
    const value = trace.grid.tokenCells[token];
    if (value === null) return token === 0 ? 'pad' : `t${token}`;
    return trace.grid.glyphs?.[value] || String(value);
  };
  return (
    <svg width={width} height={height} className="cell-distribution" role="img" aria-label="Cell distribution over steps">
      {tokens.map((token, row) => {
        const value = trace.grid.tokenCells[token];
        return (
          <g key={token}>
            <rect x={0} y={row * cell + 2} width={14} height={cell - 4} fill={value === null ? '#fff' : cellColour(value)} stroke="#ccc" />
            <text x={18} y={row * cell + cell / 2} fontSize={10} dominantBaseline="central" fill="#4b5363">{label(token)}</text>
            {distribution.map((p, step) => {
              return (
                <rect key={step} x={labelWidth + step * cell + 1} y={row * cell + 1} width={cell - 2} height={cell - 2} fill={`rgba(31, 36, 48, ${Math.min(1, p[token]).toFixed(3)})`}
                  stroke={argmax(p) === token ? '#e0772b' : 'none'} strokeWidth={2} onClick={() => onStep(step)} className="clickable">
                  <title>{`step ${step + 1}: p(${label(token)}) = ${p[token].toFixed(3)}`}</title>
                </rect>
              );
            })}
          </g>
        );
      })}
      {distribution.map((_, step) => (
        <text key={step} x={labelWidth + step * cell + cell / 2} y={tokens.length * cell + 10} fontSize={9} textAnchor="middle" fill={step === stepIndex ? '#1f2430' : '#9aa3af'} fontWeight={step === stepIndex ? 700 : 400}>{step + 1}</text>
      ))}
    </svg>
  );
}

function argmax(values: number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

export function HaltHistogramChart({ counts }: { counts: number[] }) {
  const data = counts.map((count, i) => ({ step: i + 1, count }));
  return (
    <figure className="chart-panel viewer-chart" data-chart="Halting steps">
      <figcaption><span className="chart-title">Halting step histogram (first σ(q_halt) &gt; 0.5, else the maximum)</span></figcaption>
      <div className="chart-body">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 8, right: 14, bottom: 0, left: -18 }}>
            <CartesianGrid stroke="#eef0f3" vertical={false} />
            <XAxis dataKey="step" tick={{ fontSize: 10 }} />
            <YAxis allowDecimals={false} tick={{ fontSize: 10 }} />
            <Tooltip labelFormatter={(step) => `halted at step ${step}`} />
            <Bar dataKey="count" name="puzzles" fill={HALT_COLOUR} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

export function AccuracyIfStoppedChart({ accuracy }: { accuracy: (number | null)[] }) {
  const data = accuracy.map((value, i) => ({ step: i + 1, value }));
  return (
    <figure className="chart-panel viewer-chart" data-chart="Accuracy if stopped">
      <figcaption><span className="chart-title">Exact accuracy if stopped at step t</span></figcaption>
      <div className="chart-body">
        {accuracy.every((v) => v === null) ? <div className="chart-empty">This evaluation has no per-step detail (ARC voting rows).</div> : (
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={data} margin={{ top: 8, right: 14, bottom: 0, left: -18 }}>
              <CartesianGrid stroke="#eef0f3" />
              <XAxis dataKey="step" tick={{ fontSize: 10 }} />
              <YAxis domain={[0, 1]} tick={{ fontSize: 10 }} />
              <Tooltip formatter={fixed(3)} labelFormatter={(step) => `stopped at step ${step}`} />
              <Line dataKey="value" name="exact accuracy" stroke={ACCURACY_COLOUR} strokeWidth={2} dot={{ r: 2 }} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        )}
      </div>
    </figure>
  );
}
