// One job, in its own process (forked by the queue in main/jobs/queue.ts): waits for a 'start' message, runs the
// trainer, forwards its events throttled, and exits. 'stop' aborts the trainer, which checkpoints and returns.
// If the parent goes away the job stops the same way, so an app crash never leaves an orphan training.
import { pathToFileURL } from 'node:url';
import type { FromJobMessage, JobTrainer, ToJobMessage } from './protocol.ts';
import { createEventThrottle } from './throttle.ts';

/** Electron's utilityProcess gives the child `process.parentPort`; a Node fork gives `process.send`. */
interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

/** Resolves once the message has been handed to the parent (so exiting right after loses nothing). */
function post(message: FromJobMessage): Promise<void> {
  if (parentPort) {
    parentPort.postMessage(message);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    if (process.send) process.send(message, undefined, {}, () => resolve());
    else resolve();
  });
}

function onParentMessage(listener: (message: ToJobMessage) => void): void {
  if (parentPort) parentPort.on('message', (event) => listener(event.data as ToJobMessage));
  else process.on('message', (message) => listener(message as ToJobMessage));
}

const abort = new AbortController();
let started = false;

onParentMessage((message) => {
  if (message.type === 'stop') abort.abort();
  else if (message.type === 'start' && !started) {
    started = true;
    void run(message);
  }
});
if (!parentPort) process.on('disconnect', () => abort.abort());

async function run({ spec, trainerModule }: Extract<ToJobMessage, { type: 'start' }>): Promise<void> {
  const throttle = createEventThrottle((event) => void post({ type: 'event', event }));
  const onEvent = throttle.push;
  try {
    const trainer = (await import(pathToFileURL(trainerModule).href)) as JobTrainer;
    // Warnings go to stderr, which the queue writes to the run's log, marked so the Logs view highlights them.
    const warn = (message: string) => console.warn(`warning: ${message}`);
    if (spec.kind === 'train') await trainer.trainRun(spec.runId, { signal: abort.signal, onEvent, minutes: spec.minutes, warn });
    else await trainer.evaluateRun(spec.runId, { checkpoint: spec.checkpoint, signal: abort.signal, onEvent });
    throttle.flush();
    await post({ type: 'completed' });
  } catch (error) {
    throttle.flush();
    // A bug's stack trace goes to the run's log; an expected failure (bad data, a damaged checkpoint) is its message.
    if (!(error as { expected?: boolean } | null)?.expected) console.error(error);
    await post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
  // Leave even if the trainer left handles (timers, wasm threads) open.
  process.exit(0);
}
