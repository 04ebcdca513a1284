// The dataset hierarchy of the official TRM format (spec §5.1): a group is an original puzzle, its puzzles are
// the original and its augmented versions (each with its own identifier), and each puzzle holds one or more
// examples. Training samples it exactly like the official loader (spec §5.2, `_iter_train`); evaluation walks
// the examples in file order with the last batch padded (`_iter_test`).
import type { Batch, BatchSource } from '../common/batch.ts';
import { Rng } from '../common/rng.ts';
import type { EvalBatch } from './task-data.ts';

/** Example rows read on demand (an official folder's token files), for data too large to hold in memory. */
export interface ExampleRows {
  /** Number of example rows. */
  count: number;
  /** Copies example rows[b] to inputs and labels [b·L .. (b+1)·L). */
  gather(rows: readonly number[], inputs: Int32Array, labels: Int32Array): void;
}

/** Examples in CSR form: rows of `seqLen` tokens, puzzles as row ranges, groups as puzzle ranges. */
interface HierarchyIndex {
  seqLen: number;
  /** [P] identifier (puzzle-embedding row) of each puzzle. */
  puzzleIdentifiers: Int32Array;
  /** [P+1] examples of puzzle p are rows puzzleIndices[p] .. puzzleIndices[p+1]-1. */
  puzzleIndices: Int32Array;
  /** [G+1] puzzles of group g are puzzleIndices rows groupIndices[g] .. groupIndices[g+1]-1. */
  groupIndices: Int32Array;
}

/** A hierarchy with its tokens in memory. */
export interface PuzzleHierarchy extends HierarchyIndex {
  /** [N·L] input tokens. */
  inputs: ArrayLike<number>;
  /** [N·L] label tokens, 0 = ignored. */
  labels: ArrayLike<number>;
}

/** A hierarchy whose token rows are read on demand. */
export interface StreamedHierarchy extends HierarchyIndex {
  rows: ExampleRows;
}

export type Hierarchy = PuzzleHierarchy | StreamedHierarchy;

/** The example rows of a hierarchy, however it holds them. */
function rowsOf(h: Hierarchy): ExampleRows {
  if ('rows' in h) return h.rows;
  const { inputs: sourceInputs, labels: sourceLabels, seqLen: L } = h;
  return {
    count: sourceInputs.length / L,
    gather: (rows, inputs, labels) => rows.forEach((row, b) => {
      for (let t = 0; t < L; t++) {
        inputs[b * L + t] = sourceInputs[row * L + t];
        labels[b * L + t] = sourceLabels[row * L + t];
      }
    }),
  };
}

export const exampleCount = (h: Hierarchy): number => rowsOf(h).count;
export const puzzleCount = (h: Hierarchy): number => h.puzzleIdentifiers.length;
export const groupCount = (h: Hierarchy): number => h.groupIndices.length - 1;
/** Examples per training epoch as the official code counts them (`total_groups × mean_puzzle_examples`): the
 *  sampler draws one puzzle per group per epoch, so augmented versions of a puzzle do not add to an epoch. */
export const examplesPerEpoch = (h: Hierarchy): number => (groupCount(h) * exampleCount(h)) / puzzleCount(h);

/** Inconsistencies in the CSR structure, as human-readable lines (empty = valid). */
export function hierarchyProblems(h: Hierarchy): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(h.seqLen) || h.seqLen < 1) return [`seq_len must be an integer ≥ 1 (got ${h.seqLen})`];
  if ('inputs' in h) {
    if (h.inputs.length % h.seqLen !== 0) problems.push(`inputs hold ${h.inputs.length} tokens, not a multiple of seq_len ${h.seqLen}`);
    if (h.labels.length !== h.inputs.length) problems.push(`labels hold ${h.labels.length} tokens but inputs hold ${h.inputs.length}`);
  }
  const examples = Math.floor(exampleCount(h));
  const puzzles = h.puzzleIdentifiers.length;
  problems.push(...csrProblems('puzzle_indices', h.puzzleIndices, puzzles, examples, 'examples'));
  problems.push(...csrProblems('group_indices', h.groupIndices, undefined, puzzles, 'puzzles'));
  return problems;
}

function csrProblems(name: string, offsets: Int32Array, expectedRanges: number | undefined, total: number, what: string): string[] {
  if (expectedRanges !== undefined && offsets.length !== expectedRanges + 1)
    return [`${name} has ${offsets.length} entries, expected ${expectedRanges + 1} (one per puzzle, plus one)`];
  if (offsets.length < 1) return [`${name} is empty (it needs at least the leading 0)`];
  if (offsets[0] !== 0) return [`${name} must start at 0 (got ${offsets[0]})`];
  if (offsets[offsets.length - 1] !== total) return [`${name} must end at the number of ${what} ${total} (got ${offsets[offsets.length - 1]})`];
  for (let i = 1; i < offsets.length; i++) {
    // Every range needs at least one member: the sampler draws one puzzle per group and one example per puzzle.
    if (offsets[i] <= offsets[i - 1]) return [`${name} must be strictly increasing (entry ${i}: ${offsets[i - 1]} → ${offsets[i]})`];
  }
  return [];
}

export interface HierarchySamplerState {
  /** Rng state when the current iteration's group order was drawn (the order is redrawn from it on restore). */
  iterationRngState: number;
  cursor: number;
  rngState: number;
}

/**
 * Endless training stream over a hierarchy, following the official `_iter_train`: an iteration is the
 * concatenation of `epochsPerIteration` random permutations of the groups; each group contributes one random
 * puzzle and as many of its examples (without replacement, random order) as still fit; the last incomplete
 * batch of an iteration is dropped and the next iteration starts. When the groups cannot fill one batch per
 * epoch, an iteration spans enough epochs to fill at least one.
 */
export class HierarchySampler implements BatchSource {
  private readonly rng: Rng;
  private readonly epochsPerIteration: number;
  private order: Int32Array = new Int32Array(0);
  private cursor = 0;
  private iterationRngState = 0;
  private readonly rows: ExampleRows;

  constructor(private readonly data: Hierarchy, private readonly batchSize: number, seed: number, epochsPerIteration = 1) {
    this.rows = rowsOf(data);
    const groups = groupCount(data);
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batch size must be an integer ≥ 1 (got ${batchSize})`);
    if (groups < 1) throw new Error('the dataset has no groups to sample from');
    this.rng = new Rng(seed);
    // Each group yields at least one example, so G·epochs ≥ B guarantees at least one full batch per iteration.
    this.epochsPerIteration = Math.max(epochsPerIteration, Math.ceil(batchSize / groups));
    this.startIteration();
  }

  next(): Batch {
    for (;;) {
      const batch = this.fillBatch();
      if (batch) return batch;
      this.startIteration();
    }
  }

  getState(): HierarchySamplerState {
    return { iterationRngState: this.iterationRngState, cursor: this.cursor, rngState: this.rng.state };
  }

  setState(state: unknown): void {
    const s = state as HierarchySamplerState;
    if (!s || typeof s.iterationRngState !== 'number' || typeof s.cursor !== 'number' || typeof s.rngState !== 'number')
      throw new Error('invalid hierarchy sampler state');
    this.rng.state = s.iterationRngState;
    this.startIteration();
    this.cursor = s.cursor;
    this.rng.state = s.rngState;
  }

  private startIteration(): void {
    const groups = groupCount(this.data);
    this.iterationRngState = this.rng.state;
    this.order = new Int32Array(groups * this.epochsPerIteration);
    for (let epoch = 0; epoch < this.epochsPerIteration; epoch++) this.order.set(this.rng.permutation(groups), epoch * groups);
    this.cursor = 0;
  }

  /** The next full batch of this iteration, or null when the iteration runs out (its remainder is dropped). */
  private fillBatch(): Batch | null {
    const { data, batchSize, rng } = this;
    const rows: number[] = [];
    const identifiers: number[] = [];
    while (this.cursor < this.order.length && rows.length < batchSize) {
      const group = this.order[this.cursor++];
      const puzzle = rng.int(data.groupIndices[group], data.groupIndices[group + 1] - 1);
      const first = data.puzzleIndices[puzzle];
      const available = data.puzzleIndices[puzzle + 1] - first;
      const take = Math.min(available, batchSize - rows.length);
      for (const offset of sampleWithoutReplacement(available, take, rng)) {
        rows.push(first + offset);
        identifiers.push(data.puzzleIdentifiers[puzzle]);
      }
    }
    if (rows.length < batchSize) return null;
    return gatherBatch(this.rows, data.seqLen, rows, identifiers, batchSize);
  }
}

/** `count` distinct integers from [0, n) in random order (partial Fisher–Yates). */
function sampleWithoutReplacement(n: number, count: number, rng: Rng): number[] {
  if (n === 1) return [0];
  const pool = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rng.next() * (n - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, count);
}

/** A batch of `size` rows; rows beyond `rows.length` are padding (PAD inputs, ignored labels, identifier 0). */
function gatherBatch(source: ExampleRows, seqLen: number, rows: number[], identifiers: number[], size: number): Batch {
  const inputs = new Int32Array(size * seqLen);
  const labels = new Int32Array(size * seqLen);
  const puzzleIdentifiers = new Int32Array(size);
  source.gather(rows, inputs, labels);
  puzzleIdentifiers.set(identifiers);
  return { size, seqLen, inputs, labels, puzzleIdentifiers };
}

/** The puzzle each example row belongs to. */
export function puzzleOfExample(h: Hierarchy): Int32Array {
  const owner = new Int32Array(exampleCount(h));
  for (let p = 0; p < puzzleCount(h); p++) owner.fill(p, h.puzzleIndices[p], h.puzzleIndices[p + 1]);
  return owner;
}

/** Held-out batches in file order (official `_iter_test`); `limit` keeps the first N examples. */
export function* evalBatches(h: Hierarchy, batchSize: number, limit: number | undefined, keyOf: (row: number) => string): Iterable<EvalBatch> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batch size must be an integer ≥ 1 (got ${batchSize})`);
  const source = rowsOf(h);
  const total = Math.min(source.count, limit && limit > 0 ? limit : Infinity);
  const owner = puzzleOfExample(h);
  for (let start = 0; start < total; start += batchSize) {
    const rows = Array.from({ length: Math.min(batchSize, total - start) }, (_, i) => start + i);
    const batch = gatherBatch(source, h.seqLen, rows, rows.map((row) => h.puzzleIdentifiers[owner[row]]), batchSize);
    yield { ...batch, realCount: rows.length, keys: rows.map(keyOf) };
  }
}
