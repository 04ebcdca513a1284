import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../main/common/rng.ts';
import {
  canonicalMazeKey, DIHEDRAL_TRANSFORMS, formatMaze, generateMaze, GOAL, isValidShortestPath, MazeError, OPEN, parseMaze,
  PATH, solveMaze, START, transformMaze, WALL, type Maze,
} from '../../main/puzzles/maze.ts';
import { createMazeTask } from '../../main/puzzles/maze-task.ts';
import { openTaskData } from '../../main/puzzles/task-data.ts';

/** Independent of maze.ts: BFS distance S→G over non-wall cells. */
function shortestMoves(maze: Maze): number {
  const start = maze.cells.indexOf(START);
  const distance = new Map([[start, 0]]);
  const queue = [start];
  while (queue.length > 0) {
    const cell = queue.shift()!;
    if (maze.cells[cell] === GOAL) return distance.get(cell)!;
    for (const next of neighbours(maze, cell)) {
      if (maze.cells[next] !== WALL && !distance.has(next)) { distance.set(next, distance.get(cell)! + 1); queue.push(next); }
    }
  }
  return -1;
}

function neighbours(maze: Maze, cell: number): number[] {
  const r = Math.floor(cell / maze.cols);
  const c = cell % maze.cols;
  return [[r - 1, c], [r + 1, c], [r, c - 1], [r, c + 1]]
    .filter(([a, b]) => a >= 0 && b >= 0 && a < maze.rows && b < maze.cols).map(([a, b]) => a * maze.cols + b);
}

/** Independent check of a label: walking from S, each step has exactly one unvisited path/goal neighbour. */
function assertPathLabel(maze: Maze, label: Maze): void {
  const moves = shortestMoves(maze);
  assert.ok(moves > 0, 'G reachable');
  const pathCells = label.cells.filter((t) => t === PATH).length;
  assert.equal(pathCells, moves - 1, 'path cells = shortest moves − 1');
  for (let i = 0; i < maze.cells.length; i++) {
    if (label.cells[i] === PATH) assert.equal(maze.cells[i], OPEN, 'path only on open cells');
    else assert.equal(label.cells[i], maze.cells[i], 'other cells unchanged');
  }
  let cell = maze.cells.indexOf(START);
  const visited = new Set([cell]);
  for (let step = 0; step < moves; step++) {
    const next = neighbours(label, cell).filter((n) => !visited.has(n) && (label.cells[n] === PATH || label.cells[n] === GOAL));
    assert.equal(next.length, 1, `one way on at step ${step}`);
    cell = next[0];
    visited.add(cell);
  }
  assert.equal(label.cells[cell], GOAL, 'the path ends at G');
}

test('generated labels are unique shortest paths of at least minPathLength moves (9×9 and 30×30 hard)', () => {
  for (const [size, minPathLength, count] of [[9, 8, 200], [30, 111, 10]] as const) {
    const rng = new Rng(size);
    for (let i = 0; i < count; i++) {
      const { maze, solution, moves } = generateMaze(rng, size, minPathLength);
      assert.equal(maze.rows, size);
      assert.equal(maze.cols, size);
      assert.equal(moves, shortestMoves(maze));
      assert.ok(moves >= minPathLength, `${moves} ≥ ${minPathLength}`);
      assertPathLabel(maze, solution);
      assert.ok(isValidShortestPath(maze, solution));
      assert.equal(solveMaze(maze)?.unique, true);
    }
  }
});

test('generated mazes have loops (more passages than a tree)', () => {
  const { maze } = generateMaze(new Rng(7), 30, 111);
  const open = [...maze.cells.keys()].filter((i) => maze.cells[i] !== WALL);
  const edges = open.reduce((sum, i) => sum + neighbours(maze, i).filter((n) => n > i && maze.cells[n] !== WALL).length, 0);
  assert.ok(edges > open.length - 1, `${edges} passages between ${open.length} open cells`);
});

test('isValidShortestPath rejects missing, extra, detoured and overwritten cells', () => {
  const maze = parseMaze(['#######', '#S    #', '# ### #', '#    G#', '#######'].join('\n'));
  const good = solveMaze(maze)!;
  assert.equal(good.moves, 6);
  assert.equal(good.unique, false); // two routes around the block, both 6 moves
  assert.ok(isValidShortestPath(maze, good.solution));
  const other = parseMaze(['#######', '#S    #', '#o### #', '#ooooG#', '#######'].join('\n'));
  const top = parseMaze(['#######', '#Soooo#', '# ###o#', '#    G#', '#######'].join('\n'));
  assert.ok(isValidShortestPath(maze, other) && isValidShortestPath(maze, top), 'any shortest path counts');
  const broken = [
    ['#######', '#Sooo #', '# ###o#', '#    G#', '#######'], // a gap
    ['#######', '#Soooo#', '#o###o#', '#    G#', '#######'], // an extra cell
    ['#######', '#Soooo#', '# ###o#', '#o   G#', '#######'], // a stray cell
    ['#######', '#Soooo#', '# ###o#', '#    Go', '#######'], // path on a wall
    ['#######', '#S    #', '# ### #', '#    G#', '#######'], // nothing marked
  ];
  for (const rows of broken) assert.equal(isValidShortestPath(maze, parseMaze(rows.join('\n'))), false, rows.join('\n'));
  const detourMaze = parseMaze(['#####', '#S G#', '# # #', '#   #', '#####'].join('\n'));
  const detour = parseMaze(['#####', '#S G#', '#o#o#', '#ooo#', '#####'].join('\n'));
  assert.equal(isValidShortestPath(detourMaze, detour), false, 'a longer path is not a shortest path');
});

test('parseMaze round-trips and explains bad input', () => {
  const text = ['#####', '#S  #', '# #G#', '#####'].join('\n');
  const maze = parseMaze(text + '\n');
  assert.deepEqual([maze.rows, maze.cols], [4, 5]);
  assert.equal(formatMaze(maze), text);
  assert.throws(() => parseMaze(''), /empty/);
  assert.throws(() => parseMaze('#S#\n#G'), /row 2 has 2 characters/);
  assert.throws(() => parseMaze('#S#\n#Gx'), /row 2, column 3: unexpected character "x"/);
  assert.throws(() => parseMaze('SS\nG '), /exactly one S \(found 2\)/);
  assert.throws(() => parseMaze('S \n  '), /exactly one G \(found 0\)/);
  assert.throws(() => parseMaze('S#'), MazeError);
  assert.equal(solveMaze(parseMaze('S#G')), null, 'unreachable goal');
});

test('the 8 dihedral transforms are distinct, invertible and keep labels valid', () => {
  const { maze, solution } = generateMaze(new Rng(11), 9, 8);
  const texts = new Set<string>();
  for (let t = 0; t < DIHEDRAL_TRANSFORMS; t++) {
    const m = transformMaze(maze, t);
    const s = transformMaze(solution, t);
    texts.add(formatMaze(m));
    assert.ok(isValidShortestPath(m, s), `transform ${t}`);
    assertPathLabel(m, s);
    assert.equal(canonicalMazeKey(m), canonicalMazeKey(maze));
  }
  assert.equal(texts.size, 8);
  let rotated = maze;
  for (let k = 0; k < 4; k++) rotated = transformMaze(rotated, 1);
  assert.deepEqual(rotated, maze);
  for (const t of [4, 5, 6, 7]) assert.deepEqual(transformMaze(transformMaze(maze, t), t), maze, `reflection ${t} is its own inverse`);
  const wide = parseMaze('S  \n# G');
  assert.equal(formatMaze(transformMaze(wide, 1)), '#S\n  \nG ');
  assert.equal(formatMaze(transformMaze(wide, 6)), 'S#\n  \n G');
});

test('train stream never yields a held-out maze, even up to symmetry', () => {
  // 5×5 has only ~21 distinct mazes, so without the exclusion a collision would be near certain.
  const task = createMazeTask({ kind: 'maze', size: 5, minPathLength: 1, testExamples: 8, augment: true });
  const heldOut = new Set<string>();
  for (const batch of task.testBatches(3)) {
    for (let row = 0; row < batch.realCount; row++) heldOut.add(canonicalMazeKey(mazeOf(batch.inputs, row, 5)));
  }
  assert.equal(heldOut.size, 8);
  const stream = task.trainBatches(16, 1);
  const seen = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const batch = stream.next();
    for (let row = 0; row < batch.size; row++) {
      const key = canonicalMazeKey(mazeOf(batch.inputs, row, 5));
      assert.ok(!heldOut.has(key), 'training maze found in the held-out set');
      seen.add(key);
      assert.ok(isValidShortestPath(mazeOf(batch.inputs, row, 5), mazeOf(batch.labels, row, 5)));
    }
  }
  assert.ok(seen.size >= 5, `${seen.size} distinct training mazes`);
});

test('batches: shapes, tokens, padding, determinism under seed and resumable state', () => {
  const config = { kind: 'maze', size: 9, minPathLength: 8, testExamples: 5, augment: true } as const;
  const task = openTaskData(config, 0);
  assert.deepEqual([task.vocabSize, task.seqLen, task.numPuzzleIdentifiers, task.testCount], [6, 81, 1, 5]);
  assert.equal(task.fingerprint, createMazeTask(config).fingerprint);
  assert.notEqual(task.fingerprint, createMazeTask({ ...config, minPathLength: 9 }).fingerprint);

  const batches = [...task.testBatches(4)];
  assert.deepEqual(batches.map((b) => b.realCount), [4, 1]);
  assert.deepEqual(batches[1].keys, ['test/4']);
  assert.ok(batches[1].inputs.subarray(81).every((t) => t === 0) && batches[1].labels.subarray(81).every((t) => t === 0), 'padding rows are PAD');
  assert.equal([...task.testBatches(4, 2)][0].realCount, 2);

  const a = task.trainBatches(4, 42);
  const first = a.next();
  assert.ok(first.inputs.every((t) => t >= 1 && t <= 4) && first.labels.every((t) => t >= 1 && t <= 5));
  assert.ok(first.puzzleIdentifiers.every((id) => id === 0));
  const state = structuredClone(a.getState());
  const continued = [a.next(), a.next()];
  const b = task.trainBatches(4, 42);
  assert.deepEqual(b.next(), first, 'same seed, same stream');
  const resumed = task.trainBatches(4, 7);
  resumed.setState(state);
  assert.deepEqual([resumed.next(), resumed.next()], continued, 'state resumes the stream exactly');
  assert.notDeepEqual(task.trainBatches(4, 43).next().inputs, first.inputs, 'another seed, another stream');
  assert.throws(() => resumed.setState({}), /bad state/);

  const rendered = task.render(first.labels.subarray(0, 81)).split('\n');
  assert.equal(rendered.length, 9);
  assert.ok(rendered.every((line) => line.length === 9) && rendered.join('').includes('o'));
  assert.equal(task.grid.cellOfToken(0), null);
  assert.equal(task.grid.cellOfToken(5), 4);
});

function mazeOf(tokens: Int32Array, row: number, size: number): Maze {
  return { rows: size, cols: size, cells: Uint8Array.from(tokens.subarray(row * size * size, (row + 1) * size * size)) };
}
