// The comparison's exports as text: metrics as CSV (one row per point, every selected run) and JSON, and the
// comparison as Markdown (summary matrix + config diff). Pure; download.ts turns them into files.
import type { RunSummaryInfo } from '../../preload/contract.ts';
import type { RunSeries } from '../runs/charts/downsample.ts';
import { formatConfigValue, type ConfigRow } from './config-diff.ts';
import { formatSummaryValue, type SummaryColumn, type SummaryExtras } from './summary.ts';

export interface ExportRun {
  id: number;
  name: string;
  series: RunSeries;
}

export const CSV_HEADER = ['run_id', 'run_name', 'key', 'step', 'wall_time_ms', 'value'] as const;

/** RFC 4180: quote fields holding a comma, quote or line break; double inner quotes. */
export function csvField(value: string | number): string {
  const text = typeof value === 'number' ? (Number.isNaN(value) ? 'NaN' : String(value)) : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Runs in the given order, keys sorted, points in step order; CRLF line ends as RFC 4180 says. */
export function metricsCsv(runs: readonly ExportRun[]): string {
  const lines = [CSV_HEADER.join(',')];
  for (const run of runs) {
    for (const key of [...run.series.keys()].sort()) {
      for (const point of run.series.get(key)!) {
        lines.push([run.id, run.name, key, point.step, point.wallTimeMs, point.value].map(csvField).join(','));
      }
    }
  }
  return lines.join('\r\n') + '\r\n';
}

/** `{ runs: [{ id, name, config, metrics: { key: { steps, wallTimesMs, values } } }] }`; NaN becomes null. */
export function metricsJson(runs: readonly (ExportRun & { config: Record<string, unknown> })[]): string {
  return JSON.stringify({
    runs: runs.map((run) => ({
      id: run.id,
      name: run.name,
      config: run.config,
      metrics: Object.fromEntries([...run.series.keys()].sort().map((key) => {
        const points = run.series.get(key)!;
        return [key, { steps: points.map((p) => p.step), wallTimesMs: points.map((p) => p.wallTimeMs), values: points.map((p) => (Number.isFinite(p.value) ? p.value : null)) }];
      })),
    })),
  }, null, 2);
}

function markdownCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.map(markdownCell).join(' | ')} |`).join('\n');
}

/** The summary matrix and the differing config fields, as GitHub-flavoured Markdown. */
export function comparisonMarkdown(runs: readonly RunSummaryInfo[], columns: readonly SummaryColumn[], extra: SummaryExtras, configRows: readonly ConfigRow[], baselineId: number | null): string {
  const runLabel = (run: RunSummaryInfo) => `${run.name} (#${run.id})${run.id === baselineId ? ' — baseline' : ''}`;
  const summary = markdownTable(['Run', ...columns.map((c) => c.label)], runs.map((run) => [runLabel(run), ...columns.map((c) => formatSummaryValue(c, c.value(run, extra)))]));
  const differing = configRows.filter((row) => row.differs);
  const config = differing.length === 0
    ? '_The runs share the same configuration._'
    : markdownTable(['Config', ...runs.map(runLabel)], differing.map((row) => [row.path, ...row.values.map(formatConfigValue)]));
  return `# Run comparison\n\n## Summary\n\n${summary}\n\n## Configuration differences\n\n${config}\n`;
}
