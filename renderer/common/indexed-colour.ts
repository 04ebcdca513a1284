// From drawn pixels to palette indices (for GIF frames): every pixel becomes the nearest colour of a fixed
// palette, so anti-aliased text edges fall onto the palette instead of adding colours. No DOM, so Node tests run it.
import type { Rgb } from './gif.ts';

/** '#rgb' or '#rrggbb' as a colour triple. */
export function hexToRgb(hex: string): Rgb {
  const digits = hex.replace(/^#/, '');
  const full = digits.length === 3 ? [...digits].map((digit) => digit + digit).join('') : digits;
  if (!/^[0-9a-f]{6}$/i.test(full)) throw new Error(`not a hex colour: ${hex}`);
  const value = parseInt(full, 16);
  return [(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff];
}

/** The colour a share `amount` (0–1) of the way from `from` to `to`. */
export function mixRgb(from: Rgb, to: Rgb, amount: number): Rgb {
  const mix = (a: number, b: number) => Math.round(a + (b - a) * amount);
  return [mix(from[0], to[0]), mix(from[1], to[1]), mix(from[2], to[2])];
}

/** For opaque RGBA pixels (alpha is ignored), the index of the nearest palette colour by squared RGB distance. */
export function nearestColourIndices(rgba: Uint8ClampedArray | Uint8Array, palette: readonly Rgb[]): Uint8Array {
  const indices = new Uint8Array(rgba.length / 4);
  // Drawn frames repeat a few colours many times, so each distinct colour is searched once.
  const nearestOf = new Map<number, number>();
  for (let pixel = 0; pixel < indices.length; pixel++) {
    const red = rgba[pixel * 4];
    const green = rgba[pixel * 4 + 1];
    const blue = rgba[pixel * 4 + 2];
    const key = (red << 16) | (green << 8) | blue;
    let nearest = nearestOf.get(key);
    if (nearest === undefined) {
      nearest = nearestIndex(palette, red, green, blue);
      nearestOf.set(key, nearest);
    }
    indices[pixel] = nearest;
  }
  return indices;
}

function nearestIndex(palette: readonly Rgb[], red: number, green: number, blue: number): number {
  let nearest = 0;
  let nearestDistance = Infinity;
  for (let index = 0; index < palette.length; index++) {
    const [r, g, b] = palette[index];
    const distance = (r - red) ** 2 + (g - green) ** 2 + (b - blue) ** 2;
    if (distance < nearestDistance) [nearest, nearestDistance] = [index, distance];
  }
  return nearest;
}
