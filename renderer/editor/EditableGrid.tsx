// One editable ARC grid: the shared grid renderer (renderer/common/Grid.tsx) under a pointer layer that turns
// clicks and drags into edits for the active tool, plus overlays for the selection and the live paste preview.
// It holds no document state: edits go up as `GridEdit`s and the editor applies them to its history.
import { useRef, useState, type PointerEvent } from 'react';
import { Grid } from '../common/Grid.tsx';
import { gridCols, gridRows, pastePreview, selectionRect, type Cell, type Clipboard, type Grid as Cells, type Rect } from './model/index.ts';

export type Tool = 'pencil' | 'fill' | 'select';

/** An edit of this grid, without saying which grid it is (the editor adds the reference). */
export type GridEdit =
  | { kind: 'paint'; cells: Cell[]; colour: number; stroke: number }
  | { kind: 'floodFill'; cell: Cell; colour: number }
  | { kind: 'paste'; clipboard: Clipboard; at: Cell };

export interface EditableGridProps {
  grid: Cells;
  cellSize: number;
  showGridLines: boolean;
  tool: Tool;
  colour: number;
  active: boolean;
  readOnly?: boolean;
  selection: Rect | null;
  /** While set, a preview of these cells follows the pointer; a click places them. */
  pasting: Clipboard | null;
  label: string;
  onActivate(): void;
  onEdit(edit: GridEdit): void;
  onStrokeEnd(): void;
  onSelectionChange(selection: Rect | null): void;
  /** The cell under the pointer (for pasting with the keyboard and the status line). */
  onHover?(cell: Cell | null): void;
}

let nextStroke = 1;

/** Cells on the straight line between two cells, so a fast drag leaves no gaps. */
function lineCells(from: Cell, to: Cell): Cell[] {
  const steps = Math.max(Math.abs(to.row - from.row), Math.abs(to.col - from.col));
  return Array.from({ length: steps + 1 }, (_, i) => ({
    row: Math.round(from.row + ((to.row - from.row) * i) / Math.max(1, steps)),
    col: Math.round(from.col + ((to.col - from.col) * i) / Math.max(1, steps)),
  }));
}

export function EditableGrid(props: EditableGridProps) {
  const { grid, cellSize, showGridLines, tool, colour, active, readOnly, selection, pasting, label } = props;
  const rows = gridRows(grid);
  const cols = gridCols(grid);
  const drag = useRef<{ stroke: number; last: Cell; anchor: Cell } | null>(null);
  const [hover, setHover] = useState<Cell | null>(null);

  const cellAt = (event: PointerEvent<HTMLDivElement>): Cell => {
    const box = event.currentTarget.getBoundingClientRect();
    const clamp = (value: number, max: number) => Math.min(max - 1, Math.max(0, value));
    return { row: clamp(Math.floor((event.clientY - box.top) / cellSize), rows), col: clamp(Math.floor((event.clientX - box.left) / cellSize), cols) };
  };

  function onPointerDown(event: PointerEvent<HTMLDivElement>) {
    if (event.button !== 0) return;
    props.onActivate();
    if (readOnly) return;
    const cell = cellAt(event);
    event.currentTarget.setPointerCapture(event.pointerId);
    if (pasting) {
      props.onEdit({ kind: 'paste', clipboard: pasting, at: cell });
      return;
    }
    if (tool === 'pencil') {
      const stroke = nextStroke++;
      drag.current = { stroke, last: cell, anchor: cell };
      props.onEdit({ kind: 'paint', cells: [cell], colour, stroke });
    } else if (tool === 'fill') {
      props.onEdit({ kind: 'floodFill', cell, colour });
    } else {
      drag.current = { stroke: 0, last: cell, anchor: cell };
      props.onSelectionChange(selectionRect(cell, cell));
    }
  }

  function onPointerMove(event: PointerEvent<HTMLDivElement>) {
    const cell = cellAt(event);
    if (!hover || hover.row !== cell.row || hover.col !== cell.col) {
      setHover(cell);
      props.onHover?.(cell);
    }
    const current = drag.current;
    if (!current || (current.last.row === cell.row && current.last.col === cell.col)) return;
    if (tool === 'pencil') props.onEdit({ kind: 'paint', cells: lineCells(current.last, cell), colour, stroke: current.stroke });
    else if (tool === 'select') props.onSelectionChange(selectionRect(current.anchor, cell));
    current.last = cell;
  }

  function onPointerUp() {
    if (drag.current && tool === 'pencil') props.onStrokeEnd();
    drag.current = null;
  }

  const preview = pasting && hover ? pastePreview(grid, pasting, hover) : null;
  const shown = preview?.grid ?? grid;
  const outline = (rect: Rect, className: string) => (
    <rect className={className} x={rect.left * cellSize + 1} y={rect.top * cellSize + 1} width={rect.cols * cellSize - 2} height={rect.rows * cellSize - 2} />
  );
  const cursor = readOnly ? 'read-only' : pasting ? 'pasting' : tool;
  return (
    <div
      className={`editable-grid tool-${cursor} ${active ? 'active' : ''}`}
      data-testid={label}
      data-rows={rows}
      data-cols={cols}
      style={{ width: cols * cellSize, height: rows * cellSize }}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onPointerLeave={() => { setHover(null); props.onHover?.(null); }}
    >
      <Grid cells={shown} cellSize={cellSize} showGridLines={showGridLines} label={`${label}, ${rows}×${cols}`} />
      <svg className="grid-overlay" width={cols * cellSize} height={rows * cellSize} aria-hidden="true">
        {selection && outline(selection, 'selection-outline')}
        {preview?.rect && outline(preview.rect, 'paste-outline')}
        {!pasting && hover && active && !readOnly && tool !== 'select' && outline({ top: hover.row, left: hover.col, rows: 1, cols: 1 }, 'hover-outline')}
      </svg>
    </div>
  );
}
