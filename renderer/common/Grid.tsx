// The one grid renderer: an SVG of square cells in the ARC palette. Used by run pages now and by the editor,
// viewer and compare views later, so sizes, gaps and colours are the same everywhere.
import { cellColour } from './palette.ts';

export interface GridProps {
  /** Rows of cell values 0–9 (other values draw as "unknown"). */
  cells: readonly (readonly number[])[];
  /** Side of one cell in CSS pixels. */
  cellSize?: number;
  /** Hairline between cells, as in the ARC interface. */
  showGridLines?: boolean;
  label?: string;
}

export function Grid({ cells, cellSize = 16, showGridLines = true, label }: GridProps) {
  const rows = cells.length;
  const columns = rows > 0 ? cells[0].length : 0;
  const gap = showGridLines ? 1 : 0;
  const width = columns * cellSize;
  const height = rows * cellSize;
  return (
    <svg className="grid" role="img" aria-label={label ?? `${rows}×${columns} grid`} width={width} height={height} viewBox={`0 0 ${width} ${height}`}>
      <rect width={width} height={height} fill="#555" />
      {cells.flatMap((row, r) =>
        row.map((value, c) => (
          <rect key={`${r}-${c}`} x={c * cellSize + gap / 2} y={r * cellSize + gap / 2} width={cellSize - gap} height={cellSize - gap} fill={cellColour(value)} />
        )),
      )}
    </svg>
  );
}
