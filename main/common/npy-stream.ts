// .npy files too large to hold in memory (the paper-scale ARC export, ≈3.6 GB per token array): write one row
// chunk at a time after a header whose shape is known up front, and read the header or the data in chunks.
// The bytes are exactly what serializeNpy (npy.ts) writes for the same array.
import { closeSync, openSync, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { npyHeaderBytes, NpyError, parseNpyHeader, type NpyDtype } from './npy.ts';

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
  } finally {
    closeSync(fd);
  }
}

/** The uint8 data of a .npy file in chunks of whole rows (`rowBytes` each); the chunk buffer is reused. */
export function* readNpyRows(path: string, header: NpyHeader, rowBytes: number, chunkRows = Math.max(1, Math.floor(2 ** 24 / rowBytes))): Generator<Uint8Array> {
  const total = header.shape.reduce((a, b) => a * b, 1);
  const buffer = new Uint8Array(chunkRows * rowBytes);
  const fd = openSync(path, 'r');
  try {
    for (let done = 0; done < total;) {
      const want = Math.min(buffer.length, total - done);
      let got = 0;
      while (got < want) {
        const n = readSync(fd, buffer, got, want - got, header.dataOffset + done + got);
        if (n === 0) throw new NpyError(`${path}: truncated data (${done + got} of ${total} bytes)`);
        got += n;
      }
      yield buffer.subarray(0, want);
      done += want;
    }
  } finally {
    closeSync(fd);
  }
}
