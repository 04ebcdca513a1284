import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTaskData } from '../../../main/puzzles/index.ts';
import { readOfficialDataset } from '../../../main/puzzles/official-format.ts';
import { arcIdentifierTableProblem, type ArcTaskData } from '../../../main/puzzles/arc/arc-task.ts';
import { buildArcDataset, openOfficialArcVoting } from '../../../main/puzzles/arc/build.ts';
import type { ArcTask } from '../../../main/puzzles/arc/grid.ts';
import type { ArcPrediction } from '../../../main/puzzles/arc/voting.ts';
import type { EvalBatch } from '../../../main/puzzles/task-data.ts';

const tasks: Record<string, Omit<ArcTask, 'id'>> = {
  flip: { train: [{ input: [[1, 2, 3]], output: [[3, 2, 1]] }, { input: [[4, 0]], output: [[0, 4]] }], test: [{ input: [[5, 6]], output: [[6, 5]] }] },
  grow: { train: [{ input: [[1]], output: [[1, 1], [1, 1]] }, { input: [[2]], output: [[2, 2], [2, 2]] }], test: [{ input: [[3]], output: [[3, 3], [3, 3]] }, { input: [[4]], output: [[4, 4], [4, 4]] }] },
  paint: { train: [{ input: [[0, 1], [1, 0]], output: [[0, 7], [7, 0]] }], test: [{ input: [[1, 1, 0]], output: [[7, 7, 0]] }] },
};

const scratch = mkdtempSync(join(tmpdir(), 'arc-build-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function taskFolder(): string {
  const dir = mkdtempSync(join(scratch, 'tasks-'));
  for (const [id, task] of Object.entries(tasks)) writeFileSync(join(dir, `${id}.json`), JSON.stringify(task));
  return dir;
}

/** Perfect predictions: the labels themselves, keyed like the batches. */
function perfectPredictions(batches: Iterable<EvalBatch>): ArcPrediction[] {
  const predictions: ArcPrediction[] = [];
  for (const batch of batches) {
    for (let b = 0; b < batch.realCount; b++) {
      const row = (a: Int32Array) => a.subarray(b * batch.seqLen, (b + 1) * batch.seqLen);
      predictions.push({ key: batch.keys[b], predictedTokens: row(batch.labels), inputTokens: row(batch.inputs), qHaltLogit: 0 });
    }
  }
  return predictions;
}

test('official-format round trip of a small ARC build (3 tasks, 3 augmentations)', async () => {
  const dir = taskFolder();
  const out = join(scratch, 'ds');
  const summary = await buildArcDataset({ subsets: [], testSet: 'custom', tasks: dir, augmentations: 3, seed: 42, out, canvas: 0 });
  assert.match(summary, /canvas 4×4, 13 identifiers/);
  const written = readOfficialDataset(out);
  const arc = openTaskData({ kind: 'arc', subsets: [], testSet: 'custom', tasks: dir, augmentations: 3, canvas: 0, translate: true }, 42) as ArcTaskData;
  // The folder holds exactly what the ARC TaskData composes for the same seed.
  assert.deepEqual(written.identifiers, arc.dataset.identifiers);
  for (const split of ['train', 'test'] as const) {
    assert.deepEqual(written[split].inputs, arc.dataset[split].inputs);
    assert.deepEqual(written[split].labels, arc.dataset[split].labels);
    assert.deepEqual(written[split].puzzleIdentifiers, arc.dataset[split].puzzleIdentifiers);
    assert.deepEqual(written[split].puzzleIndices, arc.dataset[split].puzzleIndices);
    assert.deepEqual(written[split].groupIndices, arc.dataset[split].groupIndices);
    assert.equal(written[split].metadata.vocab_size, 12);
    assert.equal(written[split].metadata.seq_len, 16);
    assert.equal(written[split].metadata.num_puzzle_identifiers, 13);
  }
  assert.equal(written.identifiers[0], '<blank>');
  assert.equal(written.train.metadata.total_groups, 3);
  assert.equal(written.test.metadata.total_puzzles, 12);
  assert.deepEqual(Object.keys(written.testPuzzles as object).sort(), ['flip', 'grow', 'paint']);
  assert.deepEqual((written.testPuzzles as Record<string, unknown>).grow, tasks.grow);

  // Training from the folder: the official TaskData's 'test/<row>' keys vote through identifiers.json.
  const official = openTaskData({ kind: 'official', dir: out }, 0);
  const voting = openOfficialArcVoting(out);
  const result = voting.vote(perfectPredictions(official.testBatches(5)));
  assert.equal(result.unmatched, 0);
  assert.equal(result.scoredTasks, 3);
  assert.equal(result.passAt[1], 1);
  for (const task of result.tasks) for (const input of task.inputs) assert.equal(input.candidates[0].count, 4);
});

test('ARC TaskData: vocabulary, sizes, resumable training stream, padded keyed test batches, voting', () => {
  const arc = openTaskData({ kind: 'arc', subsets: [], testSet: 'custom', tasks: taskFolder(), augmentations: 3, canvas: 0, translate: true }, 1) as ArcTaskData;
  assert.equal(arc.vocabSize, 12);
  assert.equal(arc.seqLen, 16);
  assert.equal(arc.numPuzzleIdentifiers, 13);
  assert.equal(arc.testCount, 4 * 4);

  const source = arc.trainBatches(4, 9);
  source.next();
  const state = source.getState();
  const expected = [source.next(), source.next()];
  const resumed = arc.trainBatches(4, 123);
  resumed.setState(JSON.parse(JSON.stringify(state)));
  assert.deepEqual([resumed.next(), resumed.next()], expected);
  assert.ok(expected[0].puzzleIdentifiers.every((id) => id >= 1 && id < 13));

  const batches = [...arc.testBatches(5)];
  assert.deepEqual(batches.map((b) => b.realCount), [5, 5, 5, 1]);
  assert.ok(batches[3].puzzleIdentifiers.subarray(1).every((id) => id === 0));
  assert.match(batches[0].keys[0], /^\w+:\d\|/);
  const result = arc.vote(perfectPredictions(batches));
  assert.equal(result.passAt[2], 1);
  assert.match(arc.render(batches[0].inputs.subarray(0, 16)), /\d/);
});

test('the pre-run memory check refuses a config whose identifier table is above the limit', () => {
  const config = { kind: 'arc' as const, subsets: [], testSet: 'custom', tasks: taskFolder(), augmentations: 1000, canvas: 0, translate: true };
  // 3 tasks × 1001 versions + blank = 3004 identifiers × 64 × 4 bytes ≈ 0.73 MiB.
  assert.equal(arcIdentifierTableProblem(config, 64, 2 ** 20), null);
  assert.match(arcIdentifierTableProblem(config, 512, 2 ** 20)!, /3,004 identifiers × 512/);
});
