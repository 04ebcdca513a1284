// Autosave: every change of an open document is written to its SQLite draft (drafts.save), so a crash or a
// reload loses nothing. Writes are serialised: while one is in flight only the newest pending content waits,
// so a fast pencil drag costs a few writes, not one per cell, and the last state always lands.
import { useEffect, useRef, useState } from 'react';
import type { PuzzleKind } from '../../preload/contract.ts';
import { useApi } from '../app/workbench.tsx';

export interface DraftContent {
  taskId: number | null;
  kind: PuzzleKind;
  name: string;
  content: string;
}

export interface AutosaveStatus {
  /** When the latest draft was written (ms), null before the first. */
  savedAt: number | null;
  error: string | null;
  /** True while a write is queued or in flight. */
  pending: boolean;
}

/** Saves `draft` under `key` whenever it changes; `null` saves nothing (e.g. the document is unchanged). */
export function useDraftAutosave(key: string, draft: DraftContent | null): AutosaveStatus {
  const api = useApi();
  const [status, setStatus] = useState<AutosaveStatus>({ savedAt: null, error: null, pending: false });
  const queue = useRef<{ inFlight: boolean; next: DraftContent | null }>({ inFlight: false, next: null });
  const serialized = draft ? JSON.stringify(draft) : null;

  useEffect(() => {
    if (!draft) return;
    const state = queue.current;
    state.next = draft;
    setStatus((previous) => ({ ...previous, pending: true }));
    if (state.inFlight) return;
    const drain = async (): Promise<void> => {
      state.inFlight = true;
      while (state.next) {
        const content = state.next;
        state.next = null;
        try {
          const { updatedAt } = await api.drafts.save({ key, ...content });
          setStatus({ savedAt: updatedAt, error: null, pending: state.next !== null });
        } catch (error) {
          setStatus({ savedAt: null, error: error instanceof Error ? error.message : String(error), pending: false });
        }
      }
      state.inFlight = false;
    };
    void drain();
  }, [api, key, serialized]);

  return status;
}
