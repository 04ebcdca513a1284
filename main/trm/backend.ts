// Picks the fastest TensorFlow.js backend available in this process. The native backends (tfjs-node-gpu,
// tfjs-node) are optional dependencies that often fail to install (toolchain-notes: they download libtensorflow),
// so they are imported lazily; WASM is always installed and is ~30× faster than the pure-JS cpu backend.
import * as tf from '@tensorflow/tfjs';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendInfo {
  /** The tfjs backend name now active ('tensorflow' for both native packages). */
  name: string;
  /** The @tensorflow/tfjs version. */
  version: string;
}

/** Native packages to try for 'tensorflow', best first. */
const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

async function tryNative(): Promise<boolean> {
  for (const pkg of NATIVE_PACKAGES) {
    try {
      await import(pkg); // registers the 'tensorflow' backend as a side effect
      if (await tf.setBackend('tensorflow')) return true;
    } catch {
      // not installed or libtensorflow missing: try the next one
    }
  }
  return false;
}

async function tryWasm(): Promise<boolean> {
  try {
    await import('@tensorflow/tfjs-backend-wasm'); // registers 'wasm'
    return await tf.setBackend('wasm');
  } catch {
    return false;
  }
}

async function tryCpu(): Promise<boolean> {
  return tf.setBackend('cpu');
}

const ATTEMPTS: Record<BackendName, () => Promise<boolean>> = { tensorflow: tryNative, wasm: tryWasm, cpu: tryCpu };

/**
 * Activates `preferred` (throwing if it is unavailable), or without a preference the first that works of
 * tensorflow (native) → wasm → cpu.
 */
export async function selectBackend(preferred?: BackendName): Promise<BackendInfo> {
  if (preferred !== undefined) {
    if (!(preferred in ATTEMPTS)) throw new Error(`unknown backend '${preferred}'; valid: ${Object.keys(ATTEMPTS).join(', ')}`);
    if (tf.getBackend() !== preferred || preferred === 'tensorflow') {
      if (!(await ATTEMPTS[preferred]())) {
        const hint = preferred === 'tensorflow' ? ` (install ${NATIVE_PACKAGES.join(' or ')} with its libtensorflow)` : '';
        throw new Error(`TensorFlow.js backend '${preferred}' is not available in this process${hint}`);
      }
    }
  } else {
    let chosen = false;
    for (const name of ['tensorflow', 'wasm', 'cpu'] as const) {
      if (await ATTEMPTS[name]()) { chosen = true; break; }
    }
    if (!chosen) throw new Error('no TensorFlow.js backend could be initialised');
  }
  await tf.ready();
  return { name: tf.getBackend(), version: tf.version.tfjs };
}
