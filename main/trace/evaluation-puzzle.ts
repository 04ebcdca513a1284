// A held-out example of a run's own data, found by the key its evaluation stored for it, so the step viewer's
// dataset view can trace any evaluated puzzle. The example is regenerated from TaskData.testBatches (the data is
// deterministic for a config and seed), never stored twice.
//   per-example keys   "test/17" (Sudoku, maze, official folders), "<task>:<pair>|<version>" (ARC rows)
//   ARC puzzle keys    "<task>:<pair>" (one row per test input after voting): the un-augmented version is traced
import type { TaskData } from '../puzzles/task-data.ts';
import { PuzzleInputError, type PuzzleInput } from './puzzle-input.ts';

/** Rows scanned per batch while looking for a key. */
const SEARCH_BATCH = 256;

export function evaluationPuzzle(data: TaskData, key: string): PuzzleInput {
  const arcTaskId = /^(.*):\d+$/.exec(key)?.[1];
  let fallback: PuzzleInput | null = null;
  for (const batch of data.testBatches(SEARCH_BATCH)) {
    for (let row = 0; row < batch.realCount; row++) {
      const rowKey = batch.keys[row];
      if (rowKey === key) return exampleAt(data, batch, row, key);
      if (data.kind === 'arc' && rowKey.startsWith(`${key}|`)) {
        // The original version is named by the task id alone; augmented ones carry a transform suffix.
        if (rowKey === `${key}|${arcTaskId}`) return exampleAt(data, batch, row, key);
        fallback ??= exampleAt(data, batch, row, key, [`the un-augmented version of ${key} is not in the held-out set; traced ${rowKey}`]);
      }
    }
  }
  if (fallback) return fallback;
  throw new PuzzleInputError(`no held-out example '${key}' in this run's data (${data.testCount} examples)`);
}

function exampleAt(data: TaskData, batch: { seqLen: number; inputs: Int32Array; labels: Int32Array; puzzleIdentifiers: Int32Array }, row: number, key: string, warnings: string[] = []): PuzzleInput {
  const L = batch.seqLen;
  const kind = data.kind === 'arc' || data.kind === 'maze' ? data.kind : 'sudoku';
  return {
    kind,
    inputs: batch.inputs.slice(row * L, (row + 1) * L),
    labels: batch.labels.slice(row * L, (row + 1) * L),
    puzzleIdentifier: batch.puzzleIdentifiers[row],
    puzzleKey: key,
    warnings,
  };
}
