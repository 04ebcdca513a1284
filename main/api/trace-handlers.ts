// Step viewer channels (traces.*): trace a puzzle (pasted text or a held-out example by key) through a checkpoint,
// reopen a stored trace decoded for drawing, list traces, and an evaluation's per-puzzle rows for the dataset
// view. The engine (TensorFlow.js) loads on the first trace, not when the app starts.
import { ApiError, type TraceDatasetInfo, type TraceGridInfo, type TraceInfo } from '../../preload/contract.ts';
import type { TrmDb } from '../../db/index.ts';
import type { Handlers } from './register.ts';

type TraceHandlers = Pick<Handlers, 'traces.create' | 'traces.get' | 'traces.list' | 'traces.dataset'>;

export function createTraceHandlers({ db }: { db: TrmDb }): TraceHandlers {
  // Reopening a trace stored without its grid mapping (older CLI traces) opens the run's data once per run.
  const gridCache = new Map<number, TraceGridInfo>();

  function requireRun(runId: number) {
    const run = db.getRun(runId);
    if (!run) throw new ApiError({ code: 'not-found', message: `no run ${runId}` });
    return run;
  }

  async function gridOf(runId: number, summary: Record<string, unknown>): Promise<TraceGridInfo> {
    if (summary.grid) return summary.grid as TraceGridInfo;
    const cached = gridCache.get(runId);
    if (cached) return cached;
    const [{ openTaskData }, { traceGridOf }] = await Promise.all([import('../puzzles/task-data.ts'), import('../trace/trace-view.ts'), import('../puzzles/index.ts')]);
    const config = requireRun(runId).config as { data: Parameters<typeof openTaskData>[0]; train: { seed: number } };
    const grid = traceGridOf(openTaskData(config.data, config.train.seed));
    gridCache.set(runId, grid);
    return grid;
  }

  return {
    'traces.create': async ({ runId, checkpoint = 'latest', puzzleText, puzzleName, puzzleKey, testIndex, innerSteps = false, reuse = false }) => {
      requireRun(runId);
      if ((puzzleText === undefined) === (puzzleKey === undefined))
        throw new ApiError({ code: 'invalid-payload', message: 'give either puzzle text or a held-out puzzle key', fieldErrors: { puzzleText: 'paste or upload a puzzle, or pick one from the evaluation' } });
      const checkpointRow = db.getCheckpoint(runId, checkpoint as 'latest');
      if (reuse && puzzleKey !== undefined && checkpointRow) {
        const existing = db.listTraces(runId, { checkpointStep: checkpointRow.step, puzzleKey }).find((t) => t.innerSteps === innerSteps);
        if (existing) {
          const { traceWarnings } = await import('../trace/trace-view.ts');
          return { traceId: existing.id, warnings: traceWarnings(existing.summary), reused: true };
        }
      }
      const { traceRun } = await import('../trace/run-trace.ts');
      const result = await traceRun(runId, { db, checkpoint, innerSteps, testIndex, ...(puzzleKey !== undefined ? { evaluationKey: puzzleKey } : { puzzleText, puzzleName }) });
      return { traceId: result.traceId, warnings: result.puzzle.warnings, reused: false };
    },
    'traces.get': async ({ traceId }) => {
      const stored = db.getTrace(traceId);
      if (!stored) throw new ApiError({ code: 'not-found', message: `no trace ${traceId}` });
      const { blob, ...row } = stored;
      const run = requireRun(row.runId);
      const [{ decodeTrace }, { traceDetail }, { solvedCheck }] = await Promise.all([import('../trace/trace-codec.ts'), import('../trace/trace-view.ts'), import('../puzzles/task-data.ts'), import('../puzzles/index.ts')]);
      const info: TraceInfo = row;
      // The rule check from the run's config alone (no data built), so a valid answer other than the target reads solved.
      const isSolved = solvedCheck((run.config as { data: Parameters<typeof solvedCheck>[0] }).data);
      return traceDetail(info, { id: run.id, name: run.name, preset: run.preset }, await gridOf(row.runId, row.summary), decodeTrace(blob), isSolved);
    },
    'traces.list': ({ runId, puzzleKey, limit = 200 }) => {
      const runIds = runId !== undefined ? [runId] : db.listRuns({ includeArchived: true }).map((r) => r.id);
      return runIds.flatMap((id) => db.listTraces(id, { puzzleKey })).sort((a, b) => b.createdAt - a.createdAt || b.id - a.id).slice(0, limit);
    },
    'traces.dataset': ({ runId, evaluationId }) => {
      const run = requireRun(runId);
      const evaluations = db.listEvaluations(runId);
      const evaluation = evaluationId !== undefined ? evaluations.find((e) => e.id === evaluationId) : [...evaluations].sort((a, b) => b.createdAt - a.createdAt || b.id - a.id)[0];
      if (evaluationId !== undefined && !evaluation) throw new ApiError({ code: 'not-found', message: `run ${runId} has no evaluation ${evaluationId}` });
      const haltMaxSteps = Number((run.config as { model?: { haltMaxSteps?: number } }).model?.haltMaxSteps ?? 16);
      const info: TraceDatasetInfo = { evaluations, evaluation: evaluation ?? null, haltMaxSteps, puzzles: evaluation ? db.getEvaluationPuzzles(evaluation.id) : [] };
      return info;
    },
  };
}
