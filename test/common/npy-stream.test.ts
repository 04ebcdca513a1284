import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpy, writeNpy, type NpyDtype } from '../../main/common/npy.ts';
import { NpyRowFile } from '../../main/common/npy-stream.ts';
import { Rng } from '../../main/common/rng.ts';
import { watchReads } from './fs-spy.ts';

function withTempDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'trm-npy-rows-'));
  try { body(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

const DTYPES: { dtype: NpyDtype; make: (values: number[]) => ArrayLike<number | bigint> & { buffer: ArrayBufferLike } }[] = [
  { dtype: 'uint8', make: (v) => Uint8Array.from(v) },
  { dtype: 'int8', make: (v) => Int8Array.from(v, (x) => x - 100) },
  { dtype: 'uint16', make: (v) => Uint16Array.from(v, (x) => x * 200) },
  { dtype: 'int16', make: (v) => Int16Array.from(v, (x) => x * 100 - 9000) },
  { dtype: 'int32', make: (v) => Int32Array.from(v, (x) => x * 1e6 - 9e7) },
  { dtype: 'int64', make: (v) => BigInt64Array.from(v, (x) => BigInt(x * 1e6 - 9e7)) },
];

test('rows of every integer dtype, in any order and with repeats, are the rows of the whole array as int32', () => withTempDir((dir) => {
  const rng = new Rng(3);
  const [rows, rowLength] = [37, 5];
  const values = Array.from({ length: rows * rowLength }, () => rng.int(0, 180));
  const wanted = [36, 0, 5, 6, 7, 5, 20, 19, 1];
  for (const { dtype, make } of DTYPES) {
    const path = join(dir, `${dtype}.npy`);
    writeNpy(path, { dtype, shape: [rows, rowLength], data: make(values) as never });
    const expected = Array.from(readNpy(path).data as ArrayLike<number | bigint>, Number);
    const file = new NpyRowFile(path);
    assert.deepEqual([file.rows, file.rowLength, file.dtype], [rows, rowLength, dtype]);
    const out = new Int32Array(wanted.length * rowLength);
    file.read(wanted, out);
    assert.deepEqual([...out], wanted.flatMap((r) => expected.slice(r * rowLength, (r + 1) * rowLength)), dtype);
    const range = new Int32Array(10 * rowLength + 3).fill(-1);
    file.readRange(27, 10, range, 3);
    assert.deepEqual([...range], [-1, -1, -1, ...expected.slice(27 * rowLength)], `${dtype} range`);
    file.close();
  }
}));

test('consecutive rows are one read; scattered rows one read per run', () => withTempDir((dir) => {
  const path = join(dir, 'tokens.npy');
  writeNpy(path, { dtype: 'uint8', shape: [100, 9], data: Uint8Array.from({ length: 900 }, (_, i) => i % 251) });
  const file = new NpyRowFile(path);
  const out = new Int32Array(40 * 9);
  assert.equal(watchReads(() => file.read(Array.from({ length: 40 }, (_, i) => 50 + i), out)).reads, 1);
  assert.equal(watchReads(() => file.read([12, 90, 10, 11, 91, 40], out)).reads, 3, 'runs 10–12, 40, 90–91');
  assert.deepEqual([...out.subarray(0, 9)], Array.from({ length: 9 }, (_, i) => (12 * 9 + i) % 251));
  file.close();
  assert.throws(() => file.read([0], out), /read after close/);
}));

test('bad files are refused with the path and the problem', () => withTempDir((dir) => {
  const path = (name: string) => join(dir, `${name}.npy`);
  writeNpy(path('flat'), { dtype: 'uint8', shape: [12], data: new Uint8Array(12) });
  assert.throws(() => new NpyRowFile(path('flat')), /flat\.npy: expected 2 dimension\(s\), got shape \[12\]/);
  writeNpy(path('float'), { dtype: 'float32', shape: [2, 2], data: new Float32Array(4) });
  assert.throws(() => new NpyRowFile(path('float')), /float\.npy: expected integers, got float32/);
  writeNpy(path('short'), { dtype: 'int32', shape: [4, 3], data: new Int32Array(12) });
  truncateSync(path('short'), statSync(path('short')).size - 1);
  assert.throws(() => new NpyRowFile(path('short')), /short\.npy: truncated data \(47 of 48 bytes\)/);
  writeNpy(path('huge'), { dtype: 'int64', shape: [1, 2], data: BigInt64Array.of(1n, 1n << 40n) });
  assert.throws(() => new NpyRowFile(path('huge')).read([0], new Int32Array(2)), /huge\.npy: value 1099511627776 does not fit int32/);
  writeNpy(path('two'), { dtype: 'uint8', shape: [2, 1], data: new Uint8Array(2) });
  const file = new NpyRowFile(path('two'));
  assert.throws(() => file.read([2], new Int32Array(2)), /two\.npy: row 2 is outside \[0, 2\)/);
  file.close();
}));
