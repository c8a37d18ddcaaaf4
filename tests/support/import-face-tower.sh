#!/usr/bin/env bash
# ctest fixture: imports the face tower into the build folder for the tests,
# from the face-api package that scripts/setup.sh fetched. Exit 77 (skipped)
# when the package is not there.
#   import-face-tower.sh <siamese> <out.siamese>
set -euo pipefail
manifest="${XDG_CACHE_HOME:-$HOME/.cache}/siamese-studio/face-api-1.7.15/package/model/face_recognition_model-weights_manifest.json"
if [ ! -f "$manifest" ]; then
  echo "no face-api package at $manifest: run scripts/setup.sh"
  exit 77
fi
exec "$1" import --manifest "$manifest" --out "$2"
