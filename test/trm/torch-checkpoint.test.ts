import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { readNpy } from '../../main/common/npy.ts';
import { sharedDir } from '../../main/common/paths.ts';
import { parseTorchCheckpoint, readTorchCheckpoint, stripOfficialPrefix, TorchCheckpointError } from '../../main/trm/torch-checkpoint.ts';

const fixtures = join(sharedDir(), 'fixtures', 'trm-parity');

function bytesOf(data: ArrayBufferView): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

for (const config of ['mlp', 'att']) {
  test(`official ${config}/checkpoint.pt: exactly the persistent keys, bit-identical to the .npy files`, () => {
    const params = JSON.parse(readFileSync(join(fixtures, config, 'params.json'), 'utf8')) as {
      keys: Record<string, { shape: number[]; persistent: boolean; checkpoint_key: string }>;
    };
    const persistent = Object.entries(params.keys).filter(([, p]) => p.persistent);
    assert.equal(persistent.length, 15);
    const tensors = readTorchCheckpoint(join(fixtures, config, 'checkpoint.pt'));
    assert.deepEqual([...tensors.keys()].sort(), persistent.map(([, p]) => p.checkpoint_key).sort());
    for (const [key, param] of persistent) {
      assert.equal(stripOfficialPrefix(param.checkpoint_key), key);
      const tensor = tensors.get(param.checkpoint_key)!;
      const expected = readNpy(join(fixtures, config, `${key}.npy`));
      assert.equal(tensor.dtype, 'float32');
      assert.deepEqual(tensor.shape, param.shape);
      assert.deepEqual(tensor.shape, expected.shape);
      assert.deepEqual(bytesOf(tensor.data), bytesOf(expected.data), key);
    }
  });
}

test('stripOfficialPrefix maps compiled and uncompiled official keys to inner.X', () => {
  assert.equal(stripOfficialPrefix('_orig_mod.model.inner.H_init'), 'inner.H_init');
  assert.equal(stripOfficialPrefix('model.inner.lm_head.weight'), 'inner.lm_head.weight');
  assert.equal(stripOfficialPrefix('inner.q_head.bias'), 'inner.q_head.bias');
  assert.equal(stripOfficialPrefix('model.other'), 'model.other');
});

test('truncated, corrupted and random files give clear errors', () => {
  const original = readFileSync(join(fixtures, 'mlp', 'checkpoint.pt'));
  assert.throws(() => parseTorchCheckpoint(original.subarray(0, Math.floor(original.length * 0.6)), 'cut.pt'),
    (e: unknown) => e instanceof TorchCheckpointError && /cut\.pt: .*truncated/.test(e.message));
  const random = new Uint8Array(4096).map((_, i) => (i * 2654435761) >>> 24);
  assert.throws(() => parseTorchCheckpoint(random, 'random.bin'), (e: unknown) => e instanceof TorchCheckpointError && /not a ZIP archive/.test(e.message));
  // A flipped bit inside a storage: the archive still parses, the CRC catches it.
  const flipped = Uint8Array.from(original);
  flipped[original.length - 2000] ^= 0x10;
  assert.throws(() => parseTorchCheckpoint(flipped, 'flipped.pt'), /CRC mismatch/);
});

// ---- A hand-written checkpoint: deflated entries, half precisions, a transposed view, an offset view, int64.

const ascii = (text: string): number[] => [...new TextEncoder().encode(text)];
const u32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
const str = (s: string): number[] => [0x58, ...u32(ascii(s).length), ...ascii(s)]; // BINUNICODE
const int = (n: number): number[] => (n < 256 ? [0x4b, n] : [0x4a, ...u32(n)]); // BININT1 / BININT
const global = (module: string, name: string): number[] => [0x63, ...ascii(`${module}\n${name}\n`)];
const tuple = (...items: number[][]): number[] => [0x28, ...items.flat(), 0x74];
const orderedDict = (...items: number[][]): number[] => [...global('collections', 'OrderedDict'), 0x29, 0x52, 0x28, ...items.flat(), 0x75];

function tensor(storage: string, key: string, numel: number, offset: number, shape: number[], stride: number[]): number[] {
  const persistentId = [...tuple(str('storage'), global('torch', storage), str(key), str('cpu'), int(numel)), 0x51];
  const hooks = [...global('collections', 'OrderedDict'), 0x29, 0x52];
  return [...global('torch._utils', '_rebuild_tensor_v2'),
    ...tuple(persistentId, int(offset), tuple(...shape.map(int)), tuple(...stride.map(int)), [0x89], hooks), 0x52];
}

function zip(files: Record<string, Uint8Array>, deflate: boolean): Uint8Array {
  const locals: number[] = [];
  const central: number[] = [];
  for (const [name, data] of Object.entries(files)) {
    const stored = deflate ? deflateRawSync(data) : data;
    const common = [deflate ? 8 : 0, 0, 0, 0, 0, 0, ...u32(crc32(data)), ...u32(stored.length), ...u32(data.length), ascii(name).length, 0, 0, 0];
    central.push(...u32(0x02014b50), 20, 0, 20, 0, 0, 0, ...common, 0, 0, 0, 0, 0, 0, ...u32(0), ...u32(locals.length), ...ascii(name));
    locals.push(...u32(0x04034b50), 20, 0, 0, 0, ...common, ...ascii(name), ...stored);
  }
  const count = Object.keys(files).length;
  const end = [...u32(0x06054b50), 0, 0, 0, 0, count, 0, count, 0, ...u32(central.length), ...u32(locals.length), 0, 0];
  return Uint8Array.from([...locals, ...central, ...end]);
}

function syntheticCheckpoint(pickle: number[], storages: Record<string, ArrayBufferView>, deflate = true): Uint8Array {
  const files: Record<string, Uint8Array> = { 'archive/data.pkl': Uint8Array.from([0x80, 2, ...pickle, 0x2e]), 'archive/version': Uint8Array.from(ascii('3\n')) };
  for (const [key, data] of Object.entries(storages)) files[`archive/data/${key}`] = bytesOf(data);
  return zip(files, deflate);
}

test('deflated archive: strided and offset views, float16/bfloat16 widening, int64, nested dicts', () => {
  const pickle = orderedDict(
    str('transposed'), tensor('FloatStorage', '0', 6, 0, [3, 2], [1, 3]),
    str('tail'), tensor('FloatStorage', '0', 6, 4, [2], [1]),
    str('half'), tensor('HalfStorage', '1', 6, 0, [2, 3], [3, 1]),
    str('bf16'), tensor('BFloat16Storage', '2', 3, 0, [3], [1]),
    str('model'), [0x7d, 0x28, ...str('ids'), ...tensor('LongStorage', '3', 2, 0, [2], [1]), 0x75],
    str('step'), int(7),
  );
  const checkpoint = syntheticCheckpoint(pickle, {
    0: Float32Array.from([0, 1, 2, 3, 4, 5]),
    1: Uint16Array.from([0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x7c00]),
    2: Uint16Array.from([0x3f80, 0xc040, 0x4049]),
    3: BigInt64Array.from([-5n, 1n << 40n]),
  });
  const tensors = parseTorchCheckpoint(checkpoint);
  assert.deepEqual([...tensors.keys()], ['transposed', 'tail', 'half', 'bf16', 'model.ids']);
  const get = (key: string) => tensors.get(key)!;
  assert.deepEqual(get('transposed').shape, [3, 2]);
  assert.deepEqual([...get('transposed').data], [0, 3, 1, 4, 2, 5]);
  assert.deepEqual([...get('tail').data], [4, 5]);
  assert.deepEqual([get('half').dtype, get('half').storedAs], ['float32', 'float16']);
  assert.deepEqual([...get('half').data], [1, -2, 0.5, 65504, 2 ** -24, Infinity]);
  assert.deepEqual([...get('bf16').data], [1, -3, 3.140625]);
  assert.equal(get('model.ids').dtype, 'int64');
  assert.deepEqual([...get('model.ids').data], [-5n, 1n << 40n]);
});

test('unsupported content and inconsistent records are refused by name', () => {
  const malicious = [...global('os', 'system'), ...tuple(str('echo hi')), 0x52];
  assert.throws(() => parseTorchCheckpoint(syntheticCheckpoint(malicious, {})), /unsupported pickled object os\.system/);
  const tooLong = orderedDict(str('w'), tensor('FloatStorage', '0', 4, 0, [3, 2], [2, 1]));
  assert.throws(() => parseTorchCheckpoint(syntheticCheckpoint(tooLong, { 0: new Float32Array(4) })), /reaches past its storage/);
  const missing = orderedDict(str('w'), tensor('FloatStorage', '9', 4, 0, [4], [1]));
  assert.throws(() => parseTorchCheckpoint(syntheticCheckpoint(missing, {}, false)), /storage 9 is missing/);
  const unknownStorage = orderedDict(str('w'), tensor('ComplexFloatStorage', '0', 1, 0, [1], [1]));
  assert.throws(() => parseTorchCheckpoint(syntheticCheckpoint(unknownStorage, { 0: new Float32Array(2) })), /unsupported storage type torch\.ComplexFloatStorage/);
});
