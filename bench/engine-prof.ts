// Engine profiler: `node --import tsx bench/engine-prof.ts --preset NAME [--steps N] [--batch B] [--threads T] [--eval ROWS] [--profile]
// [--set key=value …]`.
// Synthetic random batches; prints median ms/step, AdamATan2/EMA time, per-kernel times (--profile) and eval rows·steps/s.
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../main/trm/backend.ts';
import { presetConfig } from '../main/trm/presets.ts';
import { applyOverrides } from '../main/trm/config.ts';
import { TRM } from '../main/trm/model.ts';
import { TrainStepper, evaluate } from '../main/trm/act.ts';
import { Rng } from '../main/common/rng.ts';
import { AdamATan2, Ema } from '../main/trm/optim.ts';
import { GradientThreads } from '../main/trm/data-parallel.ts';
const phase = new Map<string, number>();
for (const [cls, name] of [[AdamATan2, 'applyGradients'], [Ema, 'update']] as const) {
  const proto = (cls as any).prototype; const f = proto[name];
  proto[name] = function (...a: unknown[]) { const t0 = performance.now(); const r = f.apply(this, a); phase.set(name, (phase.get(name) ?? 0) + performance.now() - t0); return r; };
}

const args = process.argv.slice(2);
const flag = (n: string, d?: string) => { const i = args.indexOf(`--${n}`); return i >= 0 ? args[i + 1] : d; };
const preset = flag('preset', 'sudoku4-mlp')!;
const steps = Number(flag('steps', '8'));
const profile = args.includes('--profile');
const evalRows = Number(flag('eval', '0'));
await selectBackend('wasm');
// `--set key=value` (repeatable) overrides config fields, as in `trm train`.
const overrides = Object.fromEntries(args.flatMap((arg, i) => (args[i - 1] === '--set' ? [[arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]] : [])));
const cfg = applyOverrides(presetConfig(preset), overrides);
cfg.model.numPuzzleIdentifiers = Math.max(cfg.model.numPuzzleIdentifiers, 1000);
if (flag('batch')) cfg.train.batchSize = Number(flag('batch'));
const model = TRM.create(cfg.model, 1);
const stepper = new TrainStepper(model, cfg.train);
// --threads T: T − 1 helper threads share every step (--profile then times this thread's kernels only).
const threads = Number(flag('threads', '1'));
const helpers = threads > 1 ? await GradientThreads.start(threads - 1, cfg.model, 'wasm') : null;
const trainStep = async (b: ReturnType<typeof batch>) => (helpers ? stepper.stepParallel(b, helpers) : stepper.step(b));
const rng = new Rng(5);
const B = cfg.train.batchSize, L = cfg.model.seqLen, V = cfg.model.vocabSize;
const batch = (size = B) => ({ size, seqLen: L, inputs: Int32Array.from({ length: size * L }, () => 1 + rng.int(0, V - 2)), labels: Int32Array.from({ length: size * L }, () => 1 + rng.int(0, V - 2)), puzzleIdentifiers: Int32Array.from({ length: size }, () => rng.int(0, 999)) });
const kernelTimes = new Map<string, { ms: number; n: number }>();
if (profile) {
  for (const k of tf.getKernelsForBackend('wasm')) {
    const f = k.kernelFunc;
    (k as any).kernelFunc = (a: any) => { const t0 = performance.now(); const r = f(a); const key = k.kernelName === 'BatchMatMul' ? `MM ${a.inputs.a.shape}x${a.inputs.b.shape} ${a.attrs.transposeA?'tA':''}${a.attrs.transposeB?'tB':''}` : k.kernelName; const e = kernelTimes.get(key) ?? { ms: 0, n: 0 }; e.ms += performance.now() - t0; e.n++; kernelTimes.set(key, e); return r; };
  }
}
for (let i = 0; i < 3; i++) await trainStep(batch());
kernelTimes.clear(); phase.clear();
const before = tf.memory().numTensors;
const times: number[] = [];
for (let i = 0; i < steps; i++) { const b = batch(); const t0 = performance.now(); await trainStep(b); times.push(performance.now() - t0); }
times.sort((a, b) => a - b);
console.log(`${preset} train (${threads} thread${threads > 1 ? 's' : ''}): median ${times[Math.floor(times.length / 2)].toFixed(1)} ms/step, min ${times[0].toFixed(1)}, leak ${(tf.memory().numTensors - before) / steps}`);
console.log('phases ms/step', Object.fromEntries([...phase].map(([k, v]) => [k, +(v / steps).toFixed(2)])));
if (profile) {
  const total = [...kernelTimes.values()].reduce((s, e) => s + e.ms, 0);
  console.log(`kernel total ${(total / steps).toFixed(1)} ms/step; calls ${([...kernelTimes.values()].reduce((s, e) => s + e.n, 0) / steps).toFixed(0)}/step`);
  for (const [k, e] of [...kernelTimes].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) console.log(`  ${k.padEnd(20)} ${(e.ms / steps).toFixed(2)} ms  ${(e.n / steps).toFixed(0)} calls`);
}
if (evalRows > 0) {
  const evalBatch = batch(evalRows);
  evaluate(model, batch(evalRows));
  const et: number[] = [];
  kernelTimes.clear();
  for (let i = 0; i < 3; i++) { const t0 = performance.now(); evaluate(model, evalBatch); et.push(performance.now() - t0); }
  if (profile) for (const [k, e] of [...kernelTimes].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) console.log(`  eval ${k.padEnd(20)} ${(e.ms / 3).toFixed(2)} ms  ${(e.n / 3).toFixed(0)} calls`);
  et.sort((a, b) => a - b);
  const ms = et[1];
  console.log(`${preset} eval ${evalRows} rows × ${cfg.model.haltMaxSteps} steps: median ${ms.toFixed(0)} ms → ${(evalRows * cfg.model.haltMaxSteps / ms * 1000).toFixed(0)} rows·steps/s`);
}
stepper.dispose(); model.dispose();
await helpers?.close();
