// `trm trace` end to end on a tiny run trained for a few steps in a throwaway workspace: JSON and film-strip
// output, the stored trace, agreement with the stored evaluation of the same checkpoint, and clear errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const home = mkdtempSync(join(tmpdir(), 'trm-trace-'));
process.env.TRM_HOME = home;
const { createRun, trainRun, evaluateRun, resolveConfig } = await import('../../main/train/run.ts');
const { openDatabase } = await import('../../db/index.ts');
const { main } = await import('../../main/cli/main.ts');
const { loadTrace } = await import('../../main/trace/run-trace.ts');

const OVERRIDES = {
  'model.hiddenSize': '16', 'model.numHeads': '2', 'model.puzzleEmbDim': '16', 'model.haltMaxSteps': '3', 'train.batchSize': '8',
  'train.maxSteps': '4', 'train.evalInterval': '4', 'train.checkpointInterval': '4', 'train.evalExamples': '4', 'data.testExamples': '4',
};
let runId: number;
let puzzleFile: string;

/** Runs the CLI in this process, capturing what it prints. */
async function trm(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (...parts: unknown[]) => out.push(parts.join(' '));
  console.error = (...parts: unknown[]) => err.push(parts.join(' '));
  try {
    const code = await main(argv);
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    Object.assign(console, { log, error });
  }
}

before(async () => {
  ({ runId } = await createRun({ preset: 'sudoku4-mlp', overrides: OVERRIDES, backend: 'wasm' }));
  await trainRun(runId);
  // The first held-out puzzle as a user would type it.
  const { data } = resolveConfig('sudoku4-mlp', OVERRIDES);
  const batch = [...data.testBatches(1, 1)][0];
  const digits = Array.from(batch.inputs, (t) => (t === 1 ? '.' : String(t - 1)));
  puzzleFile = join(home, 'puzzle.txt');
  writeFileSync(puzzleFile, [0, 1, 2, 3].map((r) => digits.slice(r * 4, r * 4 + 4).join('')).join('\n'));
});

after(() => rmSync(home, { recursive: true, force: true }));

test('trm trace --json: every step, stored, and the same exactness per step as trm eval', async () => {
  const { code, stdout, stderr } = await trm('trace', String(runId), '--puzzle', puzzleFile, '--json');
  assert.equal(code, 0, stderr);
  const out = JSON.parse(stdout);
  assert.equal(out.checkpointStep, 4);
  assert.equal(out.steps.length, 3);
  for (const step of out.steps) {
    assert.equal(step.prediction.length, 4);
    assert.ok(step.prediction.every((row: unknown[]) => row.length === 4));
    assert.ok(step.haltProbability > 0 && step.haltProbability < 1);
    assert.equal(typeof step.deltaY, 'number');
    assert.equal(typeof step.exact, 'boolean');
  }
  assert.equal(out.target.length, 4);
  assert.ok('stuck' in out.flags && 'overthinking' in out.flags);
  assert.equal(out.inner, undefined);

  const evaluation = await evaluateRun(runId, { checkpoint: 'latest', limit: 4 });
  const db = openDatabase();
  try {
    const row = db.getEvaluationPuzzles(evaluation.evaluationId).find((p) => p.puzzleKey === 'test/0')!;
    assert.deepEqual(out.steps.map((s: { exact: boolean }) => Number(s.exact)), row.detail!.exactAtStep);
    const stored = db.listTraces(runId);
    assert.equal(stored.length, 1);
    assert.equal(stored[0].id, out.traceId);
    assert.equal(stored[0].checkpointStep, 4);
    assert.equal(stored[0].puzzleKey, out.puzzleKey);
  } finally {
    db.close();
  }
  const { trace } = loadTrace(out.traceId);
  assert.deepEqual(trace.steps.map((s) => s.haltProbability.toFixed(4)), out.steps.map((s: { haltProbability: number }) => s.haltProbability.toFixed(4)));
});

test('trm trace without --json prints a film strip; --inner stores inner updates', async () => {
  const { code, stdout, stderr } = await trm('trace', String(runId), '--puzzle', puzzleFile, '--checkpoint', 'step_4', '--inner');
  assert.equal(code, 0, stderr);
  assert.match(stdout, /input\s+step 1 [✓✗]\s+step 2 [✓✗]\s+step 3 [✓✗]\s+target/);
  assert.match(stdout, /σ\(q_halt\) 0\.\d{3}/);
  assert.match(stdout, /trace \d+: run \d+, checkpoint step_4/);
  assert.match(stdout, /18 inner updates/); // 3 steps × T=2 × (n=2 + 1)
});

test('trm trace errors: missing puzzle, wrong kind, unknown checkpoint, unknown run', async () => {
  let result = await trm('trace', String(runId));
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--puzzle FILE is required/);
  const maze = join(home, 'maze.txt');
  writeFileSync(maze, '#####\n#S G#\n#####\n');
  result = await trm('trace', String(runId), '--puzzle', maze);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /maze\.txt looks like a maze, but this run trains on 4×4 Sudoku/);
  result = await trm('trace', String(runId), '--puzzle', puzzleFile, '--checkpoint', 'step_3');
  assert.equal(result.code, 2);
  assert.match(result.stderr, /has no checkpoint 'step_3'; it has: step_4/);
  result = await trm('trace', '999', '--puzzle', puzzleFile);
  assert.match(result.stderr, /no run 999/);
});
