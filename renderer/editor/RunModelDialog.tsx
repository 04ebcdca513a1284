// "Run a model on this puzzle": pick a run and one of its checkpoints, trace the editor's current puzzle (an ARC
// task's chosen test input, a Sudoku, a maze) through it (traces.create) and open the result in the step viewer
// (`#/viewer?trace=ID`), where the final prediction is shown next to the expected output. Runs on the puzzle's kind
// are offered, and runs on an official dataset folder (their kind is only known to main); a puzzle that does not
// fit the run is refused by main with its reason, shown here.
import { useEffect, useState } from 'react';
import type { CheckpointInfo, PuzzleKind, RunSummaryInfo } from '../../preload/contract.ts';
import { formatRoute } from '../app/route.ts';
import { navigate, useApi } from '../app/workbench.tsx';

const KIND_NAMES: Record<PuzzleKind, string> = { arc: 'ARC', sudoku: 'Sudoku', maze: 'maze' };

export interface RunModelDialogProps {
  kind: PuzzleKind;
  puzzleText: string;
  puzzleName: string;
  /** ARC: the task's number of test inputs, one of which is traced. */
  testCount?: number;
  onClose(): void;
}

export function RunModelDialog({ kind, puzzleText, puzzleName, testCount = 1, onClose }: RunModelDialogProps) {
  const api = useApi();
  const [runs, setRuns] = useState<RunSummaryInfo[] | null>(null);
  const [runId, setRunId] = useState<number | null>(null);
  // The checkpoints of `runId`, null while they load.
  const [checkpoints, setCheckpoints] = useState<CheckpointInfo[] | null>(null);
  const [checkpoint, setCheckpoint] = useState('latest');
  const [testIndex, setTestIndex] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.runs.list({}).then((all) => {
      const fitting = all.filter((run) => {
        const dataKind = (run.config.data as { kind?: string } | undefined)?.kind;
        return dataKind === kind || dataKind === 'official';
      });
      setRuns(fitting);
      if (fitting[0]) setRunId(fitting[0].id);
    }, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [api, kind]);
  useEffect(() => {
    if (runId === null) return;
    let cancelled = false;
    setCheckpoints(null);
    api.checkpoints.list({ runId }).then((list) => { if (!cancelled) setCheckpoints(list); }, (e: unknown) => { if (!cancelled) setError(e instanceof Error ? e.message : String(e)); });
    return () => { cancelled = true; };
  }, [api, runId]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => { if (event.key === 'Escape') onClose(); };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  function pickRun(id: number) {
    setRunId(id);
    // Another run's step_N need not exist in this one.
    setCheckpoint('latest');
    setError(null);
  }

  async function run() {
    if (runId === null) return;
    setBusy(true);
    setError(null);
    try {
      const { traceId } = await api.traces.create({ runId, checkpoint, puzzleText, puzzleName, testIndex });
      navigate(formatRoute(['viewer'], { trace: String(traceId) }));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  }

  return (
    <div className="modal-backdrop" onClick={onClose}>
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby="run-model-title" onClick={(e) => e.stopPropagation()}>
        <h2 id="run-model-title">Run a model on this puzzle</h2>
        {runs?.length === 0 ? <p className="muted">No {KIND_NAMES[kind]} runs yet: train one first.</p> : (
          <div className="form-grid">
            <label htmlFor="model-run">Run</label>
            <select id="model-run" value={runId ?? ''} onChange={(e) => pickRun(Number(e.target.value))}>
              {runs?.map((r) => <option key={r.id} value={r.id}>#{r.id} {r.name} ({r.status})</option>)}
            </select>
            <label htmlFor="model-checkpoint">Checkpoint</label>
            <select id="model-checkpoint" value={checkpoint} onChange={(e) => setCheckpoint(e.target.value)}>
              <option value="latest">latest</option>
              <option value="best">best</option>
              {checkpoints?.map((c) => <option key={c.step} value={`step_${c.step}`}>step {c.step}</option>)}
            </select>
            {kind === 'arc' && <>
              <label htmlFor="model-test">Test input</label>
              <select id="model-test" value={testIndex} onChange={(e) => setTestIndex(Number(e.target.value))}>
                {Array.from({ length: testCount }, (_, i) => <option key={i} value={i}>{i + 1} of {testCount}</option>)}
              </select>
            </>}
          </div>
        )}
        {checkpoints?.length === 0 && <p className="muted small">This run has no checkpoints yet.</p>}
        {error && <div className="error-banner" role="alert">{error}</div>}
        <div className="button-row right">
          <button onClick={onClose}>Cancel</button>
          <button className="primary" disabled={runId === null || busy || !checkpoints?.length} onClick={() => void run()}>{busy ? 'Running…' : 'Run and open in the viewer'}</button>
        </div>
      </div>
    </div>
  );
}
