import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSudokuDataset, inspectDataset, inspectDatasetJson } from '../../main/puzzles/build.ts';
import { readOfficialDataset } from '../../main/puzzles/official-format.ts';
import { canonicalForm, isValidSolution } from '../../main/puzzles/sudoku.ts';

const shape = { boxRows: 2, boxCols: 2 };
const options = (out: string, seed = 3) => ({ ...shape, source: 'generate', trainCount: 10, testCount: 6, augmentations: 3, seed, out, minBlanks: 8, maxBlanks: 11 });
const rows = (tokens: Uint8Array, L: number) => Array.from({ length: tokens.length / L }, (_, i) => Uint8Array.from(tokens.subarray(i * L, (i + 1) * L), (t) => t - 1));

test('a built Sudoku dataset has groups of augmented versions and a disjoint test split', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trm-sudoku-build-'));
  try {
    assert.match(buildSudokuDataset(options(join(dir, 'a'))), /train 10 groups × 4 puzzles/);
    const data = readOfficialDataset(join(dir, 'a'));
    assert.deepEqual(data.identifiers, ['<blank>']);
    assert.deepEqual([...data.train.groupIndices], [0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40]);
    assert.deepEqual([...data.train.puzzleIndices], Array.from({ length: 41 }, (_, i) => i));
    assert.equal(data.train.metadata.vocab_size, 6);
    assert.equal(data.train.metadata.seq_len, 16);
    assert.equal(data.train.metadata.total_groups, 10);
    assert.equal(data.test.metadata.total_puzzles, 6);
    const puzzles = rows(data.train.inputs, 16), solutions = rows(data.train.labels, 16);
    puzzles.forEach((p, i) => {
      assert.ok(isValidSolution(solutions[i], shape, p));
      assert.equal(canonicalForm(p, shape), canonicalForm(puzzles[i - (i % 4)], shape), 'augmented versions belong to their group');
    });
    const trainForms = new Set(puzzles.map((p) => canonicalForm(p, shape)));
    for (const p of rows(data.test.inputs, 16)) assert.ok(!trainForms.has(canonicalForm(p, shape)));

    buildSudokuDataset(options(join(dir, 'b')));
    buildSudokuDataset(options(join(dir, 'c'), 4));
    const bytes = (name: string) => readdirSync(join(dir, name, 'train')).map((f) => readFileSync(join(dir, name, 'train', f)).toString('hex')).join();
    assert.equal(bytes('a'), bytes('b'), 'deterministic under the seed');
    assert.notEqual(bytes('a'), bytes('c'));

    const summary = inspectDatasetJson(join(dir, 'a'));
    assert.equal(summary.train.groups, 10);
    assert.deepEqual(summary.train.puzzlesPerGroup, { min: 4, max: 4, mean: 4 });
    assert.equal(summary.test.examples, 6);
    assert.equal(summary.train.supervisedFraction, 1);
    assert.equal(summary.train.inputTokenCounts[0], 0, 'no PAD in real data');
    assert.match(inspectDataset(join(dir, 'a')), /train: 10 groups, 40 puzzles, 40 examples; seq_len 16, vocab 6/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
