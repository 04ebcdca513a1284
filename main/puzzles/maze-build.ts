// `trm data build maze`: generated mazes in the official TRM layout (spec §5.4): one group per maze, one puzzle per
// group (plus its 7 other dihedral versions with --aug), one example per puzzle, a single shared identifier.
import { Rng } from '../common/rng.ts';
import { canonicalMazeKey, DIHEDRAL_TRANSFORMS, generateMaze, MAZE_VOCAB_SIZE, transformMaze, type Maze } from './maze.ts';
import { officialMetadata, writeOfficialDataset, type OfficialSplit } from './official-format.ts';

export interface MazeBuildOptions {
  size: number;
  minPathLength: number;
  trainCount: number;
  testCount: number;
  /** All 8 dihedral versions of each training maze (the paper's Maze-Hard augmentation). */
  augment: boolean;
  seed: number;
  out: string;
}

function split(groups: { maze: Maze; solution: Maze }[][], seqLen: number): OfficialSplit {
  const examples = groups.flat();
  const inputs = new Uint8Array(examples.length * seqLen);
  const labels = new Uint8Array(examples.length * seqLen);
  examples.forEach((e, i) => {
    inputs.set(e.maze.cells, i * seqLen);
    labels.set(e.solution.cells, i * seqLen);
  });
  const puzzleIndices = Int32Array.from({ length: examples.length + 1 }, (_, i) => i);
  const groupIndices = new Int32Array(groups.length + 1);
  groups.forEach((g, i) => (groupIndices[i + 1] = groupIndices[i] + g.length));
  return {
    inputs, labels, puzzleIndices, groupIndices,
    puzzleIdentifiers: new Int32Array(examples.length),
    metadata: officialMetadata({ vocabSize: MAZE_VOCAB_SIZE, seqLen, numPuzzleIdentifiers: 1, puzzleIndices, groupIndices }),
  };
}

export function buildMazeDataset(options: MazeBuildOptions): string {
  const rng = new Rng(options.seed);
  const seen = new Set<string>();
  const draw = (count: number) => {
    const mazes: { maze: Maze; solution: Maze }[] = [];
    while (mazes.length < count) {
      const generated = generateMaze(rng, options.size, options.minPathLength);
      const key = canonicalMazeKey(generated.maze);
      if (seen.has(key)) continue; // never the same maze (up to symmetry) twice, so test never overlaps train
      seen.add(key);
      mazes.push(generated);
    }
    return mazes;
  };
  const test = draw(options.testCount);
  const train = draw(options.trainCount);
  const seqLen = options.size * options.size;
  const trainGroups = train.map((m) =>
    options.augment ? Array.from({ length: DIHEDRAL_TRANSFORMS }, (_, t) => ({ maze: transformMaze(m.maze, t), solution: transformMaze(m.solution, t) })) : [m],
  );
  writeOfficialDataset(options.out, {
    train: split(trainGroups, seqLen),
    test: split(test.map((m) => [m]), seqLen),
    identifiers: ['<blank>'],
  });
  return `wrote ${options.out}: ${train.length} training mazes${options.augment ? ` × ${DIHEDRAL_TRANSFORMS} dihedral versions` : ''}, ${test.length} test mazes, ${options.size}×${options.size}, shortest path ≥ ${options.minPathLength}`;
}
