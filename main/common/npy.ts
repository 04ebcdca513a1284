// NumPy .npy files (format 1.0/2.0/3.0, little-endian, C order): the official TRM dataset layout and the
// parity fixtures use them. Read and write without any dependency.
import { readFileSync, writeFileSync } from 'node:fs';
import { ExpectedError } from './errors.ts';
import { regularFileProblem } from './fs-checks.ts';

export type NpyDtype = 'float32' | 'float64' | 'int32' | 'int64' | 'uint8' | 'bool' | 'int8' | 'uint16' | 'int16';
export type NpyData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | Uint16Array | Int16Array;

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  data: NpyData;
}

const DESCR: Record<NpyDtype, string> = {
  float32: '<f4', float64: '<f8', int32: '<i4', int64: '<i8', uint8: '|u1', bool: '|b1', int8: '|i1', uint16: '<u2', int16: '<i2',
};
const FROM_DESCR: Record<string, NpyDtype> = Object.fromEntries(Object.entries(DESCR).map(([k, v]) => [v, k as NpyDtype]));
FROM_DESCR['<u1'] = 'uint8';
FROM_DESCR['<i1'] = 'int8';
FROM_DESCR['<b1'] = 'bool';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** A file that is not a readable .npy array; the message names it. */
export class NpyError extends ExpectedError {
  constructor(message: string) {
    super(message, { code: 'invalid-input' });
    this.name = 'NpyError';
  }
}

/** The header of a .npy file from its first bytes (at least the whole header): dtype, shape, where data starts. */
export function parseNpyHeader(bytes: Uint8Array, name = 'array'): { dtype: NpyDtype; shape: number[]; dataOffset: number } {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new NpyError(`${name}: not a .npy file (bad magic)`);
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let offset: number;
  if (major === 1) { headerLen = view.getUint16(8, true); offset = 10; }
  else if (major === 2 || major === 3) { headerLen = view.getUint32(8, true); offset = 12; }
  else throw new NpyError(`${name}: unsupported .npy version ${major}`);
  if (offset + headerLen > bytes.length) throw new NpyError(`${name}: truncated header`);
  const header = new TextDecoder().decode(bytes.subarray(offset, offset + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw new NpyError(`${name}: malformed header ${header.trim()}`);
  if (fortran === 'True') throw new NpyError(`${name}: Fortran-ordered arrays are not supported`);
  const dtype = FROM_DESCR[descr];
  if (!dtype) throw new NpyError(`${name}: unsupported dtype ${descr}`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  return { dtype, shape, dataOffset: offset + headerLen };
}

export function parseNpy(bytes: Uint8Array, name = 'array'): NpyArray {
  const { dtype, shape, dataOffset: dataStart } = parseNpyHeader(bytes, name);
  const count = shape.reduce((a, b) => a * b, 1);
  const byteSize = bytesPerElement(dtype) * count;
  if (dataStart + byteSize > bytes.length) throw new NpyError(`${name}: truncated data (${bytes.length - dataStart} of ${byteSize} bytes)`);
  // Copy so the result is aligned and independent of the file buffer. (Buffer.slice would return a view into
  // Node's shared pool, whose .buffer is the whole pool, so copy through a fresh Uint8Array.)
  const raw = new Uint8Array(bytes.subarray(dataStart, dataStart + byteSize)).buffer;
  return { dtype, shape, data: typedArray(dtype, raw) };
}

export function readNpy(path: string): NpyArray {
  const notAFile = regularFileProblem(path); // a named pipe would block the read forever
  if (notAFile) throw new NpyError(`${path} ${notAFile}`);
  return parseNpy(readFileSync(path), path);
}

/** A version 1.0 header (magic … padding and '\n'), padded to a multiple of 64 bytes as NumPy does. */
export function npyHeaderBytes(dtype: NpyDtype, shape: number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const text = new TextEncoder().encode(header);
  const out = new Uint8Array(10 + text.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  new DataView(out.buffer).setUint16(8, text.length, true);
  out.set(text, 10);
  return out;
}

export function serializeNpy(array: NpyArray): Uint8Array {
  const count = array.shape.reduce((a, b) => a * b, 1);
  if (array.data.length !== count) throw new NpyError(`shape [${array.shape}] needs ${count} elements, got ${array.data.length}`);
  const header = npyHeaderBytes(array.dtype, array.shape);
  const dataBytes = new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  const out = new Uint8Array(header.length + dataBytes.length);
  out.set(header, 0);
  out.set(dataBytes, header.length);
  return out;
}

export function writeNpy(path: string, array: NpyArray): void {
  writeFileSync(path, serializeNpy(array));
}

export function bytesPerElement(dtype: NpyDtype): number {
  switch (dtype) {
    case 'float64': case 'int64': return 8;
    case 'float32': case 'int32': return 4;
    case 'uint16': case 'int16': return 2;
    default: return 1;
  }
}

/** A typed view of `length` elements (default: to the end) at `byteOffset`, which must be aligned to the dtype. */
export function typedArray(dtype: NpyDtype, buffer: ArrayBufferLike, byteOffset = 0, length?: number): NpyData {
  switch (dtype) {
    case 'float32': return new Float32Array(buffer, byteOffset, length);
    case 'float64': return new Float64Array(buffer, byteOffset, length);
    case 'int32': return new Int32Array(buffer, byteOffset, length);
    case 'int64': return new BigInt64Array(buffer, byteOffset, length);
    case 'int8': return new Int8Array(buffer, byteOffset, length);
    case 'uint16': return new Uint16Array(buffer, byteOffset, length);
    case 'int16': return new Int16Array(buffer, byteOffset, length);
    case 'uint8': case 'bool': return new Uint8Array(buffer, byteOffset, length);
  }
}

/** The array's values as plain numbers (int64 converted; fine for ids and offsets). */
export function toNumbers(array: NpyArray): number[] {
  return Array.from(array.data as ArrayLike<number | bigint>, (v) => Number(v));
}
