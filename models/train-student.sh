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
# Writes build/student/ and the "student" section of BENCHMARKS.md;
# rerunning keeps the students and scores already made.
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

grep -q protocol "$WORK/student-lfw.txt" 2>/dev/null || "$SIAMESE" eval --cache "$LFW" --lfw-pairs "$DATA/lfw/pairs.txt" \
  --fold-models "$WORK/student-1-5.siamese:1-5,$WORK/student-6-10.siamese:6-10" > "$WORK/student-lfw.txt"
grep -q '^|' "$WORK/embedding.md" 2>/dev/null ||
  "$SIAMESE" bench embedding --model "$WORK/student-1-5.siamese" --model "$TOWER" --out "$WORK/embedding.md" > /dev/null

# The "distilled student" section of BENCHMARKS.md.
lfw=$(grep -oE 'people: [0-9.]+% \+- [0-9.]+%' "$WORK/student-lfw.txt" | grep -oE '[0-9.]+% \+- [0-9.]+%')
tar1=$(grep -oE 'TAR [0-9.]+% at FAR <= 1%' "$WORK/student-lfw.txt" | sed -E 's/TAR ([0-9.]+)%.*/\1%/' | paste -sd/ - | sed 's|/| / |')
{
  echo "<!-- siamese student -->"
  echo "# Benchmarks: a student distilled from the face tower"
  echo
  echo "Written by \`models/train-student.sh\` ($(date -u +%Y-%m-%d), $(nproc) CPU cores): a 4-block convnet of ours (64 px colour, 32 filters, embedding 128) trained with \`--loss distil --teacher\` the face tower, $EPOCHS epochs × $STEPS steps of 16 × 4 photos, to reproduce the tower's unit embeddings; no labels used. Two students under LFW's fold-model protocol, each distilled only from the photos of people outside one half of pairs.txt's folds and scored on that half. Speed: \`siamese bench embedding\` on 150 px chips (conversion, network, mirror averaging)."
  echo
  echo "| | LFW 10-fold | TAR at FAR 1% (per fold model) |"
  echo "| --- | --- | --- |"
  echo "| the student | $lfw | $tar1 |"
  echo "| the tower, its teacher | 98.92% +- 0.45% | 99.10% (all 6,000 pairs) |"
  echo "| our network from scratch (\`models/train-lfw-folds.sh\`) | 85.10% +- 1.63% | |"
  echo
  grep '^|' "$WORK/embedding.md"
  echo
  echo "The goal, 97.5% at several times the tower's speed, is not reached. Distilling beats our own network trained from scratch on the same photos (88% against 85%), after seeing $((EPOCHS * STEPS * 64)) crops, but $EPOCHS short epochs on two CPU cores are far from enough, and this student is not fast: at batch 64 it is slower than the tower. Every call resizes its 150 px colour chips to 64 px (antialiased) and runs the crop and its mirror image through a network with two full-resolution convolutions per block; where that time goes is not measured yet. A student cut at its own crop size, with one convolution per block, trained for many more steps (a GPU), is the next step."
  echo "<!-- end of siamese student -->"
} > "$WORK/student.md"
scripts/write-benchmark-section.sh student "$WORK/student.md"
cat "$WORK/student.md"
