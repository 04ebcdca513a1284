// The summary matrix: runs × headline metrics, each column knowing which direction is better so the best cell
// can be highlighted and differences read relative to a pinned baseline.
import type { RunSummaryInfo } from '../../preload/contract.ts';
import { formatCount, formatDuration } from '../common/format.ts';

export type Better = 'higher' | 'lower' | 'none';

export interface SummaryColumn {
  id: string;
  label: string;
  better: Better;
  value: (run: RunSummaryInfo, extra: SummaryExtras) => number | string | null;
  format: (value: number) => string;
  /** How a difference to the baseline reads (accuracies in percentage points). */
  formatDelta: (delta: number) => string;
}

/** Facts the runs list does not carry, fetched by the compare page. */
export interface SummaryExtras {
  parameterCounts: Readonly<Record<number, number | null>>;
  now: number;
}

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
const percentPoints = (delta: number) => `${delta >= 0 ? '+' : '−'}${Math.abs(delta * 100).toFixed(1)} pp`;
const signed = (format: (v: number) => string) => (delta: number) => `${delta >= 0 ? '+' : '−'}${format(Math.abs(delta))}`;
const metric = (run: RunSummaryInfo, key: string, pick: 'lastValue' | 'maxValue') => run.metrics[key]?.[pick] ?? null;

/** The headline columns; pass@2 only when some run logs it (ARC runs with voting). */
export function summaryColumns(runs: readonly RunSummaryInfo[]): SummaryColumn[] {
  const columns: SummaryColumn[] = [
    { id: 'best_exact', label: 'Best eval exact acc.', better: 'higher', value: (r) => metric(r, 'eval/exact_accuracy', 'maxValue'), format: percent, formatDelta: percentPoints },
    { id: 'last_exact', label: 'Last eval exact acc.', better: 'higher', value: (r) => metric(r, 'eval/exact_accuracy', 'lastValue'), format: percent, formatDelta: percentPoints },
  ];
  if (runs.some((run) => run.metrics['eval/pass@2'])) {
    columns.push({ id: 'pass2', label: 'pass@2', better: 'higher', value: (r) => metric(r, 'eval/pass@2', 'lastValue'), format: percent, formatDelta: percentPoints });
  }
  columns.push(
    { id: 'mean_steps', label: 'Mean sup. steps (eval)', better: 'lower', value: (r) => metric(r, 'eval/steps', 'lastValue'), format: (v) => v.toFixed(2), formatDelta: signed((v) => v.toFixed(2)) },
    { id: 'wall_time', label: 'Training time', better: 'lower', value: (r, extra) => wallTimeMs(r, extra.now), format: formatDuration, formatDelta: signed(formatDuration) },
    { id: 'parameters', label: 'Parameters', better: 'none', value: (r, extra) => extra.parameterCounts[r.id] ?? null, format: formatCount, formatDelta: signed(formatCount) },
    { id: 'backend', label: 'Backend', better: 'none', value: (r) => r.backend || null, format: String, formatDelta: () => '' },
  );
  return columns;
}

/** Time the run spent training, over all its sessions (not the time it sat stopped); a live run's stored figure
 *  was written at updatedAt, so the time since counts too. */
export function wallTimeMs(run: RunSummaryInfo, now: number): number | null {
  if (run.startedAt === null) return null;
  return run.activeMs + (run.status === 'running' ? Math.max(0, now - run.updatedAt) : 0);
}

/** Per column, the run ids holding its best value (ties all win); none for columns without a direction, with
 *  fewer than two numeric values, or where every run has the same value (nothing stands out). */
export function bestRunIds(columns: readonly SummaryColumn[], runs: readonly RunSummaryInfo[], extra: SummaryExtras): Map<string, Set<number>> {
  const best = new Map<string, Set<number>>();
  for (const column of columns) {
    if (column.better === 'none') continue;
    const numeric = runs.map((run) => ({ id: run.id, value: column.value(run, extra) })).filter((c): c is { id: number; value: number } => typeof c.value === 'number' && Number.isFinite(c.value));
    if (numeric.length < 2) continue;
    const values = numeric.map((c) => c.value);
    if (Math.min(...values) === Math.max(...values)) continue;
    const target = column.better === 'higher' ? Math.max(...values) : Math.min(...values);
    best.set(column.id, new Set(numeric.filter((c) => c.value === target).map((c) => c.id)));
  }
  return best;
}

export function formatSummaryValue(column: SummaryColumn, value: number | string | null): string {
  if (value === null) return '—';
  return typeof value === 'number' ? column.format(value) : value;
}
