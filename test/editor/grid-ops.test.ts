import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cellsLostByResize, clearGrid, clipRect, copyRect, fillRect, floodFill, newGrid, paintCell, paintStroke, paste, pastePreview,
  resizeGrid, selectionRect, shiftGrid, transformGrid, transformedRect, type Grid,
} from '../../renderer/editor/model/grid-ops.ts';

/** Grids written as rows of digits keep the expectations readable. */
const g = (...rows: string[]): Grid => rows.map((row) => [...row].map(Number));

test('paint cell and stroke: new grid, argument untouched, same object on a no-op, outside cells ignored', () => {
  const grid = g('000', '000');
  const painted = paintCell(grid, { row: 1, col: 2 }, 4);
  assert.deepEqual(painted, g('000', '004'));
  assert.deepEqual(grid, g('000', '000'));
  assert.equal(paintCell(painted, { row: 1, col: 2 }, 4), painted);
  assert.equal(paintCell(grid, { row: 2, col: 0 }, 4), grid);
  assert.deepEqual(paintStroke(grid, [{ row: 0, col: 0 }, { row: 0, col: 1 }, { row: 1, col: 1 }, { row: -1, col: 0 }, { row: 0, col: 9 }], 7), g('770', '070'));
});

test('flood fill is 4-connected and stops at other colours', () => {
  const grid = g('1100', '1010', '0110', '0001');
  assert.deepEqual(floodFill(grid, { row: 0, col: 0 }, 5), g('5500', '5010', '0110', '0001'));
  assert.deepEqual(floodFill(grid, { row: 0, col: 2 }, 3), g('1133', '1013', '0113', '0001')); // the lone 0 at (1,1) is only diagonally connected
  assert.equal(floodFill(grid, { row: 0, col: 0 }, 1), grid);
  assert.equal(floodFill(grid, { row: 9, col: 9 }, 1), grid);
  assert.deepEqual(floodFill(newGrid(30, 30), { row: 15, col: 15 }, 2), newGrid(30, 30, 2));
});

test('selection rectangles are normalised and clipped', () => {
  assert.deepEqual(selectionRect({ row: 3, col: 1 }, { row: 1, col: 4 }), { top: 1, left: 1, rows: 3, cols: 4 });
  assert.deepEqual(selectionRect({ row: 2, col: 2 }, { row: 2, col: 2 }), { top: 2, left: 2, rows: 1, cols: 1 });
  const grid = newGrid(3, 3);
  assert.deepEqual(clipRect(grid, { top: -1, left: 1, rows: 3, cols: 5 }), { top: 0, left: 1, rows: 2, cols: 2 });
  assert.equal(clipRect(grid, { top: 3, left: 0, rows: 2, cols: 2 }), null);
});

test('fill and clear: whole grid or a selection', () => {
  const grid = g('123', '456');
  assert.deepEqual(fillRect(grid, 9), g('999', '999'));
  assert.deepEqual(fillRect(grid, 0, { top: 0, left: 1, rows: 5, cols: 1 }), g('103', '406'));
  assert.deepEqual(clearGrid(grid), g('000', '000'));
  assert.deepEqual(clearGrid(grid, selectionRect({ row: 1, col: 2 }, { row: 1, col: 1 })), g('123', '400'));
  assert.equal(fillRect(grid, 9, { top: 5, left: 5, rows: 1, cols: 1 }), grid);
});

test('copy keeps the shape; paste clips at the edges; preview reports the covered rectangle', () => {
  const source = g('123', '456', '789');
  const clipboard = copyRect(source, { top: 1, left: 1, rows: 2, cols: 2 })!;
  assert.deepEqual(clipboard, { rows: 2, cols: 2, cells: g('56', '89') });
  assert.deepEqual(copyRect(source, { top: 2, left: 2, rows: 4, cols: 4 }), { rows: 1, cols: 1, cells: g('9') });
  assert.equal(copyRect(source, { top: 3, left: 0, rows: 1, cols: 1 }), null);
  assert.deepEqual(copyRect(source)!.cells, source);

  const target = newGrid(3, 4);
  assert.deepEqual(paste(target, clipboard, { row: 0, col: 0 }), g('5600', '8900', '0000'));
  assert.deepEqual(paste(target, clipboard, { row: 2, col: 3 }), g('0000', '0000', '0005'));
  assert.deepEqual(paste(target, clipboard, { row: -1, col: -1 }), g('9000', '0000', '0000'));
  const preview = pastePreview(target, clipboard, { row: 1, col: 3 });
  assert.deepEqual(preview.rect, { top: 1, left: 3, rows: 2, cols: 1 });
  assert.deepEqual(preview.grid, g('0000', '0005', '0008'));
  assert.deepEqual(target, newGrid(3, 4)); // previews never change the grid
  assert.deepEqual(pastePreview(target, clipboard, { row: 5, col: 5 }), { grid: target, rect: null });
});

test('whole-grid rotations, flips and transpose', () => {
  const grid = g('123', '456');
  assert.deepEqual(transformGrid(grid, 'rotate90'), g('41', '52', '63'));
  assert.deepEqual(transformGrid(grid, 'rotate180'), g('654', '321'));
  assert.deepEqual(transformGrid(grid, 'rotate270'), g('36', '25', '14'));
  assert.deepEqual(transformGrid(grid, 'flipHorizontal'), g('321', '654'));
  assert.deepEqual(transformGrid(grid, 'flipVertical'), g('456', '123'));
  assert.deepEqual(transformGrid(grid, 'transpose'), g('14', '25', '36'));
  assert.deepEqual(transformGrid(transformGrid(grid, 'rotate90'), 'rotate270'), grid);
  const symmetric = g('121', '343');
  assert.equal(transformGrid(symmetric, 'flipHorizontal'), symmetric);
});

test('selection transforms stay inside the selection (square) or clip at the grid edge (non-square)', () => {
  const grid = g('1200', '3400', '0000');
  const square = { top: 0, left: 0, rows: 2, cols: 2 };
  assert.deepEqual(transformGrid(grid, 'rotate90', square), g('3100', '4200', '0000'));
  assert.deepEqual(transformGrid(grid, 'flipVertical', square), g('3400', '1200', '0000'));
  const wide = { top: 1, left: 1, rows: 2, cols: 3 }; // 450/600 turns into 3 rows × 2 cols, clipped to the 2 rows left
  const tall = g('0000', '0450', '0600');
  assert.deepEqual(transformGrid(tall, 'rotate90', wide), g('0000', '0640', '0050'));
  assert.deepEqual(transformedRect(wide, 'rotate90'), { top: 1, left: 1, rows: 3, cols: 2 });
  assert.deepEqual(transformedRect(wide, 'flipHorizontal'), wide);
});

test('shift with wrap or fill, whole grid or selection', () => {
  const grid = g('120', '340');
  assert.deepEqual(shiftGrid(grid, 0, 1), g('012', '034'));
  assert.deepEqual(shiftGrid(grid, 0, -1), g('201', '403'));
  assert.deepEqual(shiftGrid(grid, 1, 0), g('340', '120'));
  assert.deepEqual(shiftGrid(grid, 0, 1, { wrap: false }), g('012', '034'));
  assert.deepEqual(shiftGrid(grid, 0, -1, { wrap: false, fill: 5 }), g('205', '405'));
  assert.deepEqual(shiftGrid(grid, 0, 1, { wrap: true }, { top: 0, left: 0, rows: 2, cols: 2 }), g('210', '430'));
  assert.deepEqual(shiftGrid(grid, 1, 0, { wrap: false }, { top: 0, left: 0, rows: 2, cols: 1 }), g('020', '140'));
  assert.equal(shiftGrid(grid, 0, 0), grid);
});

test('resize keeps the top-left content and counts the non-black cells a shrink would lose', () => {
  const grid = g('120', '304', '005');
  assert.deepEqual(resizeGrid(grid, 2, 4), g('1200', '3040'));
  assert.deepEqual(resizeGrid(grid, 4, 2), g('12', '30', '00', '00'));
  assert.equal(resizeGrid(grid, 3, 3), grid);
  assert.equal(cellsLostByResize(grid, 2, 4), 1);
  assert.equal(cellsLostByResize(grid, 2, 2), 2);
  assert.equal(cellsLostByResize(grid, 1, 1), 4);
  assert.equal(cellsLostByResize(grid, 5, 5), 0);
  assert.throws(() => resizeGrid(grid, 0, 3), /outside 1×1–30×30/);
  assert.throws(() => resizeGrid(grid, 31, 3), RangeError);
  assert.throws(() => resizeGrid(grid, 2.5, 3), RangeError);
});
