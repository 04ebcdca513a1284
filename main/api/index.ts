// The app's backend, shared by the Electron main process and browser mode (`trm serve`): opens the experiment
// database, recovers runs orphaned by a previous crash, owns the job queue (restoring the jobs left waiting when
// the app last quit or crashed), and answers the channel map of preload/contract.ts through any transport
// (registerHandlers). Events go to every subscriber (windows, sockets).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, type TrmDb } from '../../db/index.ts';
import type { AppInfo, WorkbenchEvent, WorkbenchEventListener } from '../../preload/contract.ts';
import { PACKAGE_ROOT, workspaceDir } from '../common/paths.ts';
import { JobQueue } from '../jobs/queue.ts';
import type { JobProcessLauncher } from '../jobs/launcher.ts';
import { CONCURRENCY_SETTING, createHandlers, lazyTrainer, type ApiTrainer } from './handlers.ts';
import type { Handlers } from './register.ts';

export { registerHandlers, type Transport, type Responder } from './register.ts';
export { CONCURRENCY_SETTING };

/** The app's version, from package.json. */
export const APP_VERSION: string = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The setting (true/false, default false) that resumes training at start-up when a crash interrupted it or a
 *  quit stopped it, ahead of the jobs that were waiting. Off, such runs wait for the user's Resume. */
export const AUTO_RESUME_SETTING = 'jobs.autoResume';

export interface BackendOptions {
  mode: AppInfo['mode'];
  version: string;
  /** Jobs at once (default: the 'jobs.concurrency' setting, else 1). */
  concurrency?: number;
  launch?: JobProcessLauncher;
  trainerModule?: string;
  trainer?: ApiTrainer;
  /** Where warnings go (default console.warn), such as a stored job that could not be restored. */
  warn?: (message: string) => void;
}

export interface Backend {
  db: TrmDb;
  jobs: JobQueue;
  handlers: Handlers;
  /** Subscribes to job and training events; returns the unsubscribe function. */
  subscribe(listener: WorkbenchEventListener): () => void;
  /** Stops running jobs (they checkpoint; waiting jobs stay stored for the next start), then closes the database. */
  close(graceMs?: number): Promise<void>;
}

export function startBackend(options: BackendOptions): Backend {
  const db = openDatabase(); // the workspace's (TRM_HOME), the same file job processes open
  // Before any job starts: runs left 'running' by a crashed app or a killed process become 'interrupted'.
  const interruptedRunIds = db.markInterruptedRuns();
  const autoResume = () => db.getSetting<boolean>(AUTO_RESUME_SETTING) === true;
  const listeners = new Set<WorkbenchEventListener>();
  const broadcast = (event: WorkbenchEvent) => { for (const listener of listeners) listener(event); };
  const jobs = new JobQueue({
    db,
    concurrency: options.concurrency ?? db.getSetting<number>(CONCURRENCY_SETTING) ?? 1,
    launch: options.launch,
    trainerModule: options.trainerModule,
    onEvent: broadcast,
    warn: options.warn,
  });
  jobs.restore({ resumeRunIds: autoResume() ? interruptedRunIds : [] });
  const handlers = createHandlers({
    db, jobs, trainer: options.trainer ?? lazyTrainer(),
    app: { mode: options.mode, version: options.version, workspace: workspaceDir() },
  });
  return {
    db, jobs, handlers,
    subscribe(listener) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
    async close(graceMs) {
      await jobs.shutdown(graceMs, { requeueRunning: autoResume() });
      listeners.clear();
      db.close();
    },
  };
}
