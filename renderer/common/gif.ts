// An animated GIF89a encoder: indexed frames over one global palette, looping forever. Pure TypeScript with no
// DOM, so it runs under plain Node tests. Layout and LZW follow the GIF89a specification
// (https://www.w3.org/Graphics/GIF/spec-gif89a.txt): variable-width codes from minCodeSize+1 up to 12 bits,
// packed least significant bit first into sub-blocks of at most 255 bytes.

export type Rgb = readonly [red: number, green: number, blue: number];

export interface GifFrame {
  /** One palette index per pixel, row by row: width × height of them. */
  indices: Uint8Array;
  delayMs: number;
}

export interface GifImage {
  width: number;
  height: number;
  /** At most 256 colours; the colour table is padded to the next power of two. */
  palette: readonly Rgb[];
  frames: readonly GifFrame[];
}

const MAX_CODE_BITS = 12;

export function encodeGif({ width, height, palette, frames }: GifImage): Uint8Array<ArrayBuffer> {
  if (palette.length < 1 || palette.length > 256) throw new Error(`a GIF palette has 1 to 256 colours, not ${palette.length}`);
  // Bits per index of the colour table: 2^tableBits ≥ palette size (at least 1 bit).
  const tableBits = Math.max(1, Math.ceil(Math.log2(palette.length)));
  const out = new ByteWriter();
  out.ascii('GIF89a');
  // Logical screen descriptor: global colour table present, colour resolution and table size both tableBits.
  out.u16(width).u16(height).byte(0x80 | ((tableBits - 1) << 4) | (tableBits - 1)).byte(0).byte(0);
  for (let i = 0; i < 1 << tableBits; i++) out.bytes(palette[i] ?? [0, 0, 0]);
  // NETSCAPE2.0 application extension: loop count 0 = forever.
  out.byte(0x21).byte(0xff).byte(11).ascii('NETSCAPE2.0').byte(3).byte(1).u16(0).byte(0);
  for (const frame of frames) {
    if (frame.indices.length !== width * height) throw new Error(`a ${width}×${height} frame has ${width * height} indices, not ${frame.indices.length}`);
    // Graphic control extension: no disposal, no transparency, delay in centiseconds.
    out.byte(0x21).byte(0xf9).byte(4).byte(0).u16(Math.round(frame.delayMs / 10)).byte(0).byte(0);
    // Image descriptor: the whole screen, no local colour table, not interlaced.
    out.byte(0x2c).u16(0).u16(0).u16(width).u16(height).byte(0);
    // The minimum code size is at least 2, even for a two-colour table.
    const minCodeSize = Math.max(2, tableBits);
    out.byte(minCodeSize);
    const data = lzwEncode(frame.indices, minCodeSize);
    for (let start = 0; start < data.length; start += 255) {
      const block = data.subarray(start, start + 255);
      out.byte(block.length).bytes(block);
    }
    out.byte(0);
  }
  out.byte(0x3b);
  return out.result();
}

/** GIF's LZW: a clear code first, codes that widen as the table grows, a clear code again when it is full. */
function lzwEncode(indices: Uint8Array, minCodeSize: number): Uint8Array {
  const clearCode = 1 << minCodeSize;
  const endCode = clearCode + 1;
  const bits = new BitWriter();
  // (prefix code << 8 | next index) → code of that string.
  const table = new Map<number, number>();
  let codeSize = minCodeSize + 1;
  let nextCode = endCode + 1;
  bits.write(clearCode, codeSize);
  if (indices.length === 0) {
    bits.write(endCode, codeSize);
    return bits.result();
  }
  let prefix = indices[0];
  for (let i = 1; i < indices.length; i++) {
    const index = indices[i];
    const key = (prefix << 8) | index;
    const known = table.get(key);
    if (known !== undefined) {
      prefix = known;
      continue;
    }
    bits.write(prefix, codeSize);
    if (nextCode === 1 << MAX_CODE_BITS) {
      bits.write(clearCode, codeSize);
      table.clear();
      codeSize = minCodeSize + 1;
      nextCode = endCode + 1;
    } else {
      table.set(key, nextCode++);
      // The decoder adds each entry one code later, so it widens once a code ≥ 2^codeSize could be next.
      if (nextCode > 1 << codeSize && codeSize < MAX_CODE_BITS) codeSize++;
    }
    prefix = index;
  }
  bits.write(prefix, codeSize);
  bits.write(endCode, codeSize);
  return bits.result();
}

/** Codes packed least significant bit first, as GIF wants. */
class BitWriter {
  private readonly out = new ByteWriter();
  private pending = 0;
  private pendingBits = 0;

  write(code: number, size: number): void {
    this.pending |= code << this.pendingBits;
    this.pendingBits += size;
    while (this.pendingBits >= 8) {
      this.out.byte(this.pending & 0xff);
      this.pending >>>= 8;
      this.pendingBits -= 8;
    }
  }

  result(): Uint8Array {
    if (this.pendingBits > 0) this.out.byte(this.pending & 0xff);
    this.pending = 0;
    this.pendingBits = 0;
    return this.out.result();
  }
}

/** A growable byte buffer with the little-endian writes GIF needs. */
class ByteWriter {
  private buffer = new Uint8Array(1024);
  private length = 0;

  byte(value: number): this {
    if (this.length === this.buffer.length) {
      const larger = new Uint8Array(this.buffer.length * 2);
      larger.set(this.buffer);
      this.buffer = larger;
    }
    this.buffer[this.length++] = value;
    return this;
  }

  bytes(values: ArrayLike<number>): this {
    for (let i = 0; i < values.length; i++) this.byte(values[i]);
    return this;
  }

  u16(value: number): this {
    return this.byte(value & 0xff).byte((value >> 8) & 0xff);
  }

  ascii(text: string): this {
    for (const char of text) this.byte(char.charCodeAt(0));
    return this;
  }

  result(): Uint8Array<ArrayBuffer> {
    return this.buffer.slice(0, this.length);
  }
}
