// The puzzle library (main side): shared benchmark sets registered read-only, imports of user task files and
// Kaggle bundles with per-file errors, export of a set to a folder, and live checks for Sudoku and maze puzzles.
// Storage is db/tasks.ts; the editor's pure model (grid edits, validation, ARC JSON) is renderer/editor/model.
export {
  SHARED_ARC_SETS, copyTask, exportSetToFolder, fileNameOf, importFiles, importSharedSets, saveArcTask, sharedSource, summarizeArcTask, updateArcTask,
  type ArcTaskSummary, type ImportOptions, type ImportResult, type SharedSetResult,
} from './arc-library.ts';
export { BOX_FOR_SIDE, formatSudokuRows, mazeStatus, parseSudokuText, sudokuStatus, type MazeStatus, type SudokuStatus } from './puzzle-status.ts';
