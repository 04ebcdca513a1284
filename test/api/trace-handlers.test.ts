// The traces.* handlers on a tiny Sudoku run trained for a few steps in a throwaway workspace: the puzzle's
// warnings come back from traces.create, are stored with the trace for traces.get and a reused create, and a trace
// stored before warnings were kept reads as having none.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const home = mkdtempSync(join(tmpdir(), 'trm-trace-api-'));
process.env.TRM_HOME = home;
const { createRun, trainRun } = await import('../../main/train/run.ts');
const { openDatabase } = await import('../../db/index.ts');
const { createTraceHandlers } = await import('../../main/api/trace-handlers.ts');

const OVERRIDES = {
  'model.hiddenSize': '16', 'model.numHeads': '2', 'model.puzzleEmbDim': '16', 'model.haltMaxSteps': '2', 'train.batchSize': '8',
  'train.maxSteps': '2', 'train.evalInterval': '2', 'train.checkpointInterval': '2', 'train.evalExamples': '4', 'data.testExamples': '4',
};
/** A 4×4 Sudoku with several solutions: the trace warns that its target is only one of them. */
const AMBIGUOUS = '12..\n34..\n....\n....';
let runId: number;
let db: ReturnType<typeof openDatabase>;
let handlers: ReturnType<typeof createTraceHandlers>;

before(async () => {
  ({ runId } = await createRun({ preset: 'sudoku4-mlp', overrides: OVERRIDES, backend: 'wasm' }));
  await trainRun(runId);
  db = openDatabase();
  handlers = createTraceHandlers({ db });
});

after(() => {
  db?.close();
  rmSync(home, { recursive: true, force: true });
});

test("a puzzle's warnings come back from traces.create and again from traces.get", async () => {
  const created = await handlers['traces.create']({ runId, puzzleText: AMBIGUOUS });
  assert.equal(created.reused, false);
  assert.equal(created.warnings.length, 1);
  assert.match(created.warnings[0], /several solutions/);
  const detail = await handlers['traces.get']({ traceId: created.traceId });
  assert.deepEqual(detail.warnings, created.warnings);
});

test('a reused trace returns its stored warnings; a trace stored without them has none', async () => {
  const { traceId } = await handlers['traces.create']({ runId, puzzleText: AMBIGUOUS });
  const { blob, ...stored } = db.getTrace(traceId)!;
  // Stored under a held-out key, the one kind of trace traces.create reuses.
  const keyed = db.addTrace({ ...stored, puzzleKey: 'test/0', summary: { ...stored.summary, warnings: ['a stored note'] }, blob });
  const reused = await handlers['traces.create']({ runId, puzzleKey: 'test/0', reuse: true });
  assert.deepEqual(reused, { traceId: keyed, warnings: ['a stored note'], reused: true });

  const { warnings: _, ...olderSummary } = stored.summary;
  const older = db.addTrace({ ...stored, summary: olderSummary, blob });
  assert.deepEqual((await handlers['traces.get']({ traceId: older })).warnings, []);
});
