// The puzzles capability: every task module registers its DataConfig kind with task-data.ts when imported.
// Import this module (not the task files) to open any run's data with `openTaskData`.
import './sudoku-task.ts';
import './official-format.ts';
import './maze-task.ts';
import './arc/arc-task.ts';

export { openTaskData, solvedCheck } from './task-data.ts';
export type { TaskData, EvalBatch } from './task-data.ts';
