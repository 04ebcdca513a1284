import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpy, writeNpy } from '../../main/common/npy.ts';
import { Rng } from '../../main/common/rng.ts';
import { openTaskData } from '../../main/puzzles/task-data.ts';
import { officialMetadata, readOfficialDataset, writeOfficialDataset, OfficialFormatError, type OfficialDataset, type OfficialSplit } from '../../main/puzzles/official-format.ts';

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
  assert.throws(() => readOfficialDataset(out), /missing file/);
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
