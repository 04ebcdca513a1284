import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newGrid, type Grid } from '../../renderer/editor/model/grid-ops.ts';
import { applyEdit, newTask, type EditorTask, type GridRef } from '../../renderer/editor/model/task.ts';
import { applyToState, createEditorState, endStroke, redoState, TaskEditor, undoLabel, undoState } from '../../renderer/editor/model/history.ts';

const g = (...rows: string[]): Grid => rows.map((row) => [...row].map(Number));
const out0: GridRef = { split: 'train', pair: 0, side: 'output' };
const sizes = (task: EditorTask, split: 'train' | 'test'): string[] =>
  task[split].map((pair) => `${pair.input.length}x${pair.input[0].length}/${pair.output ? `${pair.output.length}x${pair.output[0].length}` : '-'}`);

test('pairs: add inherits the previous pair size, duplicate, reorder, delete, copy input to output', () => {
  let task: EditorTask = { name: 't', train: [{ input: g('12', '34'), output: newGrid(1, 3) }], test: [{ input: g('5') }] };
  task = applyEdit(task, { kind: 'addPair', split: 'train' });
  assert.deepEqual(sizes(task, 'train'), ['2x2/1x3', '2x2/1x3']);
  assert.deepEqual(task.train[1].input, newGrid(2, 2)); // blank, not a copy
  task = applyEdit(task, { kind: 'addPair', split: 'test' });
  assert.deepEqual(sizes(task, 'test'), ['1x1/-', '1x1/1x1']);
  task = applyEdit(task, { kind: 'duplicatePair', split: 'train', pair: 0 });
  assert.deepEqual(task.train[1], task.train[0]);
  task = applyEdit(task, { kind: 'setGrid', ref: { split: 'train', pair: 2, side: 'input' }, grid: g('9') });
  task = applyEdit(task, { kind: 'movePair', split: 'train', from: 2, to: 0 });
  assert.deepEqual(task.train.map((pair) => pair.input), [g('9'), g('12', '34'), g('12', '34')]);
  task = applyEdit(task, { kind: 'deletePair', split: 'train', pair: 1 });
  assert.equal(task.train.length, 2);
  task = applyEdit(task, { kind: 'copyInputToOutput', split: 'test', pair: 0 });
  assert.deepEqual(task.test[0].output, g('5'));
  task = applyEdit(task, { kind: 'removeTestOutput', pair: 0 });
  assert.equal(task.test[0].output, undefined);
  assert.throws(() => applyEdit(task, { kind: 'deletePair', split: 'train', pair: 5 }), /no train pair 5/);
  assert.throws(() => applyEdit(task, { kind: 'paint', ref: { split: 'test', pair: 0, side: 'output' }, cells: [], colour: 1 }), /has no output/);
});

test('every change is undoable and redoable; a new change after undo drops the redo list', () => {
  const editor = new TaskEditor(newTask('t', 2, 2));
  const start = editor.task;
  editor.apply({ kind: 'floodFill', ref: out0, cell: { row: 0, col: 0 }, colour: 3 });
  editor.apply({ kind: 'resize', ref: out0, rows: 3, cols: 3 });
  editor.apply({ kind: 'addPair', split: 'train' });
  assert.equal(editor.task.train.length, 2);
  assert.deepEqual(editor.task.train[1].output, newGrid(3, 3));
  assert.ok(editor.undo());
  assert.ok(editor.undo());
  assert.deepEqual(editor.task.train[0].output, g('33', '33'));
  assert.ok(editor.redo());
  assert.deepEqual(editor.task.train[0].output, g('330', '330', '000'));
  assert.ok(editor.canRedo);
  editor.apply({ kind: 'rename', name: 'renamed' });
  assert.equal(editor.canRedo, false);
  assert.equal(editor.redo(), false);
  editor.undo(); editor.undo(); editor.undo();
  assert.equal(editor.task, start);
  assert.equal(editor.undo(), false);
});

test('no-op changes are not recorded and keep redo available', () => {
  let state = createEditorState(newTask('t', 2, 2));
  state = applyToState(state, { kind: 'paint', ref: out0, cells: [{ row: 0, col: 0 }], colour: 1 });
  state = undoState(state);
  const same = applyToState(state, { kind: 'paint', ref: out0, cells: [{ row: 0, col: 0 }], colour: 0 });
  assert.equal(same, state);
  assert.equal(same.future.length, 1);
});

test('a paint stroke is one undo entry; a new stroke, an undo or endStroke starts a new one', () => {
  const paint = (stroke: number, col: number) => ({ kind: 'paint' as const, ref: out0, cells: [{ row: 0, col }], colour: 2, stroke });
  let state = createEditorState(newTask('t', 1, 4));
  for (const col of [0, 1, 2]) state = applyToState(state, paint(1, col));
  assert.equal(state.past.length, 1);
  assert.equal(undoLabel(state), 'Paint train 1 output');
  state = applyToState(state, paint(2, 3));
  assert.equal(state.past.length, 2);
  state = undoState(state);
  assert.deepEqual(state.task.train[0].output, g('2220'));
  state = undoState(state);
  assert.deepEqual(state.task.train[0].output, g('0000'));
  state = redoState(state);
  state = applyToState(state, paint(1, 3)); // same id as the redone stroke, but after a redo: a new entry
  assert.equal(state.past.length, 2);
  state = endStroke(applyToState(state, { ...paint(3, 0), colour: 5 }));
  state = applyToState(state, { ...paint(3, 1), colour: 5 });
  assert.equal(state.past.length, 4);
  // The same stroke id on another grid is another entry.
  state = applyToState(state, { ...paint(3, 1), colour: 5, ref: { split: 'test', pair: 0, side: 'input' } });
  assert.equal(state.past.length, 5);
});

test('history is bounded: the oldest entries are dropped', () => {
  let state = createEditorState(newTask('t', 1, 1), 3);
  for (let colour = 1; colour <= 5; colour++) state = applyToState(state, { kind: 'fillRect', ref: out0, colour });
  assert.equal(state.past.length, 3);
  while (state.past.length > 0) state = undoState(state);
  assert.deepEqual(state.task.train[0].output, g('2'));
});

test('onChange runs after each real change (the autosave hook)', () => {
  const saved: string[] = [];
  const editor = new TaskEditor(newTask('t'), (task) => saved.push(task.name));
  editor.apply({ kind: 'rename', name: 'a' });
  editor.apply({ kind: 'rename', name: 'a' });
  editor.undo();
  assert.deepEqual(saved, ['a', 't']);
});
