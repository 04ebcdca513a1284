// Status as a coloured pill, and live progress (step/total, examples/s, ETA) for a running run.
import type { RunStatus } from '../../preload/contract.ts';
import { formatCount, formatDuration } from '../common/format.ts';
import type { ProgressEvent } from './live-runs.ts';

export function RunStatusBadge({ status }: { status: RunStatus }) {
  return <span className={`status status-${status}`}>{status}</span>;
}

export function RunProgress({ step, totalSteps, live }: { step: number; totalSteps: number; live?: ProgressEvent }) {
  const current = live?.step ?? step;
  const total = live?.totalSteps ?? totalSteps;
  const fraction = total > 0 ? Math.min(1, current / total) : 0;
  return (
    <div className="progress" title={`${current} / ${total} steps`}>
      <div className="progress-bar"><div className="progress-fill" style={{ width: `${(fraction * 100).toFixed(1)}%` }} /></div>
      <span className="progress-text">
        {formatCount(current)}/{formatCount(total)}
        {live && <> · {live.examplesPerSecond.toFixed(0)} ex/s · ETA {formatDuration(live.etaMs)}</>}
      </span>
    </div>
  );
}
