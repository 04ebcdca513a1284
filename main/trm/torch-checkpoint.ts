// Reads official PyTorch checkpoints (`torch.save(model.state_dict(), path)`, as `pretrain.py::save_train_state`
// writes them) without Python: a ZIP archive holding `<prefix>/data.pkl` (a pickle of the state dict whose tensors
// point at storages by persistent id) and `<prefix>/data/<key>` (the raw little-endian storage bytes).
// Only what torch.save produces for a state dict is supported; anything else is a clear error, never a guess.
import { crc32, inflateRawSync } from 'node:zlib';
import { ExpectedError } from '../common/errors.ts';
import { readRegularFile } from '../common/fs-checks.ts';

export type TorchDtype = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

/** A tensor as read. Half-precision storages are widened to float32 (`storedAs` says what the file held). */
export interface TorchTensor {
  shape: number[];
  dtype: 'float32' | 'float64' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';
  storedAs: TorchDtype;
  data: Float32Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;
}

/** A file that is not a readable torch.save checkpoint; the message names it. */
export class TorchCheckpointError extends ExpectedError {
  constructor(message: string) {
    super(message, { code: 'invalid-input' });
    this.name = 'TorchCheckpointError';
  }
}

/** Every tensor of a checkpoint by state-dict key, in file order. Nested dicts give dotted keys ("model.x"). */
export function readTorchCheckpoint(path: string): Map<string, TorchTensor> {
  return parseTorchCheckpoint(readRegularFile(path, 'checkpoint'), path);
}

export function parseTorchCheckpoint(bytes: Uint8Array, name = 'checkpoint'): Map<string, TorchTensor> {
  if (bytes.length === 0) throw new TorchCheckpointError(`${name}: the file is empty`);
  try {
    return parseArchive(bytes, name);
  } catch (error) {
    // A size or offset field pointing past the end of the file (a damaged archive): the reads are bounds-checked.
    if (error instanceof RangeError) throw new TorchCheckpointError(`${name}: corrupt or truncated archive (${error.message})`);
    throw error;
  }
}

function parseArchive(bytes: Uint8Array, name: string): Map<string, TorchTensor> {
  const fail = (message: string): never => { throw new TorchCheckpointError(`${name}: ${message}`); };
  if (bytes[0] === 0x80 && bytes.length > 1 && bytes[1] <= 5) fail('legacy (pre-1.6, non-ZIP) torch.save format is not supported; re-save it with a current torch');
  const entries = readZip(bytes, fail);
  const pickleName = [...entries.keys()].find((n) => n === 'data.pkl' || n.endsWith('/data.pkl'));
  if (!pickleName) return fail('no data.pkl in the archive (not a torch.save file)');
  const prefix = pickleName.slice(0, pickleName.length - 'data.pkl'.length);
  const byteorderEntry = entries.get(`${prefix}byteorder`);
  const bigEndian = byteorderEntry !== undefined && new TextDecoder().decode(byteorderEntry.read()).trim() === 'big';

  const storages = new Map<string, StorageData>();
  const loadStorage = (ref: StorageRef): StorageData => {
    let storage = storages.get(ref.key);
    if (!storage) {
      const entry = entries.get(`${prefix}data/${ref.key}`) ?? fail(`storage ${ref.key} is missing from the archive`);
      storage = decodeStorage(entry.read(), ref, bigEndian, fail);
      storages.set(ref.key, storage);
    }
    return storage;
  };
  const root = unpickle(entries.get(pickleName)!.read(), { rebuildTensor: (args) => rebuildTensor(args, loadStorage, fail) }, fail);
  if (!(root instanceof Map)) return fail('the pickled object is not a dict (expected a state dict)');
  const tensors = new Map<string, TorchTensor>();
  collectTensors(root, '', tensors);
  if (tensors.size === 0) fail('the state dict holds no tensors');
  return tensors;
}

/** Official keys → this project's: `_orig_mod.model.inner.X` (torch.compile'd ACTLossHead) and `model.inner.X`
 *  (DISABLE_COMPILE) both become `inner.X`, the key of the bare TRM module. Other keys are returned as they are. */
export function stripOfficialPrefix(key: string): string {
  return key.replace(/^_orig_mod\./, '').replace(/^model\.(?=inner\.)/, '');
}

function collectTensors(dict: Map<unknown, unknown>, prefix: string, out: Map<string, TorchTensor>): void {
  for (const [key, value] of dict) {
    const name = prefix + String(key);
    if (value instanceof Map) collectTensors(value, `${name}.`, out);
    else if (isTensor(value)) out.set(name, value);
    // Other leaves (step counters, config values) are not weights.
  }
}

// ---------------------------------------------------------------------------------------------------------------
// ZIP (stored or deflated entries; ZIP64 for large checkpoints)

interface ZipEntry {
  read(): Uint8Array;
}

function readZip(bytes: Uint8Array, fail: (message: string) => never): Map<string, ZipEntry> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const notZip = 'not a ZIP archive (no end-of-central-directory record): the file is truncated or not a torch.save checkpoint';
  // The end-of-central-directory record is in the last 22 + 65535 (comment) bytes.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) return fail(notZip);
  let entryCount = view.getUint16(eocd + 10, true);
  let directoryOffset = view.getUint32(eocd + 16, true);
  if (entryCount === 0xffff || directoryOffset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || view.getUint32(locator, true) !== 0x07064b50) fail('ZIP64 locator missing');
    const zip64 = Number(view.getBigUint64(locator + 8, true));
    if (zip64 + 56 > bytes.length || view.getUint32(zip64, true) !== 0x06064b50) fail('ZIP64 end record missing');
    entryCount = Number(view.getBigUint64(zip64 + 32, true));
    directoryOffset = Number(view.getBigUint64(zip64 + 48, true));
  }
  const entries = new Map<string, ZipEntry>();
  let at = directoryOffset;
  for (let n = 0; n < entryCount; n++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50) fail(`corrupt ZIP central directory (entry ${n})`);
    const method = view.getUint16(at + 10, true);
    const expectedCrc = view.getUint32(at + 16, true);
    let compressedSize = view.getUint32(at + 20, true);
    let size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    let localOffset = view.getUint32(at + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    // ZIP64 extra field: the 64-bit values of the fields that are 0xFFFFFFFF, in this order.
    for (let e = at + 46 + nameLength; e + 4 <= at + 46 + nameLength + extraLength;) {
      const id = view.getUint16(e, true);
      const length = view.getUint16(e + 2, true);
      if (id === 0x0001) {
        let field = e + 4;
        const next = (): number => { const v = Number(view.getBigUint64(field, true)); field += 8; return v; };
        if (size === 0xffffffff) size = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localOffset === 0xffffffff) localOffset = next();
      }
      e += 4 + length;
    }
    at += 46 + nameLength + extraLength + commentLength;
    entries.set(name, {
      read() {
        if (localOffset + 30 > bytes.length || view.getUint32(localOffset, true) !== 0x04034b50) fail(`corrupt ZIP entry ${name}`);
        // The local header has its own extra field (torch pads it so data is 64-byte aligned).
        const start = localOffset + 30 + view.getUint16(localOffset + 26, true) + view.getUint16(localOffset + 28, true);
        if (start + compressedSize > bytes.length) fail(`entry ${name} is truncated`);
        const raw = bytes.subarray(start, start + compressedSize);
        let data: Uint8Array;
        if (method === 0) data = raw;
        else if (method === 8) {
          try { data = inflateRawSync(raw); } catch (error) { return fail(`entry ${name}: corrupt deflate data (${(error as Error).message})`); }
        } else return fail(`entry ${name}: unsupported ZIP compression method ${method}`);
        if (data.length !== size) fail(`entry ${name} has ${data.length} bytes, expected ${size}`);
        if (crc32(data) !== expectedCrc) fail(`entry ${name} is corrupt (CRC mismatch)`);
        return data;
      },
    });
  }
  return entries;
}

// ---------------------------------------------------------------------------------------------------------------
// Pickle: the subset of the protocol-2..5 virtual machine that torch.save emits for a state dict.

/** A `module.name` reference pushed by GLOBAL / STACK_GLOBAL. */
class PickleGlobal {
  constructor(readonly module: string, readonly name: string) {}
  get qualifiedName(): string { return `${this.module}.${this.name}`; }
}

/** A storage named by a persistent id ('storage', type, key, location, numel). */
interface StorageRef {
  dtype: TorchDtype;
  key: string;
  numel: number;
}

interface UnpickleHooks {
  rebuildTensor(args: unknown[]): TorchTensor;
}

const MARK = Symbol('mark');

/** torch.<X>Storage classes and torch.<dtype> objects, as they appear in persistent ids. */
const STORAGE_DTYPES: Record<string, TorchDtype> = {
  FloatStorage: 'float32', DoubleStorage: 'float64', HalfStorage: 'float16', BFloat16Storage: 'bfloat16',
  LongStorage: 'int64', IntStorage: 'int32', ShortStorage: 'int16', CharStorage: 'int8', ByteStorage: 'uint8', BoolStorage: 'bool',
  float32: 'float32', float: 'float32', float64: 'float64', double: 'float64', float16: 'float16', half: 'float16', bfloat16: 'bfloat16',
  int64: 'int64', long: 'int64', int32: 'int32', int: 'int32', int16: 'int16', short: 'int16', int8: 'int8', uint8: 'uint8', bool: 'bool',
};

function unpickle(bytes: Uint8Array, hooks: UnpickleHooks, fail: (message: string) => never): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder();
  const stack: unknown[] = [];
  const memo = new Map<number, unknown>();
  let pos = 0;

  const need = (count: number): number => {
    if (pos + count > bytes.length) fail('data.pkl is truncated');
    const at = pos;
    pos += count;
    return at;
  };
  const u8 = (): number => bytes[need(1)];
  const u16 = (): number => view.getUint16(need(2), true);
  const u32 = (): number => view.getUint32(need(4), true);
  const u64 = (): number => Number(view.getBigUint64(need(8), true));
  const text = (length: number): string => decoder.decode(bytes.subarray(need(length), pos));
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('data.pkl is truncated');
    const value = decoder.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return value;
  };
  const pop = (): unknown => (stack.length > 0 ? stack.pop() : fail('pickle stack underflow (corrupt data.pkl)'));
  const top = (): unknown => (stack.length > 0 ? stack[stack.length - 1] : fail('pickle stack underflow (corrupt data.pkl)'));
  const popToMark = (): unknown[] => {
    const mark = stack.lastIndexOf(MARK);
    if (mark < 0) fail('pickle MARK missing (corrupt data.pkl)');
    return stack.splice(mark).slice(1);
  };
  const memoGet = (index: number): unknown => (memo.has(index) ? memo.get(index) : fail(`pickle memo ${index} is missing (corrupt data.pkl)`));
  const asDict = (value: unknown): Map<unknown, unknown> => (value instanceof Map ? value : fail('pickle SETITEM on a non-dict'));
  const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : fail('pickle APPEND on a non-list'));

  for (;;) {
    const opcode = u8();
    switch (opcode) {
      case 0x80: u8(); break; // PROTO
      case 0x95: u64(); break; // FRAME: a length hint only
      case 0x2e: return pop(); // STOP
      case 0x28: stack.push(MARK); break; // MARK
      case 0x30: pop(); break; // POP
      case 0x31: popToMark(); break; // POP_MARK
      case 0x32: stack.push(top()); break; // DUP
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x4a: stack.push(view.getInt32(need(4), true)); break; // BININT
      case 0x8a: stack.push(readLong(bytes.subarray(need(u8()), pos))); break; // LONG1
      case 0x47: stack.push(view.getFloat64(need(8), false)); break; // BINFLOAT (big-endian)
      case 0x58: stack.push(text(u32())); break; // BINUNICODE
      case 0x8c: stack.push(text(u8())); break; // SHORT_BINUNICODE
      case 0x8d: stack.push(text(u64())); break; // BINUNICODE8
      case 0x55: stack.push(text(u8())); break; // SHORT_BINSTRING
      case 0x54: stack.push(text(u32())); break; // BINSTRING
      case 0x43: stack.push(new Uint8Array(bytes.subarray(need(u8()), pos))); break; // SHORT_BINBYTES
      case 0x42: stack.push(new Uint8Array(bytes.subarray(need(u32()), pos))); break; // BINBYTES
      case 0x7d: stack.push(new Map()); break; // EMPTY_DICT
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push([]); break; // EMPTY_TUPLE
      case 0x74: stack.push(popToMark()); break; // TUPLE
      case 0x85: stack.push([pop()]); break; // TUPLE1
      case 0x86: { const b = pop(); stack.push([pop(), b]); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); stack.push([pop(), b, c]); break; } // TUPLE3
      case 0x6c: stack.push(popToMark()); break; // LIST
      case 0x61: { const item = pop(); asList(top()).push(item); break; } // APPEND
      case 0x65: { const items = popToMark(); asList(top()).push(...items); break; } // APPENDS
      case 0x73: { const value = pop(); const key = pop(); asDict(top()).set(key, value); break; } // SETITEM
      case 0x75: { // SETITEMS
        const items = popToMark();
        const dict = asDict(top());
        for (let i = 0; i + 1 < items.length; i += 2) dict.set(items[i], items[i + 1]);
        break;
      }
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: stack.push(memoGet(u8())); break; // BINGET
      case 0x6a: stack.push(memoGet(u32())); break; // LONG_BINGET
      case 0x63: { const module = line(); stack.push(new PickleGlobal(module, line())); break; } // GLOBAL
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('pickle STACK_GLOBAL without names');
        stack.push(new PickleGlobal(module as string, name as string));
        break;
      }
      case 0x51: stack.push(persistentLoad(pop(), fail)); break; // BINPERSID
      case 0x52: { // REDUCE
        const args = pop();
        const callable = pop();
        if (!Array.isArray(args)) fail('pickle REDUCE without an argument tuple');
        stack.push(call(callable, args as unknown[], hooks, fail));
        break;
      }
      case 0x62: { // BUILD: OrderedDict state (`_metadata`, the module versions) — nothing to keep.
        pop();
        if (!(top() instanceof Map)) fail('pickle BUILD on an unsupported object');
        break;
      }
      default:
        fail(`unsupported pickle opcode 0x${opcode.toString(16).padStart(2, '0')} at byte ${pos - 1}`);
    }
  }
}

/** LONG1 payload: little-endian two's complement. */
function readLong(payload: Uint8Array): number | bigint {
  let value = 0n;
  for (let i = payload.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(payload[i]);
  if (payload.length > 0 && payload[payload.length - 1] & 0x80) value -= 1n << BigInt(8 * payload.length);
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

function persistentLoad(id: unknown, fail: (message: string) => never): StorageRef {
  if (!Array.isArray(id) || id[0] !== 'storage' || id.length < 5) return fail(`unsupported persistent id ${describe(id)}`);
  const [, type, key, , numel] = id;
  const dtype = type instanceof PickleGlobal && type.module === 'torch' ? STORAGE_DTYPES[type.name] : undefined;
  if (!dtype) return fail(`unsupported storage type ${describe(type)}`);
  if (typeof key !== 'string' || typeof numel !== 'number') return fail(`malformed storage id ${describe(id)}`);
  return { dtype, key, numel };
}

function call(callable: unknown, args: unknown[], hooks: UnpickleHooks, fail: (message: string) => never): unknown {
  if (!(callable instanceof PickleGlobal)) return fail('pickle REDUCE on something that is not a global');
  switch (callable.qualifiedName) {
    case 'collections.OrderedDict': return new Map(Array.isArray(args[0]) ? (args[0] as [unknown, unknown][]) : []);
    case 'torch._utils._rebuild_tensor_v2': return hooks.rebuildTensor(args);
    case 'torch._utils._rebuild_parameter': return args[0]; // an nn.Parameter is its tensor here
    default: return fail(`unsupported pickled object ${callable.qualifiedName}`);
  }
}

function describe(value: unknown): string {
  if (value instanceof PickleGlobal) return value.qualifiedName;
  try { return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? String(v) : v)) ?? String(value); } catch { return String(value); }
}

// ---------------------------------------------------------------------------------------------------------------
// Tensors

type StorageData = TorchTensor['data'];

const BYTES_PER_ELEMENT: Record<TorchDtype, number> = {
  float32: 4, float64: 8, float16: 2, bfloat16: 2, int64: 8, int32: 4, int16: 2, int8: 1, uint8: 1, bool: 1,
};

function isTensor(value: unknown): value is TorchTensor {
  return typeof value === 'object' && value !== null && 'shape' in value && 'data' in value && 'storedAs' in value;
}

/** Raw storage bytes → a typed array of the tensor's element type (half precisions widened to float32). */
function decodeStorage(raw: Uint8Array, ref: StorageRef, bigEndian: boolean, fail: (message: string) => never): StorageData {
  const width = BYTES_PER_ELEMENT[ref.dtype];
  if (raw.length < ref.numel * width) fail(`storage ${ref.key} has ${raw.length} bytes, expected ${ref.numel * width} (${ref.numel} × ${ref.dtype})`);
  const bytes = new Uint8Array(raw.subarray(0, ref.numel * width)); // a copy (Buffer.slice would not be): aligned, independent of the file
  if (bigEndian && width > 1) for (let i = 0; i < bytes.length; i += width) bytes.subarray(i, i + width).reverse();
  const buffer = bytes.buffer;
  switch (ref.dtype) {
    case 'float32': return new Float32Array(buffer);
    case 'float64': return new Float64Array(buffer);
    case 'int64': return new BigInt64Array(buffer);
    case 'int32': return new Int32Array(buffer);
    case 'int16': return new Int16Array(buffer);
    case 'int8': return new Int8Array(buffer);
    case 'uint8': case 'bool': return new Uint8Array(buffer);
    case 'bfloat16': {
      // bfloat16 is the top half of a float32.
      const halves = new Uint16Array(buffer);
      const words = new Uint32Array(halves.length);
      for (let i = 0; i < halves.length; i++) words[i] = halves[i] << 16;
      return new Float32Array(words.buffer);
    }
    case 'float16': {
      const halves = new Uint16Array(buffer);
      const out = new Float32Array(halves.length);
      for (let i = 0; i < halves.length; i++) out[i] = halfToFloat(halves[i]);
      return out;
    }
  }
}

function halfToFloat(half: number): number {
  const sign = half & 0x8000 ? -1 : 1;
  const exponent = (half >> 10) & 0x1f;
  const mantissa = half & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])`. */
function rebuildTensor(args: unknown[], loadStorage: (ref: StorageRef) => StorageData, fail: (message: string) => never): TorchTensor {
  const [ref, offset, shape, stride] = args as [StorageRef, unknown, unknown, unknown];
  const isIntList = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => Number.isInteger(x) && (x as number) >= 0);
  if (!ref || typeof ref !== 'object' || !('key' in ref) || typeof offset !== 'number' || !isIntList(shape) || !isIntList(stride) || shape.length !== stride.length) {
    return fail(`malformed tensor record ${describe(args.slice(1, 4))}`);
  }
  const storage = loadStorage(ref);
  const count = shape.reduce((a, b) => a * b, 1);
  const dtype = ref.dtype === 'float16' || ref.dtype === 'bfloat16' ? 'float32' : ref.dtype;
  if (count === 0) return { shape, dtype, storedAs: ref.dtype, data: storage.slice(0, 0) };
  const lastIndex = offset + shape.reduce((sum, size, axis) => sum + (size - 1) * stride[axis], 0);
  if (lastIndex >= storage.length) fail(`tensor of shape [${shape}] (offset ${offset}, stride [${stride}]) reaches past its storage ${ref.key} of ${storage.length} elements`);
  let contiguous = true;
  for (let axis = shape.length - 1, expected = 1; axis >= 0; expected *= shape[axis], axis--) {
    if (shape[axis] !== 1 && stride[axis] !== expected) contiguous = false;
  }
  // Contiguous tensors are a slice of the storage; others (views, transposes) are gathered in C order.
  let data: StorageData;
  if (contiguous) data = storage.slice(offset, offset + count);
  else {
    data = new (storage.constructor as new (length: number) => StorageData)(count);
    const target = data as unknown as { [i: number]: number | bigint };
    const index = new Array<number>(shape.length).fill(0);
    for (let i = 0; i < count; i++) {
      let source = offset;
      for (let axis = 0; axis < shape.length; axis++) source += index[axis] * stride[axis];
      target[i] = storage[source];
      for (let axis = shape.length - 1; axis >= 0; axis--) {
        if (++index[axis] < shape[axis]) break;
        index[axis] = 0;
      }
    }
  }
  return { shape, dtype, storedAs: ref.dtype, data };
}
