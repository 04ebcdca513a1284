// In-process A/B of two model.ts versions on one preset, steps interleaved (A B A B …) so that a shared, loaded
// machine slows both alike: `node --import tsx bench/engine-ab.ts OLD_MODEL_TS [--preset P] [--batch B] [--rounds N]`.
// Prints each version's median and minimum ms per optimizer step, wall clock and this process's CPU time (less
// disturbed by other jobs than wall time), and the median of the per-round ratios new/old. Both versions share one
// WASM heap, so a change in how much memory a step touches shows only when each runs in its own process.
import { selectBackend } from '../main/trm/backend.ts';
import { presetConfig } from '../main/trm/presets.ts';
import * as now from '../main/trm/model.ts';
import { TrainStepper } from '../main/trm/act.ts';
import { Rng } from '../main/common/rng.ts';

const args = process.argv.slice(2);
const flag = (n: string, d: string) => { const i = args.indexOf(`--${n}`); return i >= 0 ? args[i + 1] : d; };
const old = (await import(args[0])) as typeof now;
await selectBackend('wasm');
const cfg = presetConfig(flag('preset', 'sudoku6-mlp'));
cfg.model.numPuzzleIdentifiers = Math.max(cfg.model.numPuzzleIdentifiers, 1000);
cfg.train.batchSize = Number(flag('batch', String(cfg.train.batchSize)));
const rounds = Number(flag('rounds', '20'));
const rng = new Rng(5);
const B = cfg.train.batchSize, L = cfg.model.seqLen, V = cfg.model.vocabSize;
const batch = () => ({ size: B, seqLen: L, inputs: Int32Array.from({ length: B * L }, () => 1 + rng.int(0, V - 2)), labels: Int32Array.from({ length: B * L }, () => 1 + rng.int(0, V - 2)), puzzleIdentifiers: Int32Array.from({ length: B }, () => rng.int(0, 999)) });
const versions = { old, now }.valueOf() as Record<string, typeof now>;
const runs = Object.entries(versions).map(([name, m]) => {
  const model = m.TRM.create(cfg.model, 1);
  return { name, stepper: new TrainStepper(model as now.TRM, cfg.train), times: [] as number[], cpu: [] as number[] };
});
for (let round = 0; round < rounds + 3; round++) {
  const b = batch();
  for (const run of round % 2 ? [...runs].reverse() : runs) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    run.stepper.step(b);
    const c1 = process.cpuUsage(c0);
    if (round >= 3) {
      run.times.push(performance.now() - t0);
      run.cpu.push((c1.user + c1.system) / 1000);
    }
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const ratio = (key: 'times' | 'cpu') => median(runs[1][key].map((t, i) => t / runs[0][key][i])).toFixed(3);
for (const run of runs) {
  console.log(`${run.name}: wall median ${median(run.times).toFixed(1)} ms/step (min ${Math.min(...run.times).toFixed(1)}), cpu median ${median(run.cpu).toFixed(1)} ms/step (min ${Math.min(...run.cpu).toFixed(1)})`);
}
console.log(`new/old over ${rounds} rounds, median of per-round ratios: wall ${ratio('times')}, cpu ${ratio('cpu')}`);
