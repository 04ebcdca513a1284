// A stand-in for main/train/run.ts in job-queue tests: acts out what the run's notes say, writing statuses to
// the real database (TRM_HOME) the way the trainer does. Notes: 'finish' (a burst of progress events, then
// finished), 'hang' (runs until aborted, then stopped), 'crash' (exits abruptly), 'throw' (the trainer throws).
// Each call records the options it was given in the setting `fake-trainer.<runId>` (what a test can check), and a
// training job its share of the cores (TRM_CORES) in `fake-trainer-cores.<runId>`.
import { openDatabase } from '../../db/index.ts';
import type { TrainEvent } from '../../main/train/events.ts';

interface TrainOptions { signal?: AbortSignal; onEvent?: (event: TrainEvent) => void; minutes?: number }

export async function trainRun(runId: number, { signal, onEvent, minutes }: TrainOptions): Promise<void> {
  const db = openDatabase();
  db.setSetting(`fake-trainer.${runId}`, { kind: 'train', minutes: minutes ?? null });
  db.setSetting(`fake-trainer-cores.${runId}`, process.env.TRM_CORES ?? null);
  const behaviour = db.getRun(runId)?.notes ?? 'finish';
  db.updateRun(runId, { status: 'running', pid: process.pid, startedAt: Date.now() });
  onEvent?.({ type: 'started', runId, backend: 'fake', backendVersion: '0', backendDevice: '', parameterCount: 1, totalSteps: 100, resumedFromStep: 0, threads: 1 });
  if (behaviour === 'crash') process.exit(3);
  if (behaviour === 'throw') throw new Error('fake trainer failure');
  if (behaviour === 'hang') {
    await new Promise<void>((resolve) => {
      if (signal?.aborted) resolve();
      signal?.addEventListener('abort', () => resolve());
    });
    db.updateRun(runId, { status: 'stopped', pid: null, endedAt: Date.now() });
    onEvent?.({ type: 'done', runId, status: 'stopped', step: 1, summary: {} });
    return;
  }
  for (let step = 1; step <= 100; step++) {
    onEvent?.({ type: 'progress', runId, step, totalSteps: 100, examplesPerSecond: 1, elapsedMs: step, etaMs: 0, lmLoss: 1 / step, exactAccuracy: 0 });
  }
  db.updateRun(runId, { status: 'finished', step: 100, pid: null, endedAt: Date.now() });
  onEvent?.({ type: 'done', runId, status: 'finished', step: 100, summary: { lmLoss: 0.01 } });
}

export async function evaluateRun(runId: number, { checkpoint, onEvent }: { checkpoint?: string; onEvent?: (event: TrainEvent) => void }): Promise<void> {
  const db = openDatabase();
  db.setSetting(`fake-trainer.${runId}`, { kind: 'evaluate', checkpoint: checkpoint ?? null });
  db.close();
  onEvent?.({ type: 'eval', runId, step: 100, metrics: { exactAccuracy: 0.5 } });
}
