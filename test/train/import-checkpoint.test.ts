// An official PyTorch checkpoint imported as a run reproduces the official per-step logits (parity fixtures).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readNpy } from '../../main/common/npy.ts';
import { sharedDir } from '../../main/common/paths.ts';
import { selectBackend } from '../../main/trm/backend.ts';

const FIXTURES = join(sharedDir(), 'fixtures', 'trm-parity');
// The fixture architecture (fixtures README): D 32, 2 heads, expansion 2 with the 256-rounding, T = n = 2, N_sup 4,
// P 2; vocabulary 6 and 16 tokens — the same sizes as 4×4 Sudoku, so that preset's data fits.
const OVERRIDES = {
  'model.numHeads': '2', 'model.expansion': '2', 'model.roundSwiGLUTo256': 'true', 'model.hCycles': '2', 'model.lCycles': '2',
  'model.haltMaxSteps': '4', 'model.puzzleEmbLen': '2', 'train.batchSize': '4', 'train.emaDecay': '0.999',
};

for (const variant of ['mlp', 'att'] as const) {
  test(`import-checkpoint (${variant}): the imported run reproduces the official eval logits`, async () => {
    const home = mkdtempSync(join(tmpdir(), 'trm-import-'));
    process.env.TRM_HOME = home;
    try {
      await selectBackend('wasm');
      const { importCheckpoint } = await import('../../main/train/import-checkpoint.ts');
      const { evaluateRun } = await import('../../main/train/run.ts');
      const overrides = variant === 'att' ? { ...OVERRIDES, 'model.posEncodings': 'rope' } : OVERRIDES;
      const { runId, config } = await importCheckpoint(join(FIXTURES, variant, 'checkpoint.pt'), { preset: 'sudoku4-mlp', overrides });
      assert.equal(config.model.mlpT, variant === 'mlp');
      assert.equal(config.model.numPuzzleIdentifiers, 3);

      // Load the run's stored checkpoint into a fresh engine and roll out the fixture batch.
      const { openDatabase } = await import('../../db/index.ts');
      const { readCheckpoint } = await import('../../main/train/checkpoint.ts');
      const { createEngine } = await import('../../main/train/engine.ts');
      const db = openDatabase();
      const row = db.getCheckpoint(runId, 'latest')!;
      db.close();
      const engine = createEngine(config);
      engine.restore(readCheckpoint(row.path));
      const inputs = readNpy(join(FIXTURES, variant, 'inputs.npy')).data as Int32Array;
      const ids = readNpy(join(FIXTURES, variant, 'puzzle_identifiers.npy')).data as Int32Array;
      const steps = await engine.rollout({ size: 4, seqLen: 16, inputs: Int32Array.from(inputs), labels: new Int32Array(64), puzzleIdentifiers: Int32Array.from(ids) }, { collect: { logits: true } });
      const tolerance = variant === 'mlp' ? [1e-4, 3e-4, 1e-3, 3e-3] : [1e-4, 1e-4, 1e-4, 1e-4];
      steps.forEach((step, s) => {
        const reference = readNpy(join(FIXTURES, variant, `logits_step${s + 1}.npy`)).data as Float32Array;
        const scale = Math.max(...reference.map(Math.abs));
        let worst = 0;
        reference.forEach((r, i) => (worst = Math.max(worst, Math.abs(r - step.logits![i]))));
        assert.ok(worst / scale <= tolerance[s], `step ${s + 1}: max |diff|/max|ref| = ${(worst / scale).toExponential(2)}`);
      });
      engine.dispose();

      // And the run evaluates through the normal path (its data: generated 4×4 Sudoku).
      const evaluation = await evaluateRun(runId, { limit: 8 });
      assert.equal(evaluation.step, 0);
      assert.ok(evaluation.metrics.exact_accuracy >= 0 && evaluation.metrics.count === 8);
    } finally {
      delete process.env.TRM_HOME;
      rmSync(home, { recursive: true, force: true });
      tf.disposeVariables();
    }
  });
}
