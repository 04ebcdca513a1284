// ARC-AGI as a TaskData (kind 'arc'): the named shared subsets and/or a custom task set, composed into the
// official hierarchy (compose.ts) and sampled exactly like the official loader (hierarchy.ts). Held-out rows
// carry keys that let voting.ts invert each version's augmentation.
import { createHash } from 'node:crypto';
import type { DataConfig } from '../../trm/config.ts';
import { HierarchySampler, evalBatches, exampleCount, examplesPerEpoch } from '../hierarchy.ts';
import { registerOfficialScorer, registerTask, registerTaskWarmup, type EvaluationScorer, type TaskData } from '../task-data.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openOfficialArcVoting } from './build.ts';
import { composeArc, identifierTableProblem, maxArcIdentifiers, type ArcDataset, type ArcSubset } from './compose.ts';
import { ARC_VOCAB_SIZE, COLOUR_TOKEN_OFFSET, EOS_TOKEN, PAD_TOKEN } from './encode.ts';
import { ARC_SUBSETS, CUSTOM_SUBSET, loadSharedSubset, loadTaskSet, parseTaskPaths, warmSharedSubset } from './load.ts';
import { formatArcTaskError, type ArcTaskError } from './validate.ts';
import { ExpectedError } from '../../common/errors.ts';
import type { ArcTask } from './grid.ts';
import { ArcVoteTable, PASS_AT_K, submissionJson, voteArc, type ArcPrediction, type ArcVoteResult } from './voting.ts';

export type ArcDataConfig = Extract<DataConfig, { kind: 'arc' }>;

export interface ArcTaskData extends TaskData {
  dataset: ArcDataset;
  /** Files that could not be used (the other tasks still load). */
  loadErrors: ArcTaskError[];
  /** Every file skipped (`skipped FILE: problem`), then leaks between training and held-out pairs, duplicate ids. */
  warnings: string[];
  /** Votes held-out predictions (keys from testBatches) against the test set's answers. */
  vote(predictions: ArcPrediction[]): ArcVoteResult;
}

/** The subsets a config names, loaded: shared subsets by name, plus `tasks: PATH` as the subset 'custom'. */
/** The shared subsets a config names, parsed into the cache between other work (see warmSharedSubset). */
export async function warmArcSubsets(config: Pick<ArcDataConfig, 'subsets' | 'testSet'>): Promise<void> {
  const names = [...new Set([...config.subsets, ...(config.testSet ? [config.testSet] : [])])].filter((name) => name !== CUSTOM_SUBSET && ARC_SUBSETS.includes(name));
  for (const name of names) await warmSharedSubset(name, { heldOut: name === config.testSet });
}

export function loadArcSubsets(config: Pick<ArcDataConfig, 'subsets' | 'testSet' | 'tasks'>): { subsets: ArcSubset[]; errors: ArcTaskError[] } {
  const names = [...config.subsets];
  if (config.testSet && !names.includes(config.testSet)) names.push(config.testSet);
  const customPaths = parseTaskPaths(config.tasks ?? '');
  if (customPaths.length > 0 && !names.includes(CUSTOM_SUBSET)) names.push(CUSTOM_SUBSET);
  const subsets: ArcSubset[] = [];
  const errors: ArcTaskError[] = [];
  for (const name of names) {
    if (name === CUSTOM_SUBSET && customPaths.length === 0) throw new ExpectedError(`the '${CUSTOM_SUBSET}' subset needs tasks: PATH (a folder or comma-separated files)`);
    const heldOut = { heldOut: name === config.testSet };
    const loaded = name === CUSTOM_SUBSET ? loadTaskSet(customPaths, heldOut) : loadSharedSubset(name, heldOut);
    subsets.push({ name, tasks: loaded.tasks });
    errors.push(...loaded.errors);
  }
  if (subsets.every((s) => s.tasks.length === 0)) {
    // Every problem, each naming its file: a missing path says so, an empty folder says it has no task files.
    const problems = errors.length > 0 ? errors.map(formatArcTaskError).join('; ') : 'no .json task files were found';
    throw new ExpectedError(`no ARC tasks could be loaded from ${names.join(', ')}: ${problems}`);
  }
  return { subsets, errors };
}

/** For the CLI/app before a run: a refusal message when this config's puzzle-embedding table could exceed
 *  `limitBytes` (upper bound: every task gets all its augmentations), else null. Loads the tasks, not composes. */
export function arcIdentifierTableProblem(config: ArcDataConfig, puzzleEmbDim: number, limitBytes: number): string | null {
  const { subsets } = loadArcSubsets(config);
  const taskCount = new Set(subsets.flatMap((s) => s.tasks.map((t) => t.id))).size;
  return identifierTableProblem(maxArcIdentifiers(taskCount, config.augmentations), puzzleEmbDim, limitBytes);
}

/** ARC ranks checkpoints by pass@2: two attempts per test input, the paper's and the competition's metric. */
const ARC_HEADLINE_METRIC = 'pass@2';

export function openArcTask(config: ArcDataConfig, seed: number): ArcTaskData {
  const { subsets, errors } = loadArcSubsets(config);
  const dataset = composeArc(subsets, { testSet: config.testSet, augmentations: config.augmentations, seed, canvas: config.canvas, translate: config.translate });
  const { train, test, canvas } = dataset;
  const grid: TaskData['grid'] = { rows: canvas, cols: canvas, cellOfToken: (token) => (token < COLOUR_TOKEN_OFFSET ? null : token - COLOUR_TOKEN_OFFSET) };
  return {
    kind: 'arc',
    vocabSize: ARC_VOCAB_SIZE,
    seqLen: dataset.seqLen,
    numPuzzleIdentifiers: dataset.identifiers.length,
    fingerprint: arcFingerprint(dataset),
    trainExamplesPerEpoch: examplesPerEpoch(train),
    trainBatches: (batchSize, batchSeed) => new HierarchySampler(train, batchSize, batchSeed),
    testCount: exampleCount(test),
    testBatches: (batchSize, limit) => evalBatches(test, batchSize, limit, (row) => test.rowKeys[row]),
    render: (tokens) => renderCanvas(tokens, canvas),
    grid,
    dataset,
    loadErrors: errors,
    warnings: [...errors.map((e) => `skipped ${formatArcTaskError(e)}`), ...dataset.warnings],
    vote: (predictions) => voteArc(predictions, dataset.testTasks),
    createScorer: () => arcScorer(dataset.testTasks),
    headlineMetric: ARC_HEADLINE_METRIC,
  };
}

/** Evaluation scoring by voting: each evaluated row goes into the vote table as its batch comes (`voteKey` maps a
 *  row's key to one voting understands), so nothing per row is kept. */
export function arcScorer(tasks: ArcTask[], voteKey: (key: string) => string = (key) => key): EvaluationScorer {
  const table = new ArcVoteTable(tasks);
  return {
    add(results) {
      for (const r of results) table.add({ key: voteKey(r.key), predictedTokens: r.finalPrediction, inputTokens: r.inputs, qHaltLogit: r.finalQHaltLogit });
    },
    finish: () => scoreArcEvaluation(table.result()),
  };
}

/** pass@K metrics, one per-puzzle row per test input (correct = passed at 2, the paper's metric) with its ranked
 *  candidates, and the Kaggle submission. */
export function scoreArcEvaluation(vote: ArcVoteResult): ReturnType<EvaluationScorer['finish']> {
  const metrics: Record<string, number> = Object.fromEntries(PASS_AT_K.map((k) => [`pass@${k}`, vote.passAt[k]]));
  metrics.arc_scored_tasks = vote.scoredTasks;
  const perPuzzle = vote.tasks.flatMap((task) => task.inputs.map((input) => ({
    puzzleKey: `${task.taskId}:${input.testIndex}`,
    correct: input.passAt[2] === true,
    haltStep: 0,
    detail: { passAt: input.passAt, candidates: input.candidates.slice(0, 5).map((c) => ({ grid: c.grid, count: c.count, meanQ: c.meanQ })) },
  })));
  return { metrics, perPuzzle, files: { 'submission.json': submissionJson(vote) } };
}

function arcFingerprint(dataset: ArcDataset): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(dataset.identifiers));
  for (const split of [dataset.train, dataset.test])
    for (const a of [split.inputs, split.labels, split.puzzleIdentifiers, split.puzzleIndices, split.groupIndices])
      hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return hash.digest('hex');
}

/** The non-PAD part of the canvas: colours as digits, EOS as '·' and PAD inside it as a space. */
export function renderCanvas(tokens: ArrayLike<number>, canvas: number): string {
  let lastRow = -1;
  let lastCol = -1;
  for (let r = 0; r < canvas; r++) for (let c = 0; c < canvas; c++) {
    if (tokens[r * canvas + c] !== PAD_TOKEN) { lastRow = Math.max(lastRow, r); lastCol = Math.max(lastCol, c); }
  }
  const lines: string[] = [];
  for (let r = 0; r <= lastRow; r++) {
    let line = '';
    for (let c = 0; c <= lastCol; c++) {
      const token = tokens[r * canvas + c];
      line += token === PAD_TOKEN ? ' ' : token === EOS_TOKEN ? '·' : String(token - COLOUR_TOKEN_OFFSET);
    }
    lines.push(line.trimEnd());
  }
  return lines.join('\n');
}

registerTaskWarmup('arc', (config) => (config.kind === 'arc' ? warmArcSubsets(config) : Promise.resolve()));

registerTask('arc', (config, seed) => {
  if (config.kind !== 'arc') throw new Error(`expected an 'arc' data config, got '${config.kind}'`);
  return openArcTask(config, seed);
});

// An official-layout ARC folder (vocabulary 12 with test_puzzles.json) is scored by voting, like the official evaluator.
registerOfficialScorer((dir, vocabSize) => {
  if (vocabSize !== ARC_VOCAB_SIZE || !existsSync(join(dir, 'test_puzzles.json'))) return null;
  let voting: ReturnType<typeof openOfficialArcVoting> | undefined;
  const createScorer = () => {
    voting ??= openOfficialArcVoting(dir);
    return arcScorer(voting.tasks, voting.voteKey);
  };
  return { createScorer, headlineMetric: ARC_HEADLINE_METRIC };
});
