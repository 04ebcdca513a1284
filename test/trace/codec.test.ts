// A stored trace reopens as the trace that was stored (distributions up to their uint8 quantisation), through
// the codec alone and through the `traces` table.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { selectBackend } from '../../main/trm/backend.ts';
import { DEFAULT_MODEL, type ModelConfig } from '../../main/trm/config.ts';
import { TRM } from '../../main/trm/model.ts';
import { trace, type Trace } from '../../main/trace/trace.ts';
import { decodeTrace, encodeTrace, TraceFormatError } from '../../main/trace/trace-codec.ts';
import { openDatabase } from '../../db/index.ts';

const CONFIG: ModelConfig = {
  ...DEFAULT_MODEL, hiddenSize: 16, numHeads: 2, expansion: 2, roundSwiGLUTo256: false, layers: 1, hCycles: 2, lCycles: 2,
  haltMaxSteps: 3, puzzleEmbLen: 1, puzzleEmbDim: 16, posEncodings: 'none', mlpT: true, vocabSize: 6, seqLen: 16, numPuzzleIdentifiers: 2,
};

let withInner: Trace;
let withoutLabels: Trace;

before(async () => {
  await selectBackend('wasm');
  const model = TRM.create(CONFIG, 3);
  const inputs = Int32Array.from({ length: 16 }, (_, i) => 1 + (i % 5));
  const labels = Int32Array.from({ length: 16 }, (_, i) => 2 + ((i * 3) % 4));
  withInner = await trace({ model }, { inputs, labels, puzzleIdentifier: 1 }, { innerSteps: true });
  withoutLabels = await trace({ model }, { inputs, puzzleIdentifier: 0 });
  model.dispose();
});

function assertSameTrace(decoded: Trace, original: Trace): void {
  const { steps, inner, input, pca, ...scalars } = original;
  const { steps: dSteps, inner: dInner, input: dInput, pca: dPca, ...dScalars } = decoded;
  assert.deepEqual(dScalars, scalars);
  assert.deepEqual(dInput, input);
  assert.deepEqual(dPca, pca);
  assert.equal(dSteps.length, steps.length);
  const V = original.model.vocabSize;
  steps.forEach((step, i) => {
    const { probabilities, ...exact } = step;
    const { probabilities: dProbabilities, ...dExact } = dSteps[i];
    assert.deepEqual(dExact, exact, `step ${step.step}: every other field exactly`);
    for (let j = 0; j < probabilities.length; j++) assert.ok(Math.abs(dProbabilities[j] - probabilities[j]) < 0.02, `probability ${j}: ${dProbabilities[j]} vs ${probabilities[j]}`);
    for (let cell = 0; cell < probabilities.length / V; cell++) {
      const sum = dProbabilities.subarray(cell * V, (cell + 1) * V).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-5, 'renormalised per cell');
    }
  });
  if (!inner) return assert.equal(dInner, null);
  assert.equal(dInner!.length, inner.length);
  inner.forEach((update, i) => {
    const { confidence, ...exact } = update;
    const { confidence: dConfidence, ...dExact } = dInner![i];
    assert.deepEqual(dExact, exact);
    confidence.forEach((c, j) => assert.ok(Math.abs(dConfidence[j] - c) <= 0.5 / 255 + 1e-7));
  });
}

test('encode → decode round trip, with and without inner steps and target', () => {
  for (const original of [withInner, withoutLabels]) {
    const bytes = encodeTrace(original);
    assertSameTrace(decodeTrace(bytes), original);
    // Decoding from an unaligned view (e.g. inside a pooled Buffer) works too.
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    assertSameTrace(decodeTrace(shifted.subarray(3)), original);
  }
  assert.ok(encodeTrace(withoutLabels).length < 4096, `a 16-cell, 3-step trace is small (${encodeTrace(withoutLabels).length} bytes)`);
});

test('corrupt or foreign bytes are refused with a clear error', () => {
  const bytes = encodeTrace(withoutLabels);
  assert.throws(() => decodeTrace(new TextEncoder().encode('hello world, not a trace')), TraceFormatError);
  assert.throws(() => decodeTrace(bytes.subarray(0, bytes.length - 10)), /truncated/);
  const future = bytes.slice();
  new DataView(future.buffer).setUint32(8, 99, true);
  assert.throws(() => decodeTrace(future), /format version 99/);
});

test('the traces table stores, lists and returns blobs; deleting the run deletes its traces', () => {
  const db = openDatabase(':memory:');
  try {
    const run = db.createRun({ name: 'r', preset: 'sudoku4-mlp', config: {}, backend: 'wasm', backendVersion: '', appVersion: '0', datasetFingerprint: 'f', totalSteps: 10 });
    const blob = encodeTrace(withInner);
    const first = db.addTrace({ runId: run.id, checkpointStep: 200, puzzleKey: 'sudoku:abc', innerSteps: true, summary: { exact: false }, blob });
    const second = db.addTrace({ runId: run.id, checkpointStep: 400, puzzleKey: 'sudoku:abc', innerSteps: false, blob: encodeTrace(withoutLabels) });
    const stored = db.getTrace(first)!;
    assert.equal(stored.bytes, blob.length);
    assert.deepEqual(stored.summary, { exact: false });
    assert.equal(stored.innerSteps, true);
    assertSameTrace(decodeTrace(stored.blob), withInner);
    assert.deepEqual(db.listTraces(run.id).map((t) => t.id), [second, first]);
    assert.deepEqual(db.listTraces(run.id, { checkpointStep: 200 }).map((t) => t.id), [first]);
    assert.deepEqual(db.listTraces(run.id, { puzzleKey: 'other' }), []);
    assert.equal(db.getTrace(9999), undefined);
    db.deleteRun(run.id);
    assert.equal(db.getTrace(first), undefined);
  } finally {
    db.close();
  }
});
