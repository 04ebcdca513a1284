import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffConfigs, flattenConfig } from '../../renderer/compare/config-diff.ts';
import { aggregateByStep, groupRuns } from '../../renderer/compare/grouping.ts';

test('flattenConfig turns nested sections into dotted paths and keeps arrays whole', () => {
  assert.deepEqual(flattenConfig({ model: { hiddenSize: 16, att: { heads: 2 } }, data: { tasks: ['a', 'b'] }, requestedBackend: null }), {
    'model.hiddenSize': 16, 'model.att.heads': 2, 'data.tasks': ['a', 'b'], requestedBackend: null,
  });
});

test('diffConfigs marks differing paths, including paths missing in some runs', () => {
  const rows = diffConfigs([
    flattenConfig({ model: { hiddenSize: 16, lCycles: 2 }, train: { seed: 0, tags: ['x'] } }),
    flattenConfig({ model: { hiddenSize: 16, lCycles: 3 }, train: { seed: 0, tags: ['x'] } }),
    flattenConfig({ model: { hiddenSize: 16, lCycles: 2 }, train: { seed: 0, tags: ['x'], extra: null } }),
  ]);
  assert.deepEqual(rows.map((r) => r.path), ['model.hiddenSize', 'model.lCycles', 'train.extra', 'train.seed', 'train.tags']);
  assert.deepEqual(rows.filter((r) => r.differs).map((r) => r.path), ['model.lCycles', 'train.extra']);
  assert.deepEqual(rows.find((r) => r.path === 'train.extra')!.values, [undefined, undefined, null]);
});

test('a path missing in every run but one differs; equal arrays do not', () => {
  const rows = diffConfigs([{ a: [1, 2] }, { a: [1, 2], b: 1 }]);
  assert.deepEqual(rows.map((r) => [r.path, r.differs]), [['a', false], ['b', true]]);
});

test('groupRuns groups by every other differing path', () => {
  const configs = [
    { 'train.seed': 0, 'model.lCycles': 2, 'model.hiddenSize': 16 },
    { 'train.seed': 1, 'model.lCycles': 2, 'model.hiddenSize': 16 },
    { 'train.seed': 0, 'model.lCycles': 3, 'model.hiddenSize': 16 },
  ];
  assert.deepEqual(groupRuns([1, 2, 3], configs, 'train.seed'), [
    { label: 'model.lCycles=2', runIds: [1, 2] },
    { label: 'model.lCycles=3', runIds: [3] },
  ]);
});

test('aggregateByStep gives mean, min and max over the runs that logged each step', () => {
  const band = aggregateByStep([
    [{ step: 0, x: 0, value: 1 }, { step: 10, x: 10, value: 3 }],
    [{ step: 0, x: 0, value: 3 }, { step: 10, x: 10, value: Number.NaN }, { step: 20, x: 20, value: 5 }],
  ]);
  assert.deepEqual(band, [
    { step: 0, x: 0, mean: 2, min: 1, max: 3, count: 2 },
    { step: 10, x: 10, mean: 3, min: 3, max: 3, count: 1 },
    { step: 20, x: 20, mean: 5, min: 5, max: 5, count: 1 },
  ]);
});
