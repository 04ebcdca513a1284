// The validation panel: what is wrong with a task before it is saved or exported. Errors make the task invalid
// ARC (it would not load elsewhere); warnings are legal but probably mistakes.
// Decisions: a 0-size grid is an error (gridProblems from the ARC loader, so the rules cannot drift); a grid whose
// cells are all 0 is a warning (legal, but usually a pair the author forgot to draw). A missing test output is a
// warning (Kaggle-style challenges have none), identical pairs are warnings, the same input with two different
// outputs is an error (the task contradicts itself).
import { gridProblems } from '../../../main/puzzles/arc/validate.ts';
import { gridsEqual, type Grid } from './grid-ops.ts';
import type { EditorTask, Split } from './task.ts';

export type Severity = 'error' | 'warning';

export interface TaskIssue {
  severity: Severity;
  /** Where, in the ARC loader's notation: 'train[0].output', 'test[1]', or '' for the task as a whole. */
  pair: string;
  message: string;
}

export function validateTask(task: EditorTask): TaskIssue[] {
  const issues: TaskIssue[] = [];
  const add = (severity: Severity, pair: string, message: string): void => void issues.push({ severity, pair, message });
  if (task.train.length === 0) add('error', '', 'no train pairs: a task needs at least one demonstration pair');
  if (task.test.length === 0) add('error', '', 'no test pairs: a task needs at least one test input');

  const checkGrid = (grid: Grid, where: string): boolean => {
    const problems = gridProblems(grid);
    for (const problem of problems) add('error', where, problem);
    if (problems.length === 0 && grid.every((row) => row.every((cell) => cell === 0))) add('warning', where, 'is empty (every cell is 0)');
    return problems.length === 0;
  };

  const splits: Split[] = ['train', 'test'];
  for (const split of splits) {
    task[split].forEach((pair, index) => {
      const where = `${split}[${index}]`;
      const inputOk = checkGrid(pair.input, `${where}.input`);
      if (!pair.output) {
        if (split === 'train') add('error', `${where}.output`, 'is missing (demonstration pairs need an output)');
        else add('warning', `${where}.output`, 'is missing: the exported task will have no answer for this test input');
        return;
      }
      const outputOk = checkGrid(pair.output, `${where}.output`);
      if (inputOk && outputOk && gridsEqual(pair.input, pair.output)) add('warning', where, 'output is identical to its input');
    });
  }

  // Duplicates, in reading order: each later pair is compared with every earlier one (train first, then test).
  const all = splits.flatMap((split) => task[split].map((pair, index) => ({ pair, where: `${split}[${index}]`, split })));
  all.forEach((later, laterIndex) => {
    const earlier = all.slice(0, laterIndex).find(({ pair }) => gridsEqual(pair.input, later.pair.input));
    if (!earlier) return;
    const sameOutput = earlier.pair.output && later.pair.output && gridsEqual(earlier.pair.output, later.pair.output);
    if (sameOutput) add('warning', later.where, `duplicates ${earlier.where}`);
    else if (earlier.pair.output && later.pair.output) add('error', later.where, `has the same input as ${earlier.where} but a different output`);
    else if (later.split === 'test' && earlier.split === 'train') add('warning', later.where, `input is the same as ${earlier.where} (the answer is given away)`);
  });
  return issues;
}

export const hasErrors = (issues: readonly TaskIssue[]): boolean => issues.some((issue) => issue.severity === 'error');
