// A run's log, runs/<id>/train.log: every job on the run (training, resuming, evaluating) appends what its process
// printed (stdout and stderr, warnings and stack traces included) and the queue's own lines (job started, ended,
// failed and why). Writes are whole lines, so a reader cut at a newline never splits one. The file is capped:
// past LOG_MAX_BYTES it moves to train.log.1 (replacing an older one) and a fresh file starts.
import { appendFileSync, mkdirSync, openSync, readSync, closeSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const LOG_FILE_NAME = 'train.log';
/** A log file's size before it is rotated; two files (this and .1) are kept, so a run's logs stay under 2× this. */
export const LOG_MAX_BYTES = 8 * 1024 * 1024;
/** The most one read returns, so a large log streams in pieces instead of one huge reply. */
export const LOG_READ_MAX_BYTES = 256 * 1024;

export function runLogPath(workspace: string, runId: number): string {
  return join(workspace, 'runs', String(runId), LOG_FILE_NAME);
}

/** Appends lines to one run's log. Output arrives in chunks; each stream's partial last line waits for its end. */
export class RunLogWriter {
  private readonly partial = new Map<string, string>();
  private bytes: number;

  constructor(private readonly path: string, private readonly maxBytes = LOG_MAX_BYTES) {
    this.bytes = fileSize(path);
  }

  /** A line of the queue's own, stamped with the time. */
  note(message: string): void {
    this.write(`[${new Date().toISOString()}] ${message}\n`);
  }

  /** A chunk of a process's output on `stream`; only complete lines are written. */
  output(stream: string, chunk: string): void {
    const text = (this.partial.get(stream) ?? '') + chunk;
    const end = text.lastIndexOf('\n') + 1;
    this.partial.set(stream, text.slice(end));
    if (end > 0) this.write(text.slice(0, end));
  }

  /** Writes what is left of each stream's last line (the process has ended). */
  flush(): void {
    for (const [stream, rest] of this.partial) if (rest) this.write(`${rest}\n`);
    this.partial.clear();
  }

  private write(text: string): void {
    try {
      if (this.bytes > 0 && this.bytes + Buffer.byteLength(text) > this.maxBytes) {
        renameSync(this.path, `${this.path}.1`);
        this.bytes = 0;
      }
      mkdirSync(join(this.path, '..'), { recursive: true });
      appendFileSync(this.path, text);
      this.bytes += Buffer.byteLength(text);
    } catch {
      // A log must never stop a job: a deleted run folder or a full disk loses the lines, not the training.
    }
  }
}

/** Log text from byte `fromByte` on, at most `maxBytes` and cut after a newline, with where the next read starts.
 *  `size` is the file's current size; a `fromByte` beyond it (the file was rotated) starts again at 0, as `reset`. */
export function readRunLog(path: string, fromByte: number, maxBytes = LOG_READ_MAX_BYTES): { text: string; nextByte: number; size: number; reset: boolean } {
  const size = fileSize(path);
  const reset = fromByte > size;
  const start = reset ? 0 : fromByte;
  const length = Math.min(maxBytes, size - start);
  if (length <= 0) return { text: '', nextByte: start, size, reset };
  const buffer = Buffer.alloc(length);
  const fd = openSync(path, 'r');
  let read: number;
  try {
    read = readSync(fd, buffer, 0, length, start);
  } finally {
    closeSync(fd);
  }
  let end = buffer.subarray(0, read).lastIndexOf(0x0a) + 1;
  if (end === 0) end = utf8Boundary(buffer, read); // one line longer than maxBytes: cut it between characters
  return { text: buffer.subarray(0, end).toString('utf8'), nextByte: start + end, size, reset };
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0; // no log yet
  }
}

/** The largest length ≤ `length` that does not end inside a multi-byte UTF-8 character. */
function utf8Boundary(buffer: Buffer, length: number): number {
  let end = length;
  while (end > 0 && end > length - 4 && (buffer[end - 1] & 0xc0) === 0x80) end--; // continuation bytes
  if (end > 0 && buffer[end - 1] >= 0xc0) {
    const lead = buffer[end - 1];
    const needed = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
    if (length - (end - 1) < needed) return end - 1; // the character is incomplete: leave it for the next read
  }
  return length;
}
