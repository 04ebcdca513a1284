// Two traces of the same puzzle (two runs, or two checkpoints of one run) side by side on one step scrubber:
// each column shows its answer at the step with overlays, its film strip, halting summary, flags and halting chart.
import { useState } from 'react';
import type { TraceDetail, TraceStepDetail } from '../../preload/contract.ts';
import { Grid } from '../common/Grid.tsx';
import { runColour } from '../common/palette.ts';
import { HaltingChart } from './charts.tsx';
import { answerOutcome, haltingSummary, cellsOf, wrongCells } from './trace-model.ts';
import { AnswerGrid, cellSizeFor, FilmStrip, FlagBadges, Scrubber, TraceWarnings, usePlayback, useStepKeys, type Overlays } from './TraceView.tsx';
import { viewerHash } from './routes.ts';

export function PairView({ traces }: { traces: [TraceDetail, TraceDetail] }) {
  const count = Math.max(...traces.map((t) => t.steps.length));
  const [index, setIndex] = useState(count - 1);
  const [tempoMs, setTempoMs] = useState(500);
  const [overlays, setOverlays] = useState<Overlays>({ changed: true, wrong: true, confidence: false });
  const [playing, togglePlay] = usePlayback(count, setIndex, tempoMs);
  useStepKeys(count, setIndex, togglePlay);
  const first = traces[0];
  const big = cellSizeFor(first.grid.cols, 220, 6, 36);
  const samePuzzle = traces[0].info.puzzleKey === traces[1].info.puzzleKey;

  return (
    <div className="pair-view" data-step={index + 1}>
      <section className="panel">
        <Scrubber count={count} index={index} onIndex={setIndex} playing={playing} onTogglePlay={togglePlay} tempoMs={tempoMs} onTempo={setTempoMs} labelOf={(i) => `step ${i + 1} / ${count}`} />
        <div className="overlay-toggles">
          <label className="checkbox"><input type="checkbox" checked={overlays.changed} onChange={(e) => setOverlays({ ...overlays, changed: e.target.checked })} /> Changed since previous step</label>
          <label className="checkbox"><input type="checkbox" checked={overlays.wrong} onChange={(e) => setOverlays({ ...overlays, wrong: e.target.checked })} /> Differs from target</label>
          {!samePuzzle && <span className="field-error">These traces are of different puzzles.</span>}
        </div>
        <div className="grids-row">
          <figure className="grid-panel"><figcaption>Input x</figcaption><Grid cells={cellsOf(first.input, first.grid)} cellSize={big} glyphs={first.grid.glyphs} label="input" /></figure>
          {first.target && <figure className="grid-panel"><figcaption>Target</figcaption><Grid cells={cellsOf(first.target, first.grid)} cellSize={big} glyphs={first.grid.glyphs} label="target" /></figure>}
        </div>
      </section>
      <div className="pair-columns">
        {traces.map((trace) => {
          const i = Math.min(index, trace.steps.length - 1);
          const step = trace.steps[i];
          return (
            <section key={trace.info.id} className="panel pair-column" data-trace-id={trace.info.id}>
              <div className="panel-header">
                <span className="swatch large" style={{ background: runColour(trace.run.id) }} />
                <h2><a href={viewerHash({ trace: trace.info.id })}>{trace.run.name} #{trace.run.id} · step {trace.info.checkpointStep}</a></h2>
              </div>
              <TraceWarnings trace={trace} />
              <div className="halting-summary"><span className={`halt-badge ${trace.trainingHaltStep === null ? 'ran-max' : 'halts'}`}>{haltingSummary(trace)}</span><FlagBadges trace={trace} /></div>
              <figure className="grid-panel answer-panel">
                <figcaption>Answer at step {step.step}{outcomeOf(trace, step)} · σ {step.haltProbability.toFixed(3)}</figcaption>
                <AnswerGrid trace={trace} tokens={step.prediction} previous={i > 0 ? trace.steps[i - 1].prediction : null} overlays={overlays} cellSize={big} label={`answer of trace ${trace.info.id}`} />
              </figure>
              <FilmStrip trace={trace} index={i} onIndex={setIndex} overlays={overlays} />
              <HaltingChart trace={trace} stepIndex={i} onStep={setIndex} />
            </section>
          );
        })}
      </div>
    </div>
  );
}

/** " · exact ✓" / " · solved (by the rules) ✓ · differs from the target in N cells" / " · not solved · …", or nothing. */
function outcomeOf(trace: TraceDetail, step: TraceStepDetail): string {
  const outcome = answerOutcome(step, trace.target ? wrongCells(trace, step.prediction).length : null);
  return outcome ? ` · ${outcome}` : '';
}
