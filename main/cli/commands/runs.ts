// `trm runs`: the runs table on a terminal, or JSON with the metric names of spec §2.5.
import { parseArgs, UsageError } from '../args.ts';
import { openDatabase, RUN_STATUSES, type RunStatus, type RunSummary } from '../../../db/index.ts';

/** Headline metrics of a run, keyed by the spec's names (eval first, train as a fallback where eval is missing). */
export function headlineMetrics(run: RunSummary): Record<string, number | null> {
  const last = (key: string) => run.metrics[key]?.lastValue ?? null;
  const best = (key: string) => run.metrics[key]?.maxValue ?? null;
  return {
    exact_accuracy: last('eval/exact_accuracy'),
    best_exact_accuracy: best('eval/exact_accuracy'),
    accuracy: last('eval/accuracy'),
    'pass@2': last('eval/pass@2'),
    train_exact_accuracy: last('train/exact_accuracy'),
    lm_loss: last('train/lm_loss'),
    steps: last('eval/steps') ?? last('train/steps'),
  };
}

export async function runsCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { json: { kind: 'switch', help: 'JSON output' }, status: { kind: 'value', help: 'filter by status' }, all: { kind: 'switch', help: 'include archived runs' } });
  const status = args.values.get('status');
  if (status && !RUN_STATUSES.includes(status as RunStatus)) throw new UsageError(`--status must be one of ${RUN_STATUSES.join(', ')}`);
  const db = openDatabase();
  try {
    db.markInterruptedRuns();
    const runs = db.listRuns({ status: status as RunStatus | undefined, includeArchived: args.switches.has('all') });
    if (args.switches.has('json')) {
      console.log(JSON.stringify(runs.map((r) => ({ id: r.id, name: r.name, status: r.status, preset: r.preset, step: r.step, totalSteps: r.totalSteps, backend: r.backend, createdAt: new Date(r.createdAt).toISOString(), ...headlineMetrics(r) })), null, 2));
      return 0;
    }
    if (runs.length === 0) {
      console.log('no runs yet — start one with: trm train --preset sudoku4-mlp');
      return 0;
    }
    const percent = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
    const rows = runs.map((r) => {
      const h = headlineMetrics(r);
      return [String(r.id), r.name, r.status, r.preset, `${r.step}/${r.totalSteps}`, percent(h.exact_accuracy), percent(h['pass@2']), h.lm_loss === null ? '—' : h.lm_loss.toFixed(4)];
    });
    const header = ['id', 'name', 'status', 'preset', 'step', 'exact_acc', 'pass@2', 'lm_loss'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    for (const row of [header, ...rows]) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  '));
    return 0;
  } finally {
    db.close();
  }
}
