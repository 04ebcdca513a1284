import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../main/common/rng.ts';
import {
  EquivalenceSet, applyTransform, canonicalForm, conflicts, countSolutions, generateSudoku, isValidSolution, loadCollection, parseGrid,
  randomSolvedGrid, randomTransform, search, solve, transformPair, type BoxShape,
} from '../../main/puzzles/sudoku.ts';

const SHAPES: [BoxShape, number, number][] = [[{ boxRows: 2, boxCols: 2 }, 6, 11], [{ boxRows: 2, boxCols: 3 }, 14, 23], [{ boxRows: 3, boxCols: 3 }, 40, 55]];
const name = (s: BoxShape) => `${s.boxRows}×${s.boxCols} boxes`;

for (const [shape, minBlanks, maxBlanks] of SHAPES) {
  test(`generated puzzles have a unique solution and the requested blanks (${name(shape)})`, () => {
    const rng = new Rng(11);
    for (let i = 0; i < 20; i++) {
      const s = generateSudoku(shape, rng, { minBlanks, maxBlanks });
      assert.equal(countSolutions(s.puzzle, shape, 5), 1);
      assert.ok(isValidSolution(s.solution, shape, s.puzzle));
      const blanks = s.puzzle.filter((d) => d === 0).length;
      assert.equal(blanks, s.blanks);
      assert.ok(blanks >= minBlanks && blanks <= maxBlanks, `blanks ${blanks}`);
      assert.deepEqual(solve(s.puzzle, shape), s.solution);
    }
  });

  test(`every augmentation of a solved pair is still a solved pair (${name(shape)})`, () => {
    const rng = new Rng(5);
    const pair = generateSudoku(shape, rng, { minBlanks, maxBlanks });
    let transposed = 0;
    for (let i = 0; i < 30; i++) {
      const t = randomTransform(shape, rng);
      if (t.transpose) transposed++;
      const out = transformPair(pair, shape, t);
      assert.ok(isValidSolution(out.solution, shape, out.puzzle));
      assert.equal(countSolutions(out.puzzle, shape), 1);
      assert.equal(out.puzzle.filter((d) => d === 0).length, pair.puzzle.filter((d) => d === 0).length);
    }
    if (shape.boxRows === shape.boxCols) assert.ok(transposed > 0, 'square boxes also transpose');
    else assert.equal(transposed, 0, 'rectangular boxes never transpose');
  });
}

test('the solver solves a hard 9×9 collection puzzle and detects several solutions and contradictions', () => {
  const shape = { boxRows: 3, boxCols: 3 };
  const puzzle = loadCollection('magictour_top1465')[0];
  const solution = solve(puzzle, shape)!;
  assert.ok(isValidSolution(solution, shape, puzzle));
  assert.equal(countSolutions(puzzle, shape), 1);
  assert.equal(countSolutions(parseGrid('.'.repeat(81), shape), shape, 3), 3, 'the empty grid has many solutions');
  const contradiction = parseGrid('11' + '.'.repeat(79), shape);
  assert.equal(solve(contradiction, shape), null);
  assert.deepEqual(conflicts(contradiction, shape), [0, 1]);
});

test('conflicts finds repeats in rows, columns and boxes only', () => {
  const shape = { boxRows: 2, boxCols: 3 };
  const grid = randomSolvedGrid(shape, new Rng(3));
  assert.deepEqual(conflicts(grid, shape), []);
  const broken = Uint8Array.from(grid);
  broken[0] = broken[7]; // cell (1,1) is in cell 0's box, so the digit repeats there (and maybe elsewhere)
  const found = conflicts(broken, shape);
  assert.ok(found.includes(0) && found.includes(7));
  assert.ok(!isValidSolution(broken, shape));
});

test('canonical forms identify exactly the equivalent puzzles', () => {
  for (const [shape, minBlanks, maxBlanks] of SHAPES.slice(0, 2)) {
    const rng = new Rng(9);
    const a = generateSudoku(shape, rng, { minBlanks, maxBlanks });
    const form = canonicalForm(a.puzzle, shape);
    for (let i = 0; i < 10; i++) assert.equal(canonicalForm(applyTransform(a.puzzle, shape, randomTransform(shape, rng)), shape), form);
    const moved = Uint8Array.from(a.puzzle);
    const given = moved.findIndex((d) => d !== 0);
    moved[given] = 0;
    assert.notEqual(canonicalForm(moved, shape), form, 'one clue fewer is a different puzzle');
  }
});

test('the equivalence set catches augmented copies of its members', () => {
  for (const [shape, minBlanks, maxBlanks] of SHAPES) {
    const rng = new Rng(21);
    const members = new EquivalenceSet(shape);
    const pair = generateSudoku(shape, rng, { minBlanks, maxBlanks });
    members.add(pair);
    // 9×9 only checks digit relabelling (and the solution grid), so keep the geometry there.
    const t = randomTransform(shape, rng);
    const disguised = shape.boxRows === 3 ? transformPair(pair, shape, { ...t, transpose: false, rowOrder: [...Array(9).keys()], colOrder: [...Array(9).keys()] }) : transformPair(pair, shape, t);
    assert.ok(members.has(disguised), name(shape));
    let other = generateSudoku(shape, rng, { minBlanks, maxBlanks });
    while (shape.boxRows === 2 && shape.boxCols === 2 && canonicalForm(other.puzzle, shape) === canonicalForm(pair.puzzle, shape)) other = generateSudoku(shape, rng, { minBlanks, maxBlanks });
    assert.ok(!members.has(other), `${name(shape)}: an unrelated puzzle`);
  }
});

test('9×9 difficulty bounds keep only puzzles whose solver effort is in range', () => {
  const shape = { boxRows: 3, boxCols: 3 };
  const rng = new Rng(8);
  const efforts = Array.from({ length: 15 }, () => generateSudoku(shape, rng, { minBlanks: 50, maxBlanks: 58 }).difficulty);
  const threshold = [...efforts].sort((a, b) => a - b)[10]; // about the hardest third
  for (let i = 0; i < 4; i++) {
    const hard = generateSudoku(shape, rng, { minBlanks: 50, maxBlanks: 58, minDifficulty: threshold });
    assert.ok(hard.difficulty >= threshold);
    assert.equal(hard.difficulty, search(hard.puzzle, shape, 2).nodes);
    const easy = generateSudoku(shape, rng, { minBlanks: 50, maxBlanks: 58, maxDifficulty: threshold });
    assert.ok(easy.difficulty <= threshold);
  }
});
