// A small GIF decoder for tests, written from the GIF89a specification independently of the encoder in
// renderer/common/gif.ts: header, logical screen, global colour table, extensions, images and their LZW data.
// It throws on anything it does not expect rather than guessing.

export interface DecodedGifFrame {
  delayMs: number | null;
  left: number;
  top: number;
  width: number;
  height: number;
  indices: Uint8Array;
  /** Clear codes in the LZW data, the first included: more than 1 means the code table filled and reset. */
  clearCodes: number;
}

export interface DecodedGif {
  header: string;
  width: number;
  height: number;
  palette: [number, number, number][];
  /** The NETSCAPE2.0 loop count (0 = forever), or null without that extension. */
  loopCount: number | null;
  frames: DecodedGifFrame[];
}

export function decodeGif(bytes: Uint8Array): DecodedGif {
  let at = 0;
  const byte = () => {
    if (at >= bytes.length) throw new Error('GIF ends early');
    return bytes[at++];
  };
  const u16 = () => byte() | (byte() << 8);
  const ascii = (length: number) => String.fromCharCode(...Array.from({ length }, byte));
  const subBlocks = () => {
    const parts: number[] = [];
    for (let size = byte(); size > 0; size = byte()) for (let i = 0; i < size; i++) parts.push(byte());
    return Uint8Array.from(parts);
  };
  const colourTable = (size: number) => Array.from({ length: size }, () => [byte(), byte(), byte()] as [number, number, number]);

  const header = ascii(6);
  if (header !== 'GIF89a' && header !== 'GIF87a') throw new Error(`not a GIF: ${JSON.stringify(header)}`);
  const width = u16();
  const height = u16();
  const screenFlags = byte();
  byte(); // background colour index
  byte(); // pixel aspect ratio
  const palette = screenFlags & 0x80 ? colourTable(2 << (screenFlags & 7)) : [];
  let loopCount: number | null = null;
  let delayMs: number | null = null;
  const frames: DecodedGifFrame[] = [];
  for (;;) {
    const introducer = byte();
    if (introducer === 0x3b) break;
    if (introducer === 0x21) {
      const label = byte();
      if (label === 0xf9) {
        const data = subBlocks();
        delayMs = (data[1] | (data[2] << 8)) * 10;
      } else if (label === 0xff) {
        const identifier = String.fromCharCode(...fixedSizeBlock(byte, 11));
        const data = subBlocks();
        if (identifier === 'NETSCAPE2.0' && data[0] === 1) loopCount = data[1] | (data[2] << 8);
      } else {
        subBlocks();
      }
    } else if (introducer === 0x2c) {
      const left = u16();
      const top = u16();
      const frameWidth = u16();
      const frameHeight = u16();
      const imageFlags = byte();
      if (imageFlags & 0x40) throw new Error('interlaced images are not supported by this test decoder');
      if (imageFlags & 0x80) colourTable(2 << (imageFlags & 7));
      const minCodeSize = byte();
      const { indices, clearCodes } = lzwDecode(subBlocks(), minCodeSize, frameWidth * frameHeight);
      frames.push({ delayMs, left, top, width: frameWidth, height: frameHeight, indices, clearCodes });
      delayMs = null;
    } else {
      throw new Error(`unexpected block 0x${introducer.toString(16)} at byte ${at - 1}`);
    }
  }
  return { header, width, height, palette, loopCount, frames };
}

/** The fixed-size first sub-block of an application extension (its identifier and authentication code). */
function fixedSizeBlock(byte: () => number, expectedSize: number): number[] {
  const size = byte();
  if (size !== expectedSize) throw new Error(`application extension block of ${size} bytes, expected ${expectedSize}`);
  return Array.from({ length: size }, byte);
}

function lzwDecode(data: Uint8Array, minCodeSize: number, pixelCount: number): { indices: Uint8Array; clearCodes: number } {
  const clearCode = 1 << minCodeSize;
  const endCode = clearCode + 1;
  const indices = new Uint8Array(pixelCount);
  let written = 0;
  let clearCodes = 0;
  let table: number[][] = [];
  let codeSize = minCodeSize + 1;
  let previous: number[] | null = null;
  const reset = () => {
    table = Array.from({ length: endCode + 1 }, (_, code) => [code]);
    codeSize = minCodeSize + 1;
    previous = null;
  };
  reset();
  let bitPosition = 0;
  const readCode = (): number | null => {
    if (bitPosition + codeSize > data.length * 8) return null;
    let code = 0;
    for (let bit = 0; bit < codeSize; bit++, bitPosition++) code |= ((data[bitPosition >> 3] >> (bitPosition & 7)) & 1) << bit;
    return code;
  };
  for (;;) {
    const code = readCode();
    if (code === null) throw new Error('LZW data ends without an end code');
    if (code === clearCode) {
      clearCodes++;
      reset();
      continue;
    }
    if (code === endCode) break;
    let entry: number[];
    if (code < table.length) entry = table[code];
    else if (code === table.length && previous) entry = [...previous, previous[0]];
    else throw new Error(`LZW code ${code} is beyond the table (${table.length} entries)`);
    if (previous && table.length < 4096) table.push([...previous, entry[0]]);
    if (table.length === 1 << codeSize && codeSize < 12) codeSize++;
    for (const index of entry) {
      if (written >= pixelCount) throw new Error('LZW data has more pixels than the image');
      indices[written++] = index;
    }
    previous = entry;
  }
  if (written !== pixelCount) throw new Error(`LZW data has ${written} pixels, the image ${pixelCount}`);
  return { indices, clearCodes };
}
