// `trm import-checkpoint`: a checkpoint written by the official PyTorch code (torch.save of the state dict, keys
// prefixed `_orig_mod.model.`) becomes a run of its own, so a model trained on a GPU cluster can be evaluated,
// traced and compared here. The architecture is read off the tensor shapes where it can be; the rest (heads, T, n,
// N_sup, …) comes from the preset and --set overrides, and every tensor's shape is checked on load.
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { openDatabase } from '../../db/index.ts';
import { openTaskData } from '../puzzles/task-data.ts';
import '../puzzles/index.ts';
import { applyOverrides, ConfigError, validateRunConfig, type RunConfig } from '../trm/config.ts';
import { presetConfig } from '../trm/presets.ts';
import { readTorchCheckpoint, stripOfficialPrefix } from '../trm/torch-checkpoint.ts';
import { selectBackend } from '../trm/backend.ts';
import type { StateDict } from '../trm/model.ts';
import { readAll } from '../trm/act.ts';
import { createEngine } from './engine.ts';
import { writeCheckpoint } from './checkpoint.ts';
import { APP_VERSION, RunError, runDirectory } from './run.ts';

export interface ImportOptions {
  preset: string;
  overrides?: Record<string, string>;
  /** An official dataset folder the model was trained on (its held-out split becomes the run's evaluation set). */
  dataDir?: string;
  name?: string;
}

/** The official state dict as float32 tensors under model keys (`inner.…`). */
export function readOfficialStateDict(path: string): StateDict {
  const dict: StateDict = new Map();
  for (const [key, tensor] of readTorchCheckpoint(path)) {
    const data = tensor.data instanceof Float32Array ? tensor.data : Float32Array.from(tensor.data as ArrayLike<number>, Number);
    dict.set(stripOfficialPrefix(key), { shape: tensor.shape, data });
  }
  return dict;
}

/** Model fields that the tensor shapes determine. */
export function inferModelShape(dict: StateDict): Partial<RunConfig['model']> {
  const embed = dict.get('inner.embed_tokens.embedding_weight');
  if (!embed) throw new RunError("not a TRM checkpoint: no 'inner.embed_tokens.embedding_weight'");
  const [vocabSize, hiddenSize] = embed.shape;
  const layerIndices = new Set([...dict.keys()].map((k) => /^inner\.L_level\.layers\.(\d+)\./.exec(k)?.[1]).filter((x) => x !== undefined));
  const table = dict.get('inner.puzzle_emb.weights');
  const tokenMixer = dict.get('inner.L_level.layers.0.mlp_t.gate_up_proj.weight');
  const inferred: Partial<RunConfig['model']> = {
    vocabSize, hiddenSize, layers: layerIndices.size, mlpT: tokenMixer !== undefined,
    numPuzzleIdentifiers: table?.shape[0] ?? 1, puzzleEmbDim: table?.shape[1] ?? 0,
  };
  if (dict.has('inner.embed_pos.embedding_weight')) inferred.posEncodings = 'learned';
  if (tokenMixer) inferred.posEncodings = 'none';
  return inferred;
}

export async function importCheckpoint(file: string, options: ImportOptions): Promise<{ runId: number; config: RunConfig }> {
  const dict = readOfficialStateDict(file);
  let config = presetConfig(options.preset);
  if (options.dataDir) config.data = { kind: 'official', dir: options.dataDir };
  config = applyOverrides(config, options.overrides ?? {});
  const shape = inferModelShape(dict);
  config.model = { ...config.model, ...shape };
  const data = openTaskData(config.data, config.train.seed);
  if (data.vocabSize !== config.model.vocabSize) throw new RunError(`the checkpoint's vocabulary (${config.model.vocabSize}) does not match the data's (${data.vocabSize}); pass --data DIR or a fitting preset`);
  if (data.numPuzzleIdentifiers > config.model.numPuzzleIdentifiers) throw new RunError(`the data has ${data.numPuzzleIdentifiers} puzzle identifiers but the checkpoint's table has ${config.model.numPuzzleIdentifiers}`);
  config.model.seqLen = data.seqLen;
  const tokenMixer = dict.get('inner.L_level.layers.0.mlp_t.gate_up_proj.weight');
  if (tokenMixer) config.model.puzzleEmbLen = tokenMixer.shape[1] - data.seqLen; // the token MLP acts on S = P + L positions
  const errors = validateRunConfig(config);
  if (Object.keys(errors).length > 0) throw new ConfigError(errors);

  const backend = await selectBackend();
  const engine = createEngine(config);
  const db = openDatabase();
  try {
    try {
      engine.model.loadStateDict(dict);
    } catch (error) {
      throw new RunError(`${basename(file)} does not fit preset ${options.preset} with these settings: ${(error as Error).message}`);
    }
    // Official checkpoints hold the weights evaluation should use (the EMA copy when EMA was on), so the EMA starts there.
    const keys = [...engine.model.trainable.keys()];
    const values = await readAll<Float32Array>(keys.map((key) => engine.model.trainable.get(key)!));
    engine.stepper.ema?.setState(new Map(keys.map((key, i) => [key, Float32Array.from(values[i]!)])));
    const run = db.createRun({
      name: options.name ?? `imported-${basename(file)}`,
      preset: options.preset,
      config: { ...config, importedFrom: file },
      backend: backend.name, backendVersion: backend.version, appVersion: APP_VERSION,
      datasetFingerprint: data.fingerprint, tags: ['imported'],
      notes: `Imported from the official PyTorch checkpoint \`${file}\`.`,
      totalSteps: 0,
    });
    const dir = join(runDirectory(run.id), 'checkpoints');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'step_0.trmckpt');
    const bytes = writeCheckpoint(path, await engine.snapshot({ step: 0, config, sampler: null, importedFrom: file }));
    db.addCheckpoint({ runId: run.id, step: 0, path, bytes });
    db.setCheckpointAlias(run.id, 'latest', 0);
    db.setCheckpointAlias(run.id, 'best', 0);
    db.updateRun(run.id, { status: 'finished', step: 0, endedAt: Date.now() });
    return { runId: run.id, config };
  } finally {
    engine.dispose();
    db.close();
  }
}
