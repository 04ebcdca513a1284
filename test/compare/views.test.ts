import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../db/index.ts';

test('saved views: save, replace by name, list by name, delete', () => {
  const db = openDatabase(':memory:');
  try {
    const first = db.saveView('seeds', { runIds: [1, 2], smoothing: 0.6 });
    db.saveView('Baseline', { runIds: [3] });
    const replaced = db.saveView('seeds', { runIds: [1, 2, 4], smoothing: 0 });
    assert.equal(replaced.id, first.id);
    assert.deepEqual(db.listViews().map((v) => [v.name, v.state]), [['Baseline', { runIds: [3] }], ['seeds', { runIds: [1, 2, 4], smoothing: 0 }]]);
    assert.equal(db.deleteView(first.id), true);
    assert.equal(db.deleteView(first.id), false);
    assert.deepEqual(db.listViews().map((v) => v.name), ['Baseline']);
  } finally {
    db.close();
  }
});
