// The Node half of bench/gpu-check.sh: ms per optimizer step of paper presets on one backend (default webgpu), at
// their own batch size or `--batch`, on random batches of the right shape (a step's cost depends on the model, the
// batch and the sequence length, not on which puzzles). Prints one JSON line per preset.
//   node gpu-check.mjs --presets sudoku-extreme-mlp:768,maze-hard-att:256 [--backend webgpu] [--steps 10] [--warmup 3] [--deadline-s 150]
import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../main/common/batch.ts';
import { Rng } from '../main/common/rng.ts';
import { selectBackend, type BackendName } from '../main/trm/backend.ts';
import { TrainStepper } from '../main/trm/act.ts';
import { TRM } from '../main/trm/model.ts';
import { findPreset } from '../main/trm/presets.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const backend = await selectBackend(flag('backend', 'webgpu') as BackendName);
const steps = Number(flag('steps', '10'));
const warmup = Number(flag('warmup', '3'));
const deadlineMs = Number(flag('deadline-s', '150')) * 1000;

for (const entry of flag('presets', 'sudoku-extreme-mlp:768,maze-hard-att:256').split(',')) {
  const [name, batchText] = entry.split(':');
  const preset = findPreset(name);
  if (!preset) throw new Error(`unknown preset '${name}'`);
  // One puzzle identifier: the puzzle table is host-side and per-row, so its size does not change the step's cost.
  const model = TRM.create({ ...preset.config.model, numPuzzleIdentifiers: 1 }, 0);
  const batchSize = Number(batchText ?? preset.config.train.batchSize);
  const stepper = new TrainStepper(model, { ...preset.config.train, batchSize });
  const { seqLen, vocabSize } = model.config;
  const rng = new Rng(1);
  const batch = (): Batch => ({
    size: batchSize, seqLen, puzzleIdentifiers: new Int32Array(batchSize),
    inputs: Int32Array.from({ length: batchSize * seqLen }, () => rng.int(1, vocabSize - 1)),
    labels: Int32Array.from({ length: batchSize * seqLen }, () => rng.int(1, vocabSize - 1)),
  });
  const started = performance.now();
  const times: number[] = [];
  let error: string | null = null;
  try {
    for (let i = 0; i < warmup + steps && performance.now() - started < deadlineMs; i++) {
      const data = batch();
      const t0 = performance.now();
      await stepper.step(data); // includes the step's one read-back: the GPU has finished when it resolves
      if (i >= warmup) times.push(performance.now() - t0);
    }
  } catch (caught) {
    error = (caught as Error).message;
  }
  times.sort((a, b) => a - b);
  const memory = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
  console.log(JSON.stringify({
    preset: name, backend: backend.name, adapter: backend.adapter, batchSize, seqLen, parameters: model.parameterCount(),
    stepsTimed: times.length, msPerStepMedian: times.length ? Math.round(times[Math.floor(times.length / 2)] * 100) / 100 : null,
    msPerStepMin: times[0] ?? null, gpuBytes: memory.numBytesInGPU ?? null, error,
  }));
  stepper.dispose();
  model.dispose();
}
