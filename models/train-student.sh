#!/usr/bin/env bash
# A fast model of our own distilled from the face tower (teacher–student,
# no labels): a 4-block convnet on 64 px colour crops learns to reproduce
# the tower's unit embeddings of LFW's photos. Scored under LFW's
# fold-model protocol like models/compare-transfer.sh: two students, each
# distilled only from the photos of people outside one half of pairs.txt's
# folds, each scored on that half. Then the ms per face of the student
# beside the tower's (siamese bench embedding).
#
#   models/train-student.sh            # about 40 minutes on 2 CPU cores
#
# Writes build/student/; rerunning keeps the students already trained.
set -euo pipefail
umask 077  # the models list LFW's people
cd "$(dirname "$0")/.."

DATA=${SIAMESE_DATA:-../shared/data}
WORK=${WORK:-build/student}
SIAMESE=${SIAMESE:-build/release/bin/siamese}
TOWER=${TOWER:-build/release/models/face-tower.siamese}
EPOCHS=${EPOCHS:-8}
STEPS=${STEPS:-120}
LFW=${LFW_CACHE:-build/bench/lfw-150-chip.cache}
mkdir -p "$WORK"
[ -f "$LFW" ] || { LFW=$WORK/lfw-150-chip.cache; "$SIAMESE" prepare "$DATA/lfw/images" --out "$LFW" --crop 150 --align dlib-chip --padding 0.25; }

distil() {  # <folds held out>
  [ -f "$WORK/student-$1.siamese" ] && return 0
  "$SIAMESE" train "$LFW" --hold-out "$DATA/lfw/pairs.txt" --hold-out-folds "$1" --split 0.95,0.05,0 \
    --out "$WORK/student-$1.siamese" --loss distil --teacher "$TOWER" \
    --arch convnet --input-size 64 --channels 3 --blocks 4 --filters 32 --embedding 128 --dropout 0 \
    --people-per-batch 16 --photos-per-person 4 --epochs "$EPOCHS" --steps-per-epoch "$STEPS" --lr 0.001 \
    --schedule cosine --patience 0 --seed 7 --threads 1 \
    --name "student of the face tower, LFW folds $1 held out" > "$WORK/student-$1.log" 2>&1
}
# The two halves at once, one LibTorch thread each.
distil 1-5 & first=$!
distil 6-10 & second=$!
wait "$first" && wait "$second" || { echo "distillation failed: see $WORK/student-*.log" >&2; exit 1; }

"$SIAMESE" eval --cache "$LFW" --lfw-pairs "$DATA/lfw/pairs.txt" \
  --fold-models "$WORK/student-1-5.siamese:1-5,$WORK/student-6-10.siamese:6-10" | tee "$WORK/student-lfw.txt"
"$SIAMESE" bench embedding --model "$WORK/student-1-5.siamese" --model "$TOWER" --out "$WORK/embedding.md" | tee "$WORK/student-speed.txt"
