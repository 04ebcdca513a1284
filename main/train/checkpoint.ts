// Checkpoint files: one file per saved step (`step_N.trmckpt`) holding named tensors and a JSON header.
// Written to a temporary name, flushed and renamed, so a crash or a full disk never leaves a half-written
// checkpoint under a real name, and earlier checkpoints are never touched. A SHA-256 of the body detects
// corrupt files on load.
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ExpectedError } from '../common/errors.ts';
import { regularFileProblem } from '../common/fs-checks.ts';

const MAGIC = 'TRMCKPT1';

export type TensorData = Float32Array | Int32Array | Uint8Array;

export interface NamedTensor {
  shape: number[];
  data: TensorData;
}

export interface CheckpointContents {
  /** Free-form JSON: step, config, RNG and sampler state, metrics at save time. */
  meta: Record<string, unknown>;
  tensors: Map<string, NamedTensor>;
}

interface TensorEntry {
  name: string;
  dtype: 'float32' | 'int32' | 'uint8';
  shape: number[];
  offset: number;
  byteLength: number;
}

/** A checkpoint file that cannot be read (missing, truncated, corrupt, not ours); the message names it. */
export class CheckpointError extends ExpectedError {
  constructor(message: string) {
    super(message, { code: 'invalid-input' });
    this.name = 'CheckpointError';
  }
}

function dtypeOf(data: TensorData): TensorEntry['dtype'] {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int32Array) return 'int32';
  return 'uint8';
}

/** Writes atomically; returns the file size in bytes. */
export function writeCheckpoint(path: string, contents: CheckpointContents): number {
  const entries: TensorEntry[] = [];
  let offset = 0;
  for (const [name, tensor] of contents.tensors) {
    const byteLength = tensor.data.byteLength;
    entries.push({ name, dtype: dtypeOf(tensor.data), shape: tensor.shape, offset, byteLength });
    offset += byteLength;
  }
  const hash = createHash('sha256');
  for (const tensor of contents.tensors.values()) hash.update(bytesOf(tensor.data));
  const header = Buffer.from(JSON.stringify({ meta: contents.meta, tensors: entries, bodyBytes: offset, sha256: hash.digest('hex') }));
  const prefix = Buffer.alloc(MAGIC.length + 4);
  prefix.write(MAGIC, 0, 'ascii');
  prefix.writeUInt32LE(header.length, MAGIC.length);

  const temporary = `${path}.tmp-${process.pid}`; // a kill leaves it behind: removeTemporaryFiles
  let fd: number | undefined;
  try {
    fd = openSync(temporary, 'w');
    writeSync(fd, prefix);
    writeSync(fd, header);
    for (const tensor of contents.tensors.values()) writeAll(fd, bytesOf(tensor.data));
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  return prefix.length + header.length + offset;
}

/** Removes the temporary files (`step_N.trmckpt.tmp-PID`) that writes cut short by a kill left in `dir`, those whose
 *  writing process is no longer alive; returns their names. */
export function removeTemporaryFiles(dir: string, isWriterAlive: (pid: number) => boolean): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const stale = names.filter((name) => {
    const match = /\.trmckpt\.tmp-(\d+)$/.exec(name);
    return match !== null && !isWriterAlive(Number(match[1]));
  });
  for (const name of stale) rmSync(join(dir, name), { force: true });
  return stale;
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
}

function bytesOf(data: TensorData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export function readCheckpoint(path: string): CheckpointContents {
  // Checked first: a named pipe would block the read forever, a folder fails with a bare EISDIR.
  const notAFile = regularFileProblem(path);
  if (notAFile) throw new CheckpointError(`checkpoint ${path} ${notAFile}`);
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch (error) {
    throw new CheckpointError(`cannot read checkpoint ${path}: ${(error as Error).message}`);
  }
  if (file.length < MAGIC.length + 4 || file.toString('ascii', 0, MAGIC.length) !== MAGIC)
    throw new CheckpointError(`${path} is not a TRM checkpoint (bad magic)`);
  const headerLength = file.readUInt32LE(MAGIC.length);
  const bodyStart = MAGIC.length + 4 + headerLength;
  if (bodyStart > file.length) throw new CheckpointError(`${path} is truncated (header)`);
  let header: { meta: Record<string, unknown>; tensors: TensorEntry[]; bodyBytes: number; sha256: string };
  try {
    header = JSON.parse(file.toString('utf8', MAGIC.length + 4, bodyStart));
  } catch {
    throw new CheckpointError(`${path} is corrupt (unreadable header)`);
  }
  const problem = headerProblem(header);
  if (problem) throw new CheckpointError(`${path} is corrupt (${problem})`);
  if (bodyStart + header.bodyBytes !== file.length)
    throw new CheckpointError(`${path} is truncated or corrupt (${file.length - bodyStart} of ${header.bodyBytes} body bytes)`);
  const body = file.subarray(bodyStart);
  const actual = createHash('sha256').update(body).digest('hex');
  if (actual !== header.sha256) throw new CheckpointError(`${path} is corrupt (checksum mismatch)`);
  const tensors = new Map<string, NamedTensor>();
  for (const entry of header.tensors) {
    const bytes = body.buffer.slice(body.byteOffset + entry.offset, body.byteOffset + entry.offset + entry.byteLength);
    const data = entry.dtype === 'float32' ? new Float32Array(bytes) : entry.dtype === 'int32' ? new Int32Array(bytes) : new Uint8Array(bytes);
    tensors.set(entry.name, { shape: entry.shape, data });
  }
  return { meta: header.meta, tensors };
}

const BYTES_PER_ELEMENT: Record<TensorEntry['dtype'], number> = { float32: 4, int32: 4, uint8: 1 };
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** What is wrong with a parsed header, or null: every tensor entry must lie inside the body and hold exactly its
 *  shape's elements, so a crafted header cannot make the reader slice past the body or misread a tensor. */
function headerProblem(header: unknown): string | null {
  if (!isRecord(header)) return 'the header is not an object';
  if (!isRecord(header.meta)) return 'the header has no meta object';
  if (!isCount(header.bodyBytes)) return `bodyBytes is ${JSON.stringify(header.bodyBytes)}, not a byte count`;
  if (typeof header.sha256 !== 'string') return 'the header has no sha256';
  if (!Array.isArray(header.tensors)) return 'the header has no tensor list';
  const names = new Set<string>();
  for (const [index, entry] of header.tensors.entries()) {
    if (!isRecord(entry) || typeof entry.name !== 'string') return `tensor entry ${index} has no name`;
    const where = `tensor '${entry.name}'`;
    if (names.has(entry.name)) return `${where} appears twice`;
    names.add(entry.name);
    if (typeof entry.dtype !== 'string' || !Object.hasOwn(BYTES_PER_ELEMENT, entry.dtype)) return `${where} has dtype ${JSON.stringify(entry.dtype)} (float32, int32 or uint8)`;
    if (!Array.isArray(entry.shape) || !entry.shape.every(isCount)) return `${where} has shape ${JSON.stringify(entry.shape)}, not a list of sizes`;
    if (!isCount(entry.offset) || !isCount(entry.byteLength)) return `${where} has offset ${JSON.stringify(entry.offset)} and byteLength ${JSON.stringify(entry.byteLength)}, not byte counts`;
    if (entry.offset + entry.byteLength > header.bodyBytes) return `${where} lies outside the body (bytes ${entry.offset}–${entry.offset + entry.byteLength} of ${header.bodyBytes})`;
    const elements = (entry.shape as number[]).reduce((product, size) => product * size, 1);
    const bytes = elements * BYTES_PER_ELEMENT[entry.dtype as TensorEntry['dtype']];
    if (bytes !== entry.byteLength) return `${where} has shape [${entry.shape.join(', ')}] (${bytes} bytes of ${entry.dtype}) but ${entry.byteLength} bytes`;
  }
  return null;
}
