// Named run configurations, as data. Paper-scale presets reproduce the official README commands
// (spec §4.6); CPU-scale presets follow the 2-core recipe (spec §9.2). Each field is explained once, in config.ts.
import { DEFAULT_MODEL, DEFAULT_TRAIN, type DataConfig, type ModelConfig, type RunConfig, type TrainConfig } from './config.ts';

export interface Preset {
  name: string;
  /** One line for `trm presets` and the new-run form. */
  description: string;
  scale: 'paper' | 'cpu';
  config: RunConfig;
}

function preset(name: string, description: string, scale: Preset['scale'], model: Partial<ModelConfig>, train: Partial<TrainConfig>, data: DataConfig): Preset {
  return { name, description, scale, config: { model: { ...DEFAULT_MODEL, ...model }, train: { ...DEFAULT_TRAIN, ...train }, data } };
}

// Shared by the paper-scale Sudoku and Maze runs: lr 1e-4, weight decay 1.0 on both optimisers, 50k epochs of
// 1000 puzzles at batch 768 = 65,104 steps, evaluation every 5k epochs.
const PAPER_SUDOKU_MAZE_TRAIN: Partial<TrainConfig> = { weightDecay: 1.0, puzzleEmbLr: 1e-4, puzzleEmbWeightDecay: 1.0, maxSteps: 65104, evalInterval: 6510, checkpointInterval: 6510 };
// ARC: 100k epochs, lr 1e-4 / wd 0.1, puzzle embeddings sign-SGD 1e-2 / 0.1 (the config defaults).
const PAPER_ARC_TRAIN: Partial<TrainConfig> = { maxSteps: 519000, evalInterval: 51900, checkpointInterval: 51900 };

// CPU scale (spec §9), tuned on the learning bench (README "Benchmarks"): the whole run is a few hundred optimizer
// steps, so lr 3e-3 after a 50-step warm-up (1e-3 learned ~2× slower per step), batch 32 (twice the steps of 64 for
// the same wall time; 6×6 Sudoku learned faster per minute) and EMA 0.95 (a ~20-step time constant: 0.99 lags the
// fast-moving weights by ~100 steps, a third of a short run). threads 0: every core shares each step (WASM uses one).
const CPU_TRAIN: Partial<TrainConfig> = {
  batchSize: 32, lr: 3e-3, warmupSteps: 50, weightDecay: 0.1, puzzleEmbLr: 1e-2, puzzleEmbWeightDecay: 0.1,
  emaDecay: 0.95, evalInterval: 200, evalExamples: 512, checkpointInterval: 200, keepCheckpoints: 5, threads: 0,
};
// CPU-scale model: D = 64, expansion 2 without the 256-rounding, one prefix slot, T = 2, n = 2, N_sup = 4.
const CPU_MODEL: Partial<ModelConfig> = {
  hiddenSize: 64, numHeads: 4, expansion: 2, roundSwiGLUTo256: false, layers: 2, hCycles: 2, lCycles: 2,
  haltMaxSteps: 4, puzzleEmbLen: 1, puzzleEmbDim: 64,
};

const sudoku9Data = (source: string): DataConfig => ({ kind: 'sudoku', boxRows: 3, boxCols: 3, minBlanks: 0, maxBlanks: 81, source, testExamples: 1000, augment: true });
const arcData = (subsets: string[], testSet: string): DataConfig => ({ kind: 'arc', subsets, testSet, tasks: '', augmentations: 1000, canvas: 30, translate: true });

export const PRESETS: Preset[] = [
  preset('sudoku-extreme-mlp', 'Paper TRM-MLP on 9×9 Sudoku (5.0M params, 87.4% on Sudoku-Extreme)', 'paper',
    { mlpT: true, posEncodings: 'none', lCycles: 6, vocabSize: 11, seqLen: 81 }, PAPER_SUDOKU_MAZE_TRAIN, sudoku9Data('collection:forum_hardest_1905_11plus')),
  preset('sudoku-extreme-att', 'Paper TRM-Att on 9×9 Sudoku (6.8M params, 74.7%)', 'paper',
    { mlpT: false, posEncodings: 'rope', lCycles: 6, vocabSize: 11, seqLen: 81 }, PAPER_SUDOKU_MAZE_TRAIN, sudoku9Data('collection:forum_hardest_1905_11plus')),
  preset('maze-hard-att', 'Paper TRM-Att on 30×30 Maze-Hard (6.8M params, 85.3%)', 'paper',
    { mlpT: false, posEncodings: 'rope', lCycles: 4, vocabSize: 6, seqLen: 900 }, PAPER_SUDOKU_MAZE_TRAIN,
    { kind: 'maze', size: 30, minPathLength: 111, testExamples: 1000, augment: true }),
  preset('maze-hard-mlp', 'Paper TRM-MLP on 30×30 mazes (18.8M params; the paper reports 0% — MLP mixing fails here)', 'paper',
    { mlpT: true, posEncodings: 'none', lCycles: 4, vocabSize: 6, seqLen: 900 }, PAPER_SUDOKU_MAZE_TRAIN,
    { kind: 'maze', size: 30, minPathLength: 111, testExamples: 1000, augment: true }),
  preset('arc1-att', 'Paper TRM-Att on ARC-AGI-1 (6.8M params + puzzle embeddings, 44.6% pass@2)', 'paper',
    { mlpT: false, posEncodings: 'rope', lCycles: 4, vocabSize: 12, seqLen: 900 }, PAPER_ARC_TRAIN, arcData(['training', 'evaluation', 'concept'], 'evaluation')),
  preset('arc2-att', 'Paper TRM-Att on ARC-AGI-2 (7.8% pass@2)', 'paper',
    { mlpT: false, posEncodings: 'rope', lCycles: 4, vocabSize: 12, seqLen: 900 }, { ...PAPER_ARC_TRAIN, maxSteps: 726000, evalInterval: 72600, checkpointInterval: 72600 },
    arcData(['training2', 'evaluation2', 'concept'], 'evaluation2')),
  preset('sudoku4-mlp', '4×4 Sudoku (2×2 boxes), TRM-MLP, learns on a laptop CPU in minutes', 'cpu',
    { ...CPU_MODEL, mlpT: true, posEncodings: 'none', vocabSize: 6, seqLen: 16 }, { ...CPU_TRAIN, maxSteps: 1500 },
    { kind: 'sudoku', boxRows: 2, boxCols: 2, minBlanks: 6, maxBlanks: 11, source: 'generate', testExamples: 512, augment: true }),
  preset('sudoku6-mlp', '6×6 Sudoku (2×3 boxes), TRM-MLP, the recommended first CPU target', 'cpu',
    { ...CPU_MODEL, mlpT: true, posEncodings: 'none', vocabSize: 8, seqLen: 36 }, { ...CPU_TRAIN, maxSteps: 3000 },
    { kind: 'sudoku', boxRows: 2, boxCols: 3, minBlanks: 14, maxBlanks: 23, source: 'generate', testExamples: 512, augment: true }),
  // ARC on a CPU (measured on the ten-task bench, README "Benchmarks"). 16 augmented versions per task: with 8 and no
  // weight decay the model memorised (on the two rotate-180 tasks alone it fitted 98% of training tokens and solved 0
  // test inputs); more versions slow every version's puzzle embedding (updated only when its task is drawn, one
  // version per task per batch), and the dihedral images of a grid are only 8, so versions beyond 8 add colour
  // permutations, not shapes. lr 3e-3 with weight decay 1.0 (a decay of 0.3% per step; 3e-3 with decay 0.1 and 100
  // versions diverged after ~900 steps): pass@2 50% from 9.8 min, against 40% at 20 min with the former 40 versions,
  // lr 1e-3 and decay 0.1 (`bench/arc-tune.ts`; decay 3.0 learned nothing but colour maps). T = 1, n = 1: these rules
  // need one look-up, not iterated reasoning (loss 0.62 vs 0.75 at step 1200 against T = 2, n = 2) and a step costs
  // ~1.5× less. No translation and learned absolute positions (test inputs sit at the canvas corner, so flips and
  // rotations of a fixed-size grid are fixed position maps). The positions are 'learned2d', a row vector
  // plus a column vector per cell rather than one free vector per cell: a transpose or rotation then needs a few
  // shared vectors, not a route per cell learned from the few grids a task has (pass@2 65% at step 4000 against 50%
  // for the 1-D table). Puzzle-embedding weight decay 1.0 instead of 0.1: sign-SGD moves a row by lr each step, so
  // its size settles near 1/decay, and at 10 a version's 64 numbers stored its own training answers (the rotate-90
  // and shift tasks fitted 100% of their training rows and solved 0–30% of their test versions); at 1 the rows can
  // only say which rule, and the weights must hold the rule. N_sup = 1: one supervision step per example, so every
  // slot of every step is a new example (reached 65% at 8.9 min against 10.9 with N_sup 2 and decay 0.1). Together:
  // 80% at 13.4 min and 90% at 15.2 min in a tuning run (N_sup 1 alone held 65%; README "Benchmarks").
  preset('arc-mini-att', 'Small ARC-like task sets (set data.tasks) on a CPU: small canvas, D = 64, row + column positions, 16 augmentations per task', 'cpu',
    { ...CPU_MODEL, mlpT: false, posEncodings: 'learned2d', vocabSize: 12, seqLen: 64, haltMaxSteps: 1, hCycles: 1, lCycles: 1 },
    { ...CPU_TRAIN, lr: 3e-3, weightDecay: 1.0, puzzleEmbLr: 3e-2, puzzleEmbWeightDecay: 1.0, maxSteps: 8000, evalInterval: 500, evalExamples: 0 },
    { kind: 'arc', subsets: [], testSet: 'custom', tasks: '', augmentations: 16, canvas: 0, translate: false }),
  // The same task sets with TRM-MLP mixing (tuned with bench/arc-tune.ts on the ten-task bench, README "Benchmarks").
  // A token-mixing matrix copies a cell from where a flip or rotation puts it at once, where attention takes thousands
  // of steps to learn a sharp route (at 10 min attention had not fitted the rotations' *training* pairs either); but
  // it memorises the training pairs within minutes and then solves few new inputs. Strong weight decay erases the
  // memorised solution in favour of the rule: pass@2 at 20 min was 50% with decay 1.0 (lr 1e-3; at 16 min), 55% with 2.0 and
  // 65% with 3.0 (lr 2e-3: a decay of 0.6% per step). 16 versions with lr 3e-3 (as arc-mini-att) reached 55% at 3.7 min
  // but held it to 20 min (65% only at 18.1), where these settings end at 65%. Fixed positions make a grid size the model never saw harder
  // than with attention (b1948b0a's 4×4 test input is solved late), so attention stays the default for task sets.
  preset('arc-mini-mlp', 'Small ARC-like task sets (set data.tasks) on a CPU with TRM-MLP mixing: faster on flips and rotations of fixed-size grids', 'cpu',
    { ...CPU_MODEL, mlpT: true, posEncodings: 'none', vocabSize: 12, seqLen: 64, haltMaxSteps: 2, hCycles: 1, lCycles: 1 },
    { ...CPU_TRAIN, lr: 2e-3, weightDecay: 3.0, puzzleEmbLr: 3e-2, maxSteps: 8000, evalInterval: 500, evalExamples: 0 },
    { kind: 'arc', subsets: [], testSet: 'custom', tasks: '', augmentations: 40, canvas: 0, translate: false }),
  preset('maze-small-att', 'Small generated mazes (9×9), TRM-Att with RoPE, shortest path as the answer', 'cpu',
    { ...CPU_MODEL, mlpT: false, posEncodings: 'rope', vocabSize: 6, seqLen: 81 }, { ...CPU_TRAIN, batchSize: 32, maxSteps: 1500 },
    { kind: 'maze', size: 9, minPathLength: 8, testExamples: 256, augment: true }),
];

export function findPreset(name: string): Preset | undefined {
  return PRESETS.find((p) => p.name === name);
}

/** A deep copy of a preset's config, safe to modify. */
export function presetConfig(name: string): RunConfig {
  const p = findPreset(name);
  if (!p) throw new Error(`unknown preset '${name}'; valid presets: ${PRESETS.map((x) => x.name).join(', ')}`);
  return structuredClone(p.config);
}
