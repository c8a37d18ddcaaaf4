#!/usr/bin/env bash
# Retrains the shipped default model (models/default.siamese) from scratch
# with the project's own CLI, then scores it on LFW View 1's test pairs,
# whose people it never saw. About an hour on a 2-core CPU; pass
# --device cuda through TRAIN_ARGS on a GPU machine.
#
#   models/train-default.sh            # then: git diff --stat models/
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=${SIAMESE_DATA:-../shared/data}
WORK=${WORK:-build/default-model}
SIAMESE=${SIAMESE:-build/release/bin/siamese}
mkdir -p "$WORK"

# 1. Every LFW photo, detected (dlib HOG) and aligned (68 landmarks) into
#    grey 112 px crops. Resumable: rerunning skips what is done.
"$SIAMESE" prepare "$DATA/lfw/images" --out "$WORK/lfw112.cache" --crop 112

# 2. Train on the LFW people with at least two photos, holding out every
#    person of View 1's test pairs; 10% of the remaining people validate.
"$SIAMESE" train "$WORK/lfw112.cache" \
  --hold-out "$DATA/lfw/pairsDevTest.txt" --split 0.9,0.1,0 \
  --out "$WORK/default.siamese" \
  --loss contrastive --margin 1.0 --sampling online --people-per-batch 32 --photos-per-person 4 \
  --arch convnet --input-size 64 --blocks 4 --filters 32 --convs-per-block 2 --embedding 128 --dropout 0.1 \
  --optimizer adam --lr 0.001 --schedule cosine --epochs 40 --patience 8 --seed 7 \
  --name "LFW default (View 1 test people held out)" ${TRAIN_ARGS:-}

# 3. The honest figure: View 1 test pairs (people never trained on).
"$SIAMESE" eval --model "$WORK/default.siamese" --cache "$WORK/lfw112.cache" \
  --lfw-pairs "$DATA/lfw/pairsDevTest.txt" --roc "$WORK/roc.png" --histogram "$WORK/histogram.png"
"$SIAMESE" plot "$WORK/default.siamese.history.csv" --out-dir "$WORK"

cp "$WORK/default.siamese" models/default.siamese
echo "models/default.siamese updated; refresh the figures in models/MODEL_CARD.md"
