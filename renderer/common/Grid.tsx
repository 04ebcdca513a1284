// The one grid renderer: an SVG of square cells in the ARC palette. Used by run pages now and by the editor,
// viewer and compare views later, so sizes, gaps and colours are the same everywhere.
import type { ReactNode } from 'react';
import { cellColour } from './palette.ts';

/** Under the cells, showing through the hairline gaps between them. */
export const GRID_GAP_COLOUR = '#555';
/** Glyph text on light and on dark cells. */
export const GLYPH_COLOURS = { onLight: '#111', onDark: '#fff' } as const;

export interface GridProps {
  /** Rows of cell values 0–9 (other values draw as "unknown"). */
  cells: readonly (readonly number[])[];
  /** Side of one cell in CSS pixels. */
  cellSize?: number;
  /** Hairline between cells, as in the ARC interface. */
  showGridLines?: boolean;
  label?: string;
  /** Text drawn on a cell by value (Sudoku digits, maze S/G); '' or missing draws none. */
  glyphs?: readonly string[] | null;
  /** Extra SVG drawn over the cells in the same pixel coordinates (overlays: outlines, tints). */
  children?: ReactNode;
  onCellClick?: (row: number, col: number) => void;
}

export function Grid({ cells, cellSize = 16, showGridLines = true, label, glyphs, children, onCellClick }: GridProps) {
  const rows = cells.length;
  const columns = rows > 0 ? cells[0].length : 0;
  const gap = showGridLines ? 1 : 0;
  const width = columns * cellSize;
  const height = rows * cellSize;
  return (
    <svg className="grid" role="img" aria-label={label ?? `${rows}×${columns} grid`} width={width} height={height} viewBox={`0 0 ${width} ${height}`}
      onClick={onCellClick && ((event) => {
        const box = event.currentTarget.getBoundingClientRect();
        const col = Math.floor(((event.clientX - box.left) / box.width) * columns);
        const row = Math.floor(((event.clientY - box.top) / box.height) * rows);
        if (row >= 0 && row < rows && col >= 0 && col < columns) onCellClick(row, col);
      })}>
      <rect width={width} height={height} fill={GRID_GAP_COLOUR} />
      {cells.flatMap((row, r) =>
        row.map((value, c) => (
          <rect key={`${r}-${c}`} x={c * cellSize + gap / 2} y={r * cellSize + gap / 2} width={cellSize - gap} height={cellSize - gap} fill={cellColour(value)} />
        )),
      )}
      {glyphs && cellSize >= 10 && cells.flatMap((row, r) =>
        row.map((value, c) => glyphs[value] ? (
          <text key={`t${r}-${c}`} x={(c + 0.5) * cellSize} y={(r + 0.5) * cellSize} fontSize={cellSize * 0.6} fill={glyphColour(value)}
            textAnchor="middle" dominantBaseline="central" pointerEvents="none">{glyphs[value]}</text>
        ) : null),
      )}
      {children}
    </svg>
  );
}

/** Dark text on the light palette colours (yellow, grey, light blue, green, orange), white on the rest. */
export function glyphColour(value: number): string {
  return [3, 4, 5, 7, 8].includes(value) ? GLYPH_COLOURS.onLight : GLYPH_COLOURS.onDark;
}

/** The same grid drawn on a canvas (PNG export): same colours, gaps and glyphs as <Grid>. */
export function drawGrid(context: CanvasRenderingContext2D, cells: readonly (readonly number[])[], x: number, y: number, cellSize: number, glyphs?: readonly string[] | null): void {
  const rows = cells.length;
  const columns = rows > 0 ? cells[0].length : 0;
  const gap = cellSize >= 6 ? 1 : 0;
  context.fillStyle = GRID_GAP_COLOUR;
  context.fillRect(x, y, columns * cellSize, rows * cellSize);
  context.textAlign = 'center';
  context.textBaseline = 'middle';
  context.font = `${Math.round(cellSize * 0.6)}px sans-serif`;
  cells.forEach((row, r) => row.forEach((value, c) => {
    context.fillStyle = cellColour(value);
    context.fillRect(x + c * cellSize + gap / 2, y + r * cellSize + gap / 2, cellSize - gap, cellSize - gap);
    if (glyphs?.[value] && cellSize >= 10) {
      context.fillStyle = glyphColour(value);
      context.fillText(glyphs[value], x + (c + 0.5) * cellSize, y + (r + 0.5) * cellSize);
    }
  }));
}
