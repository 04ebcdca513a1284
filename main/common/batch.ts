// The unit of data every task produces and the engine consumes. Tasks plug in as data: the training loop and
// the model only ever see these arrays, never a Sudoku or a maze.

/** B examples of L tokens. Token ids follow the official datasets (0 = PAD). */
export interface Batch {
  /** B: examples in the batch. */
  size: number;
  /** L: tokens per example. */
  seqLen: number;
  /** [B·L] input token ids. */
  inputs: Int32Array;
  /** [B·L] target token ids in the dataset convention: 0 = ignored (not supervised). */
  labels: Int32Array;
  /** [B] row of the puzzle-embedding table for each example (0 = the blank identifier). */
  puzzleIdentifiers: Int32Array;
}

/** Endless, seeded stream of training batches. */
export interface BatchSource {
  next(): Batch;
}
