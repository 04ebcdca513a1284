// What the image exports of a trace (PNG film strip, animated GIF) share: a panel per grid with a two-line
// caption under it, drawn with the grid renderer's canvas twin, the line naming run, checkpoint and puzzle above,
// and the layout sizes. One place, so both files caption a step the same way.
import type { TraceDetail, TraceStepDetail } from '../../preload/contract.ts';
import { drawGrid } from '../common/Grid.tsx';
import { cellsOf } from './trace-model.ts';

export interface ExportPanel {
  title: string;
  subtitle: string;
  tokens: readonly number[];
}

/** Text colours of the exports: titles, and the muted captions under them. */
export const EXPORT_TEXT_COLOUR = '#1f2430';
export const EXPORT_MUTED_COLOUR = '#6b7280';
export const EXPORT_BACKGROUND = '#ffffff';

/** Space above the panels for the trace's title line, and the margin round everything. */
export const EXPORT_HEADER_HEIGHT = 26;
export const EXPORT_MARGIN = 8;

/** The input, then the target when there is one. */
export function givenPanels(trace: TraceDetail): ExportPanel[] {
  return [
    { title: 'input', subtitle: '', tokens: trace.input },
    ...(trace.target ? [{ title: 'target', subtitle: '', tokens: trace.target }] : []),
  ];
}

/** One step's answer, captioned "step 3 (halt)" over "σ=0.87 ✓" when solved (by the rules; the target or another
 *  valid answer), else the share of cells equal to the target. */
export function stepPanel(trace: TraceDetail, step: TraceStepDetail): ExportPanel {
  const solved = step.solved ?? step.exact;
  const outcome = solved === null ? '' : solved ? ' ✓' : ` ${Math.round((step.cellAccuracy ?? 0) * 100)}%`;
  return {
    title: `step ${step.step}${step.step === trace.trainingHaltStep ? ' (halt)' : ''}`,
    subtitle: `σ=${step.haltProbability.toFixed(2)}${outcome}`,
    tokens: step.prediction,
  };
}

/** Cells small enough that a strip of them fits, large enough for glyphs on small grids. */
export function exportCellSize(trace: TraceDetail): number {
  return Math.max(6, Math.min(24, Math.floor(120 / trace.grid.cols)));
}

/** Sizes of one panel: its grid, and the slot it takes with its caption (captions need some width). */
export function panelSize(trace: TraceDetail, cellSize: number) {
  const gridWidth = trace.grid.cols * cellSize;
  const gridHeight = trace.grid.rows * cellSize;
  return { gridWidth, gridHeight, slotWidth: Math.max(gridWidth, 84) + 12, slotHeight: gridHeight + 44 };
}

/** A canvas of the given size filled with the background, and its context. */
export function blankCanvas(width: number, height: number): { canvas: HTMLCanvasElement; context: CanvasRenderingContext2D } {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d')!;
  context.fillStyle = EXPORT_BACKGROUND;
  context.fillRect(0, 0, width, height);
  return { canvas, context };
}

const TITLE_FONT = '13px sans-serif';

function traceTitle(trace: TraceDetail): string {
  return `${trace.run.name} #${trace.run.id} · checkpoint step ${trace.info.checkpointStep} · ${trace.info.puzzleKey}`;
}

/** The width the title line takes, margins included, so a narrow image can widen to fit it. */
export function traceTitleWidth(trace: TraceDetail): number {
  const context = document.createElement('canvas').getContext('2d')!;
  context.font = TITLE_FONT;
  return Math.ceil(context.measureText(traceTitle(trace)).width) + 2 * EXPORT_MARGIN;
}

export function drawTraceTitle(context: CanvasRenderingContext2D, trace: TraceDetail): void {
  setText(context, EXPORT_TEXT_COLOUR, TITLE_FONT);
  context.fillText(traceTitle(trace), EXPORT_MARGIN, 6);
}

export function drawPanel(context: CanvasRenderingContext2D, trace: TraceDetail, panel: ExportPanel, x: number, y: number, cellSize: number): void {
  const { gridHeight } = panelSize(trace, cellSize);
  drawGrid(context, cellsOf(panel.tokens, trace.grid), x, y, cellSize, trace.grid.glyphs);
  setText(context, EXPORT_TEXT_COLOUR, '11px sans-serif');
  context.fillText(panel.title, x, y + gridHeight + 4);
  context.fillStyle = EXPORT_MUTED_COLOUR;
  context.fillText(panel.subtitle, x, y + gridHeight + 18);
}

function setText(context: CanvasRenderingContext2D, colour: string, font: string): void {
  context.fillStyle = colour;
  context.font = font;
  context.textAlign = 'left';
  context.textBaseline = 'top';
}
