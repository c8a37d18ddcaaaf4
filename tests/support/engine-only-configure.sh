#!/usr/bin/env bash
# The engine-only build (SIAMESE_ENGINE_ONLY: what a GPU machine with a CUDA
# PyTorch and none of Debian's packages builds, scripts/gpu-check.sh)
# configures here too, looks for none of OpenCV, Qt, dlib, SQLite or FAISS,
# compiles nothing against OpenCV's or Qt's headers, and has siamese-engine.
# usage: engine-only-configure.sh <source dir> <scratch build dir>
set -euo pipefail
src=$1
build=$2
rm -rf "$build"
if ! cmake -G Ninja -S "$src" -B "$build" -DSIAMESE_ENGINE_ONLY=ON -DCMAKE_BUILD_TYPE=Release >"$build.log" 2>&1; then
  cat "$build.log"
  echo "the engine-only build does not configure"
  exit 1
fi
if grep -E "^(OpenCV|dlib|Qt6|Qt6Widgets|SQLite3|faiss)_DIR:" "$build/CMakeCache.txt"; then
  echo "the engine-only build looked for a package a GPU machine does not have"
  exit 1
fi
if grep -nE "opencv4|qt6|/dlib" "$build/build.ninja" | head -3 | grep .; then
  echo "the engine-only build compiles or links against OpenCV, Qt or dlib"
  exit 1
fi
grep -q "bin/siamese-engine:" "$build/build.ninja" || { echo "no siamese-engine in the engine-only build"; exit 1; }
echo "engine-only build configured: $(grep -cE '^build [^:]+\.o:' "$build/build.ninja") objects, none against OpenCV, Qt or dlib"
rm -rf "$build" "$build.log"
