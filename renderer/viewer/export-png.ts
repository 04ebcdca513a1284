// The film strip as a PNG: every step's answer drawn with the shared grid renderer's canvas twin, its step number,
// σ(q_halt) and exactness beneath, the input and target first. The same steps as an animation: export-gif.ts.
import type { TraceDetail } from '../../preload/contract.ts';
import {
  blankCanvas, drawPanel, drawTraceTitle, EXPORT_HEADER_HEIGHT, EXPORT_MARGIN, exportCellSize, givenPanels, panelSize, stepPanel, traceTitleWidth,
} from './export-panels.ts';

export function filmStripCanvas(trace: TraceDetail, cellSize = exportCellSize(trace)): HTMLCanvasElement {
  const panels = [...givenPanels(trace), ...trace.steps.map((step) => stepPanel(trace, step))];
  const { slotWidth, slotHeight } = panelSize(trace, cellSize);
  const perRow = Math.max(1, Math.min(panels.length, Math.floor(1800 / slotWidth)));
  const { canvas, context } = blankCanvas(Math.max(perRow * slotWidth + 12, traceTitleWidth(trace)), EXPORT_HEADER_HEIGHT + Math.ceil(panels.length / perRow) * slotHeight + 6);
  drawTraceTitle(context, trace);
  panels.forEach((panel, i) => {
    const x = EXPORT_MARGIN + (i % perRow) * slotWidth;
    const y = EXPORT_HEADER_HEIGHT + Math.floor(i / perRow) * slotHeight;
    drawPanel(context, trace, panel, x, y, cellSize);
  });
  return canvas;
}

export function downloadFilmStrip(trace: TraceDetail): void {
  const link = document.createElement('a');
  link.href = filmStripCanvas(trace).toDataURL('image/png');
  link.download = `trace-${trace.info.id}-filmstrip.png`;
  link.click();
}
