#!/usr/bin/env bash
# Fetches the pretrained face tower and imports it as the default model.
#
#   scripts/fetch-face-tower.sh [path/to/siamese]
#
# 1. `npm pack @vladmandic/face-api@1.7.15` into the user's cache folder
#    ($XDG_CACHE_HOME or ~/.cache)/siamese-studio, unless already there;
# 2. checks the tarball's SHA-256 and unpacks what is needed (the weights,
#    their manifest, package.json, the licence and the JS bundle that
#    scripts/face-api-reference.cjs runs);
# 3. `siamese import` converts the weights into
#    ($XDG_DATA_HOME or ~/.local/share)/siamese-studio/models/face-tower.siamese
#    when that bundle is missing.
# Safe to run again: it does only what is left.
set -euo pipefail
cd "$(dirname "$0")/.."

SIAMESE=${1:-build/release/bin/siamese}
NAME=@vladmandic/face-api
VERSION=1.7.15
TARBALL=vladmandic-face-api-$VERSION.tgz
SHA256=0d77fffeef362ef9c0939cf6c567f3a2e8e177f114fa257a3270cbd2e509b031

CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/siamese-studio
DIR=$CACHE/face-api-$VERSION
TOWER=${XDG_DATA_HOME:-$HOME/.local/share}/siamese-studio/models/face-tower.siamese

if [ ! -f "$DIR/package/model/face_recognition_model.bin" ]; then
  if ! command -v npm >/dev/null; then
    echo "fetch-face-tower: installing npm (Debian package) to fetch $NAME"
    SUDO=()
    if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo); fi
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends npm
  fi
  mkdir -p "$DIR"
  chmod 700 "$CACHE"
  if [ ! -f "$DIR/$TARBALL" ]; then
    echo "fetch-face-tower: npm pack $NAME@$VERSION"
    (cd "$DIR" && npm pack --silent "$NAME@$VERSION" >/dev/null)
  fi
  if ! echo "$SHA256  $DIR/$TARBALL" | sha256sum --check --status; then
    echo "fetch-face-tower: $DIR/$TARBALL does not have the expected SHA-256 ($SHA256); removed" >&2
    rm -f "$DIR/$TARBALL"
    exit 1
  fi
  tar -xzf "$DIR/$TARBALL" -C "$DIR" package/package.json package/LICENSE package/dist/face-api.js \
    package/model/face_recognition_model.bin package/model/face_recognition_model-weights_manifest.json
fi

if [ ! -f "$TOWER" ]; then
  "$SIAMESE" import --manifest "$DIR/package/model/face_recognition_model-weights_manifest.json" --out "$TOWER"
  chmod 600 "$TOWER"
fi
echo "fetch-face-tower: the face tower is $TOWER"
