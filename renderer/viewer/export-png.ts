// The film strip as a PNG: every step's answer drawn with the shared grid renderer's canvas twin, its step number,
// σ(q_halt) and exactness beneath, the input and target first. (No animated GIF: a PNG strip carries the same
// information without an encoder.)
import type { TraceDetail } from '../../preload/contract.ts';
import { drawGrid } from '../common/Grid.tsx';
import { cellsOf } from './trace-model.ts';

export function filmStripCanvas(trace: TraceDetail, cellSize = Math.max(6, Math.min(24, Math.floor(120 / trace.grid.cols)))): HTMLCanvasElement {
  const panels: { title: string; subtitle: string; tokens: number[] }[] = [
    { title: 'input', subtitle: '', tokens: trace.input },
    ...(trace.target ? [{ title: 'target', subtitle: '', tokens: trace.target }] : []),
    ...trace.steps.map((s) => ({
      title: `step ${s.step}${s.step === trace.trainingHaltStep ? ' (halt)' : ''}`,
      subtitle: `σ=${s.haltProbability.toFixed(2)}${s.exact === null ? '' : s.exact ? ' ✓' : ` ${Math.round((s.cellAccuracy ?? 0) * 100)}%`}`,
      tokens: s.prediction,
    })),
  ];
  const gridWidth = trace.grid.cols * cellSize;
  const gridHeight = trace.grid.rows * cellSize;
  const panelWidth = Math.max(gridWidth, 84) + 12;
  const perRow = Math.max(1, Math.min(panels.length, Math.floor(1800 / panelWidth)));
  const rowHeight = gridHeight + 44;
  const header = 26;
  const canvas = document.createElement('canvas');
  canvas.width = perRow * panelWidth + 12;
  canvas.height = header + Math.ceil(panels.length / perRow) * rowHeight + 6;
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.fillStyle = '#1f2430';
  context.font = '13px sans-serif';
  context.textAlign = 'left';
  context.textBaseline = 'top';
  context.fillText(`${trace.run.name} #${trace.run.id} · checkpoint step ${trace.info.checkpointStep} · ${trace.info.puzzleKey}`, 8, 6);
  panels.forEach((panel, i) => {
    const x = 8 + (i % perRow) * panelWidth;
    const y = header + Math.floor(i / perRow) * rowHeight;
    drawGrid(context, cellsOf(panel.tokens, trace.grid), x, y, cellSize, trace.grid.glyphs);
    context.fillStyle = '#1f2430';
    context.font = '11px sans-serif';
    context.textAlign = 'left';
    context.textBaseline = 'top';
    context.fillText(panel.title, x, y + gridHeight + 4);
    context.fillStyle = '#6b7280';
    context.fillText(panel.subtitle, x, y + gridHeight + 18);
  });
  return canvas;
}

export function downloadFilmStrip(trace: TraceDetail): void {
  const link = document.createElement('a');
  link.href = filmStripCanvas(trace).toDataURL('image/png');
  link.download = `trace-${trace.info.id}-filmstrip.png`;
  link.click();
}
