// Rate-limits a run's live events so the UI is not flooded: at most one delivery per run per interval
// (10/s by default). Frequent events (progress, metric) are coalesced to the latest of each type; events
// that must never be lost (started, checkpoint, eval, done, error) are delivered at once, after whatever
// was pending for that run so the order of the run's story is kept.
import type { TrainEvent } from '../train/events.ts';

const COALESCED_TYPES: ReadonlySet<TrainEvent['type']> = new Set(['progress', 'metric']);
export const DEFAULT_EVENT_INTERVAL_MS = 100;

export interface EventThrottle {
  push(event: TrainEvent): void;
  /** Delivers everything pending now (before the process exits). */
  flush(): void;
}

interface RunState {
  lastDeliveryMs: number;
  pending: Map<TrainEvent['type'], TrainEvent>;
  timer: ReturnType<typeof setTimeout> | null;
}

export function createEventThrottle(deliver: (event: TrainEvent) => void, intervalMs = DEFAULT_EVENT_INTERVAL_MS, now: () => number = Date.now): EventThrottle {
  const runs = new Map<number, RunState>();

  function stateOf(runId: number): RunState {
    let state = runs.get(runId);
    if (!state) runs.set(runId, (state = { lastDeliveryMs: -Infinity, pending: new Map(), timer: null }));
    return state;
  }

  function deliverPending(state: RunState): void {
    if (state.timer) clearTimeout(state.timer);
    state.timer = null;
    const events = [...state.pending.values()];
    state.pending.clear();
    if (events.length > 0) state.lastDeliveryMs = now();
    for (const event of events) deliver(event);
  }

  return {
    push(event) {
      const state = stateOf(event.runId);
      if (!COALESCED_TYPES.has(event.type)) {
        deliverPending(state);
        deliver(event);
        return;
      }
      state.pending.delete(event.type); // re-insert so pending keeps arrival order of the latest events
      state.pending.set(event.type, event);
      const waitMs = state.lastDeliveryMs + intervalMs - now();
      if (waitMs <= 0) deliverPending(state);
      else state.timer ??= setTimeout(() => deliverPending(state), waitMs);
    },
    flush() {
      for (const state of runs.values()) deliverPending(state);
    },
  };
}
