// `npm run bench [-- --only speed|learn|trace] [--presets a,b] [--minutes-scale x]`: benchmark figures as JSON on stdout
// (progress on stderr). Not a test: it asserts nothing, it measures.
//   speed: ms per optimizer step and examples·supervision-steps per second per CPU preset, backend, parameters.
//   learn: exact accuracy on freshly generated held-out puzzles against wall time, in a throwaway workspace.
//   trace: step-viewer latency, one sudoku6-mlp puzzle through all N_sup steps with and without inner updates.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../main/trm/backend.ts';
import { resolveConfig } from '../main/train/run.ts';
import { createEngine } from '../main/train/engine.ts';
import { TRM } from '../main/trm/model.ts';
import { PRESETS } from '../main/trm/presets.ts';
import { trace } from '../main/trace/trace.ts';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const only = flag('only');
const minutesScale = Number(flag('minutes-scale') ?? 1);
const log = (message: string) => console.error(`[bench] ${message}`);

async function speed(presetNames: string[]) {
  const backend = await selectBackend();
  const results = [];
  for (const name of presetNames) {
    const { config, data } = resolveConfig(name);
    const engine = createEngine(config);
    const batches = data.trainBatches(config.train.batchSize, 1);
    const warmup = 3;
    const measured = 12;
    for (let i = 0; i < warmup; i++) engine.trainStep(batches.next());
    const tensorsBefore = tf.memory().numTensors;
    const times: number[] = [];
    for (let i = 0; i < measured; i++) {
      const batch = batches.next(); // data generation is timed separately from the step
      const t0 = performance.now();
      engine.trainStep(batch);
      times.push(performance.now() - t0);
    }
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) batches.next();
    const dataMsPerBatch = (performance.now() - t0) / 20;
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    const m = config.model;
    const result = {
      preset: name, backend: backend.name, backendVersion: backend.version, parameters: engine.model.parameterCount(),
      batchSize: config.train.batchSize, seqLen: m.seqLen, hiddenSize: m.hiddenSize, T: m.hCycles, n: m.lCycles,
      msPerStepMedian: round(median), msPerStepMin: round(times[0]), msPerStepMax: round(times[times.length - 1]),
      examplesSupervisionStepsPerSecond: round((config.train.batchSize / median) * 1000),
      dataMsPerBatch: round(dataMsPerBatch), tensorLeakPerStep: (tf.memory().numTensors - tensorsBefore) / measured,
    };
    log(`${name}: ${result.msPerStepMedian} ms/step (median of ${measured})`);
    results.push(result);
    engine.dispose();
  }
  return results;
}

async function learn(preset: string, minutes: number, evalInterval: number) {
  const home = mkdtempSync(join(tmpdir(), 'trm-bench-'));
  process.env.TRM_HOME = home;
  try {
    const { createRun, trainRun } = await import('../main/train/run.ts');
    const { openDatabase } = await import('../db/index.ts');
    const { runId } = await createRun({ preset, overrides: { 'train.maxSteps': '100000', 'train.evalInterval': String(evalInterval), 'train.evalExamples': '512', 'train.checkpointInterval': '100000' } });
    const started = Date.now();
    let steps = 0;
    await trainRun(runId, {
      minutes,
      onEvent: (e) => {
        if (e.type === 'eval') log(`${preset} @ ${((Date.now() - started) / 60000).toFixed(1)} min, step ${e.step}: exact ${(e.metrics.exact_accuracy * 100).toFixed(1)}%`);
        if (e.type === 'done') steps = e.step;
      },
    });
    const db = openDatabase();
    const series = db.getMetricSeries(runId, ['eval/exact_accuracy', 'eval/accuracy', 'eval/exact_accuracy@1', `eval/exact_accuracy@${resolveConfig(preset).config.model.haltMaxSteps}`]);
    const exact = series['eval/exact_accuracy'];
    db.close();
    const curve = exact ? exact.steps.map((step, i) => ({ step, minutes: round((exact.wallTimesMs[i] - started) / 60000), exactAccuracy: exact.values[i], accuracy: series['eval/accuracy']?.values[i] })) : [];
    const best = curve.reduce((b, p) => (p.exactAccuracy > b.exactAccuracy ? p : b), { exactAccuracy: -1, minutes: 0, step: 0 } as (typeof curve)[number]);
    return { preset, budgetMinutes: minutes, heldOutPuzzles: 512, stepsDone: steps, finalExactAccuracy: curve.at(-1)?.exactAccuracy ?? null, bestExactAccuracy: best.exactAccuracy, bestAtMinutes: best.minutes, curve };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
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
    for (let i = 0; i < 3; i++) trace(engine, input, { innerSteps });
    const times: number[] = [];
    for (let i = 0; i < 9; i++) {
      const t0 = performance.now();
      trace(engine, input, { innerSteps });
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

const presetList = flag('presets')?.split(',') ?? PRESETS.filter((p) => p.scale === 'cpu').map((p) => p.name);
const output: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, cores: (await import('node:os')).cpus().length };
output.parameterCounts = Object.fromEntries(PRESETS.map((p) => [p.name, TRM.countParameters(p.config.model)]));
if (!only || only === 'speed') output.speed = await speed(presetList);
if (!only || only === 'trace') output.traceLatency = await traceLatency();
if (!only || only === 'learn') {
  output.learning = [
    await learn('sudoku4-mlp', 5 * minutesScale, 100),
    await learn('sudoku6-mlp', 20 * minutesScale, 200),
  ];
}
console.log(JSON.stringify(output, null, 2));
