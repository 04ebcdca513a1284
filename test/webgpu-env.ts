// WebGPU in tests: on a machine without a GPU, Dawn runs on Chromium's SwiftShader Vulkan driver (a CPU emulation;
// toolchain-notes). Sets the environment Dawn's Vulkan loader reads, before Dawn loads; says why not when it can't.
import { chmodSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** A Vulkan driver is installed (a GPU machine: bench/gpu-check.sh runs the parity tests there on the real GPU). */
function hardwareDriverListed(): boolean {
  if (process.env.VK_DRIVER_FILES || process.env.VK_ICD_FILENAMES) return true;
  return ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d'].some((dir) => existsSync(dir) && readdirSync(dir).some((name) => name.endsWith('.json') && !/lvp|lavapipe/.test(name))); // Dawn refuses lavapipe
}

/** null when webgpu can be forced here (on the installed driver, else SwiftShader); otherwise why not (for a
 *  test's skip message). */
export function softwareWebGpuProblem(): string | null {
  if (!hardwareDriverListed()) {
    if (!existsSync(SWIFTSHADER_ICD)) return `no Vulkan driver for Dawn: install chromium (it carries ${SWIFTSHADER_ICD}) and libvulkan1`;
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  if (!process.env.XDG_RUNTIME_DIR) {
    const dir = mkdtempSync(join(tmpdir(), 'trm-xdg-'));
    chmodSync(dir, 0o700);
    process.env.XDG_RUNTIME_DIR = dir;
  }
  const loaders = ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1', '/usr/lib64/libvulkan.so.1', '/usr/lib/libvulkan.so.1'];
  if (process.platform === 'linux' && !loaders.some((path) => existsSync(path))) return 'the Vulkan loader (libvulkan1) is not installed';
  return null;
}
