// The official TRM dataset folder (spec §5.1): write it, read it back with validation, and train from it
// (TaskData kind 'official', sampled exactly like the official loader, spec §5.2).
//
//   <dir>/identifiers.json                  identifier names, "<blank>" at 0
//   <dir>/test_puzzles.json                 optional (ARC): raw test puzzles with solutions
//   <dir>/{train,test}/dataset.json         OfficialMetadata
//   <dir>/{train,test}/all__inputs.npy      [N, L] uint8      all__labels.npy [N, L] uint8
//   <dir>/{train,test}/all__puzzle_identifiers.npy [P] int32  all__puzzle_indices.npy [P+1] int32
//   <dir>/{train,test}/all__group_indices.npy      [G+1] int32
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readNpy, writeNpy, type NpyArray } from '../common/npy.ts';
import type { DataConfig } from '../trm/config.ts';
import { HierarchySampler, evalBatches, exampleCount, examplesPerEpoch, hierarchyProblems, type PuzzleHierarchy } from './hierarchy.ts';
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

export class OfficialFormatError extends Error {}

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

/** Problems with a split, as human-readable lines (empty = valid). */
export function officialSplitProblems(split: OfficialSplit, identifierCount?: number): string[] {
  const m = split.metadata;
  const problems: string[] = [];
  for (const key of ['pad_id', 'ignore_label_id', 'blank_identifier_id', 'vocab_size', 'seq_len', 'num_puzzle_identifiers', 'total_groups', 'total_puzzles'] as const) {
    if (!Number.isInteger(m[key]) || m[key] < 0) problems.push(`dataset.json: ${key} must be an integer ≥ 0 (got ${JSON.stringify(m[key])})`);
  }
  if (!Array.isArray(m.sets) || !m.sets.includes(SET)) problems.push(`dataset.json: sets must include "${SET}" (got ${JSON.stringify(m.sets)})`);
  if (problems.length > 0) return problems;
  if (m.vocab_size > 256) problems.push(`vocab_size ${m.vocab_size} does not fit uint8 tokens`);
  problems.push(...hierarchyProblems(asHierarchy(split)));
  if (split.groupIndices.length - 1 !== m.total_groups) problems.push(`total_groups is ${m.total_groups} but group_indices describes ${split.groupIndices.length - 1} groups`);
  if (split.puzzleIdentifiers.length !== m.total_puzzles) problems.push(`total_puzzles is ${m.total_puzzles} but puzzle_identifiers holds ${split.puzzleIdentifiers.length}`);
  const tooLarge = (tokens: Uint8Array) => tokens.findIndex((t) => t >= m.vocab_size);
  for (const [name, tokens] of [['inputs', split.inputs], ['labels', split.labels]] as const) {
    const at = tooLarge(tokens);
    if (at >= 0) problems.push(`${name}: token ${tokens[at]} at position ${at} is outside the vocabulary (vocab_size ${m.vocab_size})`);
  }
  const badId = split.puzzleIdentifiers.findIndex((id) => id < 0 || id >= m.num_puzzle_identifiers);
  if (badId >= 0) problems.push(`puzzle_identifiers[${badId}] = ${split.puzzleIdentifiers[badId]} is outside [0, ${m.num_puzzle_identifiers})`);
  if (identifierCount !== undefined && identifierCount < m.num_puzzle_identifiers)
    problems.push(`identifiers.json names ${identifierCount} identifiers but num_puzzle_identifiers is ${m.num_puzzle_identifiers}`);
  return problems;
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

/** Reads and validates an official folder; errors name the file and what is wrong. */
export function readOfficialDataset(dir: string): OfficialDataset {
  const identifiers = readJson(join(dir, 'identifiers.json'));
  if (!Array.isArray(identifiers) || identifiers.some((n) => typeof n !== 'string'))
    throw new OfficialFormatError(`${join(dir, 'identifiers.json')}: expected a list of names`);
  const testPuzzlesPath = join(dir, 'test_puzzles.json');
  const dataset: OfficialDataset = {
    train: readSplit(join(dir, 'train'), identifiers.length),
    test: readSplit(join(dir, 'test'), identifiers.length),
    identifiers,
  };
  if (existsSync(testPuzzlesPath)) dataset.testPuzzles = readJson(testPuzzlesPath);
  return dataset;
}

function readSplit(splitDir: string, identifierCount: number): OfficialSplit {
  const metadata = readJson(join(splitDir, 'dataset.json')) as OfficialMetadata;
  if (typeof metadata !== 'object' || metadata === null) throw new OfficialFormatError(`${join(splitDir, 'dataset.json')}: expected an object`);
  const L = metadata.seq_len;
  const array = (field: string, rank: number) => {
    const path = join(splitDir, `${SET}__${field}.npy`);
    if (!existsSync(path)) throw new OfficialFormatError(`missing file ${path}`);
    let npy: NpyArray;
    try { npy = readNpy(path); } catch (error) { throw new OfficialFormatError((error as Error).message); }
    if (npy.shape.length !== rank) throw new OfficialFormatError(`${path}: expected ${rank} dimension(s), got shape [${npy.shape}]`);
    if (rank === 2 && npy.shape[1] !== L) throw new OfficialFormatError(`${path}: rows have ${npy.shape[1]} tokens but dataset.json says seq_len ${L}`);
    if (npy.dtype === 'float32' || npy.dtype === 'float64' || npy.dtype === 'bool') throw new OfficialFormatError(`${path}: expected integers, got ${npy.dtype}`);
    return { path, values: npy.data };
  };
  const tokens = (field: string) => {
    const { path, values } = array(field, 2);
    if (values instanceof Uint8Array) return values;
    // Other integer dtypes (hand-built folders) are accepted when every value fits uint8.
    const out = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = Number(values[i]);
      if (v < 0 || v > 255) throw new OfficialFormatError(`${path}: token ${v} at position ${i} does not fit uint8`);
      out[i] = v;
    }
    return out;
  };
  const indices = (field: string) => Int32Array.from(array(field, 1).values as ArrayLike<number | bigint>, Number);
  const split: OfficialSplit = {
    inputs: tokens('inputs'),
    labels: tokens('labels'),
    puzzleIdentifiers: indices('puzzle_identifiers'),
    puzzleIndices: indices('puzzle_indices'),
    groupIndices: indices('group_indices'),
    metadata,
  };
  const problems = officialSplitProblems(split, identifierCount);
  if (problems.length > 0) throw new OfficialFormatError(`${splitDir} is not a valid official split:\n  ${problems.join('\n  ')}`);
  return split;
}

/** A JSON file of an official folder, with errors naming the file. */
export function readJson(path: string): unknown {
  if (!existsSync(path)) throw new OfficialFormatError(`missing file ${path}`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new OfficialFormatError(`${path}: ${(error as Error).message}`);
  }
}

/** SHA-256 over the arrays and metadata of both splits and the identifiers. */
export function officialFingerprint(dataset: OfficialDataset): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(dataset.identifiers));
  for (const name of SPLITS) {
    const s = dataset[name];
    hash.update(JSON.stringify(s.metadata));
    for (const a of [s.inputs, s.labels, s.puzzleIdentifiers, s.puzzleIndices, s.groupIndices]) hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
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
  const dataset = readOfficialDataset(dir);
  const train = asHierarchy(dataset.train);
  const test = asHierarchy(dataset.test);
  const { vocab_size: vocabSize, seq_len: seqLen } = dataset.train.metadata;
  if (dataset.test.metadata.seq_len !== seqLen || dataset.test.metadata.vocab_size !== vocabSize)
    throw new OfficialFormatError(`${dir}: train and test disagree on seq_len or vocab_size`);
  const grid = officialGrid(vocabSize, seqLen);
  return {
    kind: 'official',
    vocabSize,
    seqLen,
    numPuzzleIdentifiers: Math.max(dataset.train.metadata.num_puzzle_identifiers, dataset.test.metadata.num_puzzle_identifiers),
    fingerprint: officialFingerprint(dataset),
    trainExamplesPerEpoch: examplesPerEpoch(train),
    trainBatches: (batchSize, seed) => new HierarchySampler(train, batchSize, seed),
    testCount: exampleCount(test),
    testBatches: (batchSize, limit) => evalBatches(test, batchSize, limit, (row) => `test/${row}`),
    render: (tokens) => renderTokens(tokens, grid),
    grid,
    scoreEvaluation: officialScoring(dir, vocabSize),
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
