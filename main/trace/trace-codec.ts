// A trace as bytes, for the `traces` table: small, and reopened without re-running the model.
//
//   "TRMTRACE" | u32 format version | u32 header length | header JSON (UTF-8) | padding to 8 | typed arrays
//
// The header holds every scalar (per-step halting, norms, accuracy, flags, PCA points) and, per array, its
// dtype, length and offset. Tokens are stored as uint8 when the vocabulary fits, full distributions as uint8
// (p·255, renormalised per cell on read); everything else as float32/int32, little-endian.
import type { InnerUpdate, Trace, TraceStep } from './trace.ts';
import { ExpectedError } from '../common/errors.ts';

const MAGIC = 'TRMTRACE';
export const TRACE_FORMAT_VERSION = 1;

type Dtype = 'u8' | 'i32' | 'f32';
type ArrayOf<D extends Dtype> = D extends 'u8' ? Uint8Array : D extends 'i32' ? Int32Array : Float32Array;
const BYTES: Record<Dtype, number> = { u8: 1, i32: 4, f32: 4 };

interface ArrayEntry {
  name: string;
  dtype: Dtype;
  length: number;
  offset: number;
}

export class TraceFormatError extends ExpectedError {
  constructor(message: string) {
    super(message, { code: 'conflict' }); // the API's code for it before ExpectedError
    this.name = 'TraceFormatError';
  }
}

/** Named typed arrays plus a JSON header, packed. */
class Packer {
  private readonly entries: { name: string; dtype: Dtype; data: Uint8Array | Int32Array | Float32Array }[] = [];

  add(name: string, dtype: Dtype, data: ArrayLike<number>): void {
    const typed = dtype === 'u8' ? Uint8Array.from(data) : dtype === 'i32' ? Int32Array.from(data) : Float32Array.from(data);
    this.entries.push({ name, dtype, data: typed });
  }

  pack(meta: object): Uint8Array {
    const arrays: ArrayEntry[] = [];
    let offset = 0;
    for (const { name, dtype, data } of this.entries) {
      offset = align(offset, 4);
      arrays.push({ name, dtype, length: data.length, offset });
      offset += data.length * BYTES[dtype];
    }
    const header = new TextEncoder().encode(JSON.stringify({ meta, arrays }));
    const dataStart = align(MAGIC.length + 8 + header.length, 8);
    const bytes = new Uint8Array(dataStart + offset);
    const view = new DataView(bytes.buffer);
    bytes.set(new TextEncoder().encode(MAGIC), 0);
    view.setUint32(MAGIC.length, TRACE_FORMAT_VERSION, true);
    view.setUint32(MAGIC.length + 4, header.length, true);
    bytes.set(header, MAGIC.length + 8);
    this.entries.forEach(({ data }, i) => bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), dataStart + arrays[i].offset));
    return bytes;
  }
}

function unpack(bytes: Uint8Array): { meta: Record<string, unknown>; get<D extends Dtype>(name: string, dtype: D): ArrayOf<D> } {
  if (bytes.length < MAGIC.length + 8 || new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) throw new TraceFormatError('not a stored trace (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(MAGIC.length, true);
  if (version !== TRACE_FORMAT_VERSION) throw new TraceFormatError(`trace format version ${version} is not supported (this app reads ${TRACE_FORMAT_VERSION})`);
  const headerLength = view.getUint32(MAGIC.length + 4, true);
  const headerEnd = MAGIC.length + 8 + headerLength;
  if (headerEnd > bytes.length) throw new TraceFormatError('stored trace is truncated (header)');
  const { meta, arrays } = JSON.parse(new TextDecoder().decode(bytes.subarray(MAGIC.length + 8, headerEnd))) as { meta: Record<string, unknown>; arrays: ArrayEntry[] };
  const dataStart = align(headerEnd, 8);
  const byName = new Map(arrays.map((a) => [a.name, a]));
  return {
    meta,
    get<D extends Dtype>(name: string, dtype: D): ArrayOf<D> {
      const entry = byName.get(name);
      if (!entry || entry.dtype !== dtype) throw new TraceFormatError(`stored trace has no ${dtype} array '${name}'`);
      const start = dataStart + entry.offset;
      const end = start + entry.length * BYTES[dtype];
      if (end > bytes.length) throw new TraceFormatError(`stored trace is truncated (array '${name}')`);
      // Copy: the source may be a pooled Buffer at an unaligned offset.
      const copy = bytes.slice(start, end);
      return (dtype === 'u8' ? copy : dtype === 'i32' ? new Int32Array(copy.buffer) : new Float32Array(copy.buffer)) as ArrayOf<D>;
    },
  };
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/** Step fields stored in the header, per step. */
type StepScalars = Omit<TraceStep, 'prediction' | 'probabilities' | 'topTokens' | 'topProbabilities' | 'zNorms' | 'zDeltaNorms'>;
type InnerScalars = Omit<InnerUpdate, 'prediction' | 'confidence'>;

export function encodeTrace(trace: Trace): Uint8Array {
  const tokenType: Dtype = trace.model.vocabSize <= 256 ? 'u8' : 'i32';
  const packer = new Packer();
  const concat = <T extends Float32Array | Int32Array>(parts: T[], make: (n: number) => T): T => {
    const out = make(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) { out.set(part, at); at += part.length; }
    return out;
  };
  packer.add('inputs', tokenType, trace.input.inputs);
  if (trace.input.labels) packer.add('labels', tokenType, trace.input.labels);
  const steps = trace.steps;
  packer.add('predictions', tokenType, concat(steps.map((s) => s.prediction), (n) => new Int32Array(n)));
  packer.add('probabilities', 'u8', quantise(concat(steps.map((s) => s.probabilities), (n) => new Float32Array(n))));
  packer.add('topTokens', tokenType, concat(steps.map((s) => s.topTokens), (n) => new Int32Array(n)));
  packer.add('topProbabilities', 'f32', concat(steps.map((s) => s.topProbabilities), (n) => new Float32Array(n)));
  packer.add('zNorms', 'f32', concat(steps.map((s) => s.zNorms), (n) => new Float32Array(n)));
  packer.add('zDeltaNorms', 'f32', concat(steps.map((s) => s.zDeltaNorms), (n) => new Float32Array(n)));
  if (trace.inner) {
    packer.add('innerPredictions', tokenType, concat(trace.inner.map((u) => u.prediction), (n) => new Int32Array(n)));
    packer.add('innerConfidence', 'u8', quantise(concat(trace.inner.map((u) => u.confidence), (n) => new Float32Array(n))));
  }
  const stepScalars: StepScalars[] = steps.map(({ prediction: _p, probabilities: _q, topTokens: _t, topProbabilities: _u, zNorms: _z, zDeltaNorms: _d, ...rest }) => rest);
  const innerScalars: InnerScalars[] | null = trace.inner?.map(({ prediction: _p, confidence: _c, ...rest }) => rest) ?? null;
  return packer.pack({
    model: trace.model,
    puzzleIdentifier: trace.input.puzzleIdentifier,
    hasLabels: trace.input.labels !== null,
    topK: trace.topK,
    tokenType,
    steps: stepScalars,
    inner: innerScalars,
    pca: { y: { points: Array.from(trace.pca.y.points), explainedVariance: trace.pca.y.explainedVariance }, z: { points: Array.from(trace.pca.z.points), explainedVariance: trace.pca.z.explainedVariance } },
    flags: trace.flags,
    trainingHaltStep: trace.trainingHaltStep,
    elapsedMs: trace.elapsedMs,
  });
}

export function decodeTrace(bytes: Uint8Array): Trace {
  const { meta, get } = unpack(bytes);
  const model = meta.model as Trace['model'];
  const { seqLen: L, vocabSize: V } = model;
  const tokenType = meta.tokenType as 'u8' | 'i32';
  const tokens = (name: string) => Int32Array.from(get(name, tokenType));
  const topK = meta.topK as number;
  const stepScalars = meta.steps as StepScalars[];
  const predictions = tokens('predictions');
  const probabilities = dequantise(get('probabilities', 'u8'), V);
  const topTokens = tokens('topTokens');
  const topProbabilities = get('topProbabilities', 'f32');
  const zNorms = get('zNorms', 'f32');
  const zDeltaNorms = get('zDeltaNorms', 'f32');
  const steps: TraceStep[] = stepScalars.map((scalars, i) => ({
    ...scalars,
    prediction: predictions.slice(i * L, (i + 1) * L),
    probabilities: probabilities.slice(i * L * V, (i + 1) * L * V),
    topTokens: topTokens.slice(i * L * topK, (i + 1) * L * topK),
    topProbabilities: topProbabilities.slice(i * L * topK, (i + 1) * L * topK),
    zNorms: zNorms.slice(i * L, (i + 1) * L),
    zDeltaNorms: zDeltaNorms.slice(i * L, (i + 1) * L),
  }));
  let inner: InnerUpdate[] | null = null;
  const innerScalars = meta.inner as InnerScalars[] | null;
  if (innerScalars) {
    const innerPredictions = tokens('innerPredictions');
    const confidence = get('innerConfidence', 'u8');
    inner = innerScalars.map((scalars, i) => ({
      ...scalars,
      prediction: innerPredictions.slice(i * L, (i + 1) * L),
      confidence: Float32Array.from(confidence.subarray(i * L, (i + 1) * L), (q) => q / 255),
    }));
  }
  const pca = meta.pca as { y: { points: number[]; explainedVariance: [number, number] }; z: { points: number[]; explainedVariance: [number, number] } };
  return {
    model,
    input: { inputs: tokens('inputs'), labels: meta.hasLabels ? tokens('labels') : null, puzzleIdentifier: meta.puzzleIdentifier as number },
    topK,
    steps,
    inner,
    pca: { y: { points: Float32Array.from(pca.y.points), explainedVariance: pca.y.explainedVariance }, z: { points: Float32Array.from(pca.z.points), explainedVariance: pca.z.explainedVariance } },
    flags: meta.flags as Trace['flags'],
    trainingHaltStep: meta.trainingHaltStep as number | null,
    elapsedMs: meta.elapsedMs as number,
  };
}

/** Probabilities in [0, 1] → round(p·255). */
function quantise(values: Float32Array): Uint8Array {
  return Uint8Array.from(values, (p) => Math.round(Math.min(1, Math.max(0, p)) * 255));
}

/** round(p·255) → p, renormalised per cell of `vocabSize` so each cell sums to 1 again. */
function dequantise(quantised: Uint8Array, vocabSize: number): Float32Array {
  const out = new Float32Array(quantised.length);
  for (let base = 0; base < quantised.length; base += vocabSize) {
    let sum = 0;
    for (let v = 0; v < vocabSize; v++) sum += quantised[base + v];
    for (let v = 0; v < vocabSize; v++) out[base + v] = sum > 0 ? quantised[base + v] / sum : 1 / vocabSize;
  }
  return out;
}
