import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { dataDir } from '../../main/common/paths.ts';
import type { Grid } from '../../renderer/editor/model/grid-ops.ts';
import type { EditorTask } from '../../renderer/editor/model/task.ts';
import { hasErrors, validateTask } from '../../renderer/editor/model/validation.ts';
import { parseArcJson, serializeKaggle, serializeTask, serializeTaskSet } from '../../renderer/editor/model/arc-json.ts';

const g = (...rows: string[]): Grid => rows.map((row) => [...row].map(Number));

test('validation: a clean task has no issues', () => {
  const task: EditorTask = { name: 't', train: [{ input: g('10'), output: g('01') }], test: [{ input: g('20'), output: g('02') }] };
  assert.deepEqual(validateTask(task), []);
});

test('validation: missing outputs, empty grids, bad sizes and colours, duplicates, test output = input, no pairs', () => {
  const task = {
    name: 't',
    train: [
      { input: g('10'), output: g('01') },
      { input: g('10'), output: g('01') }, // duplicate
      { input: g('10'), output: g('11') }, // contradicts train[0]
      { input: g('00'), output: [] as Grid }, // all-zero input (warning), 0-size output (error)
      { input: [[1, 12]], output: Array.from({ length: 31 }, () => [1]) },
    ],
    test: [{ input: g('3') }, { input: g('4'), output: g('4') }, { input: g('10') }],
  } as EditorTask;
  const issues = validateTask(task).map(({ severity, pair, message }) => `${severity} ${pair}: ${message}`);
  assert.deepEqual(issues, [
    'warning train[3].input: is empty (every cell is 0)',
    'error train[3].output: has no rows (grids are 1×1 to 30×30)',
    'error train[4].input: cell (0, 1) is number 12, colours are integers 0–9',
    'error train[4].output: has 31 rows (at most 30)',
    'warning test[0].output: is missing: the exported task will have no answer for this test input',
    'warning test[1]: output is identical to its input',
    'warning test[2].output: is missing: the exported task will have no answer for this test input',
    'warning train[1]: duplicates train[0]',
    'error train[2]: has the same input as train[0] but a different output',
    'warning test[2]: input is the same as train[0] (the answer is given away)',
  ]);
  assert.ok(hasErrors(validateTask(task)));
  const empty = validateTask({ name: 'e', train: [], test: [] });
  assert.deepEqual(empty.map((issue) => issue.message), ['no train pairs: a task needs at least one demonstration pair', 'no test pairs: a task needs at least one test input']);
  const unlabelledTrain = validateTask({ name: 'u', train: [{ input: g('1') }], test: [{ input: g('2'), output: g('3') }] } as EditorTask);
  assert.deepEqual(unlabelledTrain, [{ severity: 'error', pair: 'train[0].output', message: 'is missing (demonstration pairs need an output)' }]);
});

const scripted: EditorTask = {
  name: 'scripted',
  train: [{ input: g('12', '30'), output: g('21', '03') }, { input: g('5'), output: g('5') }],
  test: [{ input: g('789'), output: g('987') }, { input: g('4') }],
};

test('export: one task in the compact ARC style, byte for byte', () => {
  assert.equal(serializeTask(scripted),
    '{"train":[{"input":[[1,2],[3,0]],"output":[[2,1],[0,3]]},{"input":[[5]],"output":[[5]]}],"test":[{"input":[[7,8,9]],"output":[[9,8,7]]},{"input":[[4]]}]}');
  assert.equal(serializeTask(scripted, { spacing: 'spaced', keyOrder: 'test-train', nameKey: true, trailingNewline: true }),
    '{"test": [{"input": [[7, 8, 9]], "output": [[9, 8, 7]]}, {"input": [[4]]}], "train": [{"input": [[1, 2], [3, 0]], "output": [[2, 1], [0, 3]]}, {"input": [[5]], "output": [[5]]}], "name": "scripted"}\n');
  const parsed = parseArcJson(serializeTask(scripted), 'scripted.json');
  assert.deepEqual(parsed.task, scripted);
  assert.equal(parsed.exact, true);
});

test('export: a set as one JSON object and as a Kaggle challenges + solutions pair', () => {
  const other: EditorTask = { name: 'b', train: [{ input: g('1'), output: g('2') }], test: [{ input: g('3'), output: g('4') }] };
  assert.equal(serializeTaskSet([other]), '{"b":{"train":[{"input":[[1]],"output":[[2]]}],"test":[{"input":[[3]],"output":[[4]]}]}}');
  const kaggle = serializeKaggle([scripted, other]);
  assert.equal(kaggle.solutions, '{"b":[[[4]]]}'); // scripted has an unlabelled test input
  assert.ok(!kaggle.challenges.includes('"output":[[9,8,7]]'));
  assert.throws(() => serializeTaskSet([other, other]), /two tasks are named 'b'/);
});

test('import reports the ARC loader\'s errors', () => {
  assert.match(parseArcJson('{"train": [', 'broken.json').errors[0].problem, /not valid JSON/);
  const bad = parseArcJson('{"train":[{"input":[[1]],"output":[[10]]}],"test":[]}', 'bad.json');
  assert.equal(bad.task, undefined);
  assert.deepEqual(bad.errors, [{ file: 'bad.json', pair: 'train[0].output', problem: 'cell (0, 0) is number 10, colours are integers 0–9' }]);
});

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? jsonFiles(path) : name.endsWith('.json') ? [path] : [];
  });
}

test('shared files re-export identically (every layout: spaced, compact, test-first, "name" key, trailing newline)', () => {
  const named = ['arc-agi-1/training/007bbfb7.json', 'arc-agi-1/training/9edfc990.json', 'arc-agi-1/evaluation/12422b43.json',
    'arc-agi-2/training/00576224.json', 'concept-arc/AboveBelow/AboveBelow1.json'];
  for (const file of named) {
    const text = readFileSync(join(dataDir(), file), 'utf8');
    const parsed = parseArcJson(text, file);
    assert.equal(serializeTask(parsed.task!, parsed.style), text, file);
  }
  // All 2,030 files: only the 10 hand-indented ARC-AGI-2 evaluation files cannot be reproduced.
  const notExact = jsonFiles(dataDir()).filter((file) => {
    const parsed = parseArcJson(readFileSync(file, 'utf8'), file);
    assert.deepEqual(parsed.errors, [], file);
    return !parsed.exact;
  });
  assert.equal(notExact.length, 10);
  assert.ok(notExact.every((file) => file.includes('arc-agi-2/evaluation')));
});

test('the editor model and everything it imports stay free of Node, Electron and React', () => {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)) {
      assert.ok(specifier.startsWith('.'), `${file} imports '${specifier}'`);
      visit(resolve(dirname(file), specifier));
    }
  };
  const modelDir = resolve(import.meta.dirname, '../../renderer/editor/model');
  for (const file of readdirSync(modelDir)) visit(join(modelDir, file));
  assert.ok(seen.size >= 8);
});
