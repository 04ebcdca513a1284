import { test } from 'node:test';
import assert from 'node:assert/strict';
import { downsampleSeries, type MetricRow, type MetricSeries, type TrmDb } from '../../db/index.ts';
import { sampleRun, temporaryDatabase } from './fixtures.ts';

/** The summary recomputed from the stored rows, to compare with the one maintained on write. */
function summaryFromRows(db: TrmDb, runId: number, key: string) {
  const { steps, values, wallTimesMs } = db.getMetricSeries(runId, [key])[key];
  const finite = values.filter((value) => !Number.isNaN(value));
  return {
    lastStep: steps.at(-1), lastWallTimeMs: wallTimesMs.at(-1), lastValue: values.at(-1),
    minValue: finite.length ? Math.min(...finite) : Number.NaN, maxValue: finite.length ? Math.max(...finite) : Number.NaN,
    count: steps.length,
  };
}

test('appendMetrics maintains last/min/max/count per key, whatever the order of steps', () => {
  const db = temporaryDatabase();
  const run = db.createRun(sampleRun());
  const rows: MetricRow[] = [];
  // A pseudo-random walk with a deliberate out-of-order step and a NaN.
  let value = 1;
  for (let step = 1; step <= 200; step++) {
    value += Math.sin(step * 12.9898) * 0.3;
    rows.push({ key: 'train/lm_loss', step, wallTimeMs: 1_000 + step, value });
    if (step % 10 === 0) rows.push({ key: 'eval/exact_accuracy', step, wallTimeMs: 1_000 + step, value: step / 200 });
  }
  rows.push({ key: 'train/lm_loss', step: 0, wallTimeMs: 5, value: 99 }); // late arrival of an earlier step
  rows.push({ key: 'train/grad_norm', step: 1, wallTimeMs: 5, value: Number.NaN });
  for (let start = 0; start < rows.length; start += 20) db.appendMetrics(run.id, rows.slice(start, start + 20));

  const summaries = db.getMetricSummaries([run.id])[run.id];
  assert.deepEqual(Object.keys(summaries).sort(), ['eval/exact_accuracy', 'train/grad_norm', 'train/lm_loss']);
  for (const key of Object.keys(summaries)) assert.deepEqual(summaries[key], summaryFromRows(db, run.id, key), key);
  assert.equal(summaries['train/lm_loss'].lastStep, 200); // the late step 0 did not become "last"
  assert.equal(summaries['train/lm_loss'].maxValue, 99);
  assert.equal(summaries['train/lm_loss'].count, 201);
  assert.deepEqual(summaries['eval/exact_accuracy'], { lastStep: 200, lastWallTimeMs: 1200, lastValue: 1, minValue: 0.05, maxValue: 1, count: 20 });
  assert.ok(Number.isNaN(summaries['train/grad_norm'].minValue));
  assert.deepEqual(db.listMetricKeys(run.id), ['eval/exact_accuracy', 'train/grad_norm', 'train/lm_loss']);
});

test('steps out of order within one batch: last is the highest step', () => {
  const db = temporaryDatabase();
  const run = db.createRun(sampleRun());
  db.appendMetrics(run.id, [
    { key: 'loss', step: 3, wallTimeMs: 30, value: 0.3 },
    { key: 'loss', step: 1, wallTimeMs: 10, value: Number.NaN },
    { key: 'loss', step: 2, wallTimeMs: 20, value: 0.9 },
  ]);
  db.appendMetrics(run.id, [{ key: 'loss', step: 0, wallTimeMs: 5, value: 0.1 }]);
  assert.deepEqual(db.getMetricSummaries([run.id])[run.id].loss, { lastStep: 3, lastWallTimeMs: 30, lastValue: 0.3, minValue: 0.1, maxValue: 0.9, count: 4 });
});

test('a batch with a repeated (key, step) or an unknown run is rejected whole', () => {
  const db = temporaryDatabase();
  const run = db.createRun(sampleRun());
  db.appendMetrics(run.id, [{ key: 'loss', step: 1, wallTimeMs: 1, value: 1 }]);
  assert.throws(() => db.appendMetrics(run.id, [
    { key: 'loss', step: 2, wallTimeMs: 2, value: 2 },
    { key: 'loss', step: 1, wallTimeMs: 3, value: 3 },
  ]), /already logged.*deleteMetricsAfter/);
  assert.throws(() => db.appendMetrics(run.id, [{ key: '', step: 3, wallTimeMs: 3, value: 3 }]), /invalid row/);
  assert.throws(() => db.appendMetrics(run.id, [{ key: 'loss', step: 1.5, wallTimeMs: 3, value: 3 }]), /invalid row/);
  assert.throws(() => db.appendMetrics(9999, [{ key: 'loss', step: 1, wallTimeMs: 1, value: 1 }]), /run 9999 does not exist/);
  assert.deepEqual(db.getMetricSeries(run.id), { loss: { steps: [1], values: [1], wallTimesMs: [1] } });
  assert.equal(db.getMetricSummaries([run.id])[run.id].loss.count, 1);
});

test('deleteMetricsAfter drops later rows and recomputes the summary, so a resume neither loses nor duplicates', () => {
  const db = temporaryDatabase();
  const run = db.createRun(sampleRun());
  const other = db.createRun(sampleRun());
  const loss = (step: number) => 10 - step + (step === 7 ? 50 : 0); // spike at step 7
  const log = (runId: number, from: number, to: number) => {
    for (let step = from; step <= to; step++) {
      db.appendMetrics(runId, [
        { key: 'loss', step, wallTimeMs: step * 100, value: loss(step) },
        ...(step % 4 === 0 ? [{ key: 'eval', step, wallTimeMs: step * 100, value: step }] : []),
      ]);
    }
  };
  log(run.id, 1, 9);
  log(other.id, 1, 9);
  // Crash after step 9, last checkpoint at step 5: resume from 5.
  assert.equal(db.deleteMetricsAfter(run.id, 5), 4 + 1); // loss 6..9, eval 8
  let summaries = db.getMetricSummaries([run.id])[run.id];
  assert.deepEqual(summaries.loss, { lastStep: 5, lastWallTimeMs: 500, lastValue: 5, minValue: 5, maxValue: 9, count: 5 });
  assert.deepEqual(summaries.eval, { lastStep: 4, lastWallTimeMs: 400, lastValue: 4, minValue: 4, maxValue: 4, count: 1 });
  log(run.id, 6, 9);
  summaries = db.getMetricSummaries([run.id])[run.id];
  for (const key of ['loss', 'eval']) assert.deepEqual(summaries[key], summaryFromRows(db, run.id, key), key);
  assert.deepEqual(db.getMetricSeries(run.id, ['loss']).loss.steps, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  // Keys with no rows left disappear; other runs are untouched.
  db.deleteMetricsAfter(run.id, 3);
  assert.deepEqual(db.listMetricKeys(run.id), ['loss']);
  assert.equal(db.getMetricSummaries([other.id])[other.id].loss.count, 9);
});

test('getMetricSeries selects keys and returns only steps after afterStep', () => {
  const db = temporaryDatabase();
  const run = db.createRun(sampleRun());
  db.appendMetrics(run.id, [1, 2, 3].flatMap((step) => [
    { key: 'a', step, wallTimeMs: step, value: step * 2 },
    { key: 'b', step, wallTimeMs: step, value: -step },
  ]));
  assert.deepEqual(Object.keys(db.getMetricSeries(run.id)).sort(), ['a', 'b']);
  assert.deepEqual(db.getMetricSeries(run.id, ['b'], { afterStep: 1 }), { b: { steps: [2, 3], values: [-2, -3], wallTimesMs: [2, 3] } });
  assert.deepEqual(db.getMetricSeries(run.id, ['missing']), { missing: { steps: [], values: [], wallTimesMs: [] } });
});

test('downsampling keeps the first and last point and every bucket\'s extremes', () => {
  const count = 10_000;
  const series: MetricSeries = { steps: [], values: [], wallTimesMs: [] };
  for (let step = 0; step < count; step++) {
    series.steps.push(step);
    series.values.push(step === 3_333 ? 1_000 : step === 7_777 ? -1_000 : Math.sin(step / 50));
    series.wallTimesMs.push(step * 10);
  }
  const sampled = downsampleSeries(series, 200);
  assert.ok(sampled.steps.length <= 200 && sampled.steps.length > 150, `got ${sampled.steps.length} points`);
  assert.equal(sampled.steps[0], 0);
  assert.equal(sampled.steps.at(-1), count - 1);
  assert.equal(sampled.values.at(-1), series.values[count - 1]);
  assert.ok(sampled.steps.includes(3_333) && sampled.steps.includes(7_777), 'spikes survive');
  assert.ok(sampled.steps.every((step, index) => index === 0 || step > sampled.steps[index - 1]), 'steps stay ordered');
  sampled.steps.forEach((step, index) => {
    assert.equal(sampled.values[index], series.values[step]);
    assert.equal(sampled.wallTimesMs[index], series.wallTimesMs[step]);
  });
  assert.equal(Math.max(...sampled.values), 1_000);
  assert.equal(Math.min(...sampled.values), -1_000);
  assert.equal(downsampleSeries(series, count), series);
  assert.deepEqual(downsampleSeries(series, 2).steps, [0, count - 1]);
  assert.throws(() => downsampleSeries(series, 1), /maxPoints/);
});

test('getMetricSeries downsamples through the database too', () => {
  const db = temporaryDatabase();
  const run = db.createRun(sampleRun());
  const rows: MetricRow[] = [];
  for (let step = 1; step <= 1_000; step++) rows.push({ key: 'loss', step, wallTimeMs: step, value: step === 500 ? 42 : 1 / step });
  db.appendMetrics(run.id, rows);
  const { loss } = db.getMetricSeries(run.id, ['loss'], { maxPoints: 50 });
  assert.ok(loss.steps.length <= 50);
  assert.ok(loss.steps.includes(500));
  assert.equal(loss.steps.at(-1), 1_000);
  assert.equal(loss.steps[0], 1);
});
