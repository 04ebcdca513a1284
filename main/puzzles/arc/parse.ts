// Parsing one ARC task from JSON text, with no Node imports: the puzzle editor (renderer) and the loaders in
// load.ts (main) share it, so a task is validated the same way wherever it comes from.
import type { ArcTask } from './grid.ts';
import { validateArcTask, type ArcTaskError } from './validate.ts';

/** One task from JSON text (the puzzle editor's entry point). `name` is a file name or task id. */
export function parseTaskJson(text: string, name: string): { task?: ArcTask; errors: ArcTaskError[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { errors: [{ file: name, pair: '', problem: `is not valid JSON (${(error as Error).message})` }] };
  }
  return validateArcTask(value, name, taskIdOfFile(name));
}

/** The task id of a file: its name without folders and without `.json` (either path separator). */
export const taskIdOfFile = (file: string): string => (file.split(/[\\/]/).pop() ?? file).replace(/\.json$/i, '');
