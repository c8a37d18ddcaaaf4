#!/usr/bin/env bash
# Reproduces the MNIST seed project with this engine: pairs from the 10,000
# MNIST test digits, split by image (half to train, a tenth to validate, the
# rest to test), a small CNN, contrastive loss. Prints the test-pair accuracy.
# About 3 minutes on 2 CPU cores.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${SIAMESE_DATA:-../shared/data}
WORK=${WORK:-build/mnist}
SIAMESE=${SIAMESE:-build/release/bin/siamese}
mkdir -p "$WORK"

"$SIAMESE" prepare "$DATA/mnist" --out "$WORK/mnist.cache" --crop 28
"$SIAMESE" train "$WORK/mnist.cache" --split-by-photo --split 0.5,0.1,0.4 --out "$WORK/mnist.siamese" \
  --input-size 28 --blocks 2 --filters 32 --embedding 64 --people-per-batch 10 --photos-per-person 12 \
  --no-flip --epochs 30 --patience 0 --seed 11 --name "MNIST pairs (split by image)" ${TRAIN_ARGS:-}
# Every digit is in every split by design (split by image), so the identity
# check is waived; no test image was seen in training.
"$SIAMESE" eval --model "$WORK/mnist.siamese" --cache "$WORK/mnist.cache" \
  --pairs "$WORK/mnist-pairs/test.csv" --allow-seen --roc "$WORK/roc.png" --histogram "$WORK/histogram.png"
