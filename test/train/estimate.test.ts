// config.estimate answers from the config alone for Sudoku and mazes (issue 16 item 4): the paper presets'
// estimate used to open their data (sudoku-extreme-mlp read a 3.9 s collection on the server's event loop). The
// sizes a task declares from its config must be the ones its data gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateRun, resolveConfig } from '../../main/train/run.ts';
import { PRESETS } from '../../main/trm/presets.ts';
import { taskShape } from '../../main/puzzles/task-data.ts';
import { watchReads } from '../common/fs-spy.ts';

test('the paper Sudoku and maze estimates read no data and take no noticeable time', () => {
  for (const name of ['sudoku-extreme-mlp', 'sudoku-extreme-att', 'maze-hard-att', 'maze-hard-mlp']) {
    const started = performance.now();
    const { result, reads, wholeFiles } = watchReads(() => estimateRun(name));
    const elapsedMs = performance.now() - started;
    assert.deepEqual(result.errors, {}, name);
    assert.ok(result.parameterCount > 1_000_000, `${name}: ${result.parameterCount}`);
    assert.equal(reads, 0, `${name} read data`);
    assert.deepEqual(wholeFiles, [], `${name} read files`);
    assert.ok(elapsedMs < 100, `${name} took ${elapsedMs.toFixed(0)} ms`);
  }
});

test("a task's declared sizes are the ones its data gives", () => {
  for (const preset of PRESETS.filter((p) => ['sudoku', 'maze'].includes(p.config.data.kind) && !p.name.includes('hard') && !p.name.includes('extreme'))) {
    const { config, data } = resolveConfig(preset.name, { 'data.testExamples': '8' });
    assert.deepEqual(taskShape(config.data), { vocabSize: data.vocabSize, seqLen: data.seqLen, numPuzzleIdentifiers: data.numPuzzleIdentifiers }, preset.name);
  }
  // The paper presets too, where opening the data is slow but still the reference.
  const { config, data } = resolveConfig('sudoku-extreme-mlp', { 'data.testExamples': '8' });
  assert.deepEqual(taskShape(config.data), { vocabSize: data.vocabSize, seqLen: data.seqLen, numPuzzleIdentifiers: data.numPuzzleIdentifiers });
});
