// TaskData for kind 'sudoku': puzzles generated on the fly or drawn from a shared collection, a held-out test
// split that no training puzzle is equivalent to, and optional random augmentation of every training example.
import { createHash } from 'node:crypto';
import type { Batch } from '../common/batch.ts';
import { Rng } from '../common/rng.ts';
import type { DataConfig } from '../trm/config.ts';
import { evalBatches, type PuzzleHierarchy } from './hierarchy.ts';
import {
  COLLECTION_PREFIX, EquivalenceSet, cellOfToken, generateSudoku, isValidSolution, loadCollection, randomTransform, renderGrid, sideOf,
  solve, sudokuVocabSize, transformPair, writeTokens, type BoxShape, type Grid, type SudokuPair,
} from './sudoku.ts';
import { registerSolvedCheck, registerTask, registerTaskShape, type SolvedCheck, type TaskData } from './task-data.ts';

export type SudokuDataConfig = Extract<DataConfig, { kind: 'sudoku' }>;

/** An independent seed per named stream, so train, test and split never share random numbers. */
export function streamSeed(seed: number, stream: string): number {
  return createHash('sha256').update(`${seed}/${stream}`).digest().readUInt32LE(0);
}

// Retries before giving up when nearly every candidate is equivalent to a held-out puzzle (tiny 4×4 spaces).
const MAX_REJECTIONS = 10000;

/**
 * Where Sudoku pairs come from: a fixed test split and a training draw that rejects anything equivalent to a
 * test puzzle. Generated: the test split comes from its own seed stream. Collection: the puzzles are split by
 * a seeded permutation (the first `testCount` are held out); solutions are computed when first needed.
 */
export class SudokuSource {
  readonly shape: BoxShape;
  readonly test: SudokuPair[] = [];
  private readonly heldOut: EquivalenceSet;
  private readonly collection: Grid[] | null;
  /** Collection rows available for training, in split order. */
  private readonly trainRows: number[] = [];
  private readonly solutions = new Map<number, Grid>();
  private readonly rejectedRows = new Set<number>();

  /** `difficulty` bounds generated puzzles by solver effort (see GenerateOptions); collections ignore it. */
  constructor(private readonly config: SudokuDataConfig, testCount: number, seed: number, private readonly difficulty: { minDifficulty?: number; maxDifficulty?: number } = {}) {
    this.shape = { boxRows: config.boxRows, boxCols: config.boxCols };
    this.heldOut = new EquivalenceSet(this.shape);
    if (config.source === 'generate') {
      this.collection = null;
      const rng = new Rng(streamSeed(seed, 'sudoku-test'));
      // Distinct test puzzles (up to equivalence), so the split counts each class once.
      for (let rejections = 0; this.test.length < testCount; ) {
        const pair = this.generate(rng);
        if (this.heldOut.has(pair)) {
          if (++rejections > MAX_REJECTIONS) throw new Error(`only ${this.test.length} distinct test puzzles exist for these settings; lower testExamples`);
          continue;
        }
        this.heldOut.add(pair);
        this.test.push(pair);
      }
      return;
    }
    if (!config.source.startsWith(COLLECTION_PREFIX)) throw new Error(`Sudoku source must be 'generate' or '${COLLECTION_PREFIX}NAME' (got '${config.source}')`);
    if (config.boxRows !== 3 || config.boxCols !== 3) throw new Error('Sudoku collections are 9×9: set boxRows = boxCols = 3');
    this.collection = loadCollection(config.source.slice(COLLECTION_PREFIX.length));
    if (testCount >= this.collection.length) throw new Error(`collection has ${this.collection.length} puzzles; testExamples ${testCount} leaves none for training`);
    const order = new Rng(streamSeed(seed, 'sudoku-split')).permutation(this.collection.length);
    for (const row of order.slice(0, testCount)) {
      const pair = this.collectionPair(row);
      this.heldOut.add(pair);
      this.test.push(pair);
    }
    this.trainRows = order.slice(testCount);
  }

  get isCollection(): boolean {
    return this.collection !== null;
  }

  get trainPoolSize(): number {
    return this.collection ? this.trainRows.length : Infinity;
  }

  /** A random training pair, never equivalent to a test puzzle (collections: drawn uniformly, with replacement). */
  drawTrain(rng: Rng): SudokuPair {
    for (let rejections = 0; rejections <= MAX_REJECTIONS; rejections++) {
      if (!this.collection) {
        const pair = this.generate(rng);
        if (!this.heldOut.has(pair)) return pair;
        continue;
      }
      const row = this.trainRows[rng.int(0, this.trainRows.length - 1)];
      const pair = this.trainPair(row);
      if (pair) return pair;
    }
    throw new Error('almost every training candidate is equivalent to a test puzzle; lower testExamples or widen the blank range');
  }

  /** Up to `count` training pairs from a collection in split order (for building a fixed dataset). */
  collectionTrainPairs(count: number): SudokuPair[] {
    const pairs: SudokuPair[] = [];
    for (const row of this.trainRows) {
      if (pairs.length >= count) break;
      const pair = this.trainPair(row);
      if (pair) pairs.push(pair);
    }
    return pairs;
  }

  private trainPair(row: number): SudokuPair | null {
    if (this.rejectedRows.has(row)) return null;
    const pair = this.collectionPair(row);
    if (!this.heldOut.has(pair)) return pair;
    this.rejectedRows.add(row);
    return null;
  }

  private generate(rng: Rng): SudokuPair {
    return generateSudoku(this.shape, rng, { minBlanks: this.config.minBlanks, maxBlanks: this.config.maxBlanks, ...this.difficulty });
  }

  private collectionPair(row: number): SudokuPair {
    const puzzle = this.collection![row];
    let solution = this.solutions.get(row);
    if (!solution) {
      const solved = solve(puzzle, this.shape);
      if (!solved) throw new Error(`collection puzzle ${row + 1} has no solution`);
      this.solutions.set(row, (solution = solved));
    }
    return { puzzle, solution };
  }
}

/** Pairs as a hierarchy of one-example puzzles, one puzzle per group (the test split's layout). */
export function pairsAsHierarchy(pairs: SudokuPair[], shape: BoxShape): PuzzleHierarchy & { inputs: Uint8Array; labels: Uint8Array } {
  const L = sideOf(shape) ** 2;
  const inputs = new Uint8Array(pairs.length * L), labels = new Uint8Array(pairs.length * L);
  pairs.forEach((pair, i) => {
    writeTokens(pair.puzzle, inputs, i * L);
    writeTokens(pair.solution, labels, i * L);
  });
  const offsets = Int32Array.from({ length: pairs.length + 1 }, (_, i) => i);
  return { seqLen: L, inputs, labels, puzzleIdentifiers: new Int32Array(pairs.length), puzzleIndices: offsets, groupIndices: offsets.slice() };
}

/** The Sudoku rules on token sequences: an answer is solved when every cell holds a digit, the givens are kept and
 *  no digit repeats in a row, column or box, whichever solution the target happens to be. */
export function sudokuSolvedCheck(shape: BoxShape): SolvedCheck {
  const L = sideOf(shape) ** 2;
  // Reused between calls (a check runs to the end before the next starts).
  const puzzle = new Uint8Array(L), answer = new Uint8Array(L);
  return (inputs, prediction) => {
    if (inputs.length !== L || prediction.length !== L) return false;
    for (let i = 0; i < L; i++) {
      puzzle[i] = cellOfToken(inputs[i]) ?? 0;
      answer[i] = cellOfToken(prediction[i]) ?? 0;
    }
    return isValidSolution(answer, shape, puzzle);
  };
}

export function openSudokuTask(config: SudokuDataConfig, seed: number): TaskData {
  const shape = { boxRows: config.boxRows, boxCols: config.boxCols };
  const side = sideOf(shape);
  const L = side * side;
  const source = new SudokuSource(config, config.testExamples, seed);
  const test = pairsAsHierarchy(source.test, shape);
  const fingerprint = createHash('sha256').update(JSON.stringify({ config, seed })).update(test.inputs).update(test.labels).digest('hex');
  return {
    kind: 'sudoku',
    vocabSize: sudokuVocabSize(shape),
    seqLen: L,
    numPuzzleIdentifiers: 1,
    fingerprint,
    // A collection's training rows are a fixed set (drawn with replacement, so an epoch is that many draws);
    // generated puzzles are an endless stream.
    trainExamplesPerEpoch: source.isCollection ? source.trainPoolSize : null,
    trainBatches(batchSize, trainSeed) {
      const rng = new Rng(streamSeed(trainSeed, 'sudoku-train'));
      return {
        next(): Batch {
          const inputs = new Int32Array(batchSize * L), labels = new Int32Array(batchSize * L);
          for (let b = 0; b < batchSize; b++) {
            let pair = source.drawTrain(rng);
            if (config.augment) pair = transformPair(pair, shape, randomTransform(shape, rng));
            writeTokens(pair.puzzle, inputs, b * L);
            writeTokens(pair.solution, labels, b * L);
          }
          return { size: batchSize, seqLen: L, inputs, labels, puzzleIdentifiers: new Int32Array(batchSize) };
        },
        getState: () => rng.state,
        setState(state: unknown) {
          if (typeof state !== 'number') throw new Error('invalid Sudoku stream state');
          rng.state = state;
        },
      };
    },
    testCount: source.test.length,
    testBatches: (batchSize, limit) => evalBatches(test, batchSize, limit, (row) => `test/${row}`),
    render: (tokens) => renderGrid(Array.from({ length: L }, (_, i) => cellOfToken(tokens[i])), shape),
    grid: { rows: side, cols: side, cellOfToken },
    isSolved: sudokuSolvedCheck(shape),
  };
}

registerTaskShape('sudoku', (config) => {
  if (config.kind !== 'sudoku') throw new Error(`expected a 'sudoku' data config, got '${config.kind}'`);
  const shape = { boxRows: config.boxRows, boxCols: config.boxCols };
  return { vocabSize: sudokuVocabSize(shape), seqLen: sideOf(shape) ** 2, numPuzzleIdentifiers: 1 };
});

registerSolvedCheck('sudoku', (config) => {
  if (config.kind !== 'sudoku') throw new Error(`expected a 'sudoku' data config, got '${config.kind}'`);
  return sudokuSolvedCheck({ boxRows: config.boxRows, boxCols: config.boxCols });
});

registerTask('sudoku', (config, seed) => {
  if (config.kind !== 'sudoku') throw new Error(`expected a 'sudoku' data config, got '${config.kind}'`);
  return openSudokuTask(config, seed);
});
