#!/usr/bin/env bash
# Reproduces Koch et al.'s Omniglot experiment at small scale: train on the
# two small background sets (their shared Greek and Latin alphabets counted
# once), then score the 20 standard 20-way one-shot runs, whose characters
# come from alphabets never trained on. About 15 minutes on 2 CPU cores.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${SIAMESE_DATA:-../shared/data}
WORK=${WORK:-build/omniglot}
SIAMESE=${SIAMESE:-build/release/bin/siamese}
mkdir -p "$WORK/background"

# small1 and small2 both hold Greek and Latin, file for file: link each alphabet once.
for alphabet in "$DATA"/omniglot/images_background_small1/* "$DATA"/omniglot/images_background_small2/*; do
  ln -sfn "$(realpath "$alphabet")" "$WORK/background/$(basename "$alphabet")"
done
"$SIAMESE" prepare "$WORK/background" --format omniglot --out "$WORK/omniglot.cache" --crop 56
"$SIAMESE" train "$WORK/omniglot.cache" --split 0.9,0.1,0 --out "$WORK/omniglot.siamese" \
  --input-size 56 --blocks 4 --filters 32 --embedding 128 --people-per-batch 32 --photos-per-person 4 \
  --no-flip --epochs 25 --patience 6 --seed 13 --name "Omniglot background (small1 + small2)" ${TRAIN_ARGS:-}
"$SIAMESE" eval --model "$WORK/omniglot.siamese" --omniglot-runs "$DATA/omniglot/one-shot-runs"
