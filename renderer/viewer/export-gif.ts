// The steps as an animated GIF to share how the model thinks: a frame per supervision step with the input, the
// target and that step's answer side by side, captioned as in the PNG film strip (export-panels.ts). Frames are
// drawn on a canvas, then every pixel takes the nearest colour of one fixed palette (grid colours, text colours,
// greys), so anti-aliased text never needs more than the 256 colours a GIF has.
import type { TraceDetail } from '../../preload/contract.ts';
import { encodeGif, type GifFrame, type Rgb } from '../common/gif.ts';
import { GLYPH_COLOURS, glyphColour, GRID_GAP_COLOUR } from '../common/Grid.tsx';
import { hexToRgb, mixRgb, nearestColourIndices } from '../common/indexed-colour.ts';
import { ARC_PALETTE, cellColour } from '../common/palette.ts';
import { downloadBlob } from '../compare/download.ts';
import {
  blankCanvas, drawPanel, drawTraceTitle, EXPORT_BACKGROUND, EXPORT_HEADER_HEIGHT, EXPORT_MARGIN, EXPORT_MUTED_COLOUR, EXPORT_TEXT_COLOUR,
  exportCellSize, givenPanels, panelSize, stepPanel, traceTitleWidth,
} from './export-panels.ts';

/** Long enough to read a caption; the last step stays up longer before the loop starts again. */
export const STEP_DELAY_MS = 700;
export const LAST_STEP_DELAY_MS = 2000;

/** Every colour a frame draws, and in-between shades for the anti-aliased edges of glyphs and text. */
export function stepsGifPalette(): Rgb[] {
  const cellValues = [...ARC_PALETTE.keys(), -1]; // -1: the "unknown" cell colour
  const cells = cellValues.map((value) => hexToRgb(cellColour(value)));
  const glyphEdges = cellValues.map((value) => mixRgb(hexToRgb(cellColour(value)), hexToRgb(glyphColour(value)), 0.5));
  const background = hexToRgb(EXPORT_BACKGROUND);
  const text = [EXPORT_TEXT_COLOUR, EXPORT_MUTED_COLOUR, GRID_GAP_COLOUR, GLYPH_COLOURS.onLight, GLYPH_COLOURS.onDark].map(hexToRgb);
  const textEdges = [EXPORT_TEXT_COLOUR, EXPORT_MUTED_COLOUR].flatMap((hex) => [0.25, 0.5, 0.75].map((amount) => mixRgb(hexToRgb(hex), background, amount)));
  const greys = Array.from({ length: 16 }, (_, i): Rgb => [i * 17, i * 17, i * 17]);
  return [background, ...cells, ...glyphEdges, ...text, ...textEdges, ...greys];
}

export function stepsGif(trace: TraceDetail): Uint8Array<ArrayBuffer> {
  const cellSize = exportCellSize(trace);
  const given = givenPanels(trace);
  const { slotWidth, slotHeight } = panelSize(trace, cellSize);
  const width = Math.max((given.length + 1) * slotWidth + 12, traceTitleWidth(trace));
  const height = EXPORT_HEADER_HEIGHT + slotHeight + 6;
  const palette = stepsGifPalette();
  const frames = trace.steps.map((step, i): GifFrame => {
    const { context } = blankCanvas(width, height);
    drawTraceTitle(context, trace);
    [...given, stepPanel(trace, step)].forEach((panel, slot) => drawPanel(context, trace, panel, EXPORT_MARGIN + slot * slotWidth, EXPORT_HEADER_HEIGHT, cellSize));
    return {
      indices: nearestColourIndices(context.getImageData(0, 0, width, height).data, palette),
      delayMs: i === trace.steps.length - 1 ? LAST_STEP_DELAY_MS : STEP_DELAY_MS,
    };
  });
  return encodeGif({ width, height, palette, frames });
}

export function downloadStepsGif(trace: TraceDetail): void {
  downloadBlob(new Blob([stepsGif(trace)], { type: 'image/gif' }), `trace-${trace.info.id}-steps.gif`);
}
