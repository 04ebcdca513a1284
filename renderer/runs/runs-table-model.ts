// What the runs table shows, in which order, and which runs pass the filters: pure functions over RunInfo, so
// the table component only draws, and sorting/filtering are tested without a browser.
import { RUN_STATUS_VALUES, type RunStatus, type RunSummaryInfo } from '../../preload/contract.ts';

export const RUN_STATUSES: readonly RunStatus[] = RUN_STATUS_VALUES;

export type SortValue = string | number | null;

export interface ColumnDefinition {
  id: string;
  label: string;
  /** What the column sorts by; null sorts last in both directions. */
  sortValue: (run: RunSummaryInfo) => SortValue;
  align?: 'left' | 'right';
  visibleByDefault: boolean;
}

const FIXED_COLUMNS: ColumnDefinition[] = [
  { id: 'id', label: '#', sortValue: (r) => r.id, align: 'right', visibleByDefault: true },
  { id: 'name', label: 'Name', sortValue: (r) => r.name.toLowerCase(), visibleByDefault: true },
  { id: 'status', label: 'Status', sortValue: (r) => RUN_STATUSES.indexOf(r.status), visibleByDefault: true },
  { id: 'progress', label: 'Progress', sortValue: (r) => (r.totalSteps > 0 ? r.step / r.totalSteps : 0), visibleByDefault: true },
  { id: 'preset', label: 'Preset', sortValue: (r) => r.preset, visibleByDefault: true },
  { id: 'tags', label: 'Tags', sortValue: (r) => r.tags.join(',').toLowerCase() || null, visibleByDefault: true },
  { id: 'backend', label: 'Backend', sortValue: (r) => r.backend, visibleByDefault: false },
  { id: 'created', label: 'Created', sortValue: (r) => r.createdAt, visibleByDefault: true },
  { id: 'updated', label: 'Updated', sortValue: (r) => r.updatedAt, visibleByDefault: false },
];

/** Summary metrics shown by default when a run has them; every other summary key is an optional column. */
const DEFAULT_METRIC_COLUMNS = ['train/lm_loss', 'train/exact_accuracy', 'eval/exact_accuracy'];

export const METRIC_COLUMN_PREFIX = 'metric:';

/** The fixed columns followed by one column per summary metric key found in any run. */
export function tableColumns(runs: readonly RunSummaryInfo[]): ColumnDefinition[] {
  const keys = new Set<string>();
  for (const run of runs) for (const key of Object.keys(run.metrics)) keys.add(key);
  const metricColumns = [...keys].sort(compareMetricKeys).map((key): ColumnDefinition => ({
    id: METRIC_COLUMN_PREFIX + key,
    label: key,
    sortValue: (r) => finiteOrNull(r.metrics[key]?.lastValue),
    align: 'right',
    visibleByDefault: DEFAULT_METRIC_COLUMNS.includes(key),
  }));
  return [...FIXED_COLUMNS, ...metricColumns];
}

function compareMetricKeys(a: string, b: string): number {
  const rank = (key: string) => (DEFAULT_METRIC_COLUMNS.includes(key) ? DEFAULT_METRIC_COLUMNS.indexOf(key) : DEFAULT_METRIC_COLUMNS.length);
  return rank(a) - rank(b) || a.localeCompare(b);
}

function finiteOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Which columns to draw: the user's saved choice when there is one, else each column's default. Columns the
 *  user has never seen (metrics that appeared later) fall back to their default. */
export function visibleColumns(columns: readonly ColumnDefinition[], saved: Record<string, boolean> | null): ColumnDefinition[] {
  return columns.filter((c) => saved?.[c.id] ?? c.visibleByDefault);
}

export interface SortOrder {
  columnId: string;
  descending: boolean;
}

/** `"created:desc"` ⇄ SortOrder (the URL form). Column ids may hold colons themselves (`metric:eval/exact_accuracy`),
 *  so the direction is whatever follows the last one. */
export function parseSort(text: string | null): SortOrder {
  const match = /^(.+):(asc|desc)$/.exec(text ?? '');
  if (match) return { columnId: match[1], descending: match[2] === 'desc' };
  return text ? { columnId: text, descending: false } : { columnId: 'created', descending: true };
}

export function formatSort(sort: SortOrder): string {
  return `${sort.columnId}:${sort.descending ? 'desc' : 'asc'}`;
}

/** Stable sort; missing values last in both directions, ties broken by newest run first. */
export function sortRows(rows: readonly RunSummaryInfo[], columns: readonly ColumnDefinition[], sort: SortOrder): RunSummaryInfo[] {
  const column = columns.find((c) => c.id === sort.columnId);
  if (!column) return rows.slice();
  const sign = sort.descending ? -1 : 1;
  return rows
    .map((run) => ({ run, key: column.sortValue(run) }))
    .sort((a, b) => {
      if (a.key === null || b.key === null) return a.key === b.key ? b.run.id - a.run.id : a.key === null ? 1 : -1;
      const order = typeof a.key === 'number' && typeof b.key === 'number' ? a.key - b.key : String(a.key).localeCompare(String(b.key));
      return order !== 0 ? sign * order : b.run.id - a.run.id;
    })
    .map((entry) => entry.run);
}

export interface RunFilter {
  statuses: RunStatus[];
  tag: string;
  preset: string;
  text: string;
  showArchived: boolean;
}

export const EMPTY_FILTER: RunFilter = { statuses: [], tag: '', preset: '', text: '', showArchived: false };

/** The URL query keys of a filter (`status=running,failed&tag=x&preset=y&q=text&archived=1`). */
export function parseFilter(query: URLSearchParams): RunFilter {
  const statuses = (query.get('status') ?? '').split(',').filter((s): s is RunStatus => (RUN_STATUSES as string[]).includes(s));
  return { statuses, tag: query.get('tag') ?? '', preset: query.get('preset') ?? '', text: query.get('q') ?? '', showArchived: query.get('archived') === '1' };
}

export function filterQuery(filter: RunFilter): Record<string, string | undefined> {
  return { status: filter.statuses.join(','), tag: filter.tag, preset: filter.preset, q: filter.text, archived: filter.showArchived ? '1' : undefined };
}

/** Text matches name, notes, tags, preset, status or id, case-insensitively; every word must match. */
export function filterRows(rows: readonly RunSummaryInfo[], filter: RunFilter): RunSummaryInfo[] {
  const words = filter.text.toLowerCase().split(/\s+/).filter((w) => w.length > 0);
  return rows.filter((run) => {
    if (run.archived && !filter.showArchived) return false;
    if (filter.statuses.length > 0 && !filter.statuses.includes(run.status)) return false;
    if (filter.tag && !run.tags.includes(filter.tag)) return false;
    if (filter.preset && run.preset !== filter.preset) return false;
    if (words.length === 0) return true;
    const haystack = [String(run.id), run.name, run.notes, run.preset, run.status, ...run.tags].join('\n').toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}
