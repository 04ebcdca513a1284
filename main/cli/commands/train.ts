// `trm train`, `trm resume`, `trm eval`: training and evaluation in this process, with a progress bar on a
// terminal (plain lines otherwise) and a JSON summary with --json.
import { integerFlag, keyValuePairs, numberFlag, parseArgs, UsageError, type FlagSpec } from '../args.ts';
import { createRun, evaluateRun, trainRun, type TrainRunOptions } from '../../train/run.ts';
import type { TrainEvent } from '../../train/events.ts';
import { BACKEND_NAMES, type BackendName } from '../../common/backends.ts';
import { openDatabase } from '../../../db/index.ts';
import { headlineMetrics } from './runs.ts';

const RUN_FLAGS: Record<string, FlagSpec> = {
  minutes: { kind: 'value', help: 'stop (resumable) after this many minutes' },
  backend: { kind: 'value', help: `${BACKEND_NAMES.join(', ')} (default: the first available; trm backends lists them)` },
  json: { kind: 'switch', help: 'JSON summary at the end' },
};

function backendFlag(value: string | undefined): BackendName | undefined {
  if (value === undefined) return undefined;
  if (!(BACKEND_NAMES as readonly string[]).includes(value)) throw new UsageError(`--backend must be ${BACKEND_NAMES.join(', ')} (got '${value}')`);
  return value as BackendName;
}

export async function trainCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    ...RUN_FLAGS,
    preset: { kind: 'value', help: 'preset name (trm presets)' },
    set: { kind: 'list', help: 'config override key=value' },
    name: { kind: 'value', help: 'run name' },
    tags: { kind: 'value', help: 'comma-separated tags' },
    notes: { kind: 'value', help: 'notes (markdown)' },
    'max-steps': { kind: 'value', help: 'optimizer steps (train.maxSteps)' },
    data: { kind: 'value', help: 'train on a folder in the official TRM .npy layout' },
  });
  const preset = args.values.get('preset');
  if (!preset) throw new UsageError('--preset is required (see trm presets)');
  const overrides = keyValuePairs(args.lists.get('set'));
  const maxSteps = integerFlag(args, 'max-steps');
  if (maxSteps !== undefined) overrides['train.maxSteps'] = String(maxSteps);
  const minutes = numberFlag(args, 'minutes');
  const backend = backendFlag(args.values.get('backend'));
  const { runId, warnings } = await createRun({ preset, overrides, name: args.values.get('name'), backend, tags: args.values.get('tags')?.split(',').map((t) => t.trim()).filter(Boolean), notes: args.values.get('notes'), dataDir: args.values.get('data') });
  for (const warning of warnings) console.error(`trm: warning: ${warning}`);
  console.error(`run ${runId} created (preset ${preset})`);
  return train(runId, { minutes, backend }, args.switches.has('json'));
}

export async function resumeCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { ...RUN_FLAGS, 'max-steps': { kind: 'value', help: 'extend the run to this many steps' } });
  const runId = runIdArgument(args.positional[0]);
  return train(runId, { minutes: numberFlag(args, 'minutes'), backend: backendFlag(args.values.get('backend')), maxSteps: integerFlag(args, 'max-steps') }, args.switches.has('json'));
}

export async function evalCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { checkpoint: { kind: 'value', help: 'latest, best or step_N' }, limit: { kind: 'value', help: 'evaluate only the first N held-out examples' }, backend: { kind: 'value', help: '' }, json: { kind: 'switch', help: 'JSON output' } });
  const runId = runIdArgument(args.positional[0]);
  const result = await evaluateRun(runId, { checkpoint: args.values.get('checkpoint'), limit: integerFlag(args, 'limit'), backend: backendFlag(args.values.get('backend')) });
  if (args.switches.has('json')) console.log(JSON.stringify({ runId, checkpointStep: result.step, evaluationId: result.evaluationId, ...result.metrics }, null, 2));
  else {
    console.log(`run ${runId}, checkpoint step_${result.step}:`);
    for (const [key, value] of Object.entries(result.metrics)) if (!key.startsWith('halt_fraction')) console.log(`  ${key.padEnd(24)} ${formatValue(key, value)}`);
  }
  return 0;
}

function runIdArgument(raw: string | undefined): number {
  const id = Number(raw);
  if (!raw || !Number.isInteger(id) || id < 1) throw new UsageError('a run id is required (see trm runs)');
  return id;
}

function formatValue(key: string, value: number): string {
  return /accuracy|pass@|fraction/.test(key) ? `${(value * 100).toFixed(2)}%` : Number.isInteger(value) ? String(value) : value.toFixed(4);
}

async function train(runId: number, options: TrainRunOptions, json: boolean): Promise<number> {
  const progress = progressPrinter(process.stderr.isTTY === true);
  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) process.exit(130);
    console.error('\nstopping: saving a checkpoint (Ctrl-C again to quit now)…');
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  let final: Extract<TrainEvent, { type: 'done' }> | undefined;
  try {
    await trainRun(runId, {
      ...options,
      signal: controller.signal,
      onEvent: (event) => {
        progress(event);
        if (event.type === 'done') final = event;
      },
    });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    progress.end();
  }
  const db = openDatabase();
  try {
    const run = db.listRuns({ includeArchived: true }).find((r) => r.id === runId);
    const summary = run ? { runId, name: run.name, status: run.status, preset: run.preset, step: run.step, totalSteps: run.totalSteps, backend: run.backend, ...headlineMetrics(run) } : { runId };
    if (json) console.log(JSON.stringify(summary, null, 2));
    else console.log(`run ${runId} ${final?.status ?? run?.status}: step ${run?.step}/${run?.totalSteps}, eval exact_accuracy ${summary && 'exact_accuracy' in summary && summary.exact_accuracy !== null ? `${(Number(summary.exact_accuracy) * 100).toFixed(1)}%` : '—'}`);
  } finally {
    db.close();
  }
  return 0;
}

/** Renders events: a one-line bar redrawn in place on a terminal; a line per second (and per event) otherwise. */
function progressPrinter(tty: boolean): ((event: TrainEvent) => void) & { end(): void } {
  let lastLine = 0;
  let drawn = false;
  const print = (event: TrainEvent) => {
    switch (event.type) {
      case 'started':
        console.error(`run ${event.runId}: backend ${event.backend} ${event.backendVersion}${event.backendDevice ? ` on ${event.backendDevice}` : ''}${event.threads > 1 ? ` on ${event.threads} threads` : ''}, ${event.parameterCount.toLocaleString('en-US')} parameters, ${event.resumedFromStep > 0 ? `resuming at step ${event.resumedFromStep}` : 'from scratch'}, ${event.totalSteps} steps`);
        break;
      case 'progress': {
        const fraction = event.step / event.totalSteps;
        const width = 24;
        const bar = '█'.repeat(Math.round(fraction * width)).padEnd(width, '·');
        const eta = event.etaMs === null ? '—' : formatDuration(event.etaMs);
        const line = `${tty ? bar + ' ' : ''}step ${event.step}/${event.totalSteps}  loss ${event.lmLoss.toFixed(4)}  exact ${(event.exactAccuracy * 100).toFixed(1)}%  ${event.examplesPerSecond.toFixed(0)} ex/s  ETA ${eta}`;
        if (tty) {
          process.stderr.write(`\r${line}\x1b[K`);
          drawn = true;
        } else if (Date.now() - lastLine > 1000) {
          lastLine = Date.now();
          console.error(line);
        }
        break;
      }
      case 'eval':
        if (drawn) process.stderr.write('\n');
        drawn = false;
        console.error(`eval @ step ${event.step}: exact_accuracy ${(event.metrics.exact_accuracy * 100).toFixed(1)}%  accuracy ${(event.metrics.accuracy * 100).toFixed(1)}%${event.metrics['pass@2'] !== undefined ? `  pass@2 ${(event.metrics['pass@2'] * 100).toFixed(1)}%` : ''}  (per step: ${perStep(event.metrics)})`);
        break;
      case 'error':
        if (drawn) process.stderr.write('\n');
        drawn = false;
        break;
      default:
        break;
    }
  };
  return Object.assign(print, { end: () => { if (drawn) process.stderr.write('\n'); } });
}

function perStep(metrics: Record<string, number>): string {
  return Object.keys(metrics).filter((k) => k.startsWith('exact_accuracy@')).map((k) => `${(metrics[k] * 100).toFixed(0)}%`).join(' ');
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
