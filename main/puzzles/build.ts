// The functions behind `trm data build sudoku …` (a Sudoku dataset in the official TRM layout, spec §5.1/§5.3)
// and `trm data inspect DIR` (a summary of any official folder).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy, type NpyArray } from '../common/npy.ts';
import { readNpyHeader, readNpyRows, type NpyHeader } from '../common/npy-stream.ts';
import { Rng } from '../common/rng.ts';
import { officialMetadata, readJson, officialSplitProblems, OfficialFormatError, writeOfficialDataset, type OfficialMetadata, type OfficialSplit } from './official-format.ts';
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
 * Summarises a split folder reading only the headers and small arrays whole; the token arrays (GBs for a
 * paper-scale ARC build) are streamed in chunks for their counts and vocabulary check.
 */
function summariseSplitDir(splitDir: string, identifierCount: number): SplitSummary {
  const metadata = readJson(join(splitDir, 'dataset.json')) as OfficialMetadata;
  if (typeof metadata !== 'object' || metadata === null) throw new OfficialFormatError(`${join(splitDir, 'dataset.json')}: expected an object`);
  const L = metadata.seq_len;
  const file = (field: string): string => {
    const path = join(splitDir, `all__${field}.npy`);
    if (!existsSync(path)) throw new OfficialFormatError(`missing file ${path}`);
    return path;
  };
  const indices = (field: string): Int32Array => {
    const path = file(field);
    let npy: NpyArray;
    try { npy = readNpy(path); } catch (error) { throw new OfficialFormatError((error as Error).message); }
    if (npy.shape.length !== 1) throw new OfficialFormatError(`${path}: expected 1 dimension(s), got shape [${npy.shape}]`);
    if (npy.dtype === 'float32' || npy.dtype === 'float64' || npy.dtype === 'bool') throw new OfficialFormatError(`${path}: expected integers, got ${npy.dtype}`);
    return Int32Array.from(npy.data as ArrayLike<number | bigint>, Number);
  };
  const tokenHeader = (field: string): { path: string; header: NpyHeader } => {
    const path = file(field);
    let header: NpyHeader;
    try { header = readNpyHeader(path); } catch (error) { throw new OfficialFormatError((error as Error).message); }
    if (header.shape.length !== 2) throw new OfficialFormatError(`${path}: expected 2 dimension(s), got shape [${header.shape}]`);
    if (header.shape[1] !== L) throw new OfficialFormatError(`${path}: rows have ${header.shape[1]} tokens but dataset.json says seq_len ${L}`);
    if (header.dtype === 'float32' || header.dtype === 'float64' || header.dtype === 'bool') throw new OfficialFormatError(`${path}: expected integers, got ${header.dtype}`);
    return { path, header };
  };
  // uint8 tokens (every builder here) are streamed; other integer dtypes (small hand-built folders) are read whole.
  function* tokenChunks({ path, header }: { path: string; header: NpyHeader }): Generator<Uint8Array> {
    if (header.dtype === 'uint8') { yield* readNpyRows(path, header, L); return; }
    const values = readNpy(path).data as ArrayLike<number | bigint>;
    const out = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = Number(values[i]);
      if (v < 0 || v > 255) throw new OfficialFormatError(`${path}: token ${v} at position ${i} does not fit uint8`);
      out[i] = v;
    }
    yield out;
  }
  const inputs = tokenHeader('inputs');
  const labels = tokenHeader('labels');
  const rows = inputs.header.shape[0];
  if (labels.header.shape[0] !== rows) throw new OfficialFormatError(`${labels.path}: ${labels.header.shape[0]} rows but inputs hold ${rows}`);
  const split: OfficialSplit = {
    // The index checks below count rows, so the tokens stand in as one zero per row (seq_len 1); the tokens
    // themselves are checked while streaming.
    inputs: new Uint8Array(rows),
    labels: new Uint8Array(rows),
    puzzleIdentifiers: indices('puzzle_identifiers'),
    puzzleIndices: indices('puzzle_indices'),
    groupIndices: indices('group_indices'),
    metadata: { ...metadata, seq_len: 1 },
  };
  const problems = officialSplitProblems(split, identifierCount);
  const vocabSize = metadata.vocab_size;
  const inputTokenCounts = new Array<number>(vocabSize).fill(0);
  const counts = new Float64Array(256);
  let firstInput: number[] | null = null;
  for (const chunk of tokenChunks(inputs)) {
    if (firstInput === null && chunk.length >= L) firstInput = [...chunk.subarray(0, L)];
    for (let i = 0; i < chunk.length; i++) counts[chunk[i]]++;
  }
  let supervised = 0;
  let firstLabel: number[] | null = null;
  const labelCounts = new Float64Array(256);
  for (const chunk of tokenChunks(labels)) {
    if (firstLabel === null && chunk.length >= L) firstLabel = [...chunk.subarray(0, L)];
    for (let i = 0; i < chunk.length; i++) labelCounts[chunk[i]]++;
  }
  for (let t = 0; t < 256; t++) {
    if (t < vocabSize) inputTokenCounts[t] = counts[t];
    else if (counts[t] > 0) problems.push(`inputs: ${counts[t]} token(s) ${t} are outside the vocabulary (vocab_size ${vocabSize})`);
    if (t >= vocabSize && labelCounts[t] > 0) problems.push(`labels: ${labelCounts[t]} token(s) ${t} are outside the vocabulary (vocab_size ${vocabSize})`);
    if (t !== metadata.ignore_label_id) supervised += labelCounts[t];
  }
  if (problems.length > 0) throw new OfficialFormatError(`${splitDir} is not a valid official split:\n  ${problems.join('\n  ')}`);
  return {
    metadata,
    examples: rows,
    puzzles: split.puzzleIdentifiers.length,
    groups: split.groupIndices.length - 1,
    puzzlesPerGroup: rangeStats(split.groupIndices),
    examplesPerPuzzle: rangeStats(split.puzzleIndices),
    identifiersUsed: new Set(split.puzzleIdentifiers).size,
    supervisedFraction: rows > 0 ? supervised / (rows * L) : 0,
    inputTokenCounts,
    firstExample: firstInput && firstLabel ? { input: firstInput, label: firstLabel } : null,
  };
}

/** A structured summary of an official folder (validated on reading, token arrays streamed). */
export function inspectDatasetJson(dir: string): DatasetSummary {
  const identifiers = readJson(join(dir, 'identifiers.json'));
  if (!Array.isArray(identifiers) || identifiers.some((n) => typeof n !== 'string'))
    throw new OfficialFormatError(`${join(dir, 'identifiers.json')}: expected a list of names`);
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
