// "Jobs at once": how many training/evaluation jobs the backend's queue runs together. Saved through
// jobs.setConcurrency, which stores it and applies it to the running queue at once.
import { useEffect, useState } from 'react';
import type { JobConcurrencyInfo } from '../../preload/contract.ts';
import { useApi } from '../app/workbench.tsx';

export function JobConcurrencyControl() {
  const api = useApi();
  const [info, setInfo] = useState<JobConcurrencyInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    api.jobs.getConcurrency().then(
      (loaded) => { if (!cancelled) setInfo(loaded); },
      (failure: unknown) => { if (!cancelled) setError(messageOf(failure)); },
    );
    return () => { cancelled = true; };
  }, [api]);

  async function save(concurrency: number) {
    setError(null);
    try {
      setInfo(await api.jobs.setConcurrency({ concurrency }));
    } catch (failure) {
      setError(messageOf(failure));
    }
  }

  return (
    <label className="small" title="Training and evaluation jobs that run together; each takes CPU cores, so more at once can make each slower">
      Jobs at once{' '}
      <select aria-label="Jobs at once" disabled={!info} value={info?.concurrency ?? ''} onChange={(e) => void save(Number(e.target.value))}>
        {Array.from({ length: info?.max ?? 0 }, (_, index) => index + 1).map((n) => <option key={n} value={n}>{n}</option>)}
      </select>
      {error && <span className="field-error" role="alert"> {error}</span>}
    </label>
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
