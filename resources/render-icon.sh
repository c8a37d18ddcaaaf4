#!/usr/bin/env bash
# Renders the hand-drawn SVG icon to the 256×256 PNG that is committed beside
# it (desktops without SVG icon support use the PNG). Run again after
# editing the SVG; needs rsvg-convert (Debian: librsvg2-bin), which the build
# itself does not, so the PNG is kept in the repository.
set -euo pipefail
cd "$(dirname "$0")"
rsvg-convert --width 256 --height 256 siamese-studio.svg --output siamese-studio-256.png
echo "wrote $(pwd)/siamese-studio-256.png"
