// `npm run bench [-- --only speed|learn|trace] [--presets a,b] [--backend B] [--minutes-scale x]`: benchmark figures as
// JSON on stdout (progress on stderr). Not a test: it asserts nothing, it measures.
//   speed: ms per optimizer step and examples·supervision-steps per second per preset (the CPU presets; with
//          --backend webgpu or tensorflow every preset, paper scale included, each at its own batch size), backend,
//          GPU adapter, parameters, and evaluation throughput (rows·supervision steps per second, forward only, up to
//          512 held-out rows).
//   learn: held-out exact accuracy (Sudoku, 512 fresh puzzles) / pass@2 (ten ARC tasks) against wall time, in a
//          throwaway workspace; plus the time to evaluate one ARC task with all its augmented versions.
//   trace: step-viewer latency, one sudoku6-mlp puzzle through all N_sup steps with and without inner updates.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendName } from '../main/trm/backend.ts';
import { ARC_MINI_TASKS, arcTaskPath } from './arc-tasks.ts';
import { resolveConfig } from '../main/train/run.ts';
import { createEngine, startTrainingEngine } from '../main/train/engine.ts';
import { TRM } from '../main/trm/model.ts';
import { findPreset, PRESETS } from '../main/trm/presets.ts';
import { trace } from '../main/trace/trace.ts';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const only = flag('only');
const backendFlag = flag('backend') as BackendName | undefined;
const minutesScale = Number(flag('minutes-scale') ?? 1);
const log = (message: string) => console.error(`[bench] ${message}`);

async function speed(presetNames: string[]) {
  const backend = await selectBackend(backendFlag);
  const results = [];
  for (const name of presetNames) {
    // ARC presets train on the ten small ARC-AGI-1 tasks of the learning bench (the step's cost depends on the model,
    // batch and canvas, not on which tasks); the paper ones at their canvas of 30, without the shared subsets, whose
    // augmented dataset exceeds the in-memory limit.
    const preset = findPreset(name);
    const arcTasks = ARC_MINI_TASKS.map(arcTaskPath).join(',');
    const overrides: Record<string, string> = preset?.config.data.kind !== 'arc' ? {}
      : preset.scale === 'cpu' ? { 'data.tasks': arcTasks } : { 'data.tasks': arcTasks, 'data.subsets': 'custom', 'data.testSet': 'custom' };
    const { config, data } = resolveConfig(name, overrides);
    const { engine, threads } = await startTrainingEngine(config, backend.name);
    const batches = data.trainBatches(config.train.batchSize, 1);
    const warmup = 3;
    const measured = 12;
    for (let i = 0; i < warmup; i++) await engine.trainStep(batches.next());
    const tensorsBefore = tf.memory().numTensors;
    const times: number[] = [];
    for (let i = 0; i < measured; i++) {
      const batch = batches.next(); // data generation is timed separately from the step
      const t0 = performance.now();
      await engine.trainStep(batch);
      times.push(performance.now() - t0);
    }
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) batches.next();
    const dataMsPerBatch = (performance.now() - t0) / 20;
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    // Evaluation throughput: one batch of up to 512 held-out rows through all N_sup steps (forward only, EMA weights).
    const evalBatch = [...data.testBatches(512, 512)][0];
    let evalRowsStepsPerSecond: number | null = null;
    if (evalBatch) {
      await engine.rollout(evalBatch, { keepSteps: false }); // warm-up
      const evalTimes: number[] = [];
      for (let i = 0; i < 3; i++) {
        const e0 = performance.now();
        await engine.rollout(evalBatch, { keepSteps: false });
        evalTimes.push(performance.now() - e0);
      }
      evalTimes.sort((a, b) => a - b);
      evalRowsStepsPerSecond = round((evalBatch.size * config.model.haltMaxSteps / evalTimes[1]) * 1000);
      log(`${name}: eval ${evalBatch.size} rows × ${config.model.haltMaxSteps} steps: ${evalRowsStepsPerSecond} rows·steps/s (median of 3)`);
    }
    const m = config.model;
    const memory = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
    const result = {
      preset: name, backend: backend.name, backendVersion: backend.version, adapter: backend.adapter, parameters: engine.model.parameterCount(),
      batchSize: config.train.batchSize, threads, seqLen: m.seqLen, hiddenSize: m.hiddenSize, T: m.hCycles, n: m.lCycles,
      msPerStepMedian: round(median), msPerStepMin: round(times[0]), msPerStepMax: round(times[times.length - 1]),
      examplesSupervisionStepsPerSecond: round((config.train.batchSize / median) * 1000),
      dataMsPerBatch: round(dataMsPerBatch), evalRows: evalBatch?.size ?? 0, evalRowsStepsPerSecond, tensorLeakPerStep: (tf.memory().numTensors - tensorsBefore) / measured,
      gpuBytes: memory.numBytesInGPU ?? null,
    };
    log(`${name}: ${result.msPerStepMedian} ms/step (median of ${measured})`);
    results.push(result);
    engine.dispose();
  }
  return results;
}

interface LearnOptions {
  preset: string;
  minutes: number;
  /** Steps between evaluations; evaluation time counts against the budget. */
  evalInterval: number;
  /** Held-out examples per evaluation (0 = all, e.g. every augmented version of every ARC test input). */
  evalExamples: number;
  /** The headline metric: Sudoku exact accuracy, ARC pass@2. */
  metric: 'exact_accuracy' | 'pass@2';
  overrides?: Record<string, string>;
}

/** Trains a preset for `minutes` of wall time (evaluations included) in a throwaway workspace and returns the
 *  held-out curve; each point also carries exact accuracy at supervision step 1 and at N_sup, and its eval time. */
async function learn(options: LearnOptions) {
  const { preset, minutes, evalInterval, evalExamples, metric } = options;
  const home = mkdtempSync(join(tmpdir(), 'trm-bench-'));
  process.env.TRM_HOME = home;
  try {
    const { createRun, trainRun } = await import('../main/train/run.ts');
    const { openDatabase } = await import('../db/index.ts');
    const overrides = { 'train.maxSteps': '100000', 'train.evalInterval': String(evalInterval), 'train.evalExamples': String(evalExamples), 'train.checkpointInterval': '100000', ...options.overrides };
    const { runId } = await createRun({ preset, overrides });
    const nSup = resolveConfig(preset, overrides).config.model.haltMaxSteps;
    const started = Date.now();
    let steps = 0;
    let threads = 1;
    let lastStepAt = started;
    const evalSeconds: number[] = [];
    await trainRun(runId, {
      minutes,
      onEvent: (e) => {
        if (e.type === 'started') threads = e.threads;
        if (e.type === 'metric') lastStepAt = Date.now();
        if (e.type === 'eval') {
          evalSeconds.push((Date.now() - lastStepAt) / 1000);
          log(`${preset} @ ${((Date.now() - started) / 60000).toFixed(1)} min, step ${e.step}: ${metric} ${(e.metrics[metric] * 100).toFixed(1)}% (exact@1 ${(e.metrics['exact_accuracy@1'] * 100).toFixed(1)}%, eval ${evalSeconds.at(-1)!.toFixed(1)} s, load ${loadavg()[0].toFixed(2)})`);
        }
        if (e.type === 'done') steps = e.step;
      },
    });
    const db = openDatabase();
    const keys = [`eval/${metric}`, 'eval/exact_accuracy', 'eval/accuracy', 'eval/exact_accuracy@1', `eval/exact_accuracy@${nSup}`, 'eval/exact_accuracy_at_halt', 'eval/count'];
    const series = db.getMetricSeries(runId, keys);
    db.close();
    const main = series[`eval/${metric}`];
    const at = (key: string, i: number) => series[key]?.values[i];
    const curve = main ? main.steps.map((step, i) => ({
      step, minutes: round((main.wallTimesMs[i] - started) / 60000), [metric]: main.values[i],
      exactAccuracy: at('eval/exact_accuracy', i), exactAt1: at('eval/exact_accuracy@1', i), exactAtHalt: at('eval/exact_accuracy_at_halt', i), accuracy: at('eval/accuracy', i),
      evalSeconds: evalSeconds[i] !== undefined ? round(evalSeconds[i]) : undefined,
    })) : [];
    const best = curve.reduce((b, p) => (Number(p[metric]) > Number(b[metric]) ? p : b), { [metric]: -1, minutes: 0, step: 0 } as (typeof curve)[number]);
    return {
      preset, metric, budgetMinutes: minutes, threads, heldOutExamples: at('eval/count', 0) ?? null, stepsDone: steps, overrides: options.overrides ?? {},
      final: curve.at(-1)?.[metric] ?? null, best: best[metric], bestAtMinutes: best.minutes, loadAverage: loadavg().map(round), curve,
    };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** Seconds to evaluate one ARC task (all test inputs × the preset's augmented versions, all N_sup steps, then voting)
 *  on the ten-task bench's canvas, with untrained weights (the cost does not depend on them); median of 3 after one
 *  warm-up. */
async function arcTaskEvaluation(preset = 'arc-mini-att', taskId = ARC_MINI_TASKS[0]) {
  await selectBackend();
  const { evaluateEngine } = await import('../main/train/evaluate.ts');
  const canvas = Math.sqrt(resolveConfig(preset, { 'data.tasks': ARC_MINI_TASKS.map(arcTaskPath).join(',') }).config.model.seqLen);
  const { config, data } = resolveConfig(preset, { 'data.tasks': arcTaskPath(taskId), 'data.canvas': String(canvas) });
  const engine = createEngine(config);
  const batchSize = Math.min(config.train.batchSize, 256);
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < 4; i++) {
    const t0 = performance.now();
    rows = (await evaluateEngine(engine, data, { batchSize })).metrics.count;
    if (i > 0) times.push((performance.now() - t0) / 1000);
  }
  engine.dispose();
  times.sort((a, b) => a - b);
  const data0 = config.data as Extract<typeof config.data, { kind: 'arc' }>;
  const result = { preset, taskId, augmentations: data0.augmentations, rowsEvaluated: rows, nSup: config.model.haltMaxSteps, seqLen: config.model.seqLen, secondsMedian: round(times[1]), loadAverage: loadavg().map(round) };
  log(`arc eval of one task (${rows} rows = test inputs × ${data0.augmentations + 1} versions): ${result.secondsMedian} s`);
  return result;
}

/** Milliseconds for a full trace of one held-out puzzle (untrained weights: the cost does not depend on them),
 *  median of 9 after 3 warm-up traces. The step viewer's budget is 300 ms with inner updates. */
async function traceLatency(preset = 'sudoku6-mlp') {
  const backend = await selectBackend();
  const { config, data } = resolveConfig(preset, { 'data.testExamples': '1' });
  const engine = createEngine(config);
  const batch = [...data.testBatches(1, 1)][0];
  const input = { inputs: batch.inputs, labels: batch.labels, puzzleIdentifier: batch.puzzleIdentifiers[0] };
  const result: Record<string, unknown> = { preset, backend: backend.name, steps: config.model.haltMaxSteps, T: config.model.hCycles, n: config.model.lCycles };
  for (const innerSteps of [false, true]) {
    for (let i = 0; i < 3; i++) await trace(engine, input, { innerSteps });
    const times: number[] = [];
    for (let i = 0; i < 9; i++) {
      const t0 = performance.now();
      await trace(engine, input, { innerSteps });
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    result[innerSteps ? 'withInnerMsMedian' : 'msMedian'] = round(times[4]);
    result[innerSteps ? 'withInnerMsMin' : 'msMin'] = round(times[0]);
  }
  log(`trace ${preset}: ${result.msMedian} ms, with inner updates ${result.withInnerMsMedian} ms (median of 9)`);
  engine.dispose();
  return result;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

const onGpu = backendFlag === 'webgpu' || backendFlag === 'tensorflow';
const presetList = flag('presets')?.split(',') ?? PRESETS.filter((p) => onGpu || p.scale === 'cpu').map((p) => p.name);
const output: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, cores: (await import('node:os')).cpus().length };
output.parameterCounts = Object.fromEntries(PRESETS.map((p) => [p.name, TRM.countParameters(p.config.model)]));
if (!only || only === 'speed') output.speed = await speed(presetList);
if (!only || only === 'trace') output.traceLatency = await traceLatency();
if (!only || only === 'learn') {
  // Budgets from the issue: sudoku4-mlp 5 min, sudoku6-mlp 20 min, arc-mini-att (and arc-mini-mlp) 20 min (scaled by --minutes-scale).
  // Sudoku figures are on 512 freshly generated held-out puzzles; ARC on every test input of the ten tasks.
  const arcTasks = ARC_MINI_TASKS.map(arcTaskPath).join(',');
  const learnRuns: LearnOptions[] = [
    { preset: 'sudoku4-mlp', minutes: 5 * minutesScale, evalInterval: 100, evalExamples: 512, metric: 'exact_accuracy' },
    { preset: 'sudoku6-mlp', minutes: 20 * minutesScale, evalInterval: 200, evalExamples: 512, metric: 'exact_accuracy' },
    { preset: 'arc-mini-att', minutes: 20 * minutesScale, evalInterval: 250, evalExamples: 0, metric: 'pass@2', overrides: { 'data.tasks': arcTasks } },
    { preset: 'arc-mini-mlp', minutes: 20 * minutesScale, evalInterval: 250, evalExamples: 0, metric: 'pass@2', overrides: { 'data.tasks': arcTasks } },
  ];
  const selected = flag('presets') ? learnRuns.filter((r) => presetList.includes(r.preset)) : learnRuns;
  output.learning = [];
  for (const run of selected) (output.learning as unknown[]).push(await learn(run));
  const arcPresets = selected.map((r) => r.preset).filter((name) => findPreset(name)?.config.data.kind === 'arc');
  if (arcPresets.length > 0) {
    output.arcTaskEvaluation = [];
    for (const name of arcPresets) (output.arcTaskEvaluation as unknown[]).push(await arcTaskEvaluation(name)); // one at a time: timings
  }
}
console.log(JSON.stringify(output, null, 2));
