// The functions behind `trm data build sudoku …` (a Sudoku dataset in the official TRM layout, spec §5.1/§5.3)
// and `trm data inspect DIR` (a summary of any official folder).
import { Rng } from '../common/rng.ts';
import { exampleCount, groupCount, puzzleCount } from './hierarchy.ts';
import { officialMetadata, readOfficialDataset, writeOfficialDataset, type OfficialMetadata, type OfficialSplit } from './official-format.ts';
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
  const sizes = Array.from({ length: offsets.length - 1 }, (_, i) => offsets[i + 1] - offsets[i]);
  if (sizes.length === 0) return { min: 0, max: 0, mean: 0 };
  return { min: Math.min(...sizes), max: Math.max(...sizes), mean: sizes.reduce((a, b) => a + b, 0) / sizes.length };
}

function summariseSplit(split: OfficialSplit): SplitSummary {
  const h = { seqLen: split.metadata.seq_len, ...split };
  const L = h.seqLen;
  const inputTokenCounts = new Array(split.metadata.vocab_size).fill(0);
  for (const t of split.inputs) inputTokenCounts[t]++;
  const supervised = split.labels.reduce((n, t) => n + (t !== split.metadata.ignore_label_id ? 1 : 0), 0);
  return {
    metadata: split.metadata,
    examples: exampleCount(h),
    puzzles: puzzleCount(h),
    groups: groupCount(h),
    puzzlesPerGroup: rangeStats(split.groupIndices),
    examplesPerPuzzle: rangeStats(split.puzzleIndices),
    identifiersUsed: new Set(split.puzzleIdentifiers).size,
    supervisedFraction: split.labels.length > 0 ? supervised / split.labels.length : 0,
    inputTokenCounts,
    firstExample: split.inputs.length >= L ? { input: [...split.inputs.subarray(0, L)], label: [...split.labels.subarray(0, L)] } : null,
  };
}

/** A structured summary of an official folder (validated on reading). */
export function inspectDatasetJson(dir: string): DatasetSummary {
  const dataset = readOfficialDataset(dir);
  return {
    dir,
    identifiers: dataset.identifiers.length,
    hasTestPuzzles: dataset.testPuzzles !== undefined,
    train: summariseSplit(dataset.train),
    test: summariseSplit(dataset.test),
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
