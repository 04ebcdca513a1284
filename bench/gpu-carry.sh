#!/usr/bin/env bash
# Builds .gpu-carry/ (git-ignored, ≈40 MB) for bench/gpu-check.sh on a Linux x86-64 machine with an NVIDIA GPU and
# no network, which may have neither Node nor the Vulkan loader: this Node binary and dawn.node (xz), the engine
# bundled with esbuild (the parity test and the timing script), the parity fixtures, the PyTorch peer, and
# Debian's libvulkan1. Run here (with network for apt), then carry .gpu-carry with the working tree.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.gpu-carry
rm -rf "$out" && mkdir -p "$out/node_modules/webgpu/dist/linux-x64" "$out/shared/fixtures" "$out/shared/peers" "$out/debs"
shared=${TRM_SHARED:-../shared}

xz -T0 -6 -c "$(command -v node)" > "$out/node.xz"
cp node_modules/webgpu/index.js node_modules/webgpu/package.json "$out/node_modules/webgpu/"
xz -T0 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node > "$out/node_modules/webgpu/dist/linux-x64/dawn.node.xz"
cp -r "$shared/fixtures/trm-parity" "$out/shared/fixtures/"
cp "$shared/peers/torch_trm.py" "$out/shared/peers/"

# Dawn stays outside the bundle (a native addon, found as $out/node_modules/webgpu); so do the backends not used.
external=(--external:webgpu --external:@tensorflow/tfjs-node --external:@tensorflow/tfjs-node-gpu --external:@tensorflow/tfjs-backend-wasm)
npx esbuild bench/gpu-check.ts --bundle --platform=node --format=esm --outfile="$out/gpu-check.mjs" "${external[@]}" --log-level=warning \
  --banner:js="import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"
npx esbuild test/trm/parity.test.ts --bundle --platform=node --format=esm --outfile="$out/parity.test.mjs" "${external[@]}" --log-level=warning \
  --banner:js="import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"

(cd "$out/debs" && apt-get download libvulkan1 >/dev/null 2>&1) || echo "gpu-carry: could not download libvulkan1 (the GPU machine must have the Vulkan loader)" >&2
du -sh "$out"
