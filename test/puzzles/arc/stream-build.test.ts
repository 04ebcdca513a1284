import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { readNpy } from '../../../main/common/npy.ts';
import { NpyRowFile, readNpyHeader } from '../../../main/common/npy-stream.ts';
import { inspectDatasetJson } from '../../../main/puzzles/build.ts';
import { officialMetadata, readOfficialDataset, writeOfficialDataset, type OfficialSplit } from '../../../main/puzzles/official-format.ts';
import { composeArc, type ArcComposeOptions, type ArcSplit, type ArcSubset } from '../../../main/puzzles/arc/compose.ts';
import { ARC_VOCAB_SIZE } from '../../../main/puzzles/arc/encode.ts';
import type { ArcTask } from '../../../main/puzzles/arc/grid.ts';
import { planArc, writeArcFolder } from '../../../main/puzzles/arc/stream-build.ts';

// Four colours per task leave thousands of distinct versions, so 1500 augmentations cross the 4096-row chunks.
const training: ArcTask[] = [
  { id: 'flip', train: [{ input: [[1, 2, 3]], output: [[3, 2, 1]] }, { input: [[4, 0], [1, 2]], output: [[0, 4], [2, 1]] }], test: [{ input: [[3, 4]], output: [[4, 3]] }] },
  // A test pair without its answer: it cannot train.
  { id: 'nolabel', train: [{ input: [[1, 2], [3, 4]], output: [[4, 3], [2, 1]] }], test: [{ input: [[2, 1], [4, 3]] }] },
  { id: 'shared', train: [{ input: [[1, 1, 2]], output: [[2, 2, 3]] }], test: [{ input: [[3, 4]], output: [[4, 1]] }] },
];
const evaluation: ArcTask[] = [
  { id: 'grow', train: [{ input: [[1]], output: [[1, 2], [3, 4]] }, { input: [[2]], output: [[2, 3], [4, 1]] }], test: [{ input: [[3]], output: [[3, 4], [1, 2]] }, { input: [[4]] }] },
  { id: 'shared', train: [{ input: [[1, 1, 2]], output: [[2, 2, 3]] }], test: [{ input: [[3, 4, 1]], output: [[4, 1, 2]] }] },
];
const subsets: ArcSubset[] = [{ name: 'training', tasks: training }, { name: 'evaluation', tasks: evaluation }];

/** The in-memory builder: composeArc, then writeOfficialDataset (what `trm data build arc` did before streaming). */
function writeInMemory(out: string, options: ArcComposeOptions): void {
  const dataset = composeArc(subsets, options);
  const official = (split: ArcSplit): OfficialSplit => ({
    inputs: split.inputs, labels: split.labels, puzzleIdentifiers: split.puzzleIdentifiers, puzzleIndices: split.puzzleIndices, groupIndices: split.groupIndices,
    metadata: officialMetadata({ vocabSize: ARC_VOCAB_SIZE, seqLen: dataset.seqLen, numPuzzleIdentifiers: dataset.identifiers.length, puzzleIndices: split.puzzleIndices, groupIndices: split.groupIndices }),
  });
  writeOfficialDataset(out, {
    train: official(dataset.train),
    test: official(dataset.test),
    identifiers: dataset.identifiers,
    testPuzzles: Object.fromEntries(dataset.testTasks.map((task) => [task.id, { train: task.train, test: task.test }])),
  });
}

async function writeStreamed(out: string, options: ArcComposeOptions, signal?: AbortSignal): Promise<void> {
  await writeArcFolder(out, await planArc(subsets, options), { signal });
}

/** Every file under dir (relative path → bytes). */
function files(dir: string): Map<string, Buffer> {
  const walk = (d: string): string[] => readdirSync(d).flatMap((name) => (statSync(join(d, name)).isDirectory() ? walk(join(d, name)) : [join(d, name)]));
  return new Map(walk(dir).sort().map((path) => [relative(dir, path), readFileSync(path)]));
}

function assertSameFiles(a: string, b: string): void {
  const left = files(a);
  const right = files(b);
  assert.deepEqual([...right.keys()], [...left.keys()]);
  assert.equal(left.size, 14);
  for (const [name, bytes] of left) assert.ok(bytes.equals(right.get(name)!), `${name} differs`);
}

const paperLike: ArcComposeOptions = { testSet: 'evaluation', augmentations: 1500, seed: 7, canvas: 30, translate: true };

test('the streamed ARC build is byte-identical to the in-memory builder (chunk boundaries, translation, canvas 0)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'arc-stream-'));
  try {
    writeInMemory(join(dir, 'memory'), paperLike);
    await writeStreamed(join(dir, 'stream'), paperLike);
    assertSameFiles(join(dir, 'memory'), join(dir, 'stream'));
    const rows = readNpyHeader(join(dir, 'stream', 'train', 'all__inputs.npy')).shape[0];
    assert.ok(rows > 2 * 4096, `${rows} train rows span several chunks`);

    const small: ArcComposeOptions = { testSet: 'evaluation', augmentations: 3, seed: 1, canvas: 0, translate: true };
    writeInMemory(join(dir, 'memory0'), small);
    await writeStreamed(join(dir, 'stream0'), small);
    assertSameFiles(join(dir, 'memory0'), join(dir, 'stream0'));

    // Same warnings as composeArc (the duplicate task id).
    const plan = await planArc(subsets, small);
    assert.deepEqual(plan.warnings, composeArc(subsets, small).warnings);
    assert.match(plan.warnings.join('\n'), /task shared is in both 'training' and 'evaluation'/);

    // Deterministic under the seed; another seed gives other rows.
    await writeStreamed(join(dir, 'again'), paperLike);
    assertSameFiles(join(dir, 'stream'), join(dir, 'again'));
    await writeStreamed(join(dir, 'other'), { ...paperLike, seed: 8 });
    const inputs = (name: string) => readFileSync(join(dir, name, 'train', 'all__inputs.npy'));
    assert.ok(!inputs('stream').equals(inputs('other')));
    assert.deepEqual(readdirSync(dir).sort(), ['again', 'memory', 'memory0', 'other', 'stream', 'stream0'], 'no partial folders left');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an interrupted or refused build leaves nothing under the real name; a finished one replaces an earlier dataset', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'arc-stream-'));
  const small: ArcComposeOptions = { testSet: 'evaluation', augmentations: 3, seed: 1, canvas: 0, translate: true };
  try {
    const aborted = new AbortController();
    aborted.abort();
    await assert.rejects(writeStreamed(join(dir, 'ds'), small, aborted.signal), /interrupted; nothing was written to .*ds/);
    assert.deepEqual(readdirSync(dir), [], 'neither the folder nor its partial sibling exists');

    mkdirSync(join(dir, 'notes'));
    writeFileSync(join(dir, 'notes', 'todo.txt'), 'keep me');
    await assert.rejects(writeStreamed(join(dir, 'notes'), small), /notes exists and is not a dataset folder/);
    assert.deepEqual(readdirSync(join(dir, 'notes')), ['todo.txt']);

    await writeStreamed(join(dir, 'ds'), { ...small, seed: 2 });
    await writeStreamed(join(dir, 'ds'), small);
    writeInMemory(join(dir, 'memory'), small);
    assertSameFiles(join(dir, 'memory'), join(dir, 'ds'));
    assert.deepEqual(readdirSync(dir).sort(), ['ds', 'memory', 'notes']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('inspect streams the token arrays: same summary as the arrays in memory, bad tokens still refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'arc-stream-'));
  try {
    const out = join(dir, 'ds');
    await writeStreamed(out, { ...paperLike, augmentations: 200 });
    const summary = inspectDatasetJson(out);
    const dataset = readOfficialDataset(out);
    for (const name of ['train', 'test'] as const) {
      const split = dataset[name];
      const L = split.metadata.seq_len;
      const counts = new Array(ARC_VOCAB_SIZE).fill(0);
      for (const t of split.inputs) counts[t]++;
      const s = summary[name];
      assert.equal(s.examples, split.inputs.length / L);
      assert.equal(s.puzzles, split.puzzleIdentifiers.length);
      assert.equal(s.groups, split.groupIndices.length - 1);
      assert.deepEqual(s.inputTokenCounts, counts);
      assert.equal(s.supervisedFraction, split.labels.filter((t) => t !== 0).length / split.labels.length);
      assert.deepEqual(s.firstExample, { input: [...split.inputs.subarray(0, L)], label: [...split.labels.subarray(0, L)] });
      assert.equal(s.identifiersUsed, new Set(split.puzzleIdentifiers).size);
    }
    assert.equal(summary.identifiers, dataset.identifiers.length);
    assert.equal(summary.hasTestPuzzles, true);

    // Ranges of whole rows read from disk, whatever their size, are the file's rows.
    const path = join(out, 'test', 'all__labels.npy');
    const file = new NpyRowFile(path);
    const whole = readNpy(path).data as Uint8Array;
    assert.ok(file.rows > 7);
    const chunk = new Int32Array(7 * 900);
    for (let first = 0; first < file.rows; first += 7) {
      const rows = Math.min(7, file.rows - first);
      file.readRange(first, rows, chunk);
      assert.deepEqual(chunk.subarray(0, rows * 900), Int32Array.from(whole.subarray(first * 900, (first + rows) * 900)));
    }
    file.close();

    // A token outside the vocabulary in the last byte of the train inputs.
    const inputs = join(out, 'train', 'all__inputs.npy');
    const fd = openSync(inputs, 'r+');
    writeSync(fd, Uint8Array.of(50), 0, 1, statSync(inputs).size - 1);
    closeSync(fd);
    assert.throws(() => inspectDatasetJson(out), /inputs: 1 token\(s\) 50 are outside the vocabulary \(vocab_size 12\)/);
    assert.ok(existsSync(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
