// The run list kept current by pushed events: progress events update rows in place (no refetch per step);
// lifecycle events (job state, started, checkpoint, eval, done, error) refetch the list, coalesced.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { RunSummaryInfo, TrainEvent, WorkbenchEvent } from '../../preload/contract.ts';
import { useApi, useWorkbenchEvents } from '../app/workbench.tsx';

export type ProgressEvent = Extract<TrainEvent, { type: 'progress' }>;

/** How long lifecycle events are gathered before one refetch. */
const REFETCH_DELAY_MS = 150;

export interface LiveRuns {
  runs: RunSummaryInfo[] | null;
  /** The latest progress event of each running run. */
  progress: ReadonlyMap<number, ProgressEvent>;
  loadError: string | null;
  refresh: () => void;
}

export function useLiveRuns(): LiveRuns {
  const api = useApi();
  const [runs, setRuns] = useState<RunSummaryInfo[] | null>(null);
  const [progress, setProgress] = useState<ReadonlyMap<number, ProgressEvent>>(new Map());
  const [loadError, setLoadError] = useState<string | null>(null);
  const refetchTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const refresh = useCallback(() => {
    api.runs.list({ includeArchived: true }).then(
      (list) => { setRuns(list); setLoadError(null); },
      (error: unknown) => setLoadError(error instanceof Error ? error.message : String(error)),
    );
  }, [api]);

  useEffect(() => {
    refresh();
    return () => { if (refetchTimer.current) clearTimeout(refetchTimer.current); };
  }, [refresh]);

  const scheduleRefresh = useCallback(() => {
    if (refetchTimer.current) return;
    refetchTimer.current = setTimeout(() => { refetchTimer.current = null; refresh(); }, REFETCH_DELAY_MS);
  }, [refresh]);

  useWorkbenchEvents((event: WorkbenchEvent) => {
    if (event.type === 'job') return scheduleRefresh();
    if (event.type !== 'train') return;
    const train = event.event;
    if (train.type === 'progress') {
      setProgress((previous) => new Map(previous).set(train.runId, train));
      setRuns((previous) => previous?.map((run) => (run.id === train.runId ? { ...run, step: train.step, totalSteps: train.totalSteps } : run)) ?? null);
    } else if (train.type !== 'metric') {
      if (train.type === 'done' || train.type === 'error') {
        setProgress((previous) => { const next = new Map(previous); next.delete(train.runId); return next; });
      }
      scheduleRefresh();
    }
  });

  return { runs, progress, loadError, refresh };
}
