import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetricSummary, RunSummaryInfo } from '../../preload/contract.ts';
import { presetConfig } from '../../main/trm/presets.ts';
import {
  EMPTY_FILTER, filterQuery, filterRows, formatSort, parseFilter, parseSort, sortRows, tableColumns, visibleColumns,
} from '../../renderer/runs/runs-table-model.ts';
import { formatIdList, formatRoute, parseIdList, parseRoute } from '../../renderer/app/route.ts';

function run(id: number, fields: Partial<RunSummaryInfo>, lastValues: Record<string, number> = {}): RunSummaryInfo {
  const metrics: Record<string, MetricSummary> = {};
  for (const [key, value] of Object.entries(lastValues)) metrics[key] = { lastStep: 10, lastWallTimeMs: 0, lastValue: value, minValue: value, maxValue: value, count: 1 };
  return {
    id, name: `run ${id}`, preset: 'sudoku4-mlp', config: { ...presetConfig('sudoku4-mlp') }, status: 'finished', backend: 'wasm', backendVersion: '4.22.0', backendDevice: '',
    appVersion: '0.1.0', datasetFingerprint: 'x', parentRunId: null, tags: [], notes: '', color: null, archived: false, pid: null, step: 0, totalSteps: 100,
    error: null, createdAt: id * 1000, updatedAt: id * 1000, startedAt: null, endedAt: null, activeMs: 0, metrics, ...fields,
  };
}

const rows = [
  run(1, { name: 'Baseline', status: 'finished', tags: ['paper'] }, { exact_accuracy: 0.5 }),
  run(2, { name: 'wide model', status: 'running', preset: 'sudoku6-mlp' }, { exact_accuracy: 0.9, lm_loss: 0.1 }),
  run(3, { name: 'crashed', status: 'failed', tags: ['paper', 'ablation'], notes: 'OOM at step 30' }),
];

test('columns include one per summary metric, with sensible defaults', () => {
  const columns = tableColumns(rows);
  const ids = columns.map((c) => c.id);
  assert.ok(ids.includes('metric:exact_accuracy') && ids.includes('metric:lm_loss'));
  assert.ok(!visibleColumns(columns, null).some((c) => c.id === 'backend'));
  assert.ok(visibleColumns(columns, { backend: true }).some((c) => c.id === 'backend'));
  assert.ok(!visibleColumns(columns, { name: false }).some((c) => c.id === 'name'));
});

test('sorting by text, number and metric; missing metric values last in both directions', () => {
  const columns = tableColumns(rows);
  const ids = (sorted: RunSummaryInfo[]) => sorted.map((r) => r.id);
  assert.deepEqual(ids(sortRows(rows, columns, { columnId: 'name', descending: false })), [1, 3, 2]);
  assert.deepEqual(ids(sortRows(rows, columns, { columnId: 'created', descending: true })), [3, 2, 1]);
  assert.deepEqual(ids(sortRows(rows, columns, { columnId: 'metric:exact_accuracy', descending: true })), [2, 1, 3]);
  assert.deepEqual(ids(sortRows(rows, columns, { columnId: 'metric:exact_accuracy', descending: false })), [1, 2, 3]);
  assert.deepEqual(parseSort(null), { columnId: 'created', descending: true });
  // A metric column's id has a colon of its own (the URL form of a sorted metric column).
  for (const sort of [{ columnId: 'metric:eval/exact_accuracy', descending: true }, { columnId: 'metric:train/loss', descending: false }, { columnId: 'name', descending: false }]) {
    assert.deepEqual(parseSort(formatSort(sort)), sort);
  }
});

test('filters by status, tag, preset, text and archive state', () => {
  const ids = (filter: Partial<typeof EMPTY_FILTER>) => filterRows(rows, { ...EMPTY_FILTER, ...filter }).map((r) => r.id);
  assert.deepEqual(ids({}), [1, 2, 3]);
  assert.deepEqual(ids({ statuses: ['running', 'failed'] }), [2, 3]);
  assert.deepEqual(ids({ tag: 'paper' }), [1, 3]);
  assert.deepEqual(ids({ preset: 'sudoku6-mlp' }), [2]);
  assert.deepEqual(ids({ text: 'oom' }), [3]);
  assert.deepEqual(ids({ text: 'paper crash' }), [3]);
  const archived = [...rows.slice(0, 2), { ...rows[2], archived: true }];
  assert.deepEqual(filterRows(archived, EMPTY_FILTER).map((r) => r.id), [1, 2]);
  assert.deepEqual(filterRows(archived, { ...EMPTY_FILTER, showArchived: true }).map((r) => r.id), [1, 2, 3]);
});

test('filters round-trip through the URL query', () => {
  const filter = { statuses: ['running' as const], tag: 'paper', preset: 'sudoku4-mlp', text: 'wide', showArchived: true };
  const hash = formatRoute(['runs'], filterQuery(filter));
  assert.deepEqual(parseFilter(parseRoute(hash).query), filter);
});

test('routes and id lists', () => {
  const route = parseRoute('#/runs/12?selected=5,3,x,3');
  assert.deepEqual(route.segments, ['runs', '12']);
  assert.deepEqual(parseIdList(route.query.get('selected')), [5, 3]);
  assert.equal(formatIdList([5, 3]), '3,5');
  assert.equal(formatRoute(['runs'], { q: '', selected: '1,2' }), '#/runs?selected=1%2C2');
});
