#!/usr/bin/env bash
# The honest LFW 10-fold figure (View 2, pairs.txt): LFW's folds share no
# people, so two models are trained, each on the people of five folds plus
# every LFW person outside pairs.txt, and each is scored only on the other
# five folds, whose people it never saw. The threshold of each fold is
# chosen on the other folds scored by the same model.
#
#   models/train-lfw-folds.sh          # EPOCHS=18 for the quick first run
#
# The two halves train at once, one LibTorch thread each (a 2-core machine
# is used better that way than by two threads per run). About an hour on
# 2 CPU cores; TRAIN_ARGS="--device cuda" on a GPU. Figures: models/MODEL_CARD.md.
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=${SIAMESE_DATA:-../shared/data}
WORK=${WORK:-build/lfw-folds}
SIAMESE=${SIAMESE:-build/release/bin/siamese}
EPOCHS=${EPOCHS:-40}
THREADS=${THREADS:-1}
mkdir -p "$WORK"

# Every LFW photo, detected and aligned once (resumable), as for the default model.
"$SIAMESE" prepare "$DATA/lfw/images" --out "$WORK/lfw112.cache" --crop 112

# The default model's recipe, with one half of pairs.txt's people held out:
# heldout-1-5 never sees the people of folds 1-5 and is scored on them.
# 95% of the remaining people train and 5% validate, since every training
# identity counts when half of LFW's people are held out. So few validation
# people make the validation loss noisy, so there is no early stopping
# (--patience 0): the cosine schedule runs to its end, and the epoch with the
# lowest validation loss is kept. Each fold's threshold comes from the same
# model's other folds, not from validation.
train() {  # <folds held out>
  "$SIAMESE" train "$WORK/lfw112.cache" \
    --hold-out "$DATA/lfw/pairs.txt" --hold-out-folds "$1" --split 0.95,0.05,0 \
    --out "$WORK/heldout-$1.siamese" \
    --loss contrastive --margin 1.0 --sampling online --people-per-batch 32 --photos-per-person 4 \
    --arch convnet --input-size 64 --blocks 4 --filters 32 --convs-per-block 2 --embedding 128 --dropout 0.1 \
    --optimizer adam --lr 0.001 --schedule cosine --epochs "$EPOCHS" --patience 0 --seed 7 --threads "$THREADS" \
    --name "LFW, folds $1 of pairs.txt held out" ${TRAIN_ARGS:-} > "$WORK/heldout-$1.log" 2>&1
}
train 1-5 & first=$!
train 6-10 & second=$!
wait "$first" && wait "$second" || { echo "training failed: see $WORK/heldout-*.log" >&2; exit 1; }

# Each model on the folds it never saw.
"$SIAMESE" eval --cache "$WORK/lfw112.cache" --lfw-pairs "$DATA/lfw/pairs.txt" \
  --fold-models "$WORK/heldout-1-5.siamese:1-5,$WORK/heldout-6-10.siamese:6-10"
