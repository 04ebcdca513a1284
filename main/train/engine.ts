// The engine of one run: the model and its stepper (ACT carry, optimisers, EMA), with the conversions the
// trainer needs — metrics under the spec's names, checkpoint contents, evaluation rollouts with EMA weights.
import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../common/batch.ts';
import type { RunConfig } from '../trm/config.ts';
import { TRM } from '../trm/model.ts';
import { GradientThreads, resolveThreadCount } from '../trm/data-parallel.ts';
import type { BackendName } from '../trm/backend.ts';
import { evaluate, TrainStepper, withEmaWeights, type EvalStep, type EvaluateOptions } from '../trm/act.ts';
import type { CheckpointContents, NamedTensor } from './checkpoint.ts';
import { CheckpointError } from './checkpoint.ts';
import type { StepMetrics } from './loop.ts';

export interface Engine {
  model: TRM;
  stepper: TrainStepper;
  /** One optimizer step; metrics named as spec §2.5 (lm_loss, exact_accuracy, …) plus lr. */
  trainStep(batch: Batch): Promise<StepMetrics>;
  /** All N_sup supervision steps on a batch with the EMA weights (eval mode). */
  rollout(batch: Batch, options?: EvaluateOptions): Promise<EvalStep[]>;
  /** Everything to resume from, read back from the device. */
  snapshot(meta: Record<string, unknown>): Promise<CheckpointContents>;
  restore(checkpoint: CheckpointContents): void;
  dispose(): void;
}

const flat = (data: Float32Array | Int32Array | Uint8Array): NamedTensor => ({ shape: [data.length], data });

/** An engine for training on the active backend, with `config.train.threads` resolved (0 = auto) and that many
 *  threads sharing each step. */
export async function startTrainingEngine(config: RunConfig, backend: string): Promise<{ engine: Engine; threads: number }> {
  const threads = resolveThreadCount(config.train.threads, backend, config.train.batchSize);
  const helpers = threads > 1 ? await GradientThreads.start(threads - 1, config.model, backend as BackendName) : null;
  return { engine: createEngine(config, helpers), threads };
}

/** `helpers`: threads that share every step's slots (data-parallel.ts); the engine closes them on dispose. */
export function createEngine(config: RunConfig, helpers: GradientThreads | null = null): Engine {
  const model = TRM.create(config.model, config.train.seed);
  const stepper = new TrainStepper(model, config.train);
  return {
    model,
    stepper,
    async trainStep(batch) {
      const m = helpers ? await stepper.stepParallel(batch, helpers) : await stepper.step(batch);
      const losses: StepMetrics = { lm_loss: m.lmLoss, q_halt_loss: m.qHaltLoss, halted_count: m.haltedCount, lr: m.lr };
      // On a GPU, the memory tfjs holds there (train/gpu_memory_bytes): a leak or a batch too big shows on the charts.
      const { numBytesInGPU } = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
      if (numBytesInGPU !== undefined) losses.gpu_memory_bytes = numBytesInGPU;
      // The accuracies are over rows that halted at this step (spec §2.5); with none there is nothing to report.
      if (m.haltedCount === 0) return losses;
      return { ...losses, accuracy: m.accuracy, exact_accuracy: m.exactAccuracy, q_halt_accuracy: m.qHaltAccuracy, steps: m.steps };
    },
    rollout(batch, options) {
      return withEmaWeights(model, stepper.ema, () => evaluate(model, batch, options));
    },
    async snapshot(meta) {
      const tensors = new Map<string, NamedTensor>();
      const [weights, state] = await Promise.all([model.stateDict(), stepper.getState()]);
      for (const [key, tensor] of weights) tensors.set(`model/${key}`, tensor);
      tensors.set('carry/y', flat(state.carry.y));
      tensors.set('carry/z', flat(state.carry.z));
      tensors.set('carry/steps', flat(state.carry.steps));
      tensors.set('carry/halted', flat(state.carry.halted));
      tensors.set('carry/inputs', flat(state.carry.data.inputs));
      tensors.set('carry/labels', flat(state.carry.data.labels));
      tensors.set('carry/puzzle_identifiers', flat(state.carry.data.puzzleIdentifiers));
      for (const [key, m] of state.optimizer.m) tensors.set(`adam_m/${key}`, flat(m));
      for (const [key, v] of state.optimizer.v) tensors.set(`adam_v/${key}`, flat(v));
      for (const [key, shadow] of state.ema ?? []) tensors.set(`ema/${key}`, flat(shadow));
      return {
        meta: { ...meta, optimizerStep: state.optimizer.step, stepperStep: state.step, rngState: state.rngState, batchSize: state.carry.data.size, seqLen: state.carry.data.seqLen, hasEma: state.ema !== null },
        tensors,
      };
    },
    restore(checkpoint) {
      const { meta, tensors } = checkpoint;
      const byPrefix = (prefix: string) => new Map([...tensors].filter(([k]) => k.startsWith(prefix)).map(([k, t]) => [k.slice(prefix.length), t]));
      const need = (key: string) => {
        const t = tensors.get(key);
        if (!t) throw new CheckpointError(`checkpoint is missing '${key}'`);
        return t.data;
      };
      const weights = byPrefix('model/') as Map<string, { shape: number[]; data: Float32Array }>;
      try {
        model.loadStateDict(weights);
      } catch (error) {
        throw new CheckpointError(`checkpoint does not fit this model: ${(error as Error).message}`);
      }
      const toFloat = (m: Map<string, NamedTensor>) => new Map([...m].map(([k, t]) => [k, t.data as Float32Array]));
      stepper.setState({
        step: Number(meta.stepperStep),
        carry: {
          y: need('carry/y') as Float32Array, z: need('carry/z') as Float32Array,
          steps: need('carry/steps') as Int32Array, halted: need('carry/halted') as Uint8Array,
          data: { size: Number(meta.batchSize), seqLen: Number(meta.seqLen), inputs: need('carry/inputs') as Int32Array, labels: need('carry/labels') as Int32Array, puzzleIdentifiers: need('carry/puzzle_identifiers') as Int32Array },
        },
        optimizer: { step: Number(meta.optimizerStep), m: toFloat(byPrefix('adam_m/')), v: toFloat(byPrefix('adam_v/')) },
        ema: meta.hasEma ? toFloat(byPrefix('ema/')) : null,
        rngState: Number(meta.rngState),
      });
    },
    dispose() {
      void helpers?.close();
      stepper.dispose();
      model.dispose();
    },
  };
}
