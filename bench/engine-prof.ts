import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../main/trm/backend.ts';
import { presetConfig } from '../main/trm/presets.ts';
import { TRM } from '../main/trm/model.ts';
import { TrainStepper, evaluate } from '../main/trm/act.ts';
import { Rng } from '../main/common/rng.ts';

const args = process.argv.slice(2);
const flag = (n: string, d?: string) => { const i = args.indexOf(`--${n}`); return i >= 0 ? args[i + 1] : d; };
const preset = flag('preset', 'sudoku4-mlp')!;
const steps = Number(flag('steps', '8'));
const profile = args.includes('--profile');
const evalRows = Number(flag('eval', '0'));
await selectBackend('wasm');
const cfg = presetConfig(preset);
cfg.model.numPuzzleIdentifiers = Math.max(cfg.model.numPuzzleIdentifiers, 1000);
const model = TRM.create(cfg.model, 1);
const stepper = new TrainStepper(model, cfg.train);
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
for (let i = 0; i < 3; i++) stepper.step(batch());
kernelTimes.clear();
const before = tf.memory().numTensors;
const times: number[] = [];
for (let i = 0; i < steps; i++) { const b = batch(); const t0 = performance.now(); stepper.step(b); times.push(performance.now() - t0); }
times.sort((a, b) => a - b);
console.log(`${preset} train: median ${times[Math.floor(times.length / 2)].toFixed(1)} ms/step, min ${times[0].toFixed(1)}, leak ${(tf.memory().numTensors - before) / steps}`);
if (profile) {
  const total = [...kernelTimes.values()].reduce((s, e) => s + e.ms, 0);
  console.log(`kernel total ${(total / steps).toFixed(1)} ms/step; calls ${([...kernelTimes.values()].reduce((s, e) => s + e.n, 0) / steps).toFixed(0)}/step`);
  for (const [k, e] of [...kernelTimes].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) console.log(`  ${k.padEnd(20)} ${(e.ms / steps).toFixed(2)} ms  ${(e.n / steps).toFixed(0)} calls`);
}
if (evalRows > 0) {
  const evalBatch = batch(evalRows);
  evaluate(model, batch(evalRows));
  const et: number[] = [];
  for (let i = 0; i < 3; i++) { const t0 = performance.now(); evaluate(model, evalBatch); et.push(performance.now() - t0); }
  et.sort((a, b) => a - b);
  const ms = et[1];
  console.log(`${preset} eval ${evalRows} rows × ${cfg.model.haltMaxSteps} steps: median ${ms.toFixed(0)} ms → ${(evalRows * cfg.model.haltMaxSteps / ms * 1000).toFixed(0)} rows·steps/s`);
}
stepper.dispose(); model.dispose();
