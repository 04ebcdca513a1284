// A custom ARC task set (data.tasks) never drops files in silence: each skipped file is a warning with its problem
// (the CLI prints them, the new-run form shows them), and when nothing loads the error lists every problem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isExpectedError } from '../../../main/common/errors.ts';
import { loadArcSubsets, openArcTask } from '../../../main/puzzles/arc/arc-task.ts';
import { loadTaskSet } from '../../../main/puzzles/arc/load.ts';
import { formatArcTaskError } from '../../../main/puzzles/arc/validate.ts';
import { estimateRun } from '../../../main/train/run.ts';

const good = { train: [{ input: [[1, 0], [0, 1]], output: [[0, 1], [1, 0]] }], test: [{ input: [[1, 1], [0, 0]], output: [[0, 0], [1, 1]] }] };
const custom = (tasks: string) => ({ subsets: [], testSet: 'custom', tasks });

function setUp(): { root: string; mixed: string; allBad: string } {
  const root = mkdtempSync(join(tmpdir(), 'arc-custom-'));
  const mixed = join(root, 'mixed');
  const allBad = join(root, 'all-bad');
  for (const dir of [mixed, allBad]) {
    mkdirSync(dir);
    writeFileSync(join(dir, 'broken.json'), '{ not json');
    writeFileSync(join(dir, 'no-train.json'), JSON.stringify({ train: [], test: good.test }));
    writeFileSync(join(dir, 'no-test.json'), JSON.stringify({ ...good, test: [] }));
    spawnSync('mkfifo', [join(dir, 'pipe.json')]);
  }
  writeFileSync(join(mixed, 'good.json'), JSON.stringify(good));
  return { root, mixed, allBad };
}

test('one valid and four invalid files: the valid one loads, each other file is a warning naming it', () => {
  const { root, mixed } = setUp();
  try {
    const data = openArcTask({ kind: 'arc', ...custom(mixed), augmentations: 0, canvas: 0, translate: false } as Parameters<typeof openArcTask>[0], 0);
    assert.deepEqual(data.dataset.testTasks.map((t) => t.id), ['good']);
    const skipped = data.warnings.filter((w) => w.startsWith('skipped '));
    assert.deepEqual(skipped.map((w) => /^skipped (.*?\.json):/.exec(w)?.[1]).sort(), ['broken.json', 'no-test.json', 'no-train.json', 'pipe.json'].map((f) => join(mixed, f)));
    assert.ok(skipped.some((w) => w.includes('no-test.json: test: has no pairs')));
    assert.ok(skipped.some((w) => w.includes('pipe.json: is a named pipe')));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('nothing loads: the error lists every file and its problem; a missing path says it does not exist', () => {
  const { root, allBad } = setUp();
  try {
    assert.throws(() => loadArcSubsets(custom(allBad)), (error: unknown) => {
      assert.ok(isExpectedError(error));
      for (const file of ['broken.json', 'no-test.json', 'no-train.json', 'pipe.json']) assert.ok(error.message.includes(join(allBad, file)), `${file} in: ${error.message}`);
      return true;
    });
    assert.throws(() => loadArcSubsets(custom(join(root, 'nowhere'))), (error: unknown) => isExpectedError(error) && error.message.endsWith(`${join(root, 'nowhere')}: does not exist`));
    mkdirSync(join(root, 'empty'));
    assert.throws(() => loadArcSubsets(custom(join(root, 'empty'))), /no \.json task files were found/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a task with "test": [] is refused in the held-out set only (elsewhere its train pairs still train)', () => {
  const { root } = setUp();
  try {
    const file = join(root, 'mixed', 'no-test.json');
    assert.deepEqual(loadTaskSet([file]).tasks.map((t) => t.id), ['no-test']);
    const heldOut = loadTaskSet([file], { heldOut: true });
    assert.deepEqual(heldOut.tasks, []);
    assert.deepEqual(heldOut.errors.map(formatArcTaskError), [`${file}: test: has no pairs, and this set is held out for evaluation: a run would evaluate nothing on this task`]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the new-run estimate carries the warnings to the app', () => {
  const { root, mixed } = setUp();
  try {
    const estimate = estimateRun('arc-mini-att', { 'data.tasks': mixed, 'data.subsets': '', 'data.testSet': 'custom', 'data.augmentations': '0' });
    assert.deepEqual(estimate.errors, {});
    assert.equal(estimate.warnings.filter((w) => w.startsWith('skipped ')).length, 4, estimate.warnings.join('\n'));
    const missing = estimateRun('arc-mini-att', { 'data.tasks': join(root, 'nowhere'), 'data.subsets': '', 'data.testSet': 'custom' });
    assert.match(missing.errors['data.tasks'], /nowhere: does not exist/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
