// UI preferences kept by the backend's settings channel (so they survive restarts and follow the workspace).
import { useCallback, useEffect, useState } from 'react';
import type { JsonValue } from '../../preload/contract.ts';
import { useApi } from './workbench.tsx';

/** [value, save]: `value` is null until loaded or when never saved. `save` updates the UI at once and writes
 *  through; a failed write is reported in the console and the in-memory value is kept. */
export function useSetting<T extends JsonValue>(key: string): [T | null, (value: T) => void] {
  const api = useApi();
  const [value, setValue] = useState<T | null>(null);
  useEffect(() => {
    let cancelled = false;
    api.settings.get({ key }).then(
      (stored) => { if (!cancelled) setValue(stored as T | null); },
      (error: unknown) => console.error(`reading setting ${key}`, error),
    );
    return () => { cancelled = true; };
  }, [api, key]);
  const save = useCallback((next: T) => {
    setValue(next);
    api.settings.set({ key, value: next }).catch((error: unknown) => console.error(`saving setting ${key}`, error));
  }, [api, key]);
  return [value, save];
}
