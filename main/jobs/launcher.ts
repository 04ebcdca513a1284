// How a job process is started. Under plain Node: child_process.fork with tsx's loader. Inside Electron,
// main/electron/job-launcher.ts provides the same interface over utilityProcess (only main/electron imports
// electron). Either way a crash or OOM in the job ends only that process.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../common/paths.ts';
import type { FromJobMessage, ToJobMessage } from './protocol.ts';

/** The job process's entry module (from the package root, so it also resolves from the bundled Electron main). */
export const JOB_PROCESS_MODULE = join(PACKAGE_ROOT, 'main', 'jobs', 'job-process.ts');

export interface JobProcess {
  readonly pid: number | undefined;
  send(message: ToJobMessage): void;
  /** SIGKILL: no checkpoint, no cleanup. */
  kill(): void;
  onMessage(listener: (message: FromJobMessage) => void): void;
  /** Called once when the process has ended; `signal` is set when it was killed by one. */
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  /** The process's stdout and stderr as they come (for the run's log); also echoed to this process's own. */
  onOutput?(listener: (stream: 'stdout' | 'stderr', text: string) => void): void;
}

/** Forwards a child's piped output to `listeners` and echoes it to this process's stdout/stderr. */
export function forwardOutput(streams: Record<'stdout' | 'stderr', NodeJS.ReadableStream | null | undefined>, listeners: ((stream: 'stdout' | 'stderr', text: string) => void)[]): void {
  for (const name of ['stdout', 'stderr'] as const) {
    const stream = streams[name];
    if (!stream) continue;
    stream.setEncoding('utf8');
    stream.on('data', (text: string) => {
      process[name].write(text);
      for (const listener of listeners) listener(name, text);
    });
  }
}

export type JobProcessLauncher = (options: { env: NodeJS.ProcessEnv }) => JobProcess;

export const forkJobProcess: JobProcessLauncher = ({ env }) => {
  const child = fork(JOB_PROCESS_MODULE, [], {
    execArgv: ['--import', 'tsx'],
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced', // structured clone: NaN metrics survive
  });
  let exited = false;
  const outputListeners: ((stream: 'stdout' | 'stderr', text: string) => void)[] = [];
  forwardOutput({ stdout: child.stdout, stderr: child.stderr }, outputListeners);
  // A job that is ending closes its channel; a message racing that (EPIPE) is moot, since onExit reports the end.
  child.on('error', () => {});
  return {
    get pid() { return child.pid; },
    send(message) { if (!exited && child.connected) child.send(message, () => {}); },
    kill() { if (!exited) child.kill('SIGKILL'); },
    onMessage(listener) { child.on('message', (message) => listener(message as FromJobMessage)); },
    onExit(listener) {
      // 'close' comes once the output streams have ended too, so the log has the process's last words; a second
      // after 'exit' at the latest, in case something else holds the pipes open.
      let reported = false;
      const report = (code: number | null, signal: string | null) => { if (!reported) { reported = true; listener(code, signal); } };
      child.on('exit', (code, signal) => { exited = true; setTimeout(() => report(code, signal), 1000).unref(); });
      child.on('close', (code, signal) => { exited = true; report(code, signal); });
    },
    onOutput(listener) { outputListeners.push(listener); },
  };
};
