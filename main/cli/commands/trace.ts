// `trm trace RUN --puzzle FILE`: one puzzle through every supervision step of a checkpoint, stored for the step
// viewer. Prints a film strip (the answer after each step, σ(q_halt) under it) or, with --json, the steps.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { integerFlag, parseArgs, UsageError } from '../args.ts';
import { regularFileProblem } from '../../common/fs-checks.ts';
import { BACKEND_NAMES, type BackendName } from '../../common/backends.ts';
import type { TaskData } from '../../puzzles/task-data.ts';
import type { Trace } from '../../trace/trace.ts';
import { traceRun, type TraceRunResult } from '../../trace/run-trace.ts';

export async function traceCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    puzzle: { kind: 'value', help: 'puzzle file: ARC task JSON, Sudoku digits or maze text' },
    checkpoint: { kind: 'value', help: 'latest, best or step_N' },
    'test-index': { kind: 'value', help: 'ARC: which test pair (default 0)' },
    inner: { kind: 'switch', help: 'also record every inner update of z and y' },
    backend: { kind: 'value', help: BACKEND_NAMES.join(', ') },
    json: { kind: 'switch', help: 'JSON output' },
  });
  const raw = args.positional[0];
  const runId = Number(raw);
  if (!raw || !Number.isInteger(runId) || runId < 1) throw new UsageError('a run id is required (see trm runs)');
  const file = args.values.get('puzzle');
  if (!file) throw new UsageError('--puzzle FILE is required (an ARC task .json, a Sudoku as rows of digits, or a maze as rows of #, space, S, G)');
  const notAFile = regularFileProblem(file); // a named pipe would block the read forever
  if (notAFile) throw new UsageError(`--puzzle ${file} ${notAFile}`);
  let puzzleText: string;
  try {
    puzzleText = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --puzzle ${file}: ${(error as Error).message}`);
  }
  const backend = args.values.get('backend');
  if (backend !== undefined && !(BACKEND_NAMES as readonly string[]).includes(backend)) throw new UsageError(`--backend must be ${BACKEND_NAMES.join(', ')} (got '${backend}')`);
  const result = await traceRun(runId, {
    puzzleText, puzzleName: basename(file), checkpoint: args.values.get('checkpoint'), testIndex: integerFlag(args, 'test-index'),
    innerSteps: args.switches.has('inner'), backend: backend as BackendName | undefined,
  });
  for (const warning of result.puzzle.warnings) console.error(`trm: note: ${warning}`);
  if (args.switches.has('json')) console.log(compactJson(traceJson(result)));
  else {
    console.log(filmStrip(result.trace, result.data, process.stdout.columns || 120));
    console.log(summaryLine(result));
  }
  return 0;
}

/** A token sequence as rows of cell values (null = no value, e.g. PAD), as the app draws it. */
export function tokenGrid(tokens: ArrayLike<number>, grid: TaskData['grid']): (number | null)[][] {
  return Array.from({ length: grid.rows }, (_, r) => Array.from({ length: grid.cols }, (_, c) => grid.cellOfToken(tokens[r * grid.cols + c])));
}

const round = (x: number, digits = 4) => Number(x.toFixed(digits));

/** Indented JSON with every array of plain numbers on one line, so a grid reads as rows. */
export function compactJson(value: unknown): string {
  const scalar = String.raw`(?:-?\d[\d.e+-]*|null|true|false)`;
  return JSON.stringify(value, null, 2).replace(new RegExp(String.raw`\[\s*(${scalar}(?:,\s*${scalar})*)\s*\]`, 'g'), (_, body: string) => `[${body.replace(/,\s*/g, ', ')}]`);
}

export function traceJson(result: TraceRunResult): object {
  const { trace, data } = result;
  const grid = (tokens: ArrayLike<number>) => tokenGrid(tokens, data.grid);
  return {
    traceId: result.traceId,
    runId: result.runId,
    checkpointStep: result.checkpointStep,
    puzzleKey: result.puzzle.puzzleKey,
    puzzleIdentifier: trace.input.puzzleIdentifier,
    warnings: result.puzzle.warnings,
    input: grid(trace.input.inputs),
    ...(trace.input.labels ? { target: grid(trace.input.labels) } : {}),
    steps: trace.steps.map((s) => ({
      step: s.step,
      prediction: grid(s.prediction),
      haltProbability: round(s.haltProbability),
      deltaY: round(s.deltaY),
      deltaZ: round(s.deltaZ),
      changedCells: s.changedCells,
      ...(s.solved !== null && s.solved !== undefined ? { solved: s.solved } : {}),
      ...(s.cellAccuracy !== null ? { cellAccuracy: round(s.cellAccuracy), exact: s.exact } : {}),
    })),
    flags: trace.flags,
    trainingHaltStep: trace.trainingHaltStep,
    pca: { y: Array.from(trace.pca.y.points, (v) => round(v)), z: Array.from(trace.pca.z.points, (v) => round(v)) },
    ...(trace.inner ? {
      inner: trace.inner.map((u) => ({
        step: u.step, recursion: u.recursion, kind: u.kind, index: u.index, prediction: grid(u.prediction),
        ...(u.haltProbability !== null ? { haltProbability: round(u.haltProbability) } : {}), delta: round(u.delta),
        ...(u.cellAccuracy !== null ? { cellAccuracy: round(u.cellAccuracy) } : {}),
      })),
    } : {}),
    elapsedMs: round(trace.elapsedMs, 1),
  };
}

/** Panels side by side (input, each step, target), wrapped to `width` columns. */
export function filmStrip(trace: Trace, data: TaskData, width: number): string {
  const panels: { title: string; body: string[]; footer: string[] }[] = [];
  panels.push({ title: 'input', body: data.render(trace.input.inputs).split('\n'), footer: [] });
  for (const s of trace.steps) {
    // ✓ solved (by the task's rules: the target or another valid answer), ✗ not.
    const solved = s.solved ?? s.exact;
    const verdict = solved === null ? '' : solved ? ' ✓' : ' ✗';
    const footer = [`σ(q_halt) ${s.haltProbability.toFixed(3)}${s.step === trace.trainingHaltStep ? ' ◀halt' : ''}`];
    if (s.cellAccuracy !== null) footer.push(`cells = target ${(s.cellAccuracy * 100).toFixed(0)}%`);
    footer.push(`Δy ${s.deltaY.toFixed(2)}`);
    panels.push({ title: `step ${s.step}${verdict}`, body: data.render(s.prediction).split('\n'), footer });
  }
  if (trace.input.labels) panels.push({ title: 'target', body: data.render(trace.input.labels).split('\n'), footer: [] });

  const gap = '   ';
  const panelWidth = (p: (typeof panels)[number]) => Math.max(p.title.length, ...p.body.map((l) => l.length), ...p.footer.map((l) => l.length));
  const rows: (typeof panels)[] = [[]];
  let used = 0;
  for (const panel of panels) {
    const w = panelWidth(panel) + gap.length;
    if (rows.at(-1)!.length > 0 && used + w > width) { rows.push([]); used = 0; }
    rows.at(-1)!.push(panel);
    used += w;
  }
  const blocks = rows.map((row) => {
    const height = Math.max(...row.map((p) => p.body.length));
    const footerHeight = Math.max(...row.map((p) => p.footer.length));
    const lines: string[] = [];
    const line = (cell: (p: (typeof panels)[number]) => string) => lines.push(row.map((p) => cell(p).padEnd(panelWidth(p))).join(gap).trimEnd());
    line((p) => p.title);
    for (let i = 0; i < height; i++) line((p) => p.body[i] ?? '');
    for (let i = 0; i < footerHeight; i++) line((p) => p.footer[i] ?? '');
    return lines.join('\n');
  });
  return blocks.join('\n\n');
}

function summaryLine(result: TraceRunResult): string {
  const { trace } = result;
  const halt = trace.trainingHaltStep === null ? `ran to the maximum (${trace.steps.length} steps; q_halt never > 0)` : `training-time halting would stop at step ${trace.trainingHaltStep}`;
  const flags = [
    trace.flags.stuck ? `stuck: same unsolved answer at steps ${trace.flags.stuck.fromStep}–${trace.flags.stuck.toStep}` : '',
    trace.flags.overthinking ? `overthinking: right at step ${trace.flags.overthinking.rightAtStep}, wrong at step ${trace.flags.overthinking.wrongAtStep}` : '',
  ].filter(Boolean);
  return [
    `trace ${result.traceId}: run ${result.runId}, checkpoint step_${result.checkpointStep}, ${result.puzzle.puzzleKey.length > 60 ? `${result.puzzle.puzzleKey.slice(0, 57)}…` : result.puzzle.puzzleKey}`,
    `${halt}${flags.length > 0 ? `; ${flags.join('; ')}` : ''}; ${trace.inner ? `${trace.inner.length} inner updates; ` : ''}${trace.elapsedMs.toFixed(0)} ms`,
  ].join('\n');
}
