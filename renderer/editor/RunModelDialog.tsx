// "Run a model on this puzzle": pick a run and one of its checkpoints, trace the current task's test input
// through it (traces.create) and open the result in the step viewer (`#/viewer?trace=ID`), where the final
// prediction is shown next to the expected output.
import { useEffect, useState } from 'react';
import type { CheckpointInfo, RunSummaryInfo } from '../../preload/contract.ts';
import { formatRoute } from '../app/route.ts';
import { navigate, useApi } from '../app/workbench.tsx';

export function RunModelDialog({ puzzleText, puzzleName, testCount, onClose }: { puzzleText: string; puzzleName: string; testCount: number; onClose(): void }) {
  const api = useApi();
  const [runs, setRuns] = useState<RunSummaryInfo[] | null>(null);
  const [runId, setRunId] = useState<number | null>(null);
  const [checkpoints, setCheckpoints] = useState<CheckpointInfo[]>([]);
  const [checkpoint, setCheckpoint] = useState('latest');
  const [testIndex, setTestIndex] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.runs.list({}).then((all) => {
      const arcRuns = all.filter((run) => (run.config.data as { kind?: string } | undefined)?.kind === 'arc');
      setRuns(arcRuns);
      if (arcRuns[0]) setRunId(arcRuns[0].id);
    }, (e: unknown) => setError(String(e)));
  }, [api]);
  useEffect(() => {
    if (runId === null) return;
    api.checkpoints.list({ runId }).then(setCheckpoints, (e: unknown) => setError(String(e)));
  }, [api, runId]);

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
        {runs?.length === 0 ? <p className="muted">No ARC runs yet: train one on this set first.</p> : (
          <div className="form-grid">
            <label htmlFor="model-run">Run</label>
            <select id="model-run" value={runId ?? ''} onChange={(e) => setRunId(Number(e.target.value))}>
              {runs?.map((r) => <option key={r.id} value={r.id}>#{r.id} {r.name} ({r.status})</option>)}
            </select>
            <label htmlFor="model-checkpoint">Checkpoint</label>
            <select id="model-checkpoint" value={checkpoint} onChange={(e) => setCheckpoint(e.target.value)}>
              <option value="latest">latest</option>
              <option value="best">best</option>
              {checkpoints.map((c) => <option key={c.step} value={`step_${c.step}`}>step {c.step}</option>)}
            </select>
            <label htmlFor="model-test">Test input</label>
            <select id="model-test" value={testIndex} onChange={(e) => setTestIndex(Number(e.target.value))}>
              {Array.from({ length: testCount }, (_, i) => <option key={i} value={i}>{i + 1} of {testCount}</option>)}
            </select>
          </div>
        )}
        {error && <div className="error-banner" role="alert">{error}</div>}
        <div className="button-row right">
          <button onClick={onClose}>Cancel</button>
          <button className="primary" disabled={runId === null || busy || checkpoints.length === 0} onClick={() => void run()}>{busy ? 'Running…' : 'Run and open in the viewer'}</button>
        </div>
      </div>
    </div>
  );
}
