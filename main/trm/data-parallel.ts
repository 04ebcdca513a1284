// Data-parallel optimizer steps on CPU cores. WASM runs every op on one thread (toolchain notes), so a 2-core
// machine idles a core; here each helper thread (worker_threads) holds a copy of the network and computes the
// gradient of its share of the batch's ACT slots while the training thread computes its own (TrainStepper.
// stepParallel). The optimizer, EMA, puzzle table and carry stay on the training thread; a helper receives the
// current weights with every request, so it never drifts. This is what the official code does across GPUs.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BackendName } from './backend.ts';
import type { ModelConfig } from './config.ts';
import type { GradientHelpers, SlotGroupArrays, SlotGroupRequest } from './act.ts';

/** Fewest slots per thread worth a thread: per-op overhead dominates small tensors on WASM (toolchain notes). Only 16
 *  slots per thread were measured (1.36× on 2 cores); 8 is a floor, not a tuned value. */
const MIN_SLOTS_PER_THREAD = 8;
/** Most threads `train.threads = 0` picks. */
const MAX_AUTO_THREADS = 4;

/** Cores this process may use: the job queue sets it to its share (cores / jobs at once); unset = all of them. */
export const CORES_ENV = 'TRM_CORES';

function usableCores(): number {
  const share = Number(process.env[CORES_ENV]);
  return Number.isInteger(share) && share >= 1 ? share : availableParallelism();
}

/** Threads for a run's steps: `requested` (0 = auto: one per usable core on the single-threaded WASM and cpu
 *  backends, up to 4 and at least 8 slots each; 1 with the native backend, which runs every op on all cores itself). */
export function resolveThreadCount(requested: number | undefined, backend: string, batchSize: number): number {
  if (requested !== undefined && requested > 0) return Math.min(requested, batchSize);
  if (requested === undefined || backend === 'tensorflow') return 1;
  return Math.max(1, Math.min(usableCores(), MAX_AUTO_THREADS, Math.floor(batchSize / MIN_SLOTS_PER_THREAD)));
}

export type ToHelperMessage =
  | { type: 'init'; model: ModelConfig; backend: BackendName }
  | { type: 'step'; id: number; request: SlotGroupRequest };

export type FromHelperMessage =
  | { type: 'ready' }
  | { type: 'result'; id: number; result: SlotGroupArrays }
  | { type: 'error'; id?: number; message: string };

interface Pending { resolve: (result: SlotGroupArrays) => void; reject: (error: Error) => void }

/** One helper thread: requests go out with ids, answers come back in any order. */
class HelperThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | null = null;
  private closing = false;

  constructor() {
    this.worker = new Worker(new URL('./gradient-worker.mjs', import.meta.url));
    this.worker.on('message', (message: FromHelperMessage) => {
      if (message.type === 'ready') return;
      const waiting = message.id !== undefined ? this.pending.get(message.id) : undefined;
      if (message.type === 'result' && waiting) {
        this.pending.delete(message.id);
        waiting.resolve(message.result);
      } else if (message.type === 'error') {
        this.fail(new Error(`gradient helper thread: ${message.message}`), message.id);
      }
    });
    this.worker.on('error', (error) => this.fail(new Error(`gradient helper thread crashed: ${error.message}`)));
    this.worker.on('exit', (code) => { if (!this.closing) this.fail(new Error(`gradient helper thread exited (code ${code})`)); });
  }

  /** Loads the backend and builds the network; resolves when the thread can take steps. */
  start(model: ModelConfig, backend: BackendName): Promise<void> {
    return new Promise((resolve, reject) => {
      const onMessage = (message: FromHelperMessage) => {
        if (message.type === 'ready') { this.worker.off('message', onMessage); resolve(); }
        if (message.type === 'error' && message.id === undefined) { this.worker.off('message', onMessage); reject(new Error(`gradient helper thread could not start: ${message.message}`)); }
      };
      this.worker.on('message', onMessage);
      this.worker.once('error', reject);
      // The helper needs no puzzle table (it receives the rows), which for full ARC would be gigabytes.
      this.post({ type: 'init', model: { ...model, numPuzzleIdentifiers: 1 }, backend });
    });
  }

  compute(request: SlotGroupRequest): Promise<SlotGroupArrays> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new Error('gradient helper thread is closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // The group's own arrays are fresh copies: move them instead of copying again. The weights are shared by
      // every helper, so they are copied.
      const transfer = [request.y.buffer, request.z.buffer, request.data.inputs.buffer, request.data.labels.buffer, ...(request.puzzleRows ? [request.puzzleRows.buffer] : [])];
      this.post({ type: 'step', id, request }, transfer as ArrayBuffer[]);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }

  private post(message: ToHelperMessage, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  private fail(error: Error, id?: number): void {
    if (id !== undefined && this.pending.has(id)) {
      this.pending.get(id)!.reject(error);
      this.pending.delete(id);
      return;
    }
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}

/** `count` helper threads for a model on a backend (the training thread's own backend). */
export class GradientThreads implements GradientHelpers {
  private constructor(private readonly threads: HelperThread[]) {}

  static async start(count: number, model: ModelConfig, backend: BackendName): Promise<GradientThreads> {
    const threads = Array.from({ length: count }, () => new HelperThread());
    try {
      await Promise.all(threads.map((t) => t.start(model, backend)));
    } catch (error) {
      await Promise.all(threads.map((t) => t.close()));
      throw error;
    }
    return new GradientThreads(threads);
  }

  get count(): number {
    return this.threads.length;
  }

  compute(requests: SlotGroupRequest[]): Promise<SlotGroupArrays[]> {
    if (requests.length !== this.threads.length) throw new Error(`${requests.length} slot groups for ${this.threads.length} helper threads`);
    return Promise.all(requests.map((request, i) => this.threads[i].compute(request)));
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.close()));
  }
}
