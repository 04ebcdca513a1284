import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeGif, type GifFrame, type Rgb } from '../../renderer/common/gif.ts';
import { decodeGif } from './gif-decode.ts';

/** A deterministic pseudo-random source (mulberry32), so a failure reproduces. */
function randomSource(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const greys = (count: number): Rgb[] => Array.from({ length: count }, (_, i) => [i, i, 255 - i]);

function assertRoundTrip(width: number, height: number, palette: Rgb[], frames: GifFrame[]) {
  const decoded = decodeGif(encodeGif({ width, height, palette, frames }));
  assert.equal(decoded.header, 'GIF89a');
  assert.equal(decoded.loopCount, 0, 'NETSCAPE2.0 loop extension, looping forever');
  assert.deepEqual([decoded.width, decoded.height], [width, height]);
  assert.deepEqual(decoded.palette.slice(0, palette.length), palette);
  assert.equal(decoded.palette.length & (decoded.palette.length - 1), 0, 'the colour table is a power of two');
  assert.equal(decoded.frames.length, frames.length);
  decoded.frames.forEach((frame, i) => {
    assert.equal(frame.delayMs, Math.round(frames[i].delayMs / 10) * 10, `frame ${i} delay`);
    assert.deepEqual([frame.left, frame.top, frame.width, frame.height], [0, 0, width, height]);
    assert.ok(frame.indices.every((index, pixel) => index === frames[i].indices[pixel]), `frame ${i}: every pixel's index`);
  });
  return decoded;
}

test('a two-colour palette (the smallest table and minimum code size 2) round-trips', () => {
  const palette: Rgb[] = [[255, 255, 255], [0, 0, 0]];
  assertRoundTrip(3, 2, palette, [
    { indices: Uint8Array.from([0, 1, 0, 1, 1, 1]), delayMs: 700 },
    { indices: Uint8Array.from([1, 1, 1, 1, 1, 1]), delayMs: 2000 },
  ]);
});

test('frames of patterns, runs and single pixels keep their indices and delays', () => {
  const palette = greys(11);
  const stripes = Uint8Array.from({ length: 40 * 30 }, (_, i) => Math.floor(i / 7) % 11);
  const checker = Uint8Array.from({ length: 40 * 30 }, (_, i) => ((i % 40) + Math.floor(i / 40)) % 2 ? 10 : 3);
  const flat = new Uint8Array(40 * 30).fill(5);
  const decoded = assertRoundTrip(40, 30, palette, [
    { indices: stripes, delayMs: 700 }, { indices: checker, delayMs: 704 }, { indices: flat, delayMs: 2000 },
  ]);
  assert.deepEqual(decoded.frames.map((f) => f.delayMs), [700, 700, 2000], 'delays in centiseconds');
  assert.equal(decoded.palette.length, 16);
});

test('a large varied frame fills the 12-bit code table, which is cleared and rebuilt', () => {
  const random = randomSource(42);
  const palette = greys(200);
  const noise = Uint8Array.from({ length: 300 * 300 }, () => Math.floor(random() * 200));
  const runs = Uint8Array.from({ length: 300 * 300 }, (_, i) => Math.floor(i / 97) % 200);
  const decoded = assertRoundTrip(300, 300, palette, [{ indices: noise, delayMs: 700 }, { indices: runs, delayMs: 2000 }]);
  assert.equal(decoded.palette.length, 256);
  assert.ok(decoded.frames[0].clearCodes > 5, `noise resets the table many times (${decoded.frames[0].clearCodes} clear codes)`);
});

test('a full 256-colour palette and a one-colour palette both work', () => {
  const random = randomSource(7);
  assertRoundTrip(64, 64, greys(256), [{ indices: Uint8Array.from({ length: 64 * 64 }, () => Math.floor(random() * 256)), delayMs: 100 }]);
  assertRoundTrip(5, 5, [[12, 34, 56]], [{ indices: new Uint8Array(25), delayMs: 100 }]);
});

test('bad input is refused', () => {
  assert.throws(() => encodeGif({ width: 1, height: 1, palette: greys(257), frames: [] }), /1 to 256 colours/);
  assert.throws(() => encodeGif({ width: 2, height: 2, palette: greys(2), frames: [{ indices: new Uint8Array(3), delayMs: 0 }] }), /4 indices, not 3/);
});
