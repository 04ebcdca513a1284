// Runs' metric series, kept complete while they train (the run page's charts, the compare view). Pushed
// metric/progress events are coalesced by the backend, so they only signal "there is more": each signal fetches a
// run's points after the last step held (metrics.series with afterStep), at most one request per run at a time.
// Series are appended in place and a version number tells React to redraw, so 100,000-point series are never
// copied per update (zoom and selection are component state elsewhere and survive). Wall times are kept for the
// compare view's time x-axes and its exports.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { MetricSeries } from '../../../preload/contract.ts';
import { useApi, useWorkbenchEvents } from '../../app/workbench.tsx';
import type { RunSeries, StoredPoint } from './downsample.ts';

/** Everything the server keeps (its own cap); the charts downsample for display. */
const FETCH_MAX_POINTS = 100_000;
const FETCH_INTERVAL_MS = 400;

export interface MetricSeriesByRunState {
  seriesByRun: ReadonlyMap<number, RunSeries>;
  /** Increments whenever any series grows or a run is dropped. */
  version: number;
  error: string | null;
}

interface RunFetchState {
  series: Map<string, StoredPoint[]>;
  lastStep: number;
  inFlight: boolean;
  again: boolean;
}

/** The series of every run in `runIds`, fetched when a run joins and whenever it reports progress. */
export function useMetricSeriesByRun(runIds: readonly number[]): MetricSeriesByRunState {
  const api = useApi();
  const runs = useRef(new Map<number, RunFetchState>());
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<string | null>(null);

  const fetchNewPoints = useCallback(async (runId: number) => {
    const state = runs.current.get(runId);
    if (!state) return;
    if (state.inFlight) {
      state.again = true;
      return;
    }
    state.inFlight = true;
    try {
      // One step of overlap: eval points can be written just after the train points of the same step.
      const reply = await api.metrics.series({ runId, maxPoints: FETCH_MAX_POINTS, afterStep: Math.max(-1, state.lastStep - 1) });
      if (runs.current.get(runId) === state && appendSeries(state, reply)) setVersion((v) => v + 1);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      state.inFlight = false;
    }
    if (state.again) {
      state.again = false;
      setTimeout(() => void fetchNewPoints(runId), FETCH_INTERVAL_MS);
    }
  }, [api]);

  const key = runIds.join(',');
  useEffect(() => {
    const wanted = new Set(runIds);
    let changed = false;
    for (const id of [...runs.current.keys()]) {
      if (!wanted.has(id)) {
        runs.current.delete(id);
        changed = true;
      }
    }
    for (const id of runIds) {
      if (runs.current.has(id)) continue;
      runs.current.set(id, { series: new Map(), lastStep: -1, inFlight: false, again: false });
      void fetchNewPoints(id);
    }
    if (changed) setVersion((v) => v + 1);
  }, [key, fetchNewPoints]);

  useWorkbenchEvents((event) => {
    if (event.type === 'train' && runs.current.has(event.event.runId)) void fetchNewPoints(event.event.runId);
  });

  const seriesByRun = new Map<number, RunSeries>();
  for (const id of runIds) {
    const state = runs.current.get(id);
    if (state) seriesByRun.set(id, state.series);
  }
  return { seriesByRun, version, error };
}

const NO_SERIES: RunSeries = new Map();

/** One run's series (the run page). */
export function useMetricSeries(runId: number): { series: RunSeries; version: number; error: string | null } {
  const { seriesByRun, version, error } = useMetricSeriesByRun([runId]);
  return { series: seriesByRun.get(runId) ?? NO_SERIES, version, error };
}

/** Appends each reply series (skipping steps already held); true if anything was added. */
function appendSeries(state: RunFetchState, reply: Record<string, MetricSeries>): boolean {
  let added = false;
  for (const [key, incoming] of Object.entries(reply)) {
    let points = state.series.get(key);
    if (!points) state.series.set(key, (points = []));
    const held = points.length > 0 ? points[points.length - 1].step : -Infinity;
    for (let i = 0; i < incoming.steps.length; i++) {
      const step = incoming.steps[i];
      if (step <= held) continue;
      // NaN travels as null over JSON; keep it as NaN so it shows as a gap, not as zero.
      points.push({ step, wallTimeMs: incoming.wallTimesMs[i], value: incoming.values[i] ?? Number.NaN });
      if (step > state.lastStep) state.lastStep = step;
      added = true;
    }
  }
  return added;
}
