#!/usr/bin/env bash
# celeb13 through the gallery, as a user would do it: each person's first
# photo in which a face is found is enrolled with `siamese gallery add`, and
# every other photo is named with `siamese identify`. Prints rank-1 accuracy
# (the nearest enrolled person, whatever the distance) and the open-set
# result at the model's threshold. A probe without a detected face counts as
# a miss.
#
#   scripts/celeb13-identify.sh [model.siamese]
set -euo pipefail
cd "$(dirname "$0")/.."
data=${SIAMESE_DATA:-../shared/data}/celeb13
bin=build/release/bin/siamese
model=${1:+--model $1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gallery="--gallery $work/gallery.db"

declare -A reference
for dir in "$data"/*/; do
  person=$(basename "$dir")
  for photo in $(ls "$dir" | sort); do
    if "$bin" gallery $gallery $model add "$person" "$dir$photo" >/dev/null 2>&1; then
      reference[$person]=$photo
      break
    fi
  done
done
echo "${#reference[@]} people enrolled, one photo each"

probes=0 rank1=0 named=0 unknown=0 noface=0
for dir in "$data"/*/; do
  person=$(basename "$dir")
  for photo in $(ls "$dir" | sort); do
    [[ "$photo" == "${reference[$person]:-}" ]] && continue
    probes=$((probes + 1))
    if ! out=$("$bin" identify $gallery $model --top 1 "$dir$photo" 2>&1); then
      noface=$((noface + 1))
      continue
    fi
    face=$(grep -m1 "face at" <<<"$out")
    nearest=$(sed -E 's/.*\(([^ ]+) [0-9.]+\).*/\1/' <<<"$face")
    verdict=$(sed -E 's/.*w=[0-9]+: ([^ ]+) .*/\1/' <<<"$face")
    [[ "$nearest" == "$person" ]] && rank1=$((rank1 + 1))
    [[ "$verdict" == "$person" ]] && named=$((named + 1))
    [[ "$verdict" == "unknown" ]] && unknown=$((unknown + 1))
  done
done
awk -v p="$probes" -v r="$rank1" -v n="$named" -v u="$unknown" -v f="$noface" 'BEGIN {
  printf "%d probes: rank-1 %.1f%% (%d); named right at the threshold %.1f%% (%d), unknown %d, no face found %d\n",
         p, 100 * r / p, r, 100 * n / p, n, u, f }'
