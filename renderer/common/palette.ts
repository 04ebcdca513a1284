// The canonical ARC colours (fchollet/ARC-AGI apps/css/common.css), indexed by cell value 0–9.
// Every grid in the app draws with this palette; datasets whose tokens are offset (pad/EOS first) map to it
// before drawing, never by defining a second palette.

export const ARC_PALETTE = [
  '#000000', // 0 black
  '#0074D9', // 1 blue
  '#FF4136', // 2 red
  '#2ECC40', // 3 green
  '#FFDC00', // 4 yellow
  '#AAAAAA', // 5 grey
  '#F012BE', // 6 magenta
  '#FF851B', // 7 orange
  '#7FDBFF', // 8 light blue
  '#870C25', // 9 maroon
] as const;

export const ARC_COLOUR_NAMES = ['black', 'blue', 'red', 'green', 'yellow', 'grey', 'magenta', 'orange', 'light blue', 'maroon'] as const;

/** Drawn for values outside 0–9 (padding, unknown tokens), so they are visible rather than silently black. */
export const UNKNOWN_CELL_COLOUR = '#3a3f4b';

export function cellColour(value: number): string {
  return Number.isInteger(value) && value >= 0 && value < ARC_PALETTE.length ? ARC_PALETTE[value] : UNKNOWN_CELL_COLOUR;
}

/** Run colours: distinguishable on white and dark, and colour-blind-aware (Tableau 10). A run's colour is its
 *  user override, else this list indexed by run id, so it is stable in every view. */
export const RUN_COLOURS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'] as const;

export function runColour(runId: number, override?: string | null): string {
  return override || RUN_COLOURS[((runId % RUN_COLOURS.length) + RUN_COLOURS.length) % RUN_COLOURS.length];
}
