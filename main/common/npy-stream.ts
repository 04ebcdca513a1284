// .npy files too large to hold in memory (the paper-scale ARC export, ≈3.6 GB per token array): write one row
// chunk at a time after a header whose shape is known up front, and read the header alone or rows on demand.
// The bytes are exactly what serializeNpy (npy.ts) writes for the same array.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { bytesPerElement, npyHeaderBytes, NpyError, parseNpyHeader, typedArray, type NpyDtype } from './npy.ts';
import { regularFileProblem } from './fs-checks.ts';

/** Version 1.0 header for a streamed array (uint8 or int32, the official dataset's dtypes). */
export function npyHeader(dtype: NpyDtype, shape: number[]): Uint8Array {
  if (dtype !== 'uint8' && dtype !== 'int32') throw new NpyError(`streamed .npy files support uint8 and int32, not ${dtype}`);
  return npyHeaderBytes(dtype, shape);
}

/** Appends the data of one array whose shape is known before its first byte; close() checks the byte count. */
export class NpyFileWriter {
  private written = 0;

  private constructor(readonly path: string, private readonly file: FileHandle, private readonly expectedBytes: number) {}

  static async create(path: string, dtype: NpyDtype, shape: number[]): Promise<NpyFileWriter> {
    const file = await open(path, 'wx');
    const elementBytes = dtype === 'int32' ? 4 : 1;
    const writer = new NpyFileWriter(path, file, shape.reduce((a, b) => a * b, 1) * elementBytes);
    try {
      await writeAll(file, npyHeader(dtype, shape));
    } catch (error) {
      await file.close();
      throw error;
    }
    return writer;
  }

  async append(bytes: Uint8Array): Promise<void> {
    if (this.written + bytes.length > this.expectedBytes)
      throw new NpyError(`${this.path}: more data than its header announces (${this.expectedBytes} bytes)`);
    await writeAll(this.file, bytes);
    this.written += bytes.length;
  }

  async close(): Promise<void> {
    await this.file.close();
    if (this.written !== this.expectedBytes)
      throw new NpyError(`${this.path}: wrote ${this.written} data bytes but its header announces ${this.expectedBytes}`);
  }

  /** Closes without checking (cleanup after a failure). */
  async abandon(): Promise<void> {
    await this.file.close().catch(() => undefined);
  }
}

async function writeAll(file: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length;) {
    const { bytesWritten } = await file.write(bytes, done, bytes.length - done);
    done += bytesWritten;
  }
}

export interface NpyHeader {
  dtype: NpyDtype;
  shape: number[];
  /** Byte offset of the first element. */
  dataOffset: number;
}

/** The header of a .npy file, reading only its first bytes. */
export function readNpyHeader(path: string): NpyHeader {
  const fd = openSync(path, 'r');
  try {
    return headerOf(fd, path);
  } finally {
    closeSync(fd);
  }
}

function headerOf(fd: number, path: string): NpyHeader {
  const prefix = new Uint8Array(12);
  const got = readSync(fd, prefix, 0, 12, 0);
  if (got < 10) throw new NpyError(`${path}: not a .npy file (bad magic)`);
  const view = new DataView(prefix.buffer);
  const major = prefix[6];
  const length = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (length > 1 << 20) throw new NpyError(`${path}: not a .npy file (implausible header length ${length})`);
  const bytes = new Uint8Array(start + length);
  readSync(fd, bytes, 0, bytes.length, 0);
  return parseNpyHeader(bytes, path);
}

const INTEGER_DTYPES: readonly NpyDtype[] = ['uint8', 'int8', 'uint16', 'int16', 'int32', 'int64'];
/** Bytes one read may cover when consecutive rows are merged (and the reused buffer's largest size). */
const MAX_READ_BYTES = 1 << 24;
/** Descriptors of row files dropped without close() are closed when the file object is collected. */
const closeWhenCollected = new FinalizationRegistry<number>((fd) => {
  try { closeSync(fd); } catch { /* already closed */ }
});

/**
 * The rows of a 2-D integer .npy file, read on demand with positioned reads on one open descriptor, so only the
 * rows asked for are ever in memory (a paper-scale ARC token array is ≈3.6 GB). Values come out as int32,
 * whatever integer dtype the file holds (the builders here write uint8; hand-built folders may hold int64).
 */
export class NpyRowFile {
  readonly dtype: NpyDtype;
  readonly rows: number;
  /** Values per row. */
  readonly rowLength: number;
  private readonly rowBytes: number;
  private readonly dataOffset: number;
  private fd: number | null;
  /** Reused read buffer, grown on demand up to MAX_READ_BYTES (or one row when a row is larger). */
  private buffer = new Uint8Array(0);

  constructor(readonly path: string) {
    const notAFile = regularFileProblem(path); // opening a named pipe blocks until something writes to it
    if (notAFile) throw new NpyError(`${path} ${notAFile}`);
    const fd = openSync(path, 'r');
    try {
      const header = headerOf(fd, path);
      if (header.shape.length !== 2) throw new NpyError(`${path}: expected 2 dimension(s), got shape [${header.shape}]`);
      if (!INTEGER_DTYPES.includes(header.dtype)) throw new NpyError(`${path}: expected integers, got ${header.dtype}`);
      [this.rows, this.rowLength] = header.shape;
      this.dtype = header.dtype;
      this.rowBytes = this.rowLength * bytesPerElement(header.dtype);
      this.dataOffset = header.dataOffset;
      const dataBytes = fstatSync(fd).size - header.dataOffset;
      if (dataBytes < this.rows * this.rowBytes) throw new NpyError(`${path}: truncated data (${dataBytes} of ${this.rows * this.rowBytes} bytes)`);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    this.fd = fd;
    closeWhenCollected.register(this, fd, this);
  }

  /** Rows first .. first+count-1 into out[at ..], in chunks of at most MAX_READ_BYTES. */
  readRange(first: number, count: number, out: Int32Array, at = 0): void {
    const chunkRows = Math.max(1, Math.floor(MAX_READ_BYTES / this.rowBytes));
    for (let done = 0; done < count; done += chunkRows) {
      const rows = Math.min(chunkRows, count - done);
      const bytes = this.readBytes(first + done, rows);
      this.decode(bytes, out, at + done * this.rowLength);
    }
  }

  /** Row rows[i] into out[i·rowLength ..], for rows in any order (repeats allowed): each run of consecutive row
   *  numbers among them is one read. */
  read(rows: ArrayLike<number>, out: Int32Array): void {
    for (let i = 0; i < rows.length; i++) {
      if (!Number.isInteger(rows[i]) || rows[i] < 0 || rows[i] >= this.rows) throw new RangeError(`${this.path}: row ${rows[i]} is outside [0, ${this.rows})`);
    }
    const order = Array.from({ length: rows.length }, (_, i) => i).sort((a, b) => rows[a] - rows[b]);
    const maxRunRows = Math.max(1, Math.floor(MAX_READ_BYTES / this.rowBytes));
    for (let start = 0; start < order.length;) {
      const first = rows[order[start]];
      let end = start + 1;
      while (end < order.length && rows[order[end]] - rows[order[end - 1]] <= 1 && rows[order[end]] - first < maxRunRows) end++;
      const bytes = this.readBytes(first, rows[order[end - 1]] - first + 1);
      for (let i = start; i < end; i++) {
        const offset = (rows[order[i]] - first) * this.rowBytes;
        this.decode(bytes.subarray(offset, offset + this.rowBytes), out, order[i] * this.rowLength);
      }
      start = end;
    }
  }

  close(): void {
    if (this.fd === null) return;
    closeWhenCollected.unregister(this);
    closeSync(this.fd);
    this.fd = null;
  }

  /** The bytes of `count` rows from row `first`, in the reused buffer (valid until the next read). */
  private readBytes(first: number, count: number): Uint8Array {
    if (this.fd === null) throw new NpyError(`${this.path}: read after close`);
    const length = count * this.rowBytes;
    if (this.buffer.length < length) this.buffer = new Uint8Array(length);
    const position = this.dataOffset + first * this.rowBytes;
    for (let got = 0; got < length;) {
      const n = readSync(this.fd, this.buffer, got, length - got, position + got);
      if (n === 0) throw new NpyError(`${this.path}: truncated data (rows ${first}..${first + count - 1} end past the file)`);
      got += n;
    }
    return this.buffer.subarray(0, length);
  }

  /** Whole rows of file bytes (offset 0 of the buffer or a multiple of the row size, so aligned) as int32. */
  private decode(bytes: Uint8Array, out: Int32Array, at: number): void {
    const values = typedArray(this.dtype, bytes.buffer, bytes.byteOffset, bytes.length / bytesPerElement(this.dtype));
    if (!(values instanceof BigInt64Array)) { out.set(values, at); return; }
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < -0x80000000n || v > 0x7fffffffn) throw new NpyError(`${this.path}: value ${v} does not fit int32`);
      out[at + i] = Number(v);
    }
  }
}
