// The functions behind `trm data build sudoku …` (a Sudoku dataset in the official TRM layout, spec §5.1/§5.3)
// and `trm data inspect DIR` (a summary of any official folder).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { NpyRowFile } from '../common/npy-stream.ts';
import { Rng } from '../common/rng.ts';
import { closeSplit, officialMetadata, openOfficialSplit, readIdentifiers, OfficialFormatError, writeOfficialDataset, type OfficialMetadata, type OfficialSplit } from './official-format.ts';
import { pairsAsHierarchy, streamSeed, SudokuSource } from './sudoku-task.ts';
import { randomTransform, sudokuVocabSize, transformPair, type SudokuPair } from './sudoku.ts';

export interface BuildSudokuOptions {
  boxRows: number;
  boxCols: number;
  /** 'generate' or 'collection:NAME'. */
  source: string;
  trainCount: number;
  testCount: number;
  /** Augmented versions of each training puzzle (the official builder's --num-aug). */
  augmentations: number;
  seed: number;
  out: string;
  minBlanks: number;
  maxBlanks: number;
  /** Bounds on solver effort (search nodes) for generated puzzles, e.g. to keep only hard 9×9 ones. */
  minDifficulty?: number;
  maxDifficulty?: number;
}

/** Groups of puzzles (one example each) as an official split with a single shared identifier. */
function sudokuSplit(groups: SudokuPair[][], vocabSize: number, boxRows: number, boxCols: number): OfficialSplit {
  const shape = { boxRows, boxCols };
  const { inputs, labels, puzzleIndices } = pairsAsHierarchy(groups.flat(), shape);
  const groupIndices = new Int32Array(groups.length + 1);
  groups.forEach((group, g) => (groupIndices[g + 1] = groupIndices[g] + group.length));
  const puzzleIdentifiers = new Int32Array(puzzleIndices.length - 1);
  return {
    inputs, labels, puzzleIdentifiers, puzzleIndices, groupIndices,
    metadata: officialMetadata({ vocabSize, seqLen: (boxRows * boxCols) ** 2, numPuzzleIdentifiers: 1, puzzleIndices, groupIndices }),
  };
}

/**
 * Writes a Sudoku dataset: train groups = original puzzles, each with the original plus `augmentations`
 * transformed copies; test = held-out puzzles, unaugmented, none equivalent to a training puzzle. Deterministic
 * under `seed`. Returns a one-paragraph summary.
 */
export function buildSudokuDataset(options: BuildSudokuOptions): string {
  const started = performance.now();
  const { boxRows, boxCols } = options;
  for (const key of ['trainCount', 'testCount', 'augmentations', 'seed'] as const) {
    if (!Number.isInteger(options[key]) || options[key] < 0) throw new Error(`${key} must be an integer ≥ 0 (got ${options[key]})`);
  }
  const shape = { boxRows, boxCols };
  const config = { kind: 'sudoku' as const, boxRows, boxCols, minBlanks: options.minBlanks, maxBlanks: options.maxBlanks, source: options.source, testExamples: options.testCount, augment: options.augmentations > 0 };
  const source = new SudokuSource(config, options.testCount, options.seed, { minDifficulty: options.minDifficulty, maxDifficulty: options.maxDifficulty });
  const rng = new Rng(streamSeed(options.seed, 'sudoku-build'));
  const originals = source.isCollection
    ? source.collectionTrainPairs(options.trainCount)
    : Array.from({ length: options.trainCount }, () => source.drawTrain(rng));
  if (originals.length < options.trainCount)
    throw new Error(`${options.source} has only ${originals.length} training puzzles after holding out ${options.testCount}; lower --train`);
  const groups = originals.map((pair) => [pair, ...Array.from({ length: options.augmentations }, () => transformPair(pair, shape, randomTransform(shape, rng)))]);
  const vocabSize = sudokuVocabSize(shape);
  writeOfficialDataset(options.out, {
    train: sudokuSplit(groups, vocabSize, boxRows, boxCols),
    test: sudokuSplit(source.test.map((pair) => [pair]), vocabSize, boxRows, boxCols),
    identifiers: ['<blank>'],
  });
  const side = boxRows * boxCols;
  return `wrote ${options.out}: ${side}×${side} Sudoku from ${options.source}, train ${groups.length} groups × ${1 + options.augmentations} puzzles ` +
    `(${groups.length * (1 + options.augmentations)} examples), test ${source.test.length} puzzles, seed ${options.seed}, ` +
    `${((performance.now() - started) / 1000).toFixed(1)} s`;
}

export interface SplitSummary {
  metadata: OfficialMetadata;
  examples: number;
  puzzles: number;
  groups: number;
  puzzlesPerGroup: { min: number; max: number; mean: number };
  examplesPerPuzzle: { min: number; max: number; mean: number };
  /** Distinct puzzle identifiers used by the split. */
  identifiersUsed: number;
  /** Fraction of label tokens that are supervised (≠ ignore label 0). */
  supervisedFraction: number;
  /** Count of each token id in the inputs. */
  inputTokenCounts: number[];
  /** Input and label tokens of the first example. */
  firstExample: { input: number[]; label: number[] } | null;
}

export interface DatasetSummary {
  dir: string;
  identifiers: number;
  hasTestPuzzles: boolean;
  train: SplitSummary;
  test: SplitSummary;
}

function rangeStats(offsets: Int32Array): { min: number; max: number; mean: number } {
  const count = offsets.length - 1;
  if (count < 1) return { min: 0, max: 0, mean: 0 };
  // A loop, not Math.min(...sizes): a paper-scale ARC split has ≈1M puzzles, too many for spread arguments.
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < count; i++) {
    const size = offsets[i + 1] - offsets[i];
    if (size < min) min = size;
    if (size > max) max = size;
  }
  return { min, max, mean: (offsets[count] - offsets[0]) / count };
}

/**
 * Summarises a split folder: its index arrays are read whole, the token arrays (GBs for a paper-scale ARC
 * build) are streamed in chunks of rows for their counts and vocabulary check.
 */
function summariseSplitDir(splitDir: string, identifierCount: number): SplitSummary {
  const split = openOfficialSplit(splitDir, identifierCount);
  try {
    const { metadata } = split;
    const vocabSize = metadata.vocab_size;
    const rows = split.inputs.rows;
    const problems: string[] = [];
    const inputs = tokenCounts(split.inputs);
    const labels = tokenCounts(split.labels);
    for (const [name, counted] of [['inputs', inputs], ['labels', labels]] as const) {
      for (let t = vocabSize; t < 256; t++) if (counted.counts[t] > 0) problems.push(`${name}: ${counted.counts[t]} token(s) ${t} are outside the vocabulary (vocab_size ${vocabSize})`);
      if (counted.outsideByte > 0) problems.push(`${name}: ${counted.outsideByte} token(s) below 0 or above 255 are outside the vocabulary (vocab_size ${vocabSize})`);
    }
    if (problems.length > 0) throw new OfficialFormatError(`${splitDir} is not a valid official split:\n  ${problems.join('\n  ')}`);
    const supervised = labels.counts.reduce((sum, n, t) => (t === metadata.ignore_label_id ? sum : sum + n), 0);
    let firstExample: SplitSummary['firstExample'] = null;
    if (rows > 0) {
      const L = metadata.seq_len;
      const input = new Int32Array(L);
      const label = new Int32Array(L);
      split.inputs.readRange(0, 1, input);
      split.labels.readRange(0, 1, label);
      firstExample = { input: [...input], label: [...label] };
    }
    return {
      metadata,
      examples: rows,
      puzzles: split.puzzleIdentifiers.length,
      groups: split.groupIndices.length - 1,
      puzzlesPerGroup: rangeStats(split.groupIndices),
      examplesPerPuzzle: rangeStats(split.puzzleIndices),
      identifiersUsed: new Set(split.puzzleIdentifiers).size,
      supervisedFraction: rows > 0 ? supervised / (rows * metadata.seq_len) : 0,
      inputTokenCounts: Array.from(inputs.counts.subarray(0, vocabSize)),
      firstExample,
    };
  } finally {
    closeSplit(split);
  }
}

/** How often each value 0..255 occurs in a token file, read in chunks of rows; `outsideByte` counts the rest. */
function tokenCounts(file: NpyRowFile): { counts: Float64Array; outsideByte: number } {
  const counts = new Float64Array(256);
  let outsideByte = 0;
  const chunkRows = Math.max(1, Math.floor(2 ** 22 / file.rowLength));
  const chunk = new Int32Array(chunkRows * file.rowLength);
  for (let first = 0; first < file.rows; first += chunkRows) {
    const rows = Math.min(chunkRows, file.rows - first);
    file.readRange(first, rows, chunk);
    for (let i = 0; i < rows * file.rowLength; i++) {
      const v = chunk[i];
      if (v >= 0 && v < 256) counts[v]++;
      else outsideByte++;
    }
  }
  return { counts, outsideByte };
}

/** A structured summary of an official folder (validated on reading, token arrays streamed). */
export function inspectDatasetJson(dir: string): DatasetSummary {
  const identifiers = readIdentifiers(dir);
  return {
    dir,
    identifiers: identifiers.length,
    hasTestPuzzles: existsSync(join(dir, 'test_puzzles.json')),
    train: summariseSplitDir(join(dir, 'train'), identifiers.length),
    test: summariseSplitDir(join(dir, 'test'), identifiers.length),
  };
}

/** Tokens as a square grid when L is a square, else one line. */
function tokenGrid(tokens: number[]): string {
  const side = Math.round(Math.sqrt(tokens.length));
  const width = side * side === tokens.length ? side : tokens.length;
  const cell = Math.max(...tokens).toString().length;
  const lines: string[] = [];
  for (let i = 0; i < tokens.length; i += width) lines.push('    ' + tokens.slice(i, i + width).map((t) => String(t).padStart(cell)).join(' '));
  return lines.join('\n');
}

/** A human-readable summary of an official folder. */
export function inspectDataset(dir: string): string {
  const summary = inspectDatasetJson(dir);
  const fixed = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));
  const lines = [`${summary.dir}: ${summary.identifiers} puzzle identifiers${summary.hasTestPuzzles ? ', test_puzzles.json present' : ''}`];
  for (const name of ['train', 'test'] as const) {
    const s = summary[name];
    const m = s.metadata;
    lines.push(
      `${name}: ${s.groups} groups, ${s.puzzles} puzzles, ${s.examples} examples; seq_len ${m.seq_len}, vocab ${m.vocab_size}, num_puzzle_identifiers ${m.num_puzzle_identifiers}`,
      `  puzzles per group ${s.puzzlesPerGroup.min}..${s.puzzlesPerGroup.max} (mean ${fixed(s.puzzlesPerGroup.mean)}), examples per puzzle ${s.examplesPerPuzzle.min}..${s.examplesPerPuzzle.max} (mean ${fixed(m.mean_puzzle_examples)})`,
      `  identifiers used ${s.identifiersUsed}, supervised label tokens ${(100 * s.supervisedFraction).toFixed(1)}%`,
      `  input token counts: ${s.inputTokenCounts.map((n, t) => `${t}:${n}`).filter((_, t) => s.inputTokenCounts[t] > 0).join(' ')}`,
    );
    if (s.firstExample) lines.push('  first example input:', tokenGrid(s.firstExample.input), '  first example label:', tokenGrid(s.firstExample.label));
  }
  return lines.join('\n');
}
