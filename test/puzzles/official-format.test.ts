import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpy, writeNpy } from '../../main/common/npy.ts';
import { Rng } from '../../main/common/rng.ts';
import { openTaskData } from '../../main/puzzles/task-data.ts';
import { asHierarchy, officialMetadata, readOfficialDataset, writeOfficialDataset, OfficialFormatError, type OfficialDataset, type OfficialSplit } from '../../main/puzzles/official-format.ts';
import { HierarchySampler, evalBatches } from '../../main/puzzles/hierarchy.ts';
import { watchReads } from '../common/fs-spy.ts';

/** A random split: every example's tokens are [group, puzzle, example] + 1 so tests can trace them. */
function randomSplit(rng: Rng, groups: number, firstIdentifier: number): OfficialSplit {
  const seqLen = 3;
  const inputs: number[] = [], labels: number[] = [], ids: number[] = [], puzzleIndices = [0], groupIndices = [0];
  for (let g = 0; g < groups; g++) {
    const puzzles = rng.int(1, 3);
    for (let p = 0; p < puzzles; p++) {
      const examples = rng.int(1, 4);
      for (let e = 0; e < examples; e++) { inputs.push(g + 1, ids.length + 1, e + 1); labels.push(0, rng.int(0, 9), e + 1); }
      ids.push(firstIdentifier + ids.length);
      puzzleIndices.push(inputs.length / seqLen);
    }
    groupIndices.push(ids.length);
  }
  const split = { inputs: Uint8Array.from(inputs), labels: Uint8Array.from(labels), puzzleIdentifiers: Int32Array.from(ids),
    puzzleIndices: Int32Array.from(puzzleIndices), groupIndices: Int32Array.from(groupIndices) };
  return { ...split, metadata: officialMetadata({ vocabSize: 100, seqLen, numPuzzleIdentifiers: 80, ...split }) };
}

function randomDataset(seed: number): OfficialDataset {
  const rng = new Rng(seed);
  return { train: randomSplit(rng, 12, 1), test: randomSplit(rng, 5, 0), identifiers: Array.from({ length: 80 }, (_, i) => (i === 0 ? '<blank>' : `p${i}`)) };
}

function withTempDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'trm-official-'));
  try { body(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

test('official folder round-trips with the official dtypes and dataset.json fields', () => withTempDir((dir) => {
  const dataset = { ...randomDataset(1), testPuzzles: { a: [1, 2] } };
  writeOfficialDataset(dir, dataset);
  const back = readOfficialDataset(dir);
  for (const name of ['train', 'test'] as const) {
    for (const field of ['inputs', 'labels', 'puzzleIdentifiers', 'puzzleIndices', 'groupIndices'] as const)
      assert.deepEqual(back[name][field], dataset[name][field], `${name}.${field}`);
    assert.deepEqual(back[name].metadata, dataset[name].metadata);
  }
  assert.deepEqual(back.identifiers, dataset.identifiers);
  assert.deepEqual(back.testPuzzles, { a: [1, 2] });
  const meta = JSON.parse(readFileSync(join(dir, 'train', 'dataset.json'), 'utf8'));
  assert.deepEqual(Object.keys(meta).sort(), ['blank_identifier_id', 'ignore_label_id', 'mean_puzzle_examples', 'num_puzzle_identifiers', 'pad_id', 'seq_len', 'sets', 'total_groups', 'total_puzzles', 'vocab_size']);
  assert.equal(meta.total_groups, 12);
  assert.equal(meta.mean_puzzle_examples, dataset.train.inputs.length / 3 / dataset.train.puzzleIdentifiers.length);
  const inputs = readNpy(join(dir, 'train', 'all__inputs.npy'));
  assert.equal(inputs.dtype, 'uint8');
  assert.deepEqual(inputs.shape, [dataset.train.inputs.length / 3, 3]);
  assert.equal(readNpy(join(dir, 'test', 'all__puzzle_indices.npy')).dtype, 'int32');
}));

test('reading reports a missing file and an inconsistent CSR clearly', () => withTempDir((dir) => {
  writeOfficialDataset(dir, randomDataset(2));
  const groups = join(dir, 'train', 'all__group_indices.npy');
  const original = readNpy(groups);
  writeNpy(groups, { dtype: 'int32', shape: [original.shape[0]], data: Int32Array.from(original.data as Int32Array, (v, i) => (i === 1 ? 0 : v)) });
  assert.throws(() => readOfficialDataset(dir), /group_indices must be strictly increasing/);
  unlinkSync(groups);
  assert.throws(() => readOfficialDataset(dir), (e: Error) => e instanceof OfficialFormatError && e.message.includes('missing file') && e.message.includes('all__group_indices.npy'));
}));

test('writing an invalid dataset fails before touching the disk', () => withTempDir((dir) => {
  const dataset = randomDataset(3);
  dataset.train.inputs[4] = 200; // beyond vocab_size 100
  const out = join(dir, 'out');
  assert.throws(() => writeOfficialDataset(out, dataset), /outside the vocabulary/);
  assert.throws(() => readOfficialDataset(out), /dataset folder .*out does not exist/);
}));

test("TaskData 'official' trains from the folder and pads the last test batch", () => withTempDir((dir) => {
  const dataset = randomDataset(4);
  writeOfficialDataset(dir, dataset);
  const task = openTaskData({ kind: 'official', dir }, 0);
  assert.equal(task.vocabSize, 100);
  assert.equal(task.seqLen, 3);
  assert.equal(task.numPuzzleIdentifiers, 80);
  const batch = task.trainBatches(4, 7).next();
  assert.equal(batch.inputs.length, 12);
  for (let b = 0; b < 4; b++) assert.equal(batch.puzzleIdentifiers[b], batch.inputs[b * 3 + 1], 'identifier of the sampled puzzle');
  const examples = dataset.test.inputs.length / 3;
  assert.equal(task.testCount, examples);
  const batches = [...task.testBatches(4)];
  assert.equal(batches.length, Math.ceil(examples / 4));
  const last = batches[batches.length - 1];
  assert.equal(last.realCount, examples - 4 * (batches.length - 1));
  for (let b = last.realCount; b < 4; b++) {
    assert.deepEqual([...last.inputs.subarray(b * 3, b * 3 + 3)], [0, 0, 0]);
    assert.deepEqual([...last.labels.subarray(b * 3, b * 3 + 3)], [0, 0, 0]);
    assert.equal(last.puzzleIdentifiers[b], 0);
  }
  assert.deepEqual([...batches[0].inputs.subarray(0, 6)], [...dataset.test.inputs.subarray(0, 6)], 'file order');
  assert.equal([...task.testBatches(4, 5)].reduce((n, b) => n + b.realCount, 0), 5);
}));

/** Rewrites a split's token files with another integer dtype (hand-built folders may hold int64 or int16). */
function rewriteTokens(dir: string, split: 'train' | 'test', dtype: 'int64' | 'int16', change?: (values: number[]) => void): void {
  for (const field of ['inputs', 'labels']) {
    const path = join(dir, split, `all__${field}.npy`);
    const npy = readNpy(path);
    const values = Array.from(npy.data as ArrayLike<number | bigint>, Number);
    if (field === 'inputs') change?.(values);
    writeNpy(path, { dtype, shape: npy.shape, data: dtype === 'int64' ? BigInt64Array.from(values, BigInt) : Int16Array.from(values) });
  }
}

test('the streamed folder gives the batches of the arrays in memory, for uint8 and wider token files', () => withTempDir((dir) => {
  const dataset = randomDataset(5);
  const inMemoryTrain = () => new HierarchySampler(asHierarchy(dataset.train), 5, 11);
  const inMemoryTest = [...evalBatches(asHierarchy(dataset.test), 4, undefined, (row) => `test/${row}`)];
  writeOfficialDataset(dir, dataset);
  const fingerprints: string[] = [];
  for (const dtype of ['uint8', 'int64', 'int16'] as const) {
    if (dtype !== 'uint8') for (const split of ['train', 'test'] as const) rewriteTokens(dir, split, dtype);
    assert.equal(readNpy(join(dir, 'train', 'all__inputs.npy')).dtype, dtype);
    const task = openTaskData({ kind: 'official', dir }, 0);
    const streamed = task.trainBatches(5, 11);
    const expected = inMemoryTrain();
    for (let i = 0; i < 30; i++) assert.deepEqual(streamed.next(), expected.next(), `${dtype}: train batch ${i}`);
    assert.deepEqual([...task.testBatches(4)], inMemoryTest, `${dtype}: test batches`);
    const back = readOfficialDataset(dir);
    for (const split of ['train', 'test'] as const) {
      assert.deepEqual(back[split].inputs, dataset[split].inputs);
      assert.deepEqual(back[split].labels, dataset[split].labels);
    }
    fingerprints.push(task.fingerprint);
  }
  assert.equal(new Set(fingerprints).size, 1, 'the fingerprint follows the tokens, not their dtype');

  // A token outside the vocabulary is reported with its file and row when that row is read.
  rewriteTokens(dir, 'test', 'int64', (values) => { values[3 * 3 + 1] = 300; });
  assert.throws(() => readOfficialDataset(dir), /test\/all__inputs\.npy: token 300 in row 3 is outside the vocabulary \(vocab_size 100\)/);
  // Other checks on opening stay: rows of the wrong length.
  writeNpy(join(dir, 'test', 'all__labels.npy'), { dtype: 'uint8', shape: [dataset.test.labels.length, 1], data: dataset.test.labels });
  assert.throws(() => openTaskData({ kind: 'official', dir }, 0), /all__labels\.npy: rows have 1 tokens but dataset\.json says seq_len 3/);
}));

test('training and evaluating from a folder reads only the rows it uses, never a token file whole', () => withTempDir((dir) => {
  // 40,000 one-example groups of 500 tokens: 20 MB per train token file.
  const seqLen = 500;
  const split = (examples: number): OfficialSplit => {
    const arrays = {
      inputs: randomTokens(examples * seqLen, 12, examples),
      labels: randomTokens(examples * seqLen, 12, examples + 1),
      puzzleIdentifiers: new Int32Array(examples),
      puzzleIndices: Int32Array.from({ length: examples + 1 }, (_, i) => i),
      groupIndices: Int32Array.from({ length: examples + 1 }, (_, i) => i),
    };
    return { ...arrays, metadata: officialMetadata({ vocabSize: 12, seqLen, numPuzzleIdentifiers: 1, ...arrays }) };
  };
  const dataset: OfficialDataset = { train: split(40_000), test: split(4_000), identifiers: ['<blank>'] };
  writeOfficialDataset(dir, dataset);
  const tokenBytes = 2 * (dataset.train.inputs.length + dataset.test.inputs.length);
  const watched = watchReads(() => {
    const task = openTaskData({ kind: 'official', dir }, 0);
    const batches = task.trainBatches(32, 1);
    const first = batches.next();
    for (let i = 0; i < 9; i++) batches.next();
    const evaluated = [...task.testBatches(64, 256)];
    return { first, evaluated };
  });
  assert.deepEqual(watched.wholeFiles.filter((path) => /all__(inputs|labels)\.npy$/.test(path)), [], 'no token file read whole');
  // The fingerprint's samples (≤ 1024 rows per file), 10 train batches of 32 and 256 test rows, in both files.
  const rowsUsed = 4 * 1024 + 2 * (10 * 32 + 256);
  assert.ok(watched.bytes <= rowsUsed * seqLen + 64 * 1024, `read ${watched.bytes} bytes`);
  assert.ok(watched.bytes < tokenBytes / 10, `read ${watched.bytes} of ${tokenBytes} token bytes`);
  // What was read is right: the first train batch's rows and the test rows in file order.
  const { first, evaluated } = watched.result;
  for (let b = 0; b < 32; b++) {
    const row = first.inputs.subarray(b * seqLen, (b + 1) * seqLen);
    const at = findRow(dataset.train.inputs, row, seqLen);
    assert.ok(at >= 0, `train batch row ${b} is a row of the file`);
    assert.deepEqual(first.labels.subarray(b * seqLen, (b + 1) * seqLen), Int32Array.from(dataset.train.labels.subarray(at * seqLen, (at + 1) * seqLen)));
  }
  assert.deepEqual(evaluated.flatMap((batch) => [...batch.inputs]), [...dataset.test.inputs.subarray(0, 256 * seqLen)]);
}));

/** Pseudo-random tokens in [0, vocabSize) from a linear congruential generator: fast for tens of millions. */
function randomTokens(count: number, vocabSize: number, seed: number): Uint8Array {
  const out = new Uint8Array(count);
  let x = seed;
  for (let i = 0; i < count; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = (x >>> 24) % vocabSize;
  }
  return out;
}

/** Index of the row of `tokens` equal to `row`, or −1. */
function findRow(tokens: Uint8Array, row: Int32Array, seqLen: number): number {
  for (let r = 0; r < tokens.length / seqLen; r++) if (row.every((t, i) => tokens[r * seqLen + i] === t)) return r;
  return -1;
}
