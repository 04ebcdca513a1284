// Picks the fastest TensorFlow.js backend available in this process, in the order of BACKEND_NAMES:
//   tensorflow  tfjs-node-gpu / tfjs-node (optional packages that download libtensorflow; CUDA 11.2 for the GPU one)
//   webgpu      Dawn (npm `webgpu`, prebuilt) under @tensorflow/tfjs-backend-webgpu: Vulkan, Metal or D3D12 GPUs
//   wasm        always installed; ~30× the pure-JS cpu backend
//   cpu         the reference
// Each is imported lazily, so a process that never asks for a GPU never loads one. Automatically, webgpu takes
// only a hardware adapter; `--backend webgpu` also takes a software one (SwiftShader), which tests use.
import { existsSync, readdirSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { BACKEND_NAMES, describeAdapter, type BackendName, type GpuAdapterInfo } from '../common/backends.ts';

export { BACKEND_NAMES, type BackendName, type GpuAdapterInfo };

export interface BackendInfo {
  /** The tfjs backend name now active ('tensorflow' for both native packages). */
  name: string;
  /** The @tensorflow/tfjs version. */
  version: string;
  /** The GPU, for webgpu. */
  adapter: GpuAdapterInfo | null;
}

/** Whether a backend can run here, and why not. */
export interface BackendAvailability {
  name: BackendName;
  available: boolean;
  /** Why not, or what it would run on ("NVIDIA H200 (nvidia hopper)"). */
  detail: string;
  adapter: GpuAdapterInfo | null;
}

/** Native packages to try for 'tensorflow', best first. */
const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

/** Loads the first native package that loads (it registers the 'tensorflow' backend), or says why none does. */
async function nativeProblem(): Promise<string | null> {
  for (const pkg of NATIVE_PACKAGES) {
    try {
      await import(pkg);
      if (tf.findBackend('tensorflow')) return null;
    } catch {
      // not installed or libtensorflow missing: try the next one
    }
  }
  return `libtensorflow is not installed (${NATIVE_PACKAGES.join(' or ')}: see the README's Backends section)`;
}

async function tryNative(): Promise<string | null> {
  return (await nativeProblem()) ?? ((await tf.setBackend('tensorflow')) ? null : 'the native TensorFlow backend did not start');
}

// ---- webgpu ---------------------------------------------------------------------------------------------------

interface WebGpuAdapter { info: { vendor: string; architecture: string; device: string; description: string; isFallbackAdapter?: boolean } }
interface WebGpu { requestAdapter(options?: { powerPreference?: string }): Promise<WebGpuAdapter | null> }

let webgpuAdapter: GpuAdapterInfo | null = null;
let webgpuProbe: Promise<{ gpu: WebGpu | null; adapter: GpuAdapterInfo | null; problem: string | null }> | null = null;

/** On Linux Dawn needs the Vulkan loader and a driver (an ICD); without them it prints warnings on every start, so
 *  look first. Elsewhere (Metal, D3D12) the system always has what Dawn needs. */
function vulkanProblem(): string | null {
  if (process.platform !== 'linux') return null;
  if (process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES || process.env.VK_ADD_DRIVER_FILES) return null;
  const folders = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];
  const drivers = folders.filter((dir) => existsSync(dir)).flatMap((dir) => readdirSync(dir).filter((name) => name.endsWith('.json')));
  return drivers.length === 0 ? 'no Vulkan GPU driver is installed (no ICD in /usr/share/vulkan/icd.d)' : null;
}

/** Loads Dawn and asks it for an adapter, once per process. */
function probeWebGpu(): Promise<{ gpu: WebGpu | null; adapter: GpuAdapterInfo | null; problem: string | null }> {
  webgpuProbe ??= (async () => {
    const missingDriver = vulkanProblem();
    if (missingDriver) return { gpu: null, adapter: null, problem: missingDriver };
    let dawn: { create(flags: string[]): WebGpu; globals: Record<string, unknown> };
    try {
      dawn = (await import('webgpu')) as unknown as typeof dawn;
    } catch (error) {
      return { gpu: null, adapter: null, problem: `the webgpu package (Dawn) did not load: ${(error as Error).message.split('\n')[0]}` };
    }
    const gpu = dawn.create([]);
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return { gpu, adapter: null, problem: 'no GPU adapter (Dawn found no Vulkan, Metal or D3D12 device)' };
    const { vendor, architecture, device, description, isFallbackAdapter } = adapter.info;
    const fallback = isFallbackAdapter === true || /swiftshader|llvmpipe|lavapipe/i.test(`${architecture} ${description}`);
    Object.assign(globalThis, dawn.globals); // GPUBufferUsage etc., which tfjs-backend-webgpu reads as globals
    return { gpu, adapter: { vendor, architecture, device, description, fallback }, problem: null };
  })();
  return webgpuProbe;
}

async function tryWebGpu(forced: boolean): Promise<string | null> {
  const { gpu, adapter, problem } = await probeWebGpu();
  if (problem || !gpu || !adapter) return problem ?? 'no GPU adapter';
  if (adapter.fallback && !forced) return `only a software adapter: ${describeAdapter(adapter)} (use --backend webgpu to force it)`;
  try {
    const holder = globalThis as { navigator?: { gpu?: unknown } };
    // tfjs-backend-webgpu finds the GPU as a browser would, before it is imported.
    if (!holder.navigator) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    else if (!holder.navigator.gpu) Object.defineProperty(holder.navigator, 'gpu', { value: gpu, configurable: true });
    await import('@tensorflow/tfjs-backend-webgpu'); // registers 'webgpu'
    if (!(await tf.setBackend('webgpu'))) return `tfjs-backend-webgpu could not start on ${describeAdapter(adapter)}`;
  } catch (error) {
    return `tfjs-backend-webgpu failed on ${describeAdapter(adapter)}: ${(error as Error).message.split('\n')[0]}`;
  }
  webgpuAdapter = adapter;
  return null;
}

// ---------------------------------------------------------------------------------------------------------------

async function tryWasm(): Promise<string | null> {
  try {
    await import('@tensorflow/tfjs-backend-wasm'); // registers 'wasm'
    return (await tf.setBackend('wasm')) ? null : 'the WASM backend did not start';
  } catch (error) {
    return `the WASM backend did not load: ${(error as Error).message}`;
  }
}

async function tryCpu(): Promise<string | null> {
  return (await tf.setBackend('cpu')) ? null : 'the cpu backend did not start';
}

/** Each attempt activates its backend and returns null, or says why it cannot. */
const ATTEMPTS: Record<BackendName, (forced: boolean) => Promise<string | null>> = { tensorflow: tryNative, webgpu: tryWebGpu, wasm: tryWasm, cpu: tryCpu };

/**
 * Activates `preferred` (throwing, with the reason, if it is unavailable), or without a preference the first that
 * works of tensorflow → webgpu (a hardware adapter) → wasm → cpu.
 */
export async function selectBackend(preferred?: BackendName): Promise<BackendInfo> {
  if (preferred !== undefined) {
    if (!(BACKEND_NAMES as readonly string[]).includes(preferred)) throw new Error(`unknown backend '${preferred}'; valid: ${BACKEND_NAMES.join(', ')}`);
    if (tf.getBackend() !== preferred || preferred === 'tensorflow') {
      const problem = await ATTEMPTS[preferred](true);
      if (problem) throw new Error(`TensorFlow.js backend '${preferred}' is not available in this process: ${problem}`);
    }
  } else {
    let chosen = false;
    for (const name of BACKEND_NAMES) {
      if ((await ATTEMPTS[name](false)) === null) { chosen = true; break; }
    }
    if (!chosen) throw new Error('no TensorFlow.js backend could be initialised');
  }
  await tf.ready();
  const name = tf.getBackend();
  return { name, version: tf.version.tfjs, adapter: name === 'webgpu' ? webgpuAdapter : null };
}

/** What each backend would give here, without changing the active one (for `trm backends` and the new-run form).
 *  The native package and Dawn are loaded to find out; nothing is computed. */
export async function listBackends(): Promise<BackendAvailability[]> {
  const list: BackendAvailability[] = [];
  for (const name of BACKEND_NAMES) {
    if (name === 'webgpu') {
      const { adapter, problem } = await probeWebGpu();
      list.push({ name, available: problem === null && adapter !== null && !adapter.fallback, detail: problem ?? (adapter ? (adapter.fallback ? `only a software adapter: ${describeAdapter(adapter)}, a CPU emulation (--backend webgpu forces it)` : describeAdapter(adapter)) : 'no GPU adapter'), adapter });
      continue;
    }
    const problem = name === 'tensorflow' ? await nativeProblem() : null;
    list.push({ name, available: problem === null, detail: problem ?? (name === 'wasm' ? 'WebAssembly on the CPU' : 'plain JavaScript on the CPU (slow)'), adapter: null });
  }
  return list;
}
