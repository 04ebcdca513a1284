// A run's metric series, kept complete while it trains. Pushed metric/progress events are coalesced by the
// backend, so they only signal "there is more": each signal fetches the points after the last step held
// (metrics.series with afterStep), at most one request at a time. Series are appended in place and a version
// number tells React to redraw, so 100,000-point series are never copied per update.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { MetricSeries } from '../../../preload/contract.ts';
import { useApi, useWorkbenchEvents } from '../../app/workbench.tsx';
import type { SeriesPoint } from './downsample.ts';

/** Everything the server keeps (its own cap); the chart downsamples for display. */
const FETCH_MAX_POINTS = 100_000;
const FETCH_INTERVAL_MS = 400;

export interface MetricSeriesState {
  series: ReadonlyMap<string, SeriesPoint[]>;
  /** Increments whenever any series grows. */
  version: number;
  error: string | null;
}

export function useMetricSeries(runId: number): MetricSeriesState {
  const api = useApi();
  const series = useRef(new Map<string, SeriesPoint[]>());
  const lastStep = useRef(-1);
  const inFlight = useRef(false);
  const again = useRef(false);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<string | null>(null);

  const fetchNewPoints = useCallback(async () => {
    if (inFlight.current) {
      again.current = true;
      return;
    }
    inFlight.current = true;
    try {
      // One step of overlap: eval points can be written just after the train points of the same step.
      const afterStep = Math.max(-1, lastStep.current - 1);
      const reply = await api.metrics.series({ runId, maxPoints: FETCH_MAX_POINTS, afterStep });
      if (appendSeries(series.current, reply, lastStep)) setVersion((v) => v + 1);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      inFlight.current = false;
    }
    if (again.current) {
      again.current = false;
      setTimeout(() => void fetchNewPoints(), FETCH_INTERVAL_MS);
    }
  }, [api, runId]);

  useEffect(() => { void fetchNewPoints(); }, [fetchNewPoints]);

  useWorkbenchEvents((event) => {
    if (event.type === 'train' && event.event.runId === runId) void fetchNewPoints();
  });

  return { series: series.current, version, error };
}

/** Appends each reply series to its stored series (skipping steps already held); true if anything was added. */
function appendSeries(store: Map<string, SeriesPoint[]>, reply: Record<string, MetricSeries>, lastStep: { current: number }): boolean {
  let added = false;
  for (const [key, incoming] of Object.entries(reply)) {
    let points = store.get(key);
    if (!points) store.set(key, (points = []));
    const held = points.length > 0 ? points[points.length - 1].step : -Infinity;
    for (let i = 0; i < incoming.steps.length; i++) {
      const step = incoming.steps[i];
      if (step <= held) continue;
      // NaN travels as null over JSON; keep it as NaN so it shows as a gap, not as zero.
      points.push({ step, value: incoming.values[i] ?? Number.NaN });
      if (step > lastStep.current) lastStep.current = step;
      added = true;
    }
  }
  return added;
}
