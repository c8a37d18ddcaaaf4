#!/usr/bin/env bash
# The GPU figures of the training issues in one run on a lent GPU machine
# (see the device tool's README): our trainer and PyTorch on the same GPU,
# in float32, bfloat16 and float16, with the tower's cases, and embedding
# throughput on the GPU.
#
# A GPU machine has a CUDA PyTorch, CMake, ninja and a compiler, but none
# of Debian's packages and no network. So:
#   here:  scripts/gpu-check.sh prepare
#          packs the headers (and libcrypto) of Debian's libssl-dev,
#          nlohmann-json3-dev and libcli11-dev into .gpu/deps.tar.xz (git
#          ignores .gpu/; about 2 MB, since the tree and what is carried
#          may not pass 64 MiB together)
#   there: bash scripts/gpu-check.sh run      (the device tool's run, carry [".gpu"])
#          builds the engine alone (SIAMESE_ENGINE_ONLY) against that
#          PyTorch's LibTorch and runs `siamese-engine bench training` on
#          the GPU; logs and tables come back in $OUT/gpu-check.tar.gz.
#
# A dry run on a CPU machine checks the script itself (the build, the
# commands, the tables): GPU_CHECK_DEVICE=cpu GPU_CHECK_PRECISIONS=float32
# GPU_CHECK_CASES=convnet GPU_CHECK_PYTHON=/usr/bin/python3 OUT=/tmp/check \
# bash scripts/gpu-check.sh run
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
device=${GPU_CHECK_DEVICE:-cuda}
precisions=${GPU_CHECK_PRECISIONS:-float32 bfloat16 float16}
cases=${GPU_CHECK_CASES:-convnet,resnet,tower-last2,tower-all}
python=${GPU_CHECK_PYTHON:-python3}  # there, the python3 on the PATH holds PyTorch
packages=(libssl-dev libssl3 nlohmann-json3-dev libcli11-dev)

prepare() {
  local work
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  (cd "$work" && apt-get download "${packages[@]}" >/dev/null)
  for deb in "$work"/*.deb; do dpkg -x "$deb" "$work/root"; done
  local lib=usr/lib/x86_64-linux-gnu
  ln -sf libcrypto.so.3 "$work/root/$lib/libcrypto.so"
  # Debian keeps OpenSSL's configuration headers (opensslconf.h, ...) in the
  # multiarch folder, which a compiler elsewhere does not search: beside
  # the others they are found.
  cp -n "$work/root/usr/include/x86_64-linux-gnu/openssl/"* "$work/root/usr/include/openssl/"
  mkdir -p "$root/.gpu"
  tar -C "$work/root" -cJf "$root/.gpu/deps.tar.xz" usr/include/openssl \
    usr/include/nlohmann usr/include/CLI usr/share/cmake "$lib/libcrypto.so.3" "$lib/libcrypto.so"
  echo "wrote .gpu/deps.tar.xz ($(du -h "$root/.gpu/deps.tar.xz" | cut -f1)); on the GPU machine: bash scripts/gpu-check.sh run"
}

# Everything is written into one folder, packed into $OUT/gpu-check.tar.gz
# at the end however the run ends (the tool brings back 8 files at most);
# the figures are also printed, for the tool's output.
run() {
  out=${OUT:-$root/build/gpu-check}
  work=/tmp/siamese-gpu-check
  local deps=/tmp/siamese-deps build=/tmp/siamese-engine
  rm -rf "$work"
  mkdir -p "$out" "$work" "$deps"
  trap 'tar -C "$work" -czf "$out/gpu-check.tar.gz" .' EXIT
  [[ -f "$root/.gpu/deps.tar.xz" ]] || { echo "no .gpu/deps.tar.xz: run 'scripts/gpu-check.sh prepare' here and carry .gpu" >&2; exit 1; }
  tar -C "$deps" -xJf "$root/.gpu/deps.tar.xz"
  if [[ $device == cuda ]]; then nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$work/gpu.txt"; fi
  local torch_prefix
  torch_prefix=$("$python" -c 'import torch; print(torch.utils.cmake_prefix_path)')
  "$python" -c 'import torch; print("PyTorch", torch.__version__, "CUDA", torch.version.cuda)' | tee -a "$work/gpu.txt"
  if command -v nvcc >/dev/null; then nvcc --version | tail -1 | tee -a "$work/gpu.txt"; fi
  # Our objects use the compiler's default (new) C++ ABI; a wheel of the old one cannot link with them.
  "$python" -c 'import sys, torch; sys.exit(0 if torch.compiled_with_cxx11_abi() else 1)' ||
    { echo "this PyTorch was built with the old C++ ABI: use one built with the new"; exit 1; }
  echo "configuring and building the engine (logs: configure.log, build.log)"
  # Newer LibTorch headers may ask for C++20: GPU_CHECK_CXX_STANDARD=20.
  cmake -G Ninja -S "$root" -B "$build" -DSIAMESE_ENGINE_ONLY=ON -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_STANDARD="${GPU_CHECK_CXX_STANDARD:-17}" \
    -DCMAKE_PREFIX_PATH="$torch_prefix;$deps/usr" -DOPENSSL_ROOT_DIR="$deps/usr" >"$work/configure.log" 2>&1 ||
    { tail -40 "$work/configure.log"; exit 1; }
  ninja -C "$build" siamese-engine >"$work/build.log" 2>&1 || { grep -m 20 -A5 "error" "$work/build.log"; exit 1; }
  for precision in $precisions; do
    echo "== $precision"
    # One precision failing (a kernel missing, say) leaves the others to run.
    "$build/bin/siamese-engine" bench training --device "$device" --precision "$precision" --tower untrained \
      --cases "$cases" --python "$python" --threads 4 --work /tmp/siamese-bench --out "$work/training-$precision.md" 2>&1 |
      tee "$work/training-$precision.log" || echo "== $precision FAILED (training-$precision.log)"
  done
  echo "== embedding: the tower's network (untrained, as fast as the tower), the shipped student and our default model"
  "$build/bin/siamese-engine" bench embedding --device "$device" --model /tmp/siamese-bench/untrained-face-tower.siamese \
    --model "$root/models/benchmark/student-1-5-averaged.siamese" --model "$root/models/default.siamese" \
    --seconds 2 --out "$work/embedding.md" 2>&1 | tee "$work/embedding.log" || echo "== embedding FAILED (embedding.log)"
  echo "== each precision's mean training loss (the same batches from the same weights: 16 bits should land near float32)"
  { grep -H "mean loss" "$work"/training-*.log || echo "(none: every precision failed)"; } |
    sed -E 's|.*/training-([a-z0-9]+)\.log:([a-z0-9-]+) .*mean loss ([0-9a-z.+-]+)|\2 \1 \3|' | sort
}

case "${1:-}" in
  prepare) prepare ;;
  run) run ;;
  *) echo "usage: scripts/gpu-check.sh prepare|run" >&2; exit 2 ;;
esac
