#!/usr/bin/env bash
# The training-step bench on the accelerator machine, beside the same UNet in PyTorch on the same GPU.
#
#   bash scripts/gpu-bench.sh prepare     here: .gpu/ (node, Dawn, Vulkan loader: the shared
#                                          recipe) plus the bench, the WGSL check and the PyTorch
#                                          script bundled into .gpu/app/
#   bash scripts/gpu-bench.sh run [--quick] there (device tool, carry [".gpu"]):
#        device run carry='[".gpu"]' command='bash .gpu/app/gpu-bench.sh run'
#     1. our WGSL kernels against tfjs ops on that GPU (src/node/webgpu-kernels-check.ts),
#     2. npm run bench on webgpu (conv, train, kernels suites; JSON in $OUT/bench.json): train
#        rows with the GPU's own ms/step (timestamp queries), kernels with the GPU time by
#        program of one replayed step (what to make faster next),
#     3. recorded-and-replayed steps against tfjs steps on that GPU (src/node/step-replay-check.ts),
#     4. PyTorch eager, same presets and batches (JSON in $OUT/torch.json; a torch.profiler
#        table of the tiny preset at batch 8 in $OUT/torch-profile.txt),
#     5. the ratio tfjs ms/step ÷ PyTorch ms/step per preset and batch, beside tfjs' GPU ms/step.
#   bash scripts/gpu-bench.sh local       the bundled run here (Dawn on SwiftShader, Debian's
#                                          python3-torch on the CPU): checks the recipe end to end.
set -euo pipefail
mode=${1:-}
shift || true

ratio_table() { # bench.json torch.json
  python3 - "$1" "$2" <<'PY'
import json, sys
bench = json.load(open(sys.argv[1]))
torch = json.load(open(sys.argv[2]))
ref = {(r["preset"], r["batch"]): r["msPerStep"] for r in torch["rows"]}
print(f"\ntraining step, tfjs ({bench['results'][0].get('adapterInfo', '?')}) vs PyTorch {torch['torch']} eager ({torch['device']})")
print(f"{'backend':<8}{'preset':<7}{'batch':>6}{'tfjs ms':>10}{'torch ms':>10}{'ratio':>8}{'tfjs GPU ms':>13}")
for r in bench["results"]:
    for t in r.get("train") or []:
        ms = t.get("msPerStep")
        base = ref.get((t["preset"], t["batch"]))
        if ms is None or base is None:
            continue
        gpu = t.get("gpuMsPerStep")
        gpu_s = f"{gpu:>13.1f}" if gpu is not None else f"{'-':>13}"
        print(f"{r['backend']:<8}{t['preset']:<7}{t['batch']:>6}{ms:>10.1f}{base:>10.2f}{ms / base:>7.1f}×{gpu_s}")
print("tfjs GPU ms: the GPU's own time for a replayed step (timestamp queries); near tfjs ms, the step waits on the GPU")
PY
}

case "$mode" in
prepare)
  root=$(git rev-parse --show-toplevel)
  cd "$root"
  recipe=${GPU_RECIPE:-$root/../shared/tools/gpu/bundle.sh}
  bash "$recipe"
  esbuild=node_modules/.bin/esbuild
  for entry in bench/bench.ts src/node/webgpu-kernels-check.ts src/node/step-replay-check.ts; do
    name=$(basename "$entry" .ts)
    "$esbuild" "$entry" --bundle --platform=node --format=cjs --log-level=error \
      --outfile=".gpu/app/$name.cjs"
  done
  mkdir -p .gpu/app/wasm
  cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm .gpu/app/wasm/
  cp bench/torch/unet_step.py scripts/gpu-bench.sh .gpu/app/
  # unet_step.py imports the model from the Python package, found beside it there.
  rm -rf .gpu/app/diffusion_playground && cp -r python/diffusion_playground .gpu/app/
  du -sh .gpu
  ;;
run)
  cd "$(dirname "${BASH_SOURCE[0]}")/../.."
  out=${OUT:-/tmp/gpu-bench}
  mkdir -p "$out"
  py=${PYTHON:-python3}
  # inside.sh unpacks node + Dawn, sets DAWN_NODE and puts node on PATH, then runs the rest.
  bash .gpu/inside.sh bash -c '
    set -euo pipefail
    out=$1; py=$2; shift 2
    export TFJS_WASM_DIR=$PWD/.gpu/app/wasm
    echo "== WGSL kernels vs tfjs ops on this GPU"
    node .gpu/app/webgpu-kernels-check.cjs | tee "$out/kernels-check.json" | cut -c1-400
    echo "== bench (webgpu)"
    node .gpu/app/bench.cjs --backends webgpu --json-file "$out/bench.json" "$@" | tee "$out/bench.txt"
    echo "== recorded + replayed steps vs tfjs steps on this GPU"
    node .gpu/app/step-replay-check.cjs | tee "$out/replay-check.json" | cut -c1-400
    echo "== PyTorch"
    "$py" .gpu/app/unet_step.py --json > "$out/torch.json"
    "$py" .gpu/app/unet_step.py | tee "$out/torch.txt"
    "$py" .gpu/app/unet_step.py --profile --presets tiny --batches 8 > "$out/torch-profile.txt"
  ' _ "$out" "$py" "$@"
  ratio_table "$out/bench.json" "$out/torch.json" | tee "$out/ratio.txt"
  ;;
local)
  root=$(git rev-parse --show-toplevel)
  cd "$root"
  out=${OUT:-/tmp/gpu-bench-local}
  mkdir -p "$out"
  export TFJS_WASM_DIR=$root/.gpu/app/wasm
  export DAWN_NODE
  DAWN_NODE=$(node -p "require('path').dirname(require.resolve('webgpu/package.json'))")/dist/linux-x64/dawn.node
  export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json LD_LIBRARY_PATH=/usr/lib/chromium
  node .gpu/app/webgpu-kernels-check.cjs | cut -c1-300
  node .gpu/app/bench.cjs --backends webgpu --suites train,kernels --quick --json-file "$out/bench.json" "$@"
  node .gpu/app/step-replay-check.cjs | cut -c1-300
  /usr/bin/python3 .gpu/app/unet_step.py --device cpu --batches 8 --presets tiny --steps 5 --warmup 1 --json > "$out/torch.json"
  ratio_table "$out/bench.json" "$out/torch.json"
  ;;
*)
  sed -n '2,15p' "$0"
  exit 2
  ;;
esac
