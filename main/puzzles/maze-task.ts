// TaskData 'maze': generated mazes (maze.ts) as token sequences in the Maze-Hard encoding (spec §1.2, §5.4):
// "# SGo" → 1..5, PAD 0, seqLen N·N, every cell supervised, one shared puzzle identifier (id 0).
// Training mazes are an endless seeded stream; the held-out set is generated once per config from its own seed
// stream and no training maze equals a held-out one up to rotation and reflection.
import { createHash } from 'node:crypto';
import type { Batch } from '../common/batch.ts';
import { Rng } from '../common/rng.ts';
import type { DataConfig } from '../trm/config.ts';
import { canonicalMazeKey, DIHEDRAL_TRANSFORMS, formatMaze, generateMaze, isValidShortestPath, MAZE_VOCAB_SIZE, transformMaze, type Maze } from './maze.ts';
import { registerSolvedCheck, registerTask, registerTaskShape, type EvalBatch, type SolvedCheck, type TaskData } from './task-data.ts';

export type MazeDataConfig = Extract<DataConfig, { kind: 'maze' }>;

/** Seed of the held-out stream. Fixed, not the run seed, so every run of a config is evaluated on the same mazes. */
const TEST_STREAM_SEED = 0x6d617a65;
/** Bump when generation changes: it is part of the fingerprint, so runs on different data never look alike. */
const GENERATOR_VERSION = 1;
/** Consecutive repeats after which the space of distinct mazes is taken to be exhausted (tiny sizes). */
const MAX_DUPLICATES_IN_A_ROW = 10_000;

interface MazeExample {
  maze: Maze;
  solution: Maze;
}

/** A maze answer is solved when it is the maze with exactly one shortest S→G path marked, whichever shortest path
 *  the target marks (tokens are the maze's cells). */
export function mazeSolvedCheck(size: number): SolvedCheck {
  const L = size * size;
  return (inputs, prediction) => inputs.length === L && prediction.length === L &&
    isValidShortestPath({ rows: size, cols: size, cells: new Uint8Array(inputs) }, { rows: size, cols: size, cells: new Uint8Array(prediction) });
}

export function createMazeTask(config: MazeDataConfig): TaskData {
  const { size, minPathLength, testExamples, augment } = config;
  if (!Number.isInteger(testExamples) || testExamples < 0) throw new Error(`maze testExamples must be an integer ≥ 0 (got ${testExamples})`);
  const seqLen = size * size;

  const testRng = new Rng(TEST_STREAM_SEED);
  const testKeys = new Set<string>();
  const testSet: MazeExample[] = [];
  let duplicatesInARow = 0;
  while (testSet.length < testExamples) {
    const example = generateMaze(testRng, size, minPathLength);
    const key = canonicalMazeKey(example.maze);
    if (testKeys.has(key)) {
      if (++duplicatesInARow > MAX_DUPLICATES_IN_A_ROW) throw new Error(`only ${testSet.length} distinct ${size}×${size} mazes found for a held-out set of ${testExamples}; lower testExamples or raise size`);
      continue;
    }
    duplicatesInARow = 0;
    testKeys.add(key);
    testSet.push(example);
  }

  const hash = createHash('sha256').update(JSON.stringify({ config, GENERATOR_VERSION }));
  for (const example of testSet) hash.update(example.maze.cells);
  const fingerprint = `maze-v${GENERATOR_VERSION}-${size}x${size}-${hash.digest('hex').slice(0, 16)}`;

  function emptyBatch(batchSize: number): Batch {
    return {
      size: batchSize, seqLen,
      inputs: new Int32Array(batchSize * seqLen), labels: new Int32Array(batchSize * seqLen), puzzleIdentifiers: new Int32Array(batchSize),
    };
  }

  function writeRow(batch: Batch, row: number, example: MazeExample): void {
    batch.inputs.set(example.maze.cells, row * seqLen);
    batch.labels.set(example.solution.cells, row * seqLen);
  }

  return {
    kind: 'maze',
    vocabSize: MAZE_VOCAB_SIZE,
    seqLen,
    numPuzzleIdentifiers: 1,
    fingerprint,
    testCount: testSet.length,
    // Every training maze is freshly generated: an endless stream, no epochs.
    trainExamplesPerEpoch: null,

    trainBatches(batchSize, seed) {
      const rng = new Rng(seed);
      const nextExample = (): MazeExample => {
        for (let heldOutInARow = 0; ; heldOutInARow++) {
          if (heldOutInARow > MAX_DUPLICATES_IN_A_ROW) throw new Error(`nearly every ${size}×${size} maze is in the held-out set; lower testExamples or raise size`);
          const example = generateMaze(rng, size, minPathLength);
          if (testKeys.has(canonicalMazeKey(example.maze))) continue;
          if (!augment) return example;
          // Freshly generated mazes are already random; the transform keeps the orientation statistics of
          // Maze-Hard's augmented training set (e.g. the thicker border of even sizes lands on every side).
          const t = rng.int(0, DIHEDRAL_TRANSFORMS - 1);
          return { maze: transformMaze(example.maze, t), solution: transformMaze(example.solution, t) };
        }
      };
      return {
        next() {
          const batch = emptyBatch(batchSize);
          for (let row = 0; row < batchSize; row++) writeRow(batch, row, nextExample());
          return batch;
        },
        // The stream is a pure function of the generator state, so that one number resumes it exactly.
        getState: () => ({ rng: rng.state }),
        setState(state) {
          const value = (state as { rng?: unknown } | null)?.rng;
          if (typeof value !== 'number') throw new Error(`maze train stream: bad state ${JSON.stringify(state)}`);
          rng.state = value;
        },
      };
    },

    *testBatches(batchSize, limit) {
      const count = Math.min(testSet.length, limit ?? testSet.length);
      for (let start = 0; start < count; start += batchSize) {
        const batch: EvalBatch = { ...emptyBatch(batchSize), realCount: Math.min(batchSize, count - start), keys: [] };
        for (let row = 0; row < batch.realCount; row++) {
          writeRow(batch, row, testSet[start + row]);
          batch.keys.push(`test/${start + row}`);
        }
        yield batch;
      }
    },

    render(tokens) {
      return formatMaze({ rows: size, cols: size, cells: Uint8Array.from(tokens) });
    },

    // Cell value = index into "# SGo" (0 wall … 4 path); PAD is drawn empty.
    grid: { rows: size, cols: size, cellOfToken: (token) => (token >= 1 && token < MAZE_VOCAB_SIZE ? token - 1 : null) },
    isSolved: mazeSolvedCheck(size),
  };
}

registerTaskShape('maze', (config) => {
  if (config.kind !== 'maze') throw new Error(`maze task got data kind '${config.kind}'`);
  return { vocabSize: MAZE_VOCAB_SIZE, seqLen: config.size * config.size, numPuzzleIdentifiers: 1 };
});

registerSolvedCheck('maze', (config) => {
  if (config.kind !== 'maze') throw new Error(`maze task got data kind '${config.kind}'`);
  return mazeSolvedCheck(config.size);
});

registerTask('maze', (config) => {
  if (config.kind !== 'maze') throw new Error(`maze task got data kind '${config.kind}'`);
  return createMazeTask(config);
});
