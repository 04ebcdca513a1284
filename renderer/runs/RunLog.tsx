// A run's log (runs/<id>/train.log, written by its jobs): read once, then followed while a job runs on the run,
// warnings and errors highlighted. A long log shows its last part.
import { useEffect, useRef, useState } from 'react';
import { useApi } from '../app/workbench.tsx';

/** How often a live log is read again. */
const POLL_MS = 1000;
/** A longer log starts this far from its end. */
const TAIL_BYTES = 1024 * 1024;
/** Lines kept on the page; older ones are dropped as new ones come. */
const MAX_LINES = 5000;

export type LogLineKind = 'error' | 'warning' | 'plain';

/** Errors: the queue's "error:"/"failed" lines, thrown errors and their stack frames; warnings: "warning:". */
export function logLineKind(line: string): LogLineKind {
  if (/\b(error|failed|fatal|exception)\b|^\s+at\s|^\w*Error:/i.test(line)) return 'error';
  if (/\bwarn(ing)?\b|deprecat/i.test(line)) return 'warning';
  return 'plain';
}

/** `live`: a job runs (or waits) on the run, so the log grows. `version` changes when a job starts or ends. */
export function RunLog({ runId, live, version }: { runId: number; live: boolean; version: number }) {
  const api = useApi();
  const [lines, setLines] = useState<string[]>([]);
  const [dropped, setDropped] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const nextByte = useRef<number | null>(null);
  const view = useRef<HTMLPreElement>(null);
  const reading = useRef(false);

  useEffect(() => {
    nextByte.current = null;
    setLines([]);
    setDropped(false);
  }, [runId]);

  useEffect(() => {
    let cancelled = false;
    const append = (text: string, reset: boolean) => {
      const fresh = text.split('\n');
      fresh.pop(); // text ends with a newline
      setLines((previous) => {
        const all = reset ? fresh : previous.concat(fresh);
        if (all.length <= MAX_LINES) return all;
        setDropped(true);
        return all.slice(all.length - MAX_LINES);
      });
    };
    const read = async () => {
      if (reading.current) return;
      reading.current = true;
      try {
        for (;;) { // catch up in pieces, then wait for the next poll
          let chunk = await api.runs.log({ runId, fromByte: nextByte.current ?? 0 });
          if (cancelled) return;
          if (nextByte.current === null && chunk.size > TAIL_BYTES) {
            chunk = await api.runs.log({ runId, fromByte: chunk.size - TAIL_BYTES });
            if (cancelled) return;
            const firstLineEnd = chunk.text.indexOf('\n') + 1; // the first line is cut: drop it
            chunk = { ...chunk, text: chunk.text.slice(firstLineEnd) };
            setDropped(true);
          }
          append(chunk.text, chunk.reset || nextByte.current === null);
          nextByte.current = chunk.nextByte;
          setError(null);
          if (chunk.nextByte >= chunk.size || chunk.text === '') break;
        }
      } catch (e) {
        if (!cancelled) setError(e instanceof Error ? e.message : String(e));
      } finally {
        reading.current = false;
      }
    };
    void read();
    const timer = live ? setInterval(() => void read(), POLL_MS) : undefined;
    return () => { cancelled = true; reading.current = false; if (timer) clearInterval(timer); };
  }, [api, runId, live, version]);

  // Keep following the end unless the reader has scrolled up.
  const atEnd = useRef(true);
  useEffect(() => {
    const pre = view.current;
    if (pre && atEnd.current) pre.scrollTop = pre.scrollHeight;
  }, [lines]);

  const problems = lines.filter((line) => logLineKind(line) !== 'plain').length;
  return (
    <section className="panel run-log" data-live={live}>
      <h2>Logs <span className="muted small">train.log{live ? ' · following' : ''}{problems > 0 ? ` · ${problems} warning/error line${problems === 1 ? '' : 's'}` : ''}</span></h2>
      {error && <div className="error-banner" role="alert">Could not read the log: {error}</div>}
      {lines.length === 0 ? <p className="muted small">No log yet: jobs on this run write here.</p> : (
        <pre ref={view} className="log-lines" tabIndex={0} aria-label="Run log"
          onScroll={(e) => { const pre = e.currentTarget; atEnd.current = pre.scrollHeight - pre.scrollTop - pre.clientHeight < 8; }}>
          {dropped && <span className="log-line log-omitted">… earlier lines not shown{'\n'}</span>}
          {lines.map((line, index) => (
            <span key={index} className={`log-line log-${logLineKind(line)}`}>{line}{'\n'}</span>
          ))}
        </pre>
      )}
    </section>
  );
}
