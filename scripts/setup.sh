#!/usr/bin/env bash
# Sets up Siamese Studio on Debian 12: installs the Debian packages the
# project needs (only those missing; with sudo when not root), then
# configures and builds. Safe to run again: it does only what is left.
#
#   scripts/setup.sh            # release build in build/release
#   PRESET=debug scripts/setup.sh   # debug build with ASan/UBSan in build/debug
set -euo pipefail
cd "$(dirname "$0")/.."

PRESET=${PRESET:-release}

# Build tools, the engine's libraries, their data files, and the test
# framework. libopenblas0-pthread makes dlib and LibTorch several times
# faster than the reference BLAS.
PACKAGES=(
  cmake ninja-build ccache g++ pkg-config
  libopencv-dev opencv-data
  libdlib-dev libdlib-data libgif-dev libjpeg-dev
  libtorch-dev libopenblas0-pthread
  libdnnl-dev   # oneDNN's headers: its Winograd convolutions for training
  qt6-base-dev libqt6opengl6-dev qt6-multimedia-dev qt6-charts-dev
  libsqlite3-dev libfaiss-dev libssl-dev
  nlohmann-json3-dev libcli11-dev libcpp-httplib-dev
  libgtest-dev libgmock-dev
  dpkg-dev file   # the .deb (cpack): dpkg-shlibdeps reads its library dependencies
  chromium chromium-driver   # the web page's end-to-end test drives a headless Chromium
)

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing missing Debian packages: ${missing[*]}"
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo); fi
  "${SUDO[@]}" apt-get update
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
else
  echo "setup: all ${#PACKAGES[@]} needed Debian packages are installed"
fi

# Use both cores (or more) for the build.
cmake --preset "$PRESET"
cmake --build --preset "$PRESET" --parallel "$(nproc)"

# The pretrained face tower: dlib's face ResNet from the npm package
# @vladmandic/face-api, fetched with `npm pack` (never `npm install`), its
# checksum checked, unpacked outside the repository, and converted into the
# default model. Without it everything still works on our own model.
scripts/fetch-face-tower.sh "build/$PRESET/bin/siamese" || \
  echo "setup: the face tower could not be fetched; the app uses our own model (rerun scripts/setup.sh to retry)"
