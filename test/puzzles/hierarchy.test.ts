import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HierarchySampler, type PuzzleHierarchy } from '../../main/puzzles/hierarchy.ts';

/** G groups of `puzzlesPerGroup` puzzles with one example each; tokens [group, puzzle]; identifier = puzzle. */
function sudokuLike(groups: number, puzzlesPerGroup: number): PuzzleHierarchy {
  const puzzles = groups * puzzlesPerGroup;
  const inputs = new Int32Array(puzzles * 2);
  for (let p = 0; p < puzzles; p++) { inputs[2 * p] = Math.floor(p / puzzlesPerGroup); inputs[2 * p + 1] = p; }
  return {
    seqLen: 2, inputs, labels: inputs,
    puzzleIdentifiers: Int32Array.from({ length: puzzles }, (_, p) => p),
    puzzleIndices: Int32Array.from({ length: puzzles + 1 }, (_, p) => p),
    groupIndices: Int32Array.from({ length: groups + 1 }, (_, g) => g * puzzlesPerGroup),
  };
}

const groupsOf = (batch: { size: number; inputs: Int32Array }) => Array.from({ length: batch.size }, (_, b) => batch.inputs[2 * b]);

test('each epoch draws one puzzle from every group, and the incomplete remainder is dropped', () => {
  const data = sudokuLike(10, 5);
  const sampler = new HierarchySampler(data, 4, 1);
  for (let epoch = 0; epoch < 3; epoch++) {
    // 10 groups at batch 4: two full batches per epoch, the last 2 groups of the epoch are dropped.
    const seen = [...groupsOf(sampler.next()), ...groupsOf(sampler.next())];
    assert.equal(new Set(seen).size, 8, `epoch ${epoch}: no group twice`);
  }
  const batch = sampler.next();
  for (let b = 0; b < 4; b++) {
    const puzzle = batch.inputs[2 * b + 1];
    assert.equal(Math.floor(puzzle / 5), batch.inputs[2 * b], 'the puzzle belongs to its group');
    assert.equal(batch.puzzleIdentifiers[b], puzzle);
  }
});

test('examples of a puzzle are drawn without replacement', () => {
  // One group, one puzzle with 6 examples, batch 6: every batch is a permutation of the 6 rows.
  const data: PuzzleHierarchy = { seqLen: 1, inputs: Int32Array.from([0, 1, 2, 3, 4, 5]), labels: new Int32Array(6),
    puzzleIdentifiers: Int32Array.from([3]), puzzleIndices: Int32Array.from([0, 6]), groupIndices: Int32Array.from([0, 1]) };
  const sampler = new HierarchySampler(data, 6, 2);
  const orders = new Set<string>();
  for (let i = 0; i < 5; i++) {
    const rows = [...sampler.next().inputs];
    assert.deepEqual([...rows].sort(), [0, 1, 2, 3, 4, 5]);
    orders.add(rows.join());
  }
  assert.ok(orders.size > 1, 'random order');
});

test('sampling is deterministic under the seed and resumes exactly from its state', () => {
  const data = sudokuLike(7, 3);
  const a = new HierarchySampler(data, 3, 42);
  const b = new HierarchySampler(data, 3, 42);
  const c = new HierarchySampler(data, 3, 43);
  const streamA = Array.from({ length: 6 }, () => [...a.next().inputs].join());
  assert.deepEqual(Array.from({ length: 6 }, () => [...b.next().inputs].join()), streamA);
  assert.notDeepEqual(Array.from({ length: 6 }, () => [...c.next().inputs].join()), streamA);
  const saved = a.getState();
  const expected = Array.from({ length: 5 }, () => [...a.next().inputs].join());
  const resumed = new HierarchySampler(data, 3, 0);
  resumed.setState(JSON.parse(JSON.stringify(saved)));
  assert.deepEqual(Array.from({ length: 5 }, () => [...resumed.next().inputs].join()), expected);
});

test('fewer groups than the batch still yields full batches', () => {
  const batch = new HierarchySampler(sudokuLike(3, 2), 8, 5).next();
  assert.equal(batch.size, 8);
  assert.ok(groupsOf(batch).every((g) => g >= 0 && g < 3));
});
