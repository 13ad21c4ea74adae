#!/usr/bin/env bash
# GPU check of the ONNX Runtime path, for a machine with an NVIDIA GPU, CUDA 12, cuDNN 9 (and
# TensorRT 10 for the TensorRT rows). Under 5 minutes: builds a clean copy of HEAD with the GPU
# package (-p:OnnxBackend=gpu-linux), records the same deterministic synthetic stream with the
# shipped model on the CPU, CUDA and TensorRT (FP16, engine cache) providers, prints each GPU
# session's agreement with the CPU one (score --against: IoU / Dice per frame and overall) and
# a latency table (inference stage and end-to-end, median / p99) from the pipeline reports, and
# the upload/compute overlap: the same batches through synchronous Infer and through the engine's
# two slots (pinned staging, own copy stream; `bench --overlap`), on the CPU and on CUDA.
# Usage: scripts/gpu-check.sh [--build-only]
#   --build-only  only check that the gpu-linux switch restores and builds (works without a GPU)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d /tmp/medseg-gpu-check.XXXXXX)"
trap 'echo "gpu-check: work folder $work"' EXIT
mkdir -p "$work/src"
# A copy of the committed tree, so the CPU build's obj/ and bin/ in the clone stay untouched.
git -C "$root" archive HEAD | tar -x -C "$work/src"
cd "$work/src"
echo "== build (OnnxBackend=gpu-linux)"
dotnet build src/MedSeg.Cli -c Release -p:OnnxBackend=gpu-linux -nologo -v q -clp:ErrorsOnly
test -f src/MedSeg.Cli/bin/Release/net10.0/runtimes/linux-x64/native/libonnxruntime_providers_cuda.so \
  || { echo "gpu-check: the CUDA provider library is missing from the build output" >&2; exit 1; }
if [ "${1:-}" = "--build-only" ]; then
  echo "gpu-check: gpu-linux build OK: $(ls src/MedSeg.Cli/bin/Release/net10.0/runtimes/linux-x64/native/ | grep onnxruntime | tr '\n' ' ')"
  rm -rf "$work"
  trap - EXIT
  exit 0
fi
nvidia-smi -L
medseg=(dotnet src/MedSeg.Cli/bin/Release/net10.0/medseg.dll)
source_spec='synthetic:lesion?fps=0&frames=400&seed=7'
for device in cpu cuda tensorrt; do
  echo "== record on $device"
  "${medseg[@]}" record --model models/lesion-unet16.ckpt --engine onnx --device "$device" --source "$source_spec" \
    --mode All --max-batch 4 --threads 0 --out "$work/$device.msgpack" --report "$work/$device.json" --overwrite | tail -n 3
done
for device in cuda tensorrt; do
  echo "== parity: $device against cpu"
  "${medseg[@]}" score "$work/$device.msgpack" --against "$work/cpu.msgpack" | tail -n 8
done
echo "== overlap: synchronous Infer against the two slots (ms per batch; > 1 = the overlap hides time)"
for device in cpu cuda; do
  "${medseg[@]}" bench --overlap 300 --model models/lesion-unet16.ckpt --device "$device" --threads 0 --batches 1 4 8 --out "$work/overlap-$device" | grep '^|'
done
echo "== latency (ms)"
/usr/bin/python3 - "$work" <<'PY'
import json, sys, os
work = sys.argv[1]
print(f"| provider | inference median | inference p99 | end-to-end median | end-to-end p99 | frames |")
print("|---|---|---|---|---|---|")
for device in ("cpu", "cuda", "tensorrt"):
    r = json.load(open(os.path.join(work, device + ".json")))
    stages = {s["name"]: s for s in r["latency"]}
    inf = stages["inference"]
    e2e = r["endToEnd"]
    print(f"| {device} | {inf['median']:.2f} | {inf['p99']:.2f} | {e2e['median']:.2f} | {e2e['p99']:.2f} | {r['framesOut']} |")
PY
