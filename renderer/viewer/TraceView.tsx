// One trace: input, target and the step-s answer side by side (shared palette and grid renderer, with overlays),
// a film strip of every step with a scrubber (←/→, Home/End, Space plays), flags, halting and convergence charts,
// the latent z (per-cell norm heatmap, PCA paths), a clicked cell's distribution over steps, and the inner updates
// ("logit lens") when the trace recorded them. The trace is decoded once; scrubbing only re-renders.
import { useEffect, useMemo, useState } from 'react';
import type { TraceDetail } from '../../preload/contract.ts';
import { Grid } from '../common/Grid.tsx';
import { formatDateTime } from '../common/format.ts';
import { CellDistributionChart, ConvergenceChart, HaltingChart, PcaChart } from './charts.tsx';
import { downloadStepsGif } from './export-gif.ts';
import { downloadFilmStrip } from './export-png.ts';
import { answerOutcome, cellDistribution, cellsOf, changedCells, haltingSummary, shownTokens, wrongCells } from './trace-model.ts';

export interface Overlays {
  changed: boolean;
  wrong: boolean;
  confidence: boolean;
}

/** Pixel side of a cell so a grid of `cols` columns is about `target` pixels wide. */
export function cellSizeFor(cols: number, target: number, min = 4, max = 44): number {
  return Math.max(min, Math.min(max, Math.floor(target / cols)));
}

/** Steps with ←/→, Home/End and Space (play/pause), unless the user is typing. */
export function useStepKeys(count: number, setIndex: (update: (index: number) => number) => void, togglePlay: () => void): void {
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      const target = event.target as HTMLElement | null;
      if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) && (target as HTMLInputElement).type !== 'range')) return;
      const moves: Record<string, (i: number) => number> = {
        ArrowLeft: (i) => Math.max(0, i - 1), ArrowRight: (i) => Math.min(count - 1, i + 1), Home: () => 0, End: () => count - 1,
      };
      if (moves[event.key]) {
        event.preventDefault();
        setIndex(moves[event.key]);
      } else if (event.key === ' ') {
        event.preventDefault();
        togglePlay();
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [count, setIndex, togglePlay]);
}

/** Advances the step every `intervalMs` while playing, looping at the end. */
export function usePlayback(count: number, setIndex: (update: (index: number) => number) => void, intervalMs: number): [boolean, () => void] {
  const [playing, setPlaying] = useState(false);
  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => setIndex((i) => (i + 1) % count), intervalMs);
    return () => clearInterval(timer);
  }, [playing, count, intervalMs, setIndex]);
  return [playing, () => setPlaying((p) => !p)];
}

/** The step-s answer with overlays: changed cells outlined, wrong cells struck through, the selected cell ringed. */
export function AnswerGrid({ trace, tokens, previous, overlays, cellSize, selectedCell, onCellClick, label }: {
  trace: TraceDetail; tokens: number[]; previous: number[] | null; overlays: Overlays; cellSize: number; selectedCell?: number | null;
  onCellClick?: (cell: number) => void; label: string;
}) {
  const cols = trace.grid.cols;
  const changed = overlays.changed && previous ? tokens.flatMap((t, cell) => (t !== previous[cell] ? [cell] : [])) : [];
  const wrong = overlays.wrong ? wrongCells(trace, tokens) : [];
  const at = (cell: number) => ({ x: (cell % cols) * cellSize, y: Math.floor(cell / cols) * cellSize });
  return (
    <Grid cells={cellsOf(tokens, trace.grid)} cellSize={cellSize} glyphs={trace.grid.glyphs} label={label}
      onCellClick={onCellClick && ((r, c) => onCellClick(r * cols + c))}>
      {wrong.map((cell) => {
        const { x, y } = at(cell);
        const corner = Math.max(3, cellSize * 0.38);
        return <path key={`w${cell}`} className="overlay-wrong" d={`M${x + 0.5} ${y + 0.5}h${corner}L${x + 0.5} ${y + corner}z`} />;
      })}
      {changed.map((cell) => {
        const { x, y } = at(cell);
        return <rect key={`c${cell}`} className="overlay-changed" x={x + 1.5} y={y + 1.5} width={cellSize - 3} height={cellSize - 3} />;
      })}
      {selectedCell !== null && selectedCell !== undefined && (
        <rect className="overlay-selected" x={at(selectedCell).x + 0.5} y={at(selectedCell).y + 0.5} width={cellSize - 1} height={cellSize - 1} />
      )}
    </Grid>
  );
}

/** A sequential heatmap (light → dark blue) of one number per cell, with its range in the caption. */
export function Heatmap({ values, rows, cols, cellSize, label, min = 0, max: fixedMax, onCellClick }: { values: number[]; rows: number; cols: number; cellSize: number; label: string; min?: number; max?: number; onCellClick?: (cell: number) => void }) {
  const max = fixedMax ?? Math.max(1e-9, ...values);
  const span = Math.max(1e-9, max - min);
  return (
    <svg className="grid heatmap" role="img" aria-label={label} width={cols * cellSize} height={rows * cellSize}
      onClick={onCellClick && ((event) => {
        const box = event.currentTarget.getBoundingClientRect();
        onCellClick(Math.floor(((event.clientY - box.top) / box.height) * rows) * cols + Math.floor(((event.clientX - box.left) / box.width) * cols));
      })}>
      {values.map((value, cell) => (
        <rect key={cell} x={(cell % cols) * cellSize} y={Math.floor(cell / cols) * cellSize} width={cellSize - (cellSize >= 6 ? 1 : 0)} height={cellSize - (cellSize >= 6 ? 1 : 0)} fill={heatColour((value - min) / span)}>
          <title>{value.toFixed(3)}</title>
        </rect>
      ))}
    </svg>
  );
}

/** 0 → pale, 1 → deep blue. */
export function heatColour(t: number): string {
  const x = Math.max(0, Math.min(1, t));
  const mix = (a: number, b: number) => Math.round(a + (b - a) * x);
  return `rgb(${mix(240, 16)}, ${mix(244, 52)}, ${mix(250, 128)})`;
}

/** What main noted about the puzzle when tracing it (several solutions, no target, …): it changes how accuracy and
 *  flags read, so it sits above them. */
export function TraceWarnings({ trace }: { trace: TraceDetail }) {
  if (trace.warnings.length === 0) return null;
  return (
    <div className="warning-banner" role="note" aria-label="Puzzle warnings">
      {trace.warnings.map((warning) => <div key={warning}>{warning}</div>)}
    </div>
  );
}

export function FlagBadges({ trace }: { trace: TraceDetail }) {
  const { stuck, overthinking } = trace.flags;
  return (
    <div className="flag-badges">
      {stuck && (
        <span className="flag flag-stuck" data-flag="stuck" title="The answer stopped changing while not solved: a wrong fixed point.">
          stuck · steps {stuck.fromStep}–{stuck.toStep}
          <span className="flag-why">same unsolved answer for {stuck.toStep - stuck.fromStep + 1} steps: the recursion sits at a wrong fixed point</span>
        </span>
      )}
      {overthinking && (
        <span className="flag flag-overthinking" data-flag="overthinking" title="Solved at one step, not solved later: running on to N_sup made it worse.">
          overthinking · right at {overthinking.rightAtStep}, wrong at {overthinking.wrongAtStep}
          <span className="flag-why">it had the answer, then lost it by running on (evaluation always runs N_sup steps)</span>
        </span>
      )}
      {!stuck && !overthinking && <span className="flag flag-none">{trace.target ? 'no stuck / overthinking flags' : 'no target: no flags'}</span>}
    </div>
  );
}

function OverlayToggles({ overlays, onChange, hasTarget }: { overlays: Overlays; onChange: (o: Overlays) => void; hasTarget: boolean }) {
  const toggle = (key: keyof Overlays, label: string, disabled = false) => (
    <label className="checkbox" title={disabled ? 'no target' : undefined}>
      <input type="checkbox" checked={overlays[key] && !disabled} disabled={disabled} onChange={(e) => onChange({ ...overlays, [key]: e.target.checked })} /> {label}
    </label>
  );
  return (
    <div className="overlay-toggles" role="group" aria-label="Overlays">
      {toggle('changed', 'Changed since previous step')}
      {toggle('wrong', 'Differs from target', !hasTarget)}
      {toggle('confidence', 'Confidence heatmap')}
    </div>
  );
}

export function Scrubber({ count, index, onIndex, playing, onTogglePlay, tempoMs, onTempo, labelOf }: {
  count: number; index: number; onIndex: (i: number) => void; playing: boolean; onTogglePlay: () => void; tempoMs: number; onTempo: (ms: number) => void; labelOf: (i: number) => string;
}) {
  return (
    <div className="scrubber">
      <button onClick={() => onIndex(0)} title="First step (Home)">|◀</button>
      <button onClick={() => onIndex(Math.max(0, index - 1))} title="Previous step (←)">◀</button>
      <button className="play" onClick={onTogglePlay} title="Play / pause (Space)" aria-label={playing ? 'Pause' : 'Play'}>{playing ? '❚❚' : '▶'}</button>
      <button onClick={() => onIndex(Math.min(count - 1, index + 1))} title="Next step (→)">▶|</button>
      <input type="range" min={0} max={count - 1} value={index} aria-label="Step" onChange={(e) => onIndex(Number(e.target.value))} />
      <span className="step-label" data-testid="step-label">{labelOf(index)}</span>
      <label className="control">tempo
        <select value={tempoMs} onChange={(e) => onTempo(Number(e.target.value))} aria-label="Tempo">
          {[1000, 500, 250, 100].map((ms) => <option key={ms} value={ms}>{ms} ms</option>)}
        </select>
      </label>
    </div>
  );
}

export function FilmStrip({ trace, index, onIndex, overlays }: { trace: TraceDetail; index: number; onIndex: (i: number) => void; overlays: Overlays }) {
  const thumb = cellSizeFor(trace.grid.cols, 76, 2, 20);
  return (
    <div className="film-strip" role="listbox" aria-label="Film strip">
      {trace.steps.map((s, i) => (
        <button key={s.step} role="option" aria-selected={i === index} className={`film-frame${i === index ? ' current' : ''}${s.step === trace.trainingHaltStep ? ' halts' : ''}`}
          onClick={() => onIndex(i)} data-step={s.step}>
          <AnswerGrid trace={trace} tokens={s.prediction} previous={i > 0 ? trace.steps[i - 1].prediction : null} overlays={{ changed: false, wrong: overlays.wrong, confidence: false }} cellSize={thumb} label={`step ${s.step}`} />
          <span className="frame-caption">
            <strong>{s.step}</strong>{(s.solved ?? s.exact) === true && <span className="ok"> ✓</span>}
            <span className="muted"> σ {s.haltProbability.toFixed(2)}{s.changedCells ? ` · Δ${s.changedCells}` : ''}</span>
          </span>
          {s.step === trace.trainingHaltStep && <span className="halt-mark">halts</span>}
        </button>
      ))}
    </div>
  );
}

export function TraceView({ trace }: { trace: TraceDetail }) {
  const count = trace.steps.length;
  const [index, setIndex] = useState(count - 1);
  const [tempoMs, setTempoMs] = useState(500);
  const [overlays, setOverlays] = useState<Overlays>({ changed: true, wrong: !!trace.target, confidence: false });
  const [selectedCell, setSelectedCell] = useState<number | null>(null);
  const [playing, togglePlay] = usePlayback(count, setIndex, tempoMs);
  useStepKeys(count, setIndex, togglePlay);
  const step = trace.steps[index];
  const { rows, cols } = trace.grid;
  const big = cellSizeFor(cols, 260, 6, 44);
  const distribution = useMemo(() => (selectedCell === null ? null : cellDistribution(trace, selectedCell)), [trace, selectedCell]);
  const changedCount = changedCells(trace, index).length;
  const wrongCount = trace.target ? wrongCells(trace, step.prediction).length : null;
  // One colour scale per quantity for every step (min–max over the trace), so scrubbing shows change.
  const zScales = useMemo(() => {
    const range = (values: number[]) => [Math.min(...values), Math.max(...values)] as const;
    return { norm: range(trace.steps.flatMap((s) => s.zNorms)), delta: range(trace.steps.flatMap((s) => s.zDeltaNorms)) };
  }, [trace]);
  const onCell = (cell: number) => setSelectedCell((c) => (c === cell ? null : cell));

  return (
    <div className="trace-view" data-trace-id={trace.info.id} data-step={step.step}>
      <section className="panel trace-header">
        <div className="trace-facts">
          <span><a href={`#/runs/${trace.run.id}`}>{trace.run.name}</a> <span className="muted">#{trace.run.id}</span></span>
          <span className="muted">checkpoint <strong>step {trace.info.checkpointStep}</strong></span>
          <span className="muted">puzzle <strong className="mono">{shortKey(trace.info.puzzleKey)}</strong></span>
          <span className="muted">T={trace.model.hCycles}, n={trace.model.lCycles}, N_sup={trace.model.haltMaxSteps}</span>
          <span className="muted">traced {formatDateTime(trace.info.createdAt)}</span>
          <button className="small" onClick={() => downloadFilmStrip(trace)}>Export film strip PNG</button>
          <button className="small" onClick={() => downloadStepsGif(trace)}>Export GIF</button>
        </div>
        <TraceWarnings trace={trace} />
        <div className="halting-summary" data-testid="halting-summary">
          <span className={`halt-badge ${trace.trainingHaltStep === null ? 'ran-max' : 'halts'}`}>{haltingSummary(trace)}</span>
          <FlagBadges trace={trace} />
        </div>
      </section>

      <section className="panel">
        <Scrubber count={count} index={index} onIndex={setIndex} playing={playing} onTogglePlay={togglePlay} tempoMs={tempoMs} onTempo={setTempoMs}
          labelOf={(i) => `step ${trace.steps[i].step} / ${count}`} />
        <OverlayToggles overlays={overlays} onChange={setOverlays} hasTarget={!!trace.target} />
        <div className="grids-row">
          <GridPanel title="Input x"><Grid cells={cellsOf(trace.input, trace.grid)} cellSize={big} glyphs={trace.grid.glyphs} label="input" /></GridPanel>
          {trace.target && <GridPanel title="Target"><Grid cells={cellsOf(trace.target, trace.grid)} cellSize={big} glyphs={trace.grid.glyphs} label="target" /></GridPanel>}
          <GridPanel title={`Answer y at step ${step.step}`} note={stepNote(step, changedCount, wrongCount)} className="answer-panel">
            <AnswerGrid trace={trace} tokens={step.prediction} previous={index > 0 ? trace.steps[index - 1].prediction : null} overlays={overlays} cellSize={big}
              selectedCell={selectedCell} onCellClick={onCell} label={`answer at step ${step.step}`} />
          </GridPanel>
          {overlays.confidence && (
            <GridPanel title="Confidence (max p)" note="pale = unsure, dark = sure" className="confidence-panel">
              <Heatmap values={step.confidence} rows={rows} cols={cols} cellSize={big} max={1} label="confidence heatmap" onCellClick={onCell} />
            </GridPanel>
          )}
        </div>
        <p className="small muted hint">Click a cell of the answer to see its distribution over the steps. ←/→ step, Home/End, Space plays.</p>
        <FilmStrip trace={trace} index={index} onIndex={setIndex} overlays={overlays} />
      </section>

      {selectedCell !== null && distribution && (
        <section className="panel cell-panel" data-testid="cell-distribution">
          <div className="panel-header">
            <h2>Cell r{Math.floor(selectedCell / cols) + 1} c{(selectedCell % cols) + 1} over the steps</h2>
            <span className="small muted">
              target {trace.target ? describeToken(trace, trace.target[selectedCell]) : 'unknown'} · step {step.step}: {describeToken(trace, step.prediction[selectedCell])} (p {step.confidence[selectedCell].toFixed(2)})
            </span>
            <button className="small" onClick={() => setSelectedCell(null)}>Close</button>
          </div>
          <CellDistributionChart trace={trace} distribution={distribution} tokens={shownTokens(trace, distribution)} stepIndex={index} onStep={setIndex} />
        </section>
      )}

      <div className="chart-grid viewer-charts">
        <HaltingChart trace={trace} stepIndex={index} onStep={setIndex} />
        <ConvergenceChart trace={trace} stepIndex={index} onStep={setIndex} />
      </div>

      <section className="panel">
        <h2>Latent z</h2>
        <div className="latent-row">
          <GridPanel title={`‖z‖ per cell at step ${step.step}`} note={`scale ${zScales.norm[0].toFixed(2)}–${zScales.norm[1].toFixed(2)} over all steps`}>
            <Heatmap values={step.zNorms} rows={rows} cols={cols} cellSize={cellSizeFor(cols, 160, 4, 30)} min={zScales.norm[0]} max={zScales.norm[1]} label="z norm heatmap" onCellClick={onCell} />
          </GridPanel>
          <GridPanel title={`‖z − z_prev‖ per cell at step ${step.step}`} note={`scale ${zScales.delta[0].toFixed(2)}–${zScales.delta[1].toFixed(2)} over all steps`}>
            <Heatmap values={step.zDeltaNorms} rows={rows} cols={cols} cellSize={cellSizeFor(cols, 160, 4, 30)} min={zScales.delta[0]} max={zScales.delta[1]} label="z change heatmap" onCellClick={onCell} />
          </GridPanel>
          <PcaChart trace={trace} stepIndex={index} onStep={setIndex} />
          <p className="small muted latent-note">z cannot be decoded into colours; its per-cell norm and the path of the mean-pooled state
            through its first two principal components show where the recursion still moves and where it has settled.</p>
        </div>
      </section>

      {trace.inner && <InnerStrip trace={trace} stepIndex={index} />}
    </div>
  );
}

function GridPanel({ title, note, className, children }: { title: string; note?: string; className?: string; children: React.ReactNode }) {
  return (
    <figure className={`grid-panel ${className ?? ''}`}>
      <figcaption>{title}</figcaption>
      {children}
      {note && <div className="small muted grid-note">{note}</div>}
    </figure>
  );
}

function stepNote(step: TraceDetail['steps'][number], changed: number, wrong: number | null): string {
  const parts = [`σ(q_halt) ${step.haltProbability.toFixed(3)}`, `${changed} changed`];
  const outcome = answerOutcome(step, wrong);
  if (outcome) parts.push(outcome);
  return parts.join(' · ');
}

function describeToken(trace: TraceDetail, token: number): string {
  const value = trace.grid.tokenCells[token];
  if (value === null) return token === 0 ? 'pad' : `token ${token}`;
  return trace.grid.glyphs?.[value] ? `'${trace.grid.glyphs[value]}'` : `colour ${value}`;
}

export function shortKey(key: string): string {
  return key.length > 40 ? `${key.slice(0, 37)}…` : key;
}

/** The inner updates of the selected supervision step (T × (n z-updates + 1 y-update)), each decoded through
 *  the output head: a finer film strip. */
function InnerStrip({ trace, stepIndex }: { trace: TraceDetail; stepIndex: number }) {
  const step = trace.steps[stepIndex].step;
  const updates = trace.inner!.filter((u) => u.step === step);
  const thumb = cellSizeFor(trace.grid.cols, 60, 2, 16);
  return (
    <section className="panel" data-testid="inner-strip">
      <h2>Inner updates of step {step} (logit lens)</h2>
      <p className="small muted">Each z and y update decoded through the output head. Only y is trained to be decoded; z's lens is indicative.</p>
      <div className="film-strip inner">
        {updates.map((u, i) => (
          <div key={i} className={`film-frame inner-${u.kind}`}>
            <Grid cells={cellsOf(u.prediction, trace.grid)} cellSize={thumb} glyphs={trace.grid.glyphs} label={`recursion ${u.recursion} ${u.kind}${u.kind === 'z' ? u.index : ''}`} />
            <span className="frame-caption">
              <strong>{u.kind === 'z' ? `z${u.index}` : 'y'}</strong> <span className="muted">r{u.recursion}</span>
              {u.cellAccuracy !== null && <span className="muted"> {(u.cellAccuracy * 100).toFixed(0)}%</span>}
              <span className="muted"> Δ{u.delta.toFixed(2)}</span>
            </span>
          </div>
        ))}
      </div>
    </section>
  );
}
