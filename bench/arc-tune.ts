// `node --import tsx bench/arc-tune.ts --preset arc-mini-mlp --minutes 10 [--eval-every 250] [--set key=value …]`:
// a tuning run on the ARC learning bench's ten tasks, straight on the engine (no database), printing one JSON line
// per evaluation. Beyond pass@2 it shows where a setting wins or loses: per task, the share of the 41 versions of
// its test inputs solved exactly (`testRows`) against the share of a fresh batch of its *training* rows solved
// exactly (`trainRows`). High trainRows with testRows at 0 is memorisation; both at 0 is a rule not learned yet.
// Not a test and not `npm run bench`: it measures, for choosing presets (README "Benchmarks" quotes its runs).
import { loadavg } from 'node:os';
import { selectBackend } from '../main/trm/backend.ts';
import { resolveConfig } from '../main/train/run.ts';
import { startTrainingEngine } from '../main/train/engine.ts';
import { evaluateEngine } from '../main/train/evaluate.ts';
import { scoreBatch, type ExampleResult } from '../main/train/scoring.ts';
import type { ArcTaskData } from '../main/puzzles/arc/arc-task.ts';
import { ARC_MINI_TASKS, arcTaskPath } from './arc-tasks.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const overrides: Record<string, string> = { 'data.tasks': ARC_MINI_TASKS.map(arcTaskPath).join(',') };
args.forEach((arg, i) => {
  if (args[i - 1] !== '--set') return;
  const eq = arg.indexOf('=');
  overrides[arg.slice(0, eq)] = arg.slice(eq + 1);
});
const preset = flag('preset', 'arc-mini-att');
const budgetMs = Number(flag('minutes', '10')) * 60_000;
const evalEvery = Number(flag('eval-every', '250'));

const backend = await selectBackend();
const { config, data } = resolveConfig(preset, overrides);
const arc = data as ArcTaskData;
const { engine, threads } = await startTrainingEngine(config, backend.name);
const batches = data.trainBatches(config.train.batchSize, config.train.seed);
const print = (line: object) => console.log(JSON.stringify({ preset, overrides: { ...overrides, 'data.tasks': undefined }, ...line }));

/** Exact share per task (the first 8 characters of a row key or identifier name are the task id), in percent. */
function exactByTask(results: ExampleResult[]): Record<string, number> {
  const tally = new Map<string, [number, number]>();
  for (const r of results) {
    const counts = tally.get(r.key.slice(0, 8)) ?? [0, 0];
    counts[0] += Number(r.exactAtStep[r.exactAtStep.length - 1]);
    counts[1]++;
    tally.set(r.key.slice(0, 8), counts);
  }
  return Object.fromEntries([...tally].sort().map(([task, [exact, n]]) => [task, Math.round((100 * exact) / n)]));
}

/** Training rows of a fresh batch of 256 (its own sampler seed), rolled out with the EMA weights like the test. */
async function trainRowsExact(step: number): Promise<Record<string, number>> {
  const batch = data.trainBatches(256, 1_000_003 + step).next();
  const keys = [...batch.puzzleIdentifiers].map((id) => arc.dataset.identifiers[id]);
  const steps = (await engine.rollout(batch)).map((s) => ({ predictions: s.predictions, qHaltLogits: s.qHalt }));
  return exactByTask(scoreBatch({ ...batch, realCount: batch.size, keys }, steps));
}

const start = Date.now();
let trainMs = 0;
let lossSum = 0;
let lossCount = 0;
for (let step = 1; ; step++) {
  const t0 = Date.now();
  const metrics = await engine.trainStep(batches.next());
  trainMs += Date.now() - t0;
  lossSum += metrics.lm_loss;
  lossCount++;
  const done = Date.now() - start >= budgetMs || step >= config.train.maxSteps;
  if (step % evalEvery !== 0 && !done) continue;
  const testResults: ExampleResult[] = [];
  const evaluation = await evaluateEngine(engine, data, { batchSize: 256, onResults: (rows) => testResults.push(...rows) });
  print({
    step, threads, minutes: +((Date.now() - start) / 60_000).toFixed(2), msPerStep: Math.round(trainMs / step), loss: +(lossSum / lossCount).toFixed(3),
    pass2: evaluation.metrics['pass@2'], solved: evaluation.perPuzzle.filter((p) => p.correct).map((p) => p.puzzleKey),
    testRows: exactByTask(testResults), trainRows: trainRowsExact(step), load: +loadavg()[0].toFixed(1),
  });
  lossSum = 0;
  lossCount = 0;
  if (done) break;
}
engine.dispose();
