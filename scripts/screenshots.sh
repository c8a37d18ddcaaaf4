#!/usr/bin/env bash
# Screenshots of every tab of siamese-studio in a realistic state, for the
# README: a gallery of six LFW people (three photos each) with the app's
# default model (the face tower when imported, else ours; $SIAMESE_MODEL to
# choose), a generated video in which other photos of them and a stranger
# walk through a room, and the training wizard on ten AT&T people.
# Runs under Qt's offscreen platform.
#
#   scripts/screenshots.sh [output folder (default: resources/screenshots)]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-resources/screenshots}
data=${SIAMESE_DATA:-../shared/data}
bin=build/release/bin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

model=${SIAMESE_MODEL:-${XDG_DATA_HOME:-$HOME/.local/share}/siamese-studio/models/face-tower.siamese}
[ -f "$model" ] || model=models/default.siamese
echo "screenshots with $model"
people=(Jacques_Chirac Jennifer_Capriati Winona_Ryder Abdullah_Gul Gray_Davis Vicente_Fox)
photo() { printf '%s/lfw/images/%s/%s_%04d.jpg' "$data" "$1" "$1" "$2"; }
for p in "${people[@]}"; do
  "$bin/siamese" gallery --gallery "$work/gallery.db" --model "$model" add "${p//_/ }" "$(photo "$p" 1)" "$(photo "$p" 2)" "$(photo "$p" 3)" >/dev/null
done
# A correction to show under Abdullah Gul: a stranger the user said is not him.
"$bin/siamese" gallery --gallery "$work/gallery.db" --model "$model" reject "$(photo Recep_Tayyip_Erdogan 1)" --not "Abdullah Gul" >/dev/null
clip=()
for p in "${people[@]}"; do clip+=("$(photo "$p" 5)"); done
clip+=("$(photo Dick_Armey 1)")  # never enrolled
"$bin/siamese" scene "${clip[@]}" --out "$work/clip.avi" --frames-per-face 90
# Ten AT&T people for the training wizard's pages.
mkdir -p "$work/att"
for i in $(seq 1 10); do ln -s "$(realpath "$data/att_faces/s$i")" "$work/att/s$i"; done
# Impostors for the "adapt to my people" dialog: LFW in the tower's crops,
# as `siamese bench accuracy` prepares it, when it is there.
impostors=()
[ -f build/bench/lfw-150-chip.cache ] && [[ "$model" == *face-tower* ]] && impostors=(--adapt-impostors build/bench/lfw-150-chip.cache)
# Photos of one man for guided enrolment: LFW's variety of poses and sharpness.
mkdir -p "$work/enrol"
for n in 1 2 3 5 6 8 10 12; do ln -s "$(realpath "$(photo Colin_Powell "$n")")" "$work/enrol/$n.jpg"; done
mkdir -p "$out"
XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" QT_QPA_PLATFORM=offscreen \
  "$bin/siamese-studio" --screenshots "$out" --gallery "$work/gallery.db" --model "$model" --live-source "$work/clip.avi" \
  --train-data "$work/att" --enrol-source "$work/enrol" "${impostors[@]}"
