// Job processes inside Electron: utilityProcess (its own V8 heap, so an OOM ends only the job) running the same
// job-process.ts as under Node, through tsx's loader.
import { utilityProcess } from 'electron';
import { forwardOutput, JOB_PROCESS_MODULE, type JobProcess, type JobProcessLauncher } from '../jobs/launcher.ts';
import type { FromJobMessage } from '../jobs/protocol.ts';

export const utilityJobProcess: JobProcessLauncher = ({ env }) => {
  const child = utilityProcess.fork(JOB_PROCESS_MODULE, [], { env, execArgv: ['--import', 'tsx'], serviceName: 'TRM training job', stdio: 'pipe' });
  let exited = false;
  const outputListeners: ((stream: 'stdout' | 'stderr', text: string) => void)[] = [];
  forwardOutput({ stdout: child.stdout, stderr: child.stderr }, outputListeners);
  return {
    get pid() { return child.pid; },
    send(message) { if (!exited) child.postMessage(message); },
    kill() { if (!exited) child.kill(); }, // SIGTERM on POSIX, which the job process does not handle: it dies at once
    onMessage(listener) { child.on('message', (message: unknown) => listener(message as FromJobMessage)); },
    onExit(listener) { child.on('exit', (code) => { exited = true; listener(code, null); }); },
    onOutput(listener) { outputListeners.push(listener); },
  };
};
