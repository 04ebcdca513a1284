// Evaluations of a checkpoint on a data split: aggregate metrics plus one row per puzzle (for drill-down).
import { parseJson, prepared, writeTransaction, type Database } from './sql.ts';
// `import type` is erased at run time, so db loads no zod.
import type { EvaluationInfo, EvaluationPuzzle } from '../preload/contract.ts';

export interface PuzzleResult {
  puzzleKey: string;
  correct: boolean;
  /** The supervision step at which the model halted, when known. */
  haltStep?: number;
  detail?: object;
}

export interface NewEvaluation {
  runId: number;
  checkpointStep: number;
  split: string;
  metrics: object;
  perPuzzle: PuzzleResult[];
}

/** An evaluation and one puzzle's result as stored: the API's types (the one declaration, preload/contract.ts). */
export type EvaluationRow = EvaluationInfo;
export type PuzzleResultRow = EvaluationPuzzle;

interface EvaluationRecord {
  id: number; run_id: number; checkpoint_step: number; split: string; metrics_json: string; puzzle_count: number;
  correct_count: number; created_at: number;
}

/** Stores the evaluation and its per-puzzle rows in one transaction; returns the evaluation id. */
export function addEvaluation(sqlite: Database, evaluation: NewEvaluation): number {
  const insertPuzzle = prepared(sqlite, `
    INSERT INTO evaluation_puzzles (evaluation_id, puzzle_key, correct, halt_step, detail_json) VALUES (?, ?, ?, ?, ?)`);
  const seen = new Set<string>();
  for (const { puzzleKey } of evaluation.perPuzzle) {
    if (seen.has(puzzleKey)) throw new Error(`addEvaluation(run ${evaluation.runId}): puzzle "${puzzleKey}" appears twice; puzzle keys must be unique per evaluation`);
    seen.add(puzzleKey);
  }
  return writeTransaction(sqlite, () => {
    const correctCount = evaluation.perPuzzle.filter((puzzle) => puzzle.correct).length;
    const { lastInsertRowid } = prepared(sqlite, `
      INSERT INTO evaluations (run_id, checkpoint_step, split, metrics_json, puzzle_count, correct_count, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)`).run(evaluation.runId, evaluation.checkpointStep, evaluation.split,
      JSON.stringify(evaluation.metrics), evaluation.perPuzzle.length, correctCount, Date.now());
    const evaluationId = Number(lastInsertRowid);
    for (const puzzle of evaluation.perPuzzle) {
      insertPuzzle.run(evaluationId, puzzle.puzzleKey, puzzle.correct ? 1 : 0, puzzle.haltStep ?? null,
        puzzle.detail === undefined ? null : JSON.stringify(puzzle.detail));
    }
    return evaluationId;
  });
}

/** A run's evaluations, newest checkpoint first (then newest evaluation first). */
export function listEvaluations(sqlite: Database, runId: number): EvaluationRow[] {
  const records = prepared(sqlite, 'SELECT * FROM evaluations WHERE run_id = ? ORDER BY checkpoint_step DESC, id DESC').all(runId) as EvaluationRecord[];
  return records.map((record) => ({
    id: record.id, runId: record.run_id, checkpointStep: record.checkpoint_step, split: record.split,
    metrics: JSON.parse(record.metrics_json) as Record<string, unknown>, puzzleCount: record.puzzle_count,
    correctCount: record.correct_count, createdAt: record.created_at,
  }));
}

/** The per-puzzle results of one evaluation, by puzzle key. */
export function getEvaluationPuzzles(sqlite: Database, evaluationId: number): PuzzleResultRow[] {
  const records = prepared(sqlite, 'SELECT * FROM evaluation_puzzles WHERE evaluation_id = ? ORDER BY puzzle_key')
    .all(evaluationId) as { puzzle_key: string; correct: number; halt_step: number | null; detail_json: string | null }[];
  return records.map((record) => ({
    puzzleKey: record.puzzle_key, correct: record.correct === 1, haltStep: record.halt_step,
    detail: parseJson<Record<string, unknown>>(record.detail_json),
  }));
}
