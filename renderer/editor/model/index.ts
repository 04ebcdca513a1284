// The puzzle editor's model: grid operations, the task with its edit operations and undo/redo history,
// validation, and ARC JSON import/export. Pure TypeScript with no React, Node or Electron imports, so the
// renderer, the main process and tests all use the same code.
export * from './grid-ops.ts';
export * from './task.ts';
export * from './history.ts';
export * from './validation.ts';
export * from './arc-json.ts';
