// Validation of ARC task JSON: every problem is reported with the file, the pair and what is wrong, so a user
// can fix a hand-made task file without guessing. Nothing here throws; callers decide what a problem means.
import { ARC_COLOURS, ARC_MAX_SIDE, type ArcPair, type ArcTask, type ArcTestPair, type Grid } from './grid.ts';

/** One problem in one task file. `pair` names the place, e.g. 'train[2].output'; '' = the task as a whole. */
export interface ArcTaskError {
  file: string;
  pair: string;
  problem: string;
}

export function formatArcTaskError(error: ArcTaskError): string {
  return error.pair ? `${error.file}: ${error.pair}: ${error.problem}` : `${error.file}: ${error.problem}`;
}

/** Problems with one grid (empty = valid): a non-empty rectangular list of rows of integers 0–9, at most 30×30. */
export function gridProblems(value: unknown): string[] {
  if (!Array.isArray(value)) return [`must be a list of rows, got ${describe(value)}`];
  if (value.length === 0) return ['has no rows (grids are 1×1 to 30×30)'];
  if (value.length > ARC_MAX_SIDE) return [`has ${value.length} rows (at most ${ARC_MAX_SIDE})`];
  const problems: string[] = [];
  const badRow = value.findIndex((row) => !Array.isArray(row));
  if (badRow >= 0) return [`row ${badRow} must be a list of colours, got ${describe(value[badRow])}`];
  const rows = value as unknown[][];
  const width = rows[0].length;
  if (width === 0) problems.push('row 0 is empty (grids are 1×1 to 30×30)');
  if (width > ARC_MAX_SIDE) problems.push(`has ${width} columns (at most ${ARC_MAX_SIDE})`);
  const ragged = rows.findIndex((row) => row.length !== width);
  if (ragged >= 0) problems.push(`is not rectangular: row ${ragged} has ${rows[ragged].length} cells, row 0 has ${width}`);
  outer: for (let r = 0; r < rows.length; r++) {
    for (let c = 0; c < rows[r].length; c++) {
      const cell = rows[r][c];
      if (!Number.isInteger(cell) || (cell as number) < 0 || (cell as number) >= ARC_COLOURS) {
        problems.push(`cell (${r}, ${c}) is ${describe(cell)}, colours are integers 0–9`);
        break outer; // one bad cell is enough to point at the problem
      }
    }
  }
  return problems;
}

/** Checks a parsed task file and returns the task (when valid) and every problem found. */
export function validateArcTask(value: unknown, file: string, id: string): { task?: ArcTask; errors: ArcTaskError[] } {
  const errors: ArcTaskError[] = [];
  const fail = (pair: string, problem: string): void => void errors.push({ file, pair, problem });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('', `a task must be an object with "train" and "test" lists, got ${describe(value)}`);
    return { errors };
  }
  const record = value as Record<string, unknown>;
  const train = pairList(record.train, 'train', true, fail);
  const test = pairList(record.test, 'test', false, fail);
  if (Array.isArray(record.train) && record.train.length === 0) fail('train', 'has no pairs (a task needs at least one demonstration pair)');
  if (errors.length > 0) return { errors };
  return { task: { id, train: train as ArcPair[], test }, errors };
}

function pairList(value: unknown, split: 'train' | 'test', outputRequired: boolean, fail: (pair: string, problem: string) => void): ArcTestPair[] {
  if (value === undefined) { fail(split, `missing "${split}" list`); return []; }
  if (!Array.isArray(value)) { fail(split, `must be a list of pairs, got ${describe(value)}`); return []; }
  return value.map((pair, index) => {
    const where = `${split}[${index}]`;
    if (typeof pair !== 'object' || pair === null || Array.isArray(pair)) {
      fail(where, `must be an object with "input" and "output", got ${describe(pair)}`);
      return { input: [] };
    }
    const { input, output } = pair as Record<string, unknown>;
    if (input === undefined) fail(`${where}.input`, 'is missing');
    else for (const problem of gridProblems(input)) fail(`${where}.input`, problem);
    if (output === undefined) {
      if (outputRequired) fail(`${where}.output`, 'is missing (demonstration pairs need an output)');
    } else for (const problem of gridProblems(output)) fail(`${where}.output`, problem);
    return output === undefined ? { input: input as Grid } : { input: input as Grid, output: output as Grid };
  });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 20 ? value.slice(0, 20) + '…' : value)}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
