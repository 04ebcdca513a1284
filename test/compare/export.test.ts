import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvField, metricsCsv, metricsJson } from '../../renderer/compare/export.ts';
import { filterPuzzles, puzzleMatrix } from '../../renderer/compare/puzzle-matrix.ts';
import { bestRunIds, summaryColumns, wallTimeMs } from '../../renderer/compare/summary.ts';
import type { RunSummaryInfo } from '../../preload/contract.ts';

const runs = [
  { id: 2, name: 'seed, "one"', series: new Map([['train/lm_loss', [{ step: 1, wallTimeMs: 1000, value: 0.5 }, { step: 2, wallTimeMs: 1100, value: Number.NaN }]]]) },
  { id: 5, name: 'plain', series: new Map([['eval/exact_accuracy', [{ step: 10, wallTimeMs: 2000, value: 0.25 }]], ['train/lm_loss', [{ step: 1, wallTimeMs: 1500, value: 0.75 }]]]) },
];

test('metricsCsv has a header and one row per point of every run, escaped per RFC 4180', () => {
  assert.equal(metricsCsv(runs), [
    'run_id,run_name,key,step,wall_time_ms,value',
    '2,"seed, ""one""",train/lm_loss,1,1000,0.5',
    '2,"seed, ""one""",train/lm_loss,2,1100,NaN',
    '5,plain,eval/exact_accuracy,10,2000,0.25',
    '5,plain,train/lm_loss,1,1500,0.75',
    '',
  ].join('\r\n'));
});

test('csvField quotes only when needed', () => {
  assert.equal(csvField('a'), 'a');
  assert.equal(csvField('a\nb'), '"a\nb"');
  assert.equal(csvField(1.5), '1.5');
});

test('metricsJson keeps columns per key and writes NaN as null', () => {
  const parsed = JSON.parse(metricsJson(runs.map((r) => ({ ...r, config: { train: { seed: r.id } } }))));
  assert.deepEqual(parsed.runs[0], { id: 2, name: 'seed, "one"', config: { train: { seed: 2 } }, metrics: { 'train/lm_loss': { steps: [1, 2], wallTimesMs: [1000, 1100], values: [0.5, null] } } });
  assert.deepEqual(Object.keys(parsed.runs[1].metrics), ['eval/exact_accuracy', 'train/lm_loss']);
});

test('puzzle filters: solved by A not B, by none, by all', () => {
  const rows = puzzleMatrix(new Map([
    [1, [{ puzzleKey: 'p1', correct: true }, { puzzleKey: 'p2', correct: true }, { puzzleKey: 'p3', correct: false }, { puzzleKey: 'p10', correct: true }]],
    [2, [{ puzzleKey: 'p1', correct: true }, { puzzleKey: 'p2', correct: false }, { puzzleKey: 'p3', correct: false }]],
  ]));
  assert.deepEqual(rows.map((r) => r.puzzleKey), ['p1', 'p2', 'p3', 'p10']);
  const keys = (filter: Parameters<typeof filterPuzzles>[1]) => filterPuzzles(rows, filter, [1, 2]).map((r) => r.puzzleKey);
  assert.deepEqual(keys({ kind: 'solved-by-a-not-b', a: 1, b: 2 }), ['p2', 'p10']);
  assert.deepEqual(keys({ kind: 'solved-by-a-not-b', a: 2, b: 1 }), []);
  assert.deepEqual(keys({ kind: 'solved-by-none' }), ['p3']);
  assert.deepEqual(keys({ kind: 'solved-by-all' }), ['p1']);
  assert.deepEqual(keys({ kind: 'all' }), ['p1', 'p2', 'p3', 'p10']);
});

test('summary: best per column by direction, none when every run ties', () => {
  const run = (id: number, exact: number, steps: number) => ({
    id, backend: 'cpu', startedAt: null, endedAt: null, status: 'finished', updatedAt: 0,
    metrics: { 'eval/exact_accuracy': { lastValue: exact, maxValue: exact }, 'eval/steps': { lastValue: steps } },
  }) as unknown as RunSummaryInfo;
  const runs = [run(1, 0.5, 3), run(2, 0.7, 3), run(3, 0.7, 3)];
  const columns = summaryColumns(runs);
  assert.deepEqual(columns.map((c) => c.id), ['best_exact', 'last_exact', 'mean_steps', 'wall_time', 'parameters', 'backend']);
  const best = bestRunIds(columns, runs, { parameterCounts: {}, now: 0 });
  assert.deepEqual([...best.get('best_exact')!], [2, 3]);
  assert.equal(best.has('mean_steps'), false, 'all equal: nothing highlighted');
  assert.equal(best.has('backend'), false);
});

test('summary: the time column counts training time, not the hours a run sat stopped between sessions', () => {
  const hourAgo = 1_000_000_000 - 3_600_000;
  const run = { id: 1, backend: 'cpu', startedAt: hourAgo, endedAt: 1_000_000_000, activeMs: 5000, status: 'finished', updatedAt: 1_000_000_000, metrics: {} } as unknown as RunSummaryInfo;
  assert.equal(wallTimeMs(run, 1_000_000_000), 5000);
  const live = { ...run, status: 'running', endedAt: null, updatedAt: 1_000_000_000 - 400 } as RunSummaryInfo;
  assert.equal(wallTimeMs(live, 1_000_000_000), 5400, 'a live run: its stored time plus the time since it was written');
});
