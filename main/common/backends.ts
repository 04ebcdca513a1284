// The TensorFlow.js backends a run can use, in the automatic order (best first). Pure data, so the API contract,
// the CLI and the engine share one list.
export const BACKEND_NAMES = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** The GPU a webgpu run used, as the WebGPU adapter describes it (GPUAdapterInfo). */
export interface GpuAdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A software adapter (SwiftShader: the CPU emulating a GPU), never chosen automatically. */
  fallback: boolean;
}

/** One line for a person: "NVIDIA H200 (nvidia hopper)", "SwiftShader driver 5.0.0 (google swiftshader, software)". */
export function describeAdapter(adapter: GpuAdapterInfo): string {
  const name = adapter.description || adapter.device || 'GPU';
  const detail = [adapter.vendor, adapter.architecture].filter(Boolean).join(' ');
  return `${name}${detail ? ` (${detail}${adapter.fallback ? ', software' : ''})` : adapter.fallback ? ' (software)' : ''}`;
}
