// A/B of AdamATan2 + EMA on a model's trainable tensors: `node --import tsx bench/optim-ab.ts OLD_OPTIM_TS [preset]`.
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../main/trm/backend.ts';
import { presetConfig } from '../main/trm/presets.ts';
import { TRM } from '../main/trm/model.ts';
import * as now from '../main/trm/optim.ts';
const old = (await import(process.argv[2])) as typeof now;
await selectBackend('wasm');
const model = TRM.create(presetConfig(process.argv[3] ?? 'sudoku6-mlp').model, 1);
const grads = new Map([...model.trainable].map(([k, v]) => [k, tf.randomNormal(v.shape)]));
const impls = { old, now };
const state = Object.fromEntries(Object.entries(impls).map(([name, m]) => [name, { opt: new m.AdamATan2({ beta1: 0.9, beta2: 0.95, weightDecay: 0.1 }), ema: new m.Ema(0.99, model.trainable), times: [] as number[] }]));
for (let round = 0; round < 60; round++) {
  for (const s of Object.values(state)) {
    const t0 = performance.now();
    s.opt.applyGradients(model.trainable, grads, 1e-4);
    s.ema.update(model.trainable);
    s.times.push(performance.now() - t0);
  }
}
for (const [name, s] of Object.entries(state)) {
  const t = s.times.slice(10).sort((a, b) => a - b);
  console.log(`${name}: AdamATan2 + EMA median ${t[t.length >> 1].toFixed(2)} ms (min ${t[0].toFixed(2)})`);
}
console.log('numTensors', tf.memory().numTensors, 'params', model.parameterCount());
