#!/usr/bin/env bash
# Transfer learning on the face tower, compared as the VGG-19 seed project
# compared its siamese network with and without fine-tuning: LFW's 10-fold
# figure under the fold-model protocol (each model trained on LFW people
# outside half of pairs.txt's folds, plus everyone outside pairs.txt, and
# scored only on that half; a fold's threshold comes from the same model's
# other folds), the TAR at FAR 0.1%, and rank-1 identification on AT&T
# and celeb13 with one reference photo per person, for
#   (a) the tower as it is             (b) a head on the frozen tower
#   (c) its last blocks fine-tuned     (d) all of it fine-tuned
# (e), our own network from scratch, is models/train-lfw-folds.sh (an hour).
# Nothing is tuned on the scored folds: every setting below was fixed
# before the first scored run, and each model's own validation people (5%
# of its training people) choose its epoch and threshold.
#
#   models/compare-transfer.sh            # about 40 minutes on 2 CPU cores
#
# Rerunning it keeps the models and scores already made in $WORK (delete
# them to start over).
# Writes the "transfer learning" section of BENCHMARKS.md.
set -euo pipefail
umask 077  # the models list LFW's people
cd "$(dirname "$0")/.."

DATA=${SIAMESE_DATA:-../shared/data}
WORK=${WORK:-build/transfer}
SIAMESE=${SIAMESE:-build/release/bin/siamese}
TOWER=${TOWER:-${XDG_DATA_HOME:-$HOME/.local/share}/siamese-studio/models/face-tower.siamese}  # where scripts/setup.sh puts it
THREADS=${THREADS:-2}
# LFW in the tower's crops. `siamese bench accuracy` prepares it with dlib's
# CNN detector as a second chance where HOG finds no face, so that every
# pair is scored; without that cache, HOG alone (a few pairs skipped).
LFW=${LFW_CACHE:-build/bench/lfw-150-chip.cache}
ATT=${ATT_CACHE:-build/bench/att_faces-150-chip.cache}
# celeb13's photos are ready-made face crops: `siamese bench accuracy` cuts them for the tower.
CELEB=${CELEB_CACHE:-build/bench/celeb13-150-chip.cache}
mkdir -p "$WORK"
[ -f "$LFW" ] || { LFW=$WORK/lfw-150-chip.cache; "$SIAMESE" prepare "$DATA/lfw/images" --out "$LFW" --crop 150 --colour --align dlib-chip --padding 0.25; }
[ -f "$ATT" ] || { ATT=$WORK/att-150-chip.cache; "$SIAMESE" prepare "$DATA/att_faces" --out "$ATT" --crop 150 --colour --align dlib-chip --padding 0.25; }

# variant NAME TRAIN-OPTIONS...: two fold models, then their scores.
variant() {
  local name=$1; shift
  for folds in 1-5 6-10; do
    [ -f "$WORK/$name-$folds.siamese" ] && continue
    "$SIAMESE" train "$LFW" --init "$TOWER" --hold-out "$DATA/lfw/pairs.txt" --hold-out-folds "$folds" \
      --split 0.95,0.05,0 --out "$WORK/$name-$folds.siamese" --loss contrastive --margin 1.0 \
      --people-per-batch 16 --photos-per-person 4 --patience 0 --seed 7 --threads "$THREADS" \
      --name "face tower, $name, LFW folds $folds held out" "$@" > "$WORK/$name-$folds.log" 2>&1 ||
      { echo "training $name-$folds failed: see $WORK/$name-$folds.log" >&2; exit 1; }
  done
  scored "$name-lfw.txt" || "$SIAMESE" eval --cache "$LFW" --lfw-pairs "$DATA/lfw/pairs.txt" \
    --fold-models "$WORK/$name-1-5.siamese:1-5,$WORK/$name-6-10.siamese:6-10" > "$WORK/$name-lfw.txt" 2>&1
  scored "$name-att.txt" || "$SIAMESE" eval --model "$WORK/$name-1-5.siamese" --cache "$ATT" --identify 1 > "$WORK/$name-att.txt" 2>&1
  [ ! -f "$CELEB" ] || scored "$name-celeb13.txt" ||
    "$SIAMESE" eval --model "$WORK/$name-1-5.siamese" --cache "$CELEB" --identify 1 > "$WORK/$name-celeb13.txt" 2>&1
}

# True when an earlier run left this score complete.
scored() { grep -qE 'protocol.*%|rank-1' "$WORK/$1" 2>/dev/null; }

# (a) The tower as it is: every fold at a threshold chosen on the other nine.
scored tower-lfw.txt || "$SIAMESE" eval --model "$TOWER" --cache "$LFW" --lfw-pairs "$DATA/lfw/pairs.txt" > "$WORK/tower-lfw.txt" 2>&1
scored tower-att.txt || "$SIAMESE" eval --model "$TOWER" --cache "$ATT" --identify 1 > "$WORK/tower-att.txt" 2>&1
[ ! -f "$CELEB" ] || scored tower-celeb13.txt ||
  "$SIAMESE" eval --model "$TOWER" --cache "$CELEB" --identify 1 > "$WORK/tower-celeb13.txt" 2>&1
# (b) A linear projection (starting as the identity) on the frozen tower.
variant head --trainable head --projection linear --epochs 10 --lr 0.001
# (c) The last two residual blocks and the final layer, at a tenth of the head's rate.
variant last-blocks --trainable last-blocks --last-blocks 2 --projection linear --epochs 6 --lr 0.001 --base-lr-scale 0.1
# (d) Everything, at 1e-4.
variant all --trainable all --epochs 2 --lr 0.001 --base-lr-scale 0.1

tar_at() { grep -o 'TAR [0-9.]*% at FAR <= 0.1%' "$WORK/$1" | sed -E 's/TAR ([0-9.]+)%.*/\1%/' | head -"${2:-1}" | paste -sd/ - | sed 's|/| / |'; }
row() {  # label files-prefix how
  local lfw att
  lfw=$(grep -oE '(protocol|people)[^:]*: [0-9.]+% \+- [0-9.]+%' "$WORK/$2-lfw.txt" | grep -oE '[0-9.]+% \+- [0-9.]+%')
  att=$(grep -oE 'rank-1 [0-9.]+%' "$WORK/$2-att.txt" | grep -oE '[0-9.]+%')
  celeb=$(grep -oE 'rank-1 [0-9.]+%' "$WORK/$2-celeb13.txt" 2>/dev/null | grep -oE '[0-9.]+%' || echo "not prepared")
  echo "| $1 | $lfw | $(tar_at "$2-lfw.txt" 2) | $att | $celeb | $3 |"
}
{
  echo "<!-- siamese transfer -->"
  echo "# Benchmarks: transfer learning on the face tower"
  echo
  echo "Written by \`models/compare-transfer.sh\` ($(date -u +%Y-%m-%d), $(nproc) CPU cores). LFW View 2 (pairs.txt, 6,000 pairs) under the fold-model protocol: each trained model learned from the LFW people outside one half of the folds (plus everyone outside pairs.txt; 5% of them validate) and is scored only on that half, each fold at a threshold chosen on the same model's other folds. TAR at FAR 0.1% is per model over its 3,000 pairs (two figures: folds 1-5, 6-10; the tower's is over all 6,000). AT&T and celeb13: rank-1 with one reference photo per person (seed 1), by the folds-1-5 model (whose training people include none of them). Settings were fixed before any scored run; nothing was tuned on the scored folds."
  echo
  echo "| model | LFW 10-fold | TAR at FAR 0.1% | AT&T rank-1 | celeb13 rank-1 | what trains |"
  echo "| --- | --- | --- | --- | --- | --- |"
  row "(a) the face tower as it is" tower "nothing (dlib's published figure for its float weights: 99.38%)"
  row "(b) head on the frozen tower" head "a linear projection 128→128 (from the identity), 10 epochs, lr 1e-3"
  row "(c) last blocks fine-tuned" last-blocks "blocks 13-14, the final layer (lr 1e-4) and the projection (1e-3), 6 epochs"
  row "(d) everything fine-tuned" all "every layer, lr 1e-4, 2 epochs"
  echo "| (e) our network from scratch | 85.10% +- 1.63% (\`models/train-lfw-folds.sh\`, \`models/MODEL_CARD.md\`) | | | | a 4-block convnet on 64 px grey crops, 40 epochs |"
  echo
  echo "**Fine-tuning the tower on LFW-sized data does not help; it hurts: 97.58% with a head, about 95.9% when its blocks train.** The tower learned from about 3 million photos of 7,485 people. What LFW leaves to train on under this protocol is about 860 people and 4,900 photos per model, most people with one or two photos and a few with hundreds, so a batch of 16 people × 4 photos sees few identities, many of them repeated. Our contrastive loss (margin 1 on unit-length embeddings) also asks for another geometry than dlib's metric loss gave the tower (different people 0.83 apart on average, threshold 0.6). The models' own validation pairs show it before any scored fold: on the 3,374 validation pairs of the folds-1-5 head run, the tower as it is scores 98.13% (AUC 0.9980; \`siamese eval --pairs build/transfer/head-1-5-pairs/validation.csv\`), the head after its first epoch 97.39% (AUC 0.9954), falling to 96.77% by the sixth; the last-blocks run falls from 95.58% to 93.98%, the whole tower sits at 93.0%. These settings were fixed before the scored runs and are reported as they came: choosing others by their LFW figure would be tuning on the test. The tower as it is stays the default model; fine-tuning is for data sets unlike the tower's (other cameras, ages, populations), where the validation split, not LFW, decides."
  echo "<!-- end of siamese transfer -->"
} > "$WORK/transfer.md"
scripts/write-benchmark-section.sh transfer "$WORK/transfer.md"
cat "$WORK/transfer.md"
