// The official TRM dataset folder (spec §5.1): write it, read it back with validation, and train from it
// (TaskData kind 'official', sampled exactly like the official loader, spec §5.2). Reading keeps the small index
// arrays in memory and reads token rows from disk as batches ask for them, so a multi-GB folder (paper-scale ARC)
// trains and evaluates in bounded memory.
//
//   <dir>/identifiers.json                  identifier names, "<blank>" at 0
//   <dir>/test_puzzles.json                 optional (ARC): raw test puzzles with solutions
//   <dir>/{train,test}/dataset.json         OfficialMetadata
//   <dir>/{train,test}/all__inputs.npy      [N, L] uint8      all__labels.npy [N, L] uint8
//   <dir>/{train,test}/all__puzzle_identifiers.npy [P] int32  all__puzzle_indices.npy [P+1] int32
//   <dir>/{train,test}/all__group_indices.npy      [G+1] int32
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ExpectedError } from '../common/errors.ts';
import { fsProblem, regularFileProblem } from '../common/fs-checks.ts';
import { readNpy, writeNpy, type NpyArray } from '../common/npy.ts';
import { NpyRowFile } from '../common/npy-stream.ts';
import type { DataConfig } from '../trm/config.ts';
import { HierarchySampler, evalBatches, exampleCount, examplesPerEpoch, hierarchyProblems, type ExampleRows, type Hierarchy, type PuzzleHierarchy, type StreamedHierarchy } from './hierarchy.ts';
import { registerTask, type TaskData, officialScoring } from './task-data.ts';

/** Exactly the fields of the official `dataset.json` (`PuzzleDatasetMetadata`). */
export interface OfficialMetadata {
  pad_id: number;
  ignore_label_id: number;
  blank_identifier_id: number;
  vocab_size: number;
  seq_len: number;
  num_puzzle_identifiers: number;
  total_groups: number;
  mean_puzzle_examples: number;
  total_puzzles: number;
  sets: string[];
}

export interface OfficialSplit {
  /** [N·L] input tokens. */
  inputs: Uint8Array;
  /** [N·L] label tokens (0 = ignored). */
  labels: Uint8Array;
  /** [P] identifier of each puzzle. */
  puzzleIdentifiers: Int32Array;
  /** [P+1] CSR offsets: examples of each puzzle. */
  puzzleIndices: Int32Array;
  /** [G+1] CSR offsets: puzzles of each group. */
  groupIndices: Int32Array;
  metadata: OfficialMetadata;
}

export interface OfficialDataset {
  train: OfficialSplit;
  test: OfficialSplit;
  /** Name of each puzzle identifier; index 0 is "<blank>". */
  identifiers: string[];
  /** Raw test puzzles (ARC writes them for its evaluator). */
  testPuzzles?: unknown;
}

/** A split opened from a folder: metadata and index arrays in memory, the [N, L] token files read on demand. */
export interface OfficialSplitFiles {
  metadata: OfficialMetadata;
  puzzleIdentifiers: Int32Array;
  puzzleIndices: Int32Array;
  groupIndices: Int32Array;
  inputs: NpyRowFile;
  labels: NpyRowFile;
}

/** An official folder opened for reading (see openOfficialFolder). */
export interface OfficialFolder {
  dir: string;
  identifiers: string[];
  train: OfficialSplitFiles;
  test: OfficialSplitFiles;
}

/** A folder that is not a dataset in the official layout; the message names the file and what is wrong. */
export class OfficialFormatError extends ExpectedError {
  constructor(message: string) {
    super(message, { code: 'invalid-input' });
    this.name = 'OfficialFormatError';
  }
}

const SPLITS = ['train', 'test'] as const;
const SET = 'all';

/** dataset.json for a split, derived from its arrays (pad, ignore label and blank identifier are all 0). */
export function officialMetadata(fields: { vocabSize: number; seqLen: number; numPuzzleIdentifiers: number; puzzleIndices: Int32Array; groupIndices: Int32Array }): OfficialMetadata {
  const totalPuzzles = fields.puzzleIndices.length - 1;
  const totalExamples = fields.puzzleIndices[totalPuzzles] ?? 0;
  return {
    pad_id: 0,
    ignore_label_id: 0,
    blank_identifier_id: 0,
    vocab_size: fields.vocabSize,
    seq_len: fields.seqLen,
    num_puzzle_identifiers: fields.numPuzzleIdentifiers,
    total_groups: fields.groupIndices.length - 1,
    mean_puzzle_examples: totalPuzzles > 0 ? totalExamples / totalPuzzles : 0,
    total_puzzles: totalPuzzles,
    sets: [SET],
  };
}

export const asHierarchy = (split: OfficialSplit): PuzzleHierarchy => ({ seqLen: split.metadata.seq_len, ...split });

/** Problems with a split in memory, as human-readable lines (empty = valid). */
export function officialSplitProblems(split: OfficialSplit, identifierCount?: number): string[] {
  const problems = metadataProblems(split.metadata);
  if (problems.length > 0) return problems;
  problems.push(...structureProblems(split.metadata, asHierarchy(split), identifierCount));
  for (const [name, tokens] of [['inputs', split.inputs], ['labels', split.labels]] as const) {
    const at = outsideVocabulary(tokens, split.metadata.vocab_size);
    if (at >= 0) problems.push(`${name}: token ${tokens[at]} at position ${at} is outside the vocabulary (vocab_size ${split.metadata.vocab_size})`);
  }
  return problems;
}

/** dataset.json fields that are missing or of the wrong kind. */
function metadataProblems(m: OfficialMetadata): string[] {
  const problems: string[] = [];
  for (const key of ['pad_id', 'ignore_label_id', 'blank_identifier_id', 'vocab_size', 'seq_len', 'num_puzzle_identifiers', 'total_groups', 'total_puzzles'] as const) {
    if (!Number.isInteger(m[key]) || m[key] < 0) problems.push(`dataset.json: ${key} must be an integer ≥ 0 (got ${JSON.stringify(m[key])})`);
  }
  if (!Array.isArray(m.sets) || !m.sets.includes(SET)) problems.push(`dataset.json: sets must include "${SET}" (got ${JSON.stringify(m.sets)})`);
  return problems;
}

/** Problems with the CSR structure, the counts in dataset.json and the identifiers (everything but the tokens). */
function structureProblems(m: OfficialMetadata, hierarchy: Hierarchy, identifierCount: number | undefined): string[] {
  const problems: string[] = [];
  if (m.vocab_size > 256) problems.push(`vocab_size ${m.vocab_size} does not fit uint8 tokens`);
  problems.push(...hierarchyProblems(hierarchy));
  if (hierarchy.groupIndices.length - 1 !== m.total_groups) problems.push(`total_groups is ${m.total_groups} but group_indices describes ${hierarchy.groupIndices.length - 1} groups`);
  if (hierarchy.puzzleIdentifiers.length !== m.total_puzzles) problems.push(`total_puzzles is ${m.total_puzzles} but puzzle_identifiers holds ${hierarchy.puzzleIdentifiers.length}`);
  const badId = hierarchy.puzzleIdentifiers.findIndex((id) => id < 0 || id >= m.num_puzzle_identifiers);
  if (badId >= 0) problems.push(`puzzle_identifiers[${badId}] = ${hierarchy.puzzleIdentifiers[badId]} is outside [0, ${m.num_puzzle_identifiers})`);
  if (identifierCount !== undefined && identifierCount < m.num_puzzle_identifiers)
    problems.push(`identifiers.json names ${identifierCount} identifiers but num_puzzle_identifiers is ${m.num_puzzle_identifiers}`);
  return problems;
}

/** Position of the first token outside [0, vocabSize), or −1. */
function outsideVocabulary(tokens: ArrayLike<number>, vocabSize: number): number {
  for (let i = 0; i < tokens.length; i++) if (tokens[i] < 0 || tokens[i] >= vocabSize) return i;
  return -1;
}

/** Writes the official folder. Everything is validated first, so a bad dataset leaves no partial folder. */
export function writeOfficialDataset(dir: string, dataset: OfficialDataset): void {
  const problems = SPLITS.flatMap((name) => officialSplitProblems(dataset[name], dataset.identifiers.length).map((p) => `${name}: ${p}`));
  if (problems.length > 0) throw new OfficialFormatError(`refusing to write an invalid dataset to ${dir}:\n  ${problems.join('\n  ')}`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'identifiers.json'), JSON.stringify(dataset.identifiers));
    if (dataset.testPuzzles !== undefined) writeFileSync(join(dir, 'test_puzzles.json'), JSON.stringify(dataset.testPuzzles));
    for (const name of SPLITS) {
      const split = dataset[name];
      const splitDir = join(dir, name);
      const L = split.metadata.seq_len;
      mkdirSync(splitDir, { recursive: true });
      writeFileSync(join(splitDir, 'dataset.json'), JSON.stringify(split.metadata));
      const write = (field: string, array: NpyArray) => writeNpy(join(splitDir, `${SET}__${field}.npy`), array);
      write('inputs', { dtype: 'uint8', shape: [split.inputs.length / L, L], data: split.inputs });
      write('labels', { dtype: 'uint8', shape: [split.labels.length / L, L], data: split.labels });
      write('puzzle_identifiers', { dtype: 'int32', shape: [split.puzzleIdentifiers.length], data: split.puzzleIdentifiers });
      write('puzzle_indices', { dtype: 'int32', shape: [split.puzzleIndices.length], data: split.puzzleIndices });
      write('group_indices', { dtype: 'int32', shape: [split.groupIndices.length], data: split.groupIndices });
    }
  } catch (error) {
    throw new OfficialFormatError(`could not write the dataset to ${dir}: ${(error as Error).message}`);
  }
}

/**
 * Opens an official folder for reading. The identifiers, each split's dataset.json and index arrays are read
 * and checked now, and the token files' headers (shape, dtype, seq_len); the tokens themselves are read, and
 * checked against the vocabulary, row by row when asked for. Errors name the file and what is wrong.
 */
export function openOfficialFolder(dir: string): OfficialFolder {
  const identifiers = readIdentifiers(dir);
  const train = openOfficialSplit(join(dir, 'train'), identifiers.length);
  try {
    return { dir, identifiers, train, test: openOfficialSplit(join(dir, 'test'), identifiers.length) };
  } catch (error) {
    closeSplit(train);
    throw error;
  }
}

/** One split folder of openOfficialFolder (also what `trm data inspect` streams through). */
export function openOfficialSplit(splitDir: string, identifierCount: number): OfficialSplitFiles {
  const metadata = readJson(join(splitDir, 'dataset.json')) as OfficialMetadata;
  if (typeof metadata !== 'object' || metadata === null) throw new OfficialFormatError(`${join(splitDir, 'dataset.json')}: expected an object`);
  const file = (field: string) => {
    const path = join(splitDir, `${SET}__${field}.npy`);
    if (!existsSync(path)) throw new OfficialFormatError(`missing file ${path}`);
    return path;
  };
  const indices = (field: string) => {
    const path = file(field);
    let npy: NpyArray;
    try { npy = readNpy(path); } catch (error) { throw new OfficialFormatError((error as Error).message); }
    if (npy.shape.length !== 1) throw new OfficialFormatError(`${path}: expected 1 dimension(s), got shape [${npy.shape}]`);
    if (npy.dtype === 'float32' || npy.dtype === 'float64' || npy.dtype === 'bool') throw new OfficialFormatError(`${path}: expected integers, got ${npy.dtype}`);
    return Int32Array.from(npy.data as ArrayLike<number | bigint>, Number);
  };
  const tokens = (field: string) => {
    const path = file(field);
    let rows: NpyRowFile;
    try { rows = new NpyRowFile(path); } catch (error) { throw new OfficialFormatError((error as Error).message); }
    if (rows.rowLength !== metadata.seq_len) {
      rows.close();
      throw new OfficialFormatError(`${path}: rows have ${rows.rowLength} tokens but dataset.json says seq_len ${metadata.seq_len}`);
    }
    return rows;
  };
  const puzzleIdentifiers = indices('puzzle_identifiers');
  const puzzleIndices = indices('puzzle_indices');
  const groupIndices = indices('group_indices');
  const inputs = tokens('inputs');
  let labels: NpyRowFile;
  try { labels = tokens('labels'); } catch (error) { inputs.close(); throw error; }
  const split: OfficialSplitFiles = { metadata, puzzleIdentifiers, puzzleIndices, groupIndices, inputs, labels };
  const problems = metadataProblems(metadata);
  if (problems.length === 0) {
    if (labels.rows !== inputs.rows) problems.push(`${labels.path}: ${labels.rows} rows but inputs hold ${inputs.rows}`);
    problems.push(...structureProblems(metadata, streamedHierarchy(split), identifierCount));
  }
  if (problems.length > 0) {
    closeSplit(split);
    throw new OfficialFormatError(`${splitDir} is not a valid official split:\n  ${problems.join('\n  ')}`);
  }
  return split;
}

/** Closes a split's token files (they are also closed when the split is garbage-collected). */
export function closeSplit(split: OfficialSplitFiles): void {
  split.inputs.close();
  split.labels.close();
}

/** An opened split as a hierarchy whose rows are read from disk as batches ask for them. */
export function streamedHierarchy(split: OfficialSplitFiles): StreamedHierarchy {
  return { seqLen: split.metadata.seq_len, puzzleIdentifiers: split.puzzleIdentifiers, puzzleIndices: split.puzzleIndices, groupIndices: split.groupIndices, rows: checkedRows(split) };
}

/** The token rows of an opened split; every row read is checked against the vocabulary. */
function checkedRows(split: OfficialSplitFiles): ExampleRows {
  const { seq_len: L, vocab_size: vocabSize } = split.metadata;
  return {
    count: split.inputs.rows,
    gather: (rows, inputs, labels) => {
      for (const [file, out] of [[split.inputs, inputs], [split.labels, labels]] as const) {
        file.read(rows, out);
        const at = outsideVocabulary(out.subarray(0, rows.length * L), vocabSize);
        if (at >= 0) throw new OfficialFormatError(`${file.path}: token ${out[at]} in row ${rows[Math.floor(at / L)]} is outside the vocabulary (vocab_size ${vocabSize})`);
      }
    },
  };
}

/** Reads a whole official folder into memory (small folders: tests, round trips), through the same checks. */
export function readOfficialDataset(dir: string): OfficialDataset {
  const folder = openOfficialFolder(dir);
  try {
    const dataset: OfficialDataset = { train: splitInMemory(folder.train), test: splitInMemory(folder.test), identifiers: folder.identifiers };
    const testPuzzlesPath = join(dir, 'test_puzzles.json');
    if (existsSync(testPuzzlesPath)) dataset.testPuzzles = readJson(testPuzzlesPath);
    return dataset;
  } finally {
    closeSplit(folder.train);
    closeSplit(folder.test);
  }
}

function splitInMemory(split: OfficialSplitFiles): OfficialSplit {
  const L = split.metadata.seq_len;
  const count = split.inputs.rows;
  const inputs = new Int32Array(count * L);
  const labels = new Int32Array(count * L);
  checkedRows(split).gather(Array.from({ length: count }, (_, i) => i), inputs, labels);
  // Checked against the vocabulary (≤ 256) while reading, so every token fits uint8.
  return { ...split, inputs: Uint8Array.from(inputs), labels: Uint8Array.from(labels) };
}

/** The folder's identifiers.json, after checking that `dir` is a folder that looks like an official dataset:
 *  a missing path, a file or an empty folder are each named as such rather than as a missing identifiers.json. */
export function readIdentifiers(dir: string): string[] {
  let stats;
  try {
    stats = statSync(dir);
  } catch (error) {
    throw new OfficialFormatError(`dataset folder ${dir} ${fsProblem(error, dir) ?? (error as Error).message}`);
  }
  if (!stats.isDirectory()) throw new OfficialFormatError(`dataset folder ${dir} is a file, not a folder`);
  if (!['identifiers.json', 'train', 'test'].some((name) => existsSync(join(dir, name))))
    throw new OfficialFormatError(`${dir} is not a dataset in the official TRM layout: it has no identifiers.json, train/ or test/ (trm data build writes one)`);
  const identifiers = readJson(join(dir, 'identifiers.json'));
  if (!Array.isArray(identifiers) || identifiers.some((n) => typeof n !== 'string'))
    throw new OfficialFormatError(`${join(dir, 'identifiers.json')}: expected a list of names`);
  return identifiers;
}

/** A JSON file of an official folder, with errors naming the file. */
export function readJson(path: string): unknown {
  if (!existsSync(path)) throw new OfficialFormatError(`missing file ${path}`);
  const notAFile = regularFileProblem(path);
  if (notAFile) throw new OfficialFormatError(`${path} ${notAFile}`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new OfficialFormatError(`${path}: ${(error as Error).message}`);
  }
}

/** Token rows per file that the fingerprint reads: the first, the last and evenly spaced ones between. */
const FINGERPRINT_ROWS = 1024;

/** SHA-256 over the identifiers, each split's metadata and index arrays, its token files' sizes and a sample of
 *  their rows. Rebuilding a folder changes its names (ARC: the augmentations), indices or sampled rows, and a
 *  multi-GB folder is not read whole at every start (the official loader keeps no fingerprint at all). */
export function officialFingerprint(folder: OfficialFolder): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(folder.identifiers));
  for (const name of SPLITS) {
    const split = folder[name];
    hash.update(JSON.stringify(split.metadata));
    for (const a of [split.puzzleIdentifiers, split.puzzleIndices, split.groupIndices]) hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    const count = split.inputs.rows;
    const sampled = Math.min(count, FINGERPRINT_ROWS);
    const rows = Array.from({ length: sampled }, (_, i) => (sampled === 1 ? 0 : Math.round((i * (count - 1)) / (sampled - 1))));
    const inputs = new Int32Array(sampled * split.inputs.rowLength);
    const labels = new Int32Array(sampled * split.labels.rowLength);
    checkedRows(split).gather(rows, inputs, labels);
    hash.update(`${count}×${split.inputs.rowLength}`);
    for (const a of [inputs, labels]) hash.update(new Uint8Array(a.buffer));
  }
  return hash.digest('hex');
}

/** How to show a token sequence of an official folder whose task is not known: a square grid when L is a
 *  square; ARC's vocabulary (PAD, EOS, colours 0..9 at 2..11) or else "token − 1" with PAD shown as empty. */
function officialGrid(vocabSize: number, seqLen: number): TaskData['grid'] {
  const side = Math.round(Math.sqrt(seqLen));
  const square = side * side === seqLen;
  const isArc = vocabSize === 12 && seqLen === 900;
  return {
    rows: square ? side : 1,
    cols: square ? side : seqLen,
    cellOfToken: (token) => (isArc ? (token < 2 ? null : token - 2) : token < 1 ? null : token - 1),
  };
}

export function openOfficialTask(config: Extract<DataConfig, { kind: 'official' }>): TaskData {
  const dir = resolve(config.dir);
  const folder = openOfficialFolder(dir);
  const train = streamedHierarchy(folder.train);
  const test = streamedHierarchy(folder.test);
  const { vocab_size: vocabSize, seq_len: seqLen } = folder.train.metadata;
  if (folder.test.metadata.seq_len !== seqLen || folder.test.metadata.vocab_size !== vocabSize) {
    closeSplit(folder.train);
    closeSplit(folder.test);
    throw new OfficialFormatError(`${dir}: train and test disagree on seq_len or vocab_size`);
  }
  const grid = officialGrid(vocabSize, seqLen);
  return {
    kind: 'official',
    vocabSize,
    seqLen,
    numPuzzleIdentifiers: Math.max(folder.train.metadata.num_puzzle_identifiers, folder.test.metadata.num_puzzle_identifiers),
    fingerprint: officialFingerprint(folder),
    trainExamplesPerEpoch: examplesPerEpoch(train),
    trainBatches: (batchSize, seed) => new HierarchySampler(train, batchSize, seed),
    testCount: exampleCount(test),
    testBatches: (batchSize, limit) => evalBatches(test, batchSize, limit, (row) => `test/${row}`),
    render: (tokens) => renderTokens(tokens, grid),
    grid,
    ...officialScoring(dir, vocabSize),
  };
}

/** Rows of cell values: `.` for 0 (blank / black), a space for PAD and markers. */
function renderTokens(tokens: ArrayLike<number>, grid: TaskData['grid']): string {
  const lines: string[] = [];
  for (let r = 0; r < grid.rows; r++) {
    const cells: string[] = [];
    for (let c = 0; c < grid.cols; c++) {
      const value = grid.cellOfToken(tokens[r * grid.cols + c]);
      cells.push(value === null ? ' ' : value === 0 ? '.' : String(value));
    }
    lines.push(cells.join(' '));
  }
  return lines.join('\n');
}

registerTask('official', (config) => {
  if (config.kind !== 'official') throw new Error(`expected an 'official' data config, got '${config.kind}'`);
  return openOfficialTask(config);
});
