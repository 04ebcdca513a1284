import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../main/common/rng.ts';
import {
  augmentVersions, dihedral, inverseTransformGrid, makeVersion, parseVersionName, puzzleHash, transformGrid, type DihedralId,
} from '../../../main/puzzles/arc/augment.ts';
import { gridHash, type ArcTask, type Grid } from '../../../main/puzzles/arc/grid.ts';

const randomGrid = (rng: Rng): Grid => {
  const rows = rng.int(1, 30);
  const cols = rng.int(1, 30);
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.int(0, 9)));
};

test('dihedral ids follow numpy: rot90 counter-clockwise, fliplr, flipud, transpose, anti-transpose', () => {
  const g = [[1, 2, 3], [4, 5, 6]];
  const expected: Grid[] = [
    [[1, 2, 3], [4, 5, 6]],
    [[3, 6], [2, 5], [1, 4]], // np.rot90(g, 1)
    [[6, 5, 4], [3, 2, 1]],
    [[4, 1], [5, 2], [6, 3]], // np.rot90(g, 3)
    [[3, 2, 1], [6, 5, 4]],
    [[4, 5, 6], [1, 2, 3]],
    [[1, 4], [2, 5], [3, 6]],
    [[6, 3], [5, 2], [4, 1]], // np.fliplr(np.rot90(g, 1))
  ];
  expected.forEach((grid, id) => assert.deepEqual(dihedral(g, id as DihedralId), grid, `t${id}`));
});

test('every augmentation composed with its inverse is the identity on random grids', () => {
  const rng = new Rng(7);
  for (let trial = 0; trial < 200; trial++) {
    const grid = randomGrid(rng);
    const version = makeVersion('task', rng.int(0, 7) as DihedralId, [0, ...rng.shuffle([1, 2, 3, 4, 5, 6, 7, 8, 9])]);
    const transformed = transformGrid(grid, version);
    assert.deepEqual(inverseTransformGrid(transformed, version), grid, version.name);
    // Also through the name, as the evaluator does.
    assert.deepEqual(inverseTransformGrid(transformed, parseVersionName(version.name)), grid);
  }
});

test('colours are permuted before the transform and 0 stays fixed', () => {
  const version = makeVersion('t', 4, [0, 2, 3, 4, 5, 6, 7, 8, 9, 1]);
  assert.equal(version.name, 't|||t4|||0234567891');
  assert.deepEqual(transformGrid([[0, 1, 9]], version), [[1, 2, 0]]);
});

test('version names parse back; a bare task id is the original', () => {
  const version = parseVersionName('007bbfb7|||t6|||0918273645');
  assert.equal(version.taskId, '007bbfb7');
  assert.equal(version.dihedralId, 6);
  assert.deepEqual(version.colours, [0, 9, 1, 8, 2, 7, 3, 6, 4, 5]);
  assert.equal(parseVersionName('007bbfb7').dihedralId, 0);
  assert.throws(() => parseVersionName('x|||t8|||0123456789'), /not an ARC version name/);
  assert.throws(() => parseVersionName('x|||t1|||1023456789'), /not an ARC version name/);
});

test('augmentVersions: the original first, distinct puzzles only, deterministic per seed', () => {
  const rich: ArcTask = { id: 'rich', train: [{ input: [[1, 2, 3], [4, 5, 6]], output: [[7, 8], [9, 0]] }], test: [{ input: [[1, 2]], output: [[3]] }] };
  const versions = augmentVersions(rich, 50, new Rng(1));
  assert.equal(versions.length, 51);
  assert.equal(versions[0].name, 'rich');
  assert.equal(new Set(versions.map((v) => puzzleHash(rich, v))).size, 51);
  // The fast hash equals the definition: sorted (input, output) hashes of the transformed grids.
  const slow = (v: (typeof versions)[number]) => [...rich.train, ...rich.test]
    .map((p) => `${gridHash(transformGrid(p.input, v))}|${gridHash(transformGrid(p.output!, v))}`).sort().join('|');
  for (const v of versions) assert.equal(puzzleHash(rich, v), slow(v));
  assert.deepEqual(augmentVersions(rich, 50, new Rng(1)).map((v) => v.name), versions.map((v) => v.name));

  // One colour on 1×1 grids: only the 9 images of that colour are distinct puzzles (dihedral changes nothing).
  const poor: ArcTask = { id: 'poor', train: [{ input: [[1]], output: [[1]] }], test: [] };
  assert.equal(augmentVersions(poor, 20, new Rng(1)).length, 9);
});
