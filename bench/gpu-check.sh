#!/usr/bin/env bash
# The GPU check (issue 15): on a Linux machine with an NVIDIA GPU and no network, prints one JSON with
#   parity   the official-code parity fixtures on the webgpu backend (the GPU's Vulkan adapter)
#   webgpu   ms per optimizer step of sudoku-extreme-mlp at batch 768 and maze-hard-att at batch 256
#   pytorch  the same models on that machine's PyTorch with CUDA (../shared/peers/torch_trm.py bench, float32 and
#            bf16), and webgpu's time as a ratio of each
# Needs .gpu-carry/ (bench/gpu-carry.sh builds it: Node, Dawn, the bundled engine, fixtures, libvulkan1). Runs in
# under 8 minutes: each part has its own deadline. GPU_CHECK_PRESETS overrides the timed presets (name:batch,…).
set -uo pipefail
cd "$(dirname "$0")/.."
carry=.gpu-carry
work=$(mktemp -d)
started=$(date +%s)
log() { echo "[gpu-check] $*" >&2; }

[ -d "$carry" ] || { echo '{"error":"no .gpu-carry folder: run bench/gpu-carry.sh first"}'; exit 2; }
node=$(command -v node || true)
if [ -z "$node" ]; then xz -dc "$carry/node.xz" > "$work/node" && chmod +x "$work/node" && node="$work/node"; fi
[ -f "$carry/node_modules/webgpu/dist/linux-x64/dawn.node" ] || xz -dk "$carry/node_modules/webgpu/dist/linux-x64/dawn.node.xz"
# The Vulkan loader, unpacked from the carried package when the system has none; the NVIDIA driver's ICD where the
# container runtime puts it.
if ! ldconfig -p | grep libvulkan.so.1 >/dev/null; then
  for deb in "$carry"/debs/*.deb; do dpkg -x "$deb" /; done
  ldconfig
fi
for icd in /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json; do
  if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f "$icd" ]; then export VK_DRIVER_FILES=$icd; fi
done
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$work/xdg}; mkdir -p "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
export TRM_SHARED=$PWD/$carry/shared

log "node $("$node" --version), VK_DRIVER_FILES=${VK_DRIVER_FILES:-unset}"
log "parity on webgpu"
TRM_PARITY_BACKENDS=webgpu timeout 150 "$node" --test --test-reporter=tap "$carry/parity.test.mjs" > "$work/parity.tap" 2>&1
parity_rc=$?
parity_pass=$(grep -c '^    ok ' "$work/parity.tap" || true)
parity_fail=$(grep -c '^    not ok ' "$work/parity.tap" || true)
parity_skip=$(grep -c '# SKIP' "$work/parity.tap" || true)
grep -m3 -A3 'not ok' "$work/parity.tap" >&2 || true

presets=${GPU_CHECK_PRESETS:-sudoku-extreme-mlp:768,maze-hard-att:256}
log "webgpu timing: $presets"
timeout 240 "$node" "$carry/gpu-check.mjs" --presets "$presets" --steps 10 --warmup 3 --deadline-s 100 > "$work/webgpu.jsonl" 2> "$work/webgpu.err"
grep -v '^{' "$work/webgpu.err" | tail -3 >&2

log "pytorch cuda timing"
: > "$work/torch.jsonl"
peer="$carry/shared/peers/torch_trm.py"
torch_args() { # the peer's arguments for one preset (model shapes from main/trm/presets.ts)
  case "$1" in
    sudoku-extreme-mlp) echo "--hidden 512 --heads 8 --expansion 4 --vocab 11 --seq 81 --P 16 --T 3 --n 6 --mlp-t" ;;
    maze-hard-att) echo "--hidden 512 --heads 8 --expansion 4 --vocab 6 --seq 900 --P 16 --T 3 --n 4" ;;
    *) echo "" ;;
  esac
}
if python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  for entry in ${presets//,/ }; do
    name=${entry%%:*}; batch=${entry##*:}; extra=$(torch_args "$name")
    [ -n "$extra" ] || continue
    for precision in fp32 bf16; do
      flag=""; [ "$precision" = bf16 ] && flag="--bf16"
      line=$(timeout 90 python3 "$peer" bench --device cuda $flag $extra --batch "$batch" --steps 10 --warmup 3 2>/dev/null | tail -1)
      [ -n "$line" ] && echo "{\"preset\":\"$name\",\"precision\":\"$precision\",\"result\":$line}" >> "$work/torch.jsonl"
    done
  done
else
  log "no CUDA PyTorch here"
fi

python3 - "$work" "$parity_rc" "$parity_pass" "$parity_fail" "$parity_skip" "$started" <<'PY'
import json, sys, time
work, rc, passed, failed, skipped, started = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
def lines(name):
    try:
        return [json.loads(l) for l in open(f'{work}/{name}') if l.startswith('{')]
    except FileNotFoundError:
        return []
webgpu, torch = lines('webgpu.jsonl'), lines('torch.jsonl')
ratios = []
for w in webgpu:
    for t in torch:
        if t['preset'] == w['preset'] and w.get('msPerStepMedian'):
            ms = t['result']['ms_per_step_median']
            ratios.append({'preset': w['preset'], 'vs': f"pytorch-cuda-{t['precision']}", 'webgpu_ms': w['msPerStepMedian'], 'pytorch_ms': ms, 'ratio': round(w['msPerStepMedian'] / ms, 2)})
print(json.dumps({
    'parity': {'ok': rc == 0 and failed == 0 and passed > 0, 'subtests_passed': passed, 'subtests_failed': failed, 'skipped': skipped, 'exit': rc},
    'adapter': next((w.get('adapter') for w in webgpu if w.get('adapter')), None),
    'webgpu': webgpu, 'pytorch': torch, 'ratios': ratios, 'seconds': int(time.time()) - started,
}, indent=2))
PY
rm -rf "$work"
