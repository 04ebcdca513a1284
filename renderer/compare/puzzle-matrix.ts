// Which puzzles each run solves, from each run's latest evaluation, and the filters over that matrix.

export interface PuzzleRow {
  puzzleKey: string;
  /** Per run id: solved (true), failed (false); absent when the run's evaluation did not include the puzzle. */
  solved: ReadonlyMap<number, boolean>;
}

export type PuzzleFilter =
  | { kind: 'all' }
  | { kind: 'solved-by-a-not-b'; a: number; b: number }
  | { kind: 'solved-by-none' }
  | { kind: 'solved-by-all' };

/** Rows for the union of puzzle keys, sorted by key. */
export function puzzleMatrix(resultsByRun: ReadonlyMap<number, readonly { puzzleKey: string; correct: boolean }[]>): PuzzleRow[] {
  const rows = new Map<string, Map<number, boolean>>();
  for (const [runId, results] of resultsByRun) {
    for (const { puzzleKey, correct } of results) {
      let solved = rows.get(puzzleKey);
      if (!solved) rows.set(puzzleKey, (solved = new Map()));
      solved.set(runId, correct);
    }
  }
  return [...rows.entries()].sort((a, b) => a[0].localeCompare(b[0], undefined, { numeric: true })).map(([puzzleKey, solved]) => ({ puzzleKey, solved }));
}

/** "None" and "all" consider only the given runs; a puzzle a run did not evaluate counts as not solved by it. */
export function filterPuzzles(rows: readonly PuzzleRow[], filter: PuzzleFilter, runIds: readonly number[]): PuzzleRow[] {
  switch (filter.kind) {
    case 'all': return rows.slice();
    case 'solved-by-a-not-b': return rows.filter((row) => row.solved.get(filter.a) === true && row.solved.get(filter.b) !== true);
    case 'solved-by-none': return rows.filter((row) => runIds.every((id) => row.solved.get(id) !== true));
    case 'solved-by-all': return rows.filter((row) => runIds.every((id) => row.solved.get(id) === true));
  }
}
