import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTaskSet, parseTaskJson } from '../../../main/puzzles/arc/load.ts';
import { formatArcTaskError } from '../../../main/puzzles/arc/validate.ts';

const good = { train: [{ input: [[1, 2], [3, 4]], output: [[4, 3], [2, 1]] }], test: [{ input: [[0]], output: [[9]] }] };

/** The single problem reported for a task, as (pair, message). */
function problemOf(task: unknown): { pair: string; problem: string; message: string } {
  const { task: parsed, errors } = parseTaskJson(JSON.stringify(task), 'bad.json');
  assert.equal(parsed, undefined);
  assert.equal(errors.length, 1, JSON.stringify(errors));
  return { ...errors[0], message: formatArcTaskError(errors[0]) };
}

test('a valid task parses, with the id from the file name', () => {
  const { task, errors } = parseTaskJson(JSON.stringify(good), 'dir/abc123.json');
  assert.deepEqual(errors, []);
  assert.equal(task?.id, 'abc123');
  assert.deepEqual(task?.test[0].output, [[9]]);
});

test('each kind of bad task is reported with file, pair and problem', () => {
  const withTrainOutput = (output: unknown) => ({ ...good, train: [good.train[0], { input: [[1]], output }] });
  const cases: [unknown, string, RegExp][] = [
    [withTrainOutput([[1, 2], [3]]), 'train[1].output', /not rectangular: row 1 has 1 cells, row 0 has 2/],
    [withTrainOutput([[1, 10]]), 'train[1].output', /cell \(0, 1\) is number 10, colours are integers 0–9/],
    [withTrainOutput([[1.5]]), 'train[1].output', /cell \(0, 0\) is number 1.5/],
    [withTrainOutput([['3']]), 'train[1].output', /cell \(0, 0\) is the text "3"/],
    [withTrainOutput([]), 'train[1].output', /has no rows/],
    [withTrainOutput([[]]), 'train[1].output', /row 0 is empty/],
    [withTrainOutput(Array.from({ length: 31 }, () => [0])), 'train[1].output', /has 31 rows \(at most 30\)/],
    [withTrainOutput([Array(31).fill(0)]), 'train[1].output', /has 31 columns \(at most 30\)/],
    [withTrainOutput(undefined), 'train[1].output', /is missing \(demonstration pairs need an output\)/],
    [{ ...good, train: [] }, 'train', /has no pairs/],
    [{ test: good.test }, 'train', /missing "train" list/],
    [{ train: good.train }, 'test', /missing "test" list/],
    [{ ...good, test: [{ output: [[1]] }] }, 'test[0].input', /is missing/],
    [[1, 2], '', /a task must be an object/],
  ];
  for (const [task, pair, problem] of cases) {
    const error = problemOf(task);
    assert.equal(error.pair, pair, JSON.stringify(task));
    assert.match(error.problem, problem);
    assert.ok(error.message.startsWith(`bad.json: ${pair ? pair + ': ' : ''}`), error.message);
  }
});

test('test outputs are optional (unlabelled tasks)', () => {
  const { task, errors } = parseTaskJson(JSON.stringify({ ...good, test: [{ input: [[1]] }] }), 't.json');
  assert.deepEqual(errors, []);
  assert.equal(task?.test[0].output, undefined);
});

test('invalid JSON is an error, not an exception', () => {
  const { errors } = parseTaskJson('{"train": [', 'broken.json');
  assert.equal(errors.length, 1);
  assert.match(formatArcTaskError(errors[0]), /^broken\.json: is not valid JSON/);
});

test('loadTaskSet: bad files are reported and the others still load; Kaggle pairs merge answers', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'arc-load-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'nested'));
  writeFileSync(join(dir, 'aaa.json'), JSON.stringify(good));
  writeFileSync(join(dir, 'nested', 'bbb.json'), JSON.stringify(good));
  writeFileSync(join(dir, 'broken.json'), '{');
  writeFileSync(join(dir, 'ragged.json'), JSON.stringify({ ...good, test: [{ input: [[1], [2, 3]] }] }));
  const challenges = { k1: { train: good.train, test: [{ input: [[5]] }, { input: [[6]] }] }, k2: { train: good.train, test: [{ input: [[7]] }] } };
  writeFileSync(join(dir, 'x_challenges.json'), JSON.stringify(challenges));
  writeFileSync(join(dir, 'x_solutions.json'), JSON.stringify({ k1: [[[1]], [[2]]] }));

  const { tasks, errors } = loadTaskSet([dir, join(dir, 'missing.json')]);
  assert.deepEqual(tasks.map((t) => t.id).sort(), ['aaa', 'bbb', 'k1', 'k2']);
  const k1 = tasks.find((t) => t.id === 'k1')!;
  assert.deepEqual(k1.test.map((p) => p.output), [[[1]], [[2]]]);
  assert.equal(tasks.find((t) => t.id === 'k2')!.test[0].output, undefined); // no solution given: unlabelled
  const messages = errors.map(formatArcTaskError);
  assert.equal(messages.length, 3, messages.join('\n'));
  assert.ok(messages.some((m) => m.includes('broken.json: cannot be read as JSON')));
  assert.ok(messages.some((m) => m.includes('ragged.json: test[0].input: is not rectangular')));
  assert.ok(messages.some((m) => m.includes('missing.json: does not exist')));
});
