// ARC JSON in and out, byte-for-byte deterministic. The shared data uses two layouts, both written by Python's
// json module: "spaced" (`", "` and `": "`, json.dump's default — ARC-AGI-1 and ARC-AGI-2) and "compact"
// (`","` and `":"` — ConceptARC and the ARC-AGI-1 files that carry a "name" key). Some ARC-AGI-1 files put "test"
// before "train" and 26 end with a newline. We export in the compact style by default; a task imported from
// text remembers its layout (`ArcJsonStyle`), so an unchanged import re-exports identical bytes (2,020 of the
// 2,030 shared files; the other 10 are hand-indented ARC-AGI-2 evaluation files, re-exported in their detected
// spacing). Parsing and validation are the ARC loader's (main/puzzles/arc/parse.ts), not a second copy.
import type { ArcTestPair } from '../../../main/puzzles/arc/grid.ts';
import { parseTaskJson } from '../../../main/puzzles/arc/parse.ts';
import type { ArcTaskError } from '../../../main/puzzles/arc/validate.ts';
import type { Grid } from './grid-ops.ts';
import type { EditorTask } from './task.ts';

export interface ArcJsonStyle {
  spacing: 'compact' | 'spaced';
  keyOrder: 'train-test' | 'test-train';
  /** Writes `"name": <task name>` after "train" and "test" (eleven ARC-AGI-1 files do). */
  nameKey: boolean;
  trailingNewline: boolean;
}

/** `{"train":[{"input":[[…]],"output":[[…]]}],"test":[…]}` with no spaces and no newline. */
export const DEFAULT_ARC_JSON_STYLE: ArcJsonStyle = { spacing: 'compact', keyOrder: 'train-test', nameKey: false, trailingNewline: false };

export function serializeGrid(grid: Grid, style: ArcJsonStyle = DEFAULT_ARC_JSON_STYLE): string {
  const comma = style.spacing === 'spaced' ? ', ' : ',';
  return `[${grid.map((row) => `[${row.join(comma)}]`).join(comma)}]`;
}

function serializePairs(pairs: readonly ArcTestPair[], style: ArcJsonStyle): string {
  const comma = style.spacing === 'spaced' ? ', ' : ',';
  const colon = style.spacing === 'spaced' ? ': ' : ':';
  const pair = ({ input, output }: ArcTestPair): string =>
    `{"input"${colon}${serializeGrid(input, style)}${output ? `${comma}"output"${colon}${serializeGrid(output, style)}` : ''}}`;
  return `[${pairs.map(pair).join(comma)}]`;
}

/** One task as ARC JSON text. The task name is the file name, not part of the JSON (unless `style.nameKey`). */
export function serializeTask(task: EditorTask, style: ArcJsonStyle = DEFAULT_ARC_JSON_STYLE): string {
  const comma = style.spacing === 'spaced' ? ', ' : ',';
  const colon = style.spacing === 'spaced' ? ': ' : ':';
  const train = `"train"${colon}${serializePairs(task.train, style)}`;
  const test = `"test"${colon}${serializePairs(task.test, style)}`;
  const parts = style.keyOrder === 'train-test' ? [train, test] : [test, train];
  if (style.nameKey) parts.push(`"name"${colon}${JSON.stringify(task.name)}`);
  return `{${parts.join(comma)}}${style.trailingNewline ? '\n' : ''}`;
}

/** Several tasks as one JSON object keyed by task name (the layout of a Kaggle challenges file, with answers). */
export function serializeTaskSet(tasks: readonly EditorTask[]): string {
  assertUniqueNames(tasks);
  return `{${tasks.map((task) => `${JSON.stringify(task.name)}:${serializeTask(task)}`).join(',')}}`;
}

/** A Kaggle challenges + solutions pair: challenges without test outputs, solutions mapping each task name to
 *  its list of test outputs. Tasks with a missing test output are left out of the solutions. */
export function serializeKaggle(tasks: readonly EditorTask[]): { challenges: string; solutions: string } {
  assertUniqueNames(tasks);
  const unlabelled = tasks.map((task) => ({ ...task, test: task.test.map(({ input }) => ({ input })) }));
  const labelled = tasks.filter((task) => task.test.every((pair) => pair.output));
  const solutions = labelled.map((task) => `${JSON.stringify(task.name)}:[${task.test.map((pair) => serializeGrid(pair.output!)).join(',')}]`);
  return { challenges: serializeTaskSet(unlabelled), solutions: `{${solutions.join(',')}}` };
}

function assertUniqueNames(tasks: readonly EditorTask[]): void {
  const seen = new Set<string>();
  for (const task of tasks) {
    if (seen.has(task.name)) throw new Error(`two tasks are named '${task.name}'; names must be unique within a set`);
    seen.add(task.name);
  }
}

export interface ParsedArcJson {
  /** Present when the text is a valid task; named after the file (without `.json`). */
  task?: EditorTask;
  errors: ArcTaskError[];
  /** The layout detected in the text (the default when it cannot be read). */
  style: ArcJsonStyle;
  /** Whether `serializeTask(task, style)` gives back exactly `text`. */
  exact: boolean;
}

/** Reads one ARC task file's text, validated by the ARC loader, and detects its layout. */
export function parseArcJson(text: string, fileName: string): ParsedArcJson {
  const { task: arcTask, errors } = parseTaskJson(text, fileName);
  if (!arcTask) return { errors, style: DEFAULT_ARC_JSON_STYLE, exact: false };
  const task: EditorTask = { name: arcTask.id, train: arcTask.train, test: arcTask.test };
  const style = detectStyle(text, task);
  return { task, errors, style, exact: serializeTask(task, style) === text };
}

function detectStyle(text: string, task: EditorTask): ArcJsonStyle {
  const record = JSON.parse(text) as Record<string, unknown>; // valid: parseTaskJson accepted it
  const keys = Object.keys(record);
  return {
    spacing: /"train"\s*:\s/.test(text) || /\d,\s/.test(text) ? 'spaced' : 'compact',
    keyOrder: keys.indexOf('test') < keys.indexOf('train') ? 'test-train' : 'train-test',
    nameKey: record.name === task.name,
    trailingNewline: text.endsWith('\n'),
  };
}
