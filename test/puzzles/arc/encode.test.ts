import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../main/common/rng.ts';
import { decodeGrid, encodeGrid, EOS_TOKEN, PAD_TOKEN, randomOffset, smallestCanvas } from '../../../main/puzzles/arc/encode.ts';
import type { ArcTask, Grid } from '../../../main/puzzles/arc/grid.ts';

const randomGrid = (rng: Rng, rows: number, cols: number): Grid =>
  Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.int(0, 9)));

test('layout: colours + 2, EOS row below and EOS column right, PAD elsewhere', () => {
  const tokens = encodeGrid([[0, 9], [5, 1]], 4);
  assert.deepEqual(Array.from(tokens), [
    2, 11, 1, 0,
    7, 3, 1, 0,
    1, 1, 0, 0,
    0, 0, 0, 0,
  ]);
  // Translated: the border follows the grid; at the canvas edge it is left out.
  assert.deepEqual(Array.from(encodeGrid([[3]], 3, { row: 1, col: 2 })), [0, 0, 0, 0, 0, 5, 0, 0, 1]);
  assert.throws(() => encodeGrid([[1, 1]], 2, { row: 0, col: 1 }), /does not fit/);
});

test('encode → decode is the identity for every size 1×1 … 30×30, at (0, 0)', () => {
  const rng = new Rng(3);
  for (let rows = 1; rows <= 30; rows++) {
    for (let cols = 1; cols <= 30; cols++) {
      const grid = randomGrid(rng, rows, cols);
      assert.deepEqual(decodeGrid(encodeGrid(grid, 30)), grid, `${rows}×${cols}`);
    }
  }
});

test('with translation the tokens hold the grid at the offset, and cropping at the offset recovers it', () => {
  const rng = new Rng(4);
  for (let trial = 0; trial < 300; trial++) {
    const canvas = rng.int(2, 30);
    const grid = randomGrid(rng, rng.int(1, canvas), rng.int(1, canvas));
    const at = randomOffset(rng, [grid], canvas);
    const tokens = encodeGrid(grid, canvas, at);
    const shifted = new Uint8Array(canvas * canvas).fill(PAD_TOKEN);
    for (let r = at.row; r < canvas; r++) for (let c = at.col; c < canvas; c++) shifted[(r - at.row) * canvas + c - at.col] = tokens[r * canvas + c];
    assert.deepEqual(decodeGrid(shifted, canvas), grid);
    assert.equal(tokens.filter((t) => t >= 2).length, grid.length * grid[0].length);
    if (at.row > 0) assert.equal(tokens[0], PAD_TOKEN);
  }
});

test('decode follows the official crop: the largest top-left rectangle of colour tokens', () => {
  // Row 0 has 3 colours, row 1 only 2 (EOS after), row 2 starts with EOS: best is 2×2 = 4 > 1×3.
  const tokens = [2, 3, 4, 0, 5, 6, EOS_TOKEN, 0, EOS_TOKEN, 0, 0, 0, 0, 0, 0, 0];
  assert.deepEqual(decodeGrid(tokens, 4), [[0, 1], [3, 4]]);
  assert.deepEqual(decodeGrid([EOS_TOKEN, 2, 2, 2], 2), []);
});

test('canvas 0 means the smallest square that fits every grid plus the EOS border', () => {
  const task = (grid: Grid): ArcTask => ({ id: 'x', train: [{ input: grid, output: [[1]] }], test: [] });
  assert.equal(smallestCanvas([task([[1, 2, 3, 4, 5]]), task([[1], [2]])]), 6);
  assert.equal(smallestCanvas([task(Array.from({ length: 30 }, () => [1]))]), 30);
});
