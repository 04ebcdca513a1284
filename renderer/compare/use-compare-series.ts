// The metric series of every compared run, complete and kept current while runs train: like the run page's
// useMetricSeries, pushed events only signal "more points", each signal fetches a run's points after the last
// step held, and series grow in place with a version number telling React to redraw (zoom and selection are
// component state elsewhere and survive). Wall times are kept for the time x-axes and the exports.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { MetricSeries } from '../../preload/contract.ts';
import { useApi, useWorkbenchEvents } from '../app/workbench.tsx';
import type { RunSeries, StoredPoint } from './export.ts';

const FETCH_MAX_POINTS = 100_000;
const FETCH_INTERVAL_MS = 400;

interface RunFetchState {
  series: Map<string, StoredPoint[]>;
  lastStep: number;
  inFlight: boolean;
  again: boolean;
}

export interface CompareSeriesState {
  seriesByRun: ReadonlyMap<number, RunSeries>;
  version: number;
  error: string | null;
}

export function useCompareSeries(runIds: readonly number[]): CompareSeriesState {
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
