// The runs table: filter, sort, choose columns, select runs (selection lives in the URL) and act on them.
import { useMemo, useState, type ReactNode } from 'react';
import type { RunSummaryInfo } from '../../preload/contract.ts';
import { ConfirmDialog } from '../common/ConfirmDialog.tsx';
import { formatDateTime, formatMetric } from '../common/format.ts';
import { runColour } from '../common/palette.ts';
import { formatIdList, formatRoute, parseIdList, withQuery, type Route } from '../app/route.ts';
import { useSetting } from '../app/settings.ts';
import { navigate, useApi } from '../app/workbench.tsx';
import { JobConcurrencyControl } from './JobConcurrencyControl.tsx';
import type { LiveRuns } from './live-runs.ts';
import { RunProgress, RunStatusBadge } from './RunStatusBadge.tsx';
import {
  filterQuery, filterRows, formatSort, METRIC_COLUMN_PREFIX, parseFilter, parseSort, RUN_STATUSES, sortRows, tableColumns, visibleColumns,
  type ColumnDefinition, type RunFilter,
} from './runs-table-model.ts';

export function RunsTablePage({ route, live }: { route: Route; live: LiveRuns }) {
  const api = useApi();
  const { runs, progress, loadError, refresh } = live;
  const filter = parseFilter(route.query);
  const sort = parseSort(route.query.get('sort'));
  const selected = new Set(parseIdList(route.query.get('selected')));
  const [savedColumns, saveColumns] = useSetting<Record<string, boolean>>('runs.columns');
  // Read by the backend at start-up and quit (AUTO_RESUME_SETTING in main/api/index.ts).
  const [autoResume, saveAutoResume] = useSetting<boolean>('jobs.autoResume');
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);

  const allRuns = runs ?? [];
  const columns = useMemo(() => tableColumns(allRuns), [allRuns]);
  const shownColumns = visibleColumns(columns, savedColumns);
  const rows = useMemo(() => sortRows(filterRows(allRuns, filter), columns, sort), [allRuns, columns, route.query.toString()]);
  const tags = useMemo(() => [...new Set(allRuns.flatMap((r) => r.tags))].sort(), [allRuns]);
  const presets = useMemo(() => [...new Set(allRuns.map((r) => r.preset))].sort(), [allRuns]);

  const setQuery = (changes: Record<string, string | undefined>) => navigate(formatRoute(['runs'], withQuery(route, changes)), { replace: true });
  const setFilter = (change: Partial<RunFilter>) => setQuery(filterQuery({ ...filter, ...change }));
  const setSelected = (ids: Iterable<number>) => setQuery({ selected: formatIdList(ids) });
  const toggleSelected = (id: number) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };
  const sortBy = (columnId: string) =>
    setQuery({ sort: formatSort({ columnId, descending: sort.columnId === columnId ? !sort.descending : columnId === 'created' || columnId.startsWith(METRIC_COLUMN_PREFIX) }) });

  async function act(action: () => Promise<unknown>) {
    setActionError(null);
    try {
      await action();
    } catch (error) {
      setActionError(error instanceof Error ? error.message : String(error));
    }
    refresh();
  }
  const selectedIds = [...selected];
  const archiveSelected = (archived: boolean) => act(() => Promise.all(selectedIds.map((runId) => api.runs.update({ runId, archived }))));
  const deleteSelected = () =>
    act(async () => {
      setConfirmingDelete(false);
      await Promise.all(selectedIds.map((runId) => api.runs.delete({ runId })));
      setSelected([]);
    });

  const allVisibleSelected = rows.length > 0 && rows.every((r) => selected.has(r.id));

  return (
    <div className="page runs-page">
      <header className="page-header">
        <h1>Runs <span className="count">{runs ? `${rows.length} of ${allRuns.length}` : ''}</span></h1>
        <div className="button-row">
          <label className="checkbox small" title="When the app starts, training that a crash interrupted or a quit stopped continues from its last checkpoint, before the queued jobs">
            <input type="checkbox" checked={autoResume === true} onChange={(e) => saveAutoResume(e.target.checked)} /> Resume interrupted runs on start
          </label>
          <JobConcurrencyControl />
          <a className="button primary" href="#/runs/new">New run</a>
        </div>
      </header>

      <div className="toolbar" role="search">
        <input type="search" className="search" placeholder="Filter by name, notes, tag…" aria-label="Filter text" value={filter.text}
          onChange={(e) => setFilter({ text: e.target.value })} />
        <div className="chip-group" role="group" aria-label="Status filter">
          {RUN_STATUSES.map((status) => (
            <button key={status} className={`chip ${filter.statuses.includes(status) ? 'on' : ''}`} aria-pressed={filter.statuses.includes(status)}
              onClick={() => setFilter({ statuses: filter.statuses.includes(status) ? filter.statuses.filter((s) => s !== status) : [...filter.statuses, status] })}>
              {status}
            </button>
          ))}
        </div>
        <select aria-label="Tag filter" value={filter.tag} onChange={(e) => setFilter({ tag: e.target.value })}>
          <option value="">All tags</option>
          {tags.map((tag) => <option key={tag} value={tag}>{tag}</option>)}
        </select>
        <select aria-label="Preset filter" value={filter.preset} onChange={(e) => setFilter({ preset: e.target.value })}>
          <option value="">All presets</option>
          {presets.map((preset) => <option key={preset} value={preset}>{preset}</option>)}
        </select>
        <label className="checkbox">
          <input type="checkbox" checked={filter.showArchived} onChange={(e) => setFilter({ showArchived: e.target.checked })} /> Archived
        </label>
        <ColumnPicker columns={columns} shown={shownColumns} onChange={(id, visible) => saveColumns({ ...visibleMap(columns, shownColumns), [id]: visible })} />
      </div>

      {selected.size > 0 && (
        <div className="selection-bar" role="region" aria-label="Selection">
          <strong>{selected.size} selected</strong>
          <button className="primary" disabled={selected.size < 2} title={selected.size < 2 ? 'Select at least two runs' : undefined}
            onClick={() => navigate(formatRoute(['compare'], { runs: formatIdList(selected) }))}>Compare</button>
          <button onClick={() => archiveSelected(true)}>Archive</button>
          <button onClick={() => archiveSelected(false)}>Unarchive</button>
          <button className="danger" onClick={() => setConfirmingDelete(true)}>Delete…</button>
          <button className="link" onClick={() => setSelected([])}>Clear selection</button>
        </div>
      )}
      {(loadError || actionError) && <div className="error-banner" role="alert">{loadError ?? actionError}</div>}

      <div className="table-scroll">
        <table className="data-table runs-table">
          <thead>
            <tr>
              <th className="select-cell">
                <input type="checkbox" aria-label="Select all shown runs" checked={allVisibleSelected}
                  onChange={() => setSelected(allVisibleSelected ? [] : rows.map((r) => r.id))} />
              </th>
              {shownColumns.map((column) => (
                <th key={column.id} className={column.align === 'right' ? 'num' : undefined}
                  aria-sort={sort.columnId === column.id ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
                  <button className="sort-button" onClick={() => sortBy(column.id)} title={`Sort by ${column.label}`}>
                    {column.label}
                    <span className="sort-arrow">{sort.columnId === column.id ? (sort.descending ? '▼' : '▲') : ''}</span>
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((run) => (
              <tr key={run.id} data-run-id={run.id} className={[selected.has(run.id) ? 'selected' : '', run.archived ? 'archived' : ''].join(' ')}>
                <td className="select-cell">
                  <input type="checkbox" aria-label={`Select run ${run.id}`} checked={selected.has(run.id)} onChange={() => toggleSelected(run.id)} />
                </td>
                {shownColumns.map((column) => (
                  <td key={column.id} className={column.align === 'right' ? 'num' : undefined} data-column={column.id}>
                    {renderCell(column, run, progress.get(run.id))}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {runs && rows.length === 0 && (
          <div className="empty-state">
            {allRuns.length === 0 ? <>No runs yet. <a href="#/runs/new">Start one</a> from a preset.</> : 'No runs match these filters.'}
          </div>
        )}
        {!runs && !loadError && <div className="empty-state">Loading runs…</div>}
      </div>

      {confirmingDelete && (
        <ConfirmDialog title={`Delete ${selected.size} run${selected.size === 1 ? '' : 's'}?`}
          message="Their metrics, checkpoints and evaluations are removed from the workspace. This cannot be undone. Archive keeps them out of sight instead."
          confirmLabel="Delete" onConfirm={deleteSelected} onCancel={() => setConfirmingDelete(false)} />
      )}
    </div>
  );
}

function renderCell(column: ColumnDefinition, run: RunSummaryInfo, live: Parameters<typeof RunProgress>[0]['live']): ReactNode {
  switch (column.id) {
    case 'id': return run.id;
    case 'name':
      return (
        <span className="run-name">
          <span className="swatch" style={{ background: runColour(run.id, run.color) }} />
          <a href={formatRoute(['runs', run.id])}>{run.name}</a>
          {run.archived && <span className="muted"> (archived)</span>}
        </span>
      );
    case 'status': return <RunStatusBadge status={run.status} />;
    case 'progress': return <RunProgress step={run.step} totalSteps={run.totalSteps} live={run.status === 'running' ? live : undefined} />;
    case 'preset': return run.preset;
    case 'tags': return run.tags.map((tag) => <span key={tag} className="tag">{tag}</span>);
    case 'backend': return run.backend;
    case 'created': return formatDateTime(run.createdAt);
    case 'updated': return formatDateTime(run.updatedAt);
    default: return formatMetric(run.metrics[column.id.slice(METRIC_COLUMN_PREFIX.length)]?.lastValue);
  }
}

function visibleMap(columns: readonly ColumnDefinition[], shown: readonly ColumnDefinition[]): Record<string, boolean> {
  return Object.fromEntries(columns.map((c) => [c.id, shown.includes(c)]));
}

function ColumnPicker({ columns, shown, onChange }: { columns: ColumnDefinition[]; shown: ColumnDefinition[]; onChange: (id: string, visible: boolean) => void }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="popover-anchor">
      <button aria-expanded={open} onClick={() => setOpen(!open)}>Columns ▾</button>
      {open && (
        <div className="popover column-picker" role="dialog" aria-label="Columns">
          {columns.map((column) => (
            <label key={column.id} className="checkbox">
              <input type="checkbox" checked={shown.includes(column)} onChange={(e) => onChange(column.id, e.target.checked)} /> {column.label}
            </label>
          ))}
          <div className="button-row right"><button onClick={() => setOpen(false)}>Done</button></div>
        </div>
      )}
    </div>
  );
}
