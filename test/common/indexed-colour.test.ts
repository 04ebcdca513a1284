import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hexToRgb, mixRgb, nearestColourIndices } from '../../renderer/common/indexed-colour.ts';
import type { Rgb } from '../../renderer/common/gif.ts';

test('hex colours, long and short, and mixes between two colours', () => {
  assert.deepEqual(hexToRgb('#0074D9'), [0x00, 0x74, 0xd9]);
  assert.deepEqual(hexToRgb('#555'), [0x55, 0x55, 0x55]);
  assert.throws(() => hexToRgb('#12345'), /not a hex colour/);
  assert.deepEqual(mixRgb([0, 0, 0], [255, 255, 255], 0.5), [128, 128, 128]);
  assert.deepEqual(mixRgb([10, 20, 30], [110, 120, 130], 0), [10, 20, 30]);
});

test('every pixel takes the index of the nearest palette colour; exact colours map to themselves', () => {
  const palette: Rgb[] = [[255, 255, 255], [0, 0, 0], [255, 0, 0], [128, 128, 128]];
  const rgba = Uint8Array.from([
    255, 255, 255, 255, // white
    0, 0, 0, 255, // black
    255, 0, 0, 255, // red
    250, 10, 5, 255, // nearly red
    120, 130, 125, 255, // a mid grey from anti-aliasing
    20, 20, 20, 0, // alpha is ignored: nearly black
    255, 0, 0, 255, // red again (from the cache)
  ]);
  assert.deepEqual([...nearestColourIndices(rgba, palette)], [0, 1, 2, 2, 3, 1, 2]);
});
