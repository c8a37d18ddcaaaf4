#!/usr/bin/env bash
# A fast model of our own distilled from the face tower (teacher–student,
# no labels): a small residual net on 80 px colour crops learns to
# reproduce the tower's unit embeddings of LFW's photos, every photo of the
# people it may see (those with a single photo too), each augmented crop
# taught the tower's embedding of that very crop (--teach-augmented). Scored under LFW's
# fold-model protocol like models/compare-transfer.sh: two students, each
# distilled only from the photos of people outside one half of pairs.txt's
# folds, each scored on that half. Then the ms per face of the student
# beside the tower's (siamese bench embedding).
#
#   models/train-student.sh            # about 80 minutes on 2 CPU cores
#
# Writes build/student/ and the "student" section of BENCHMARKS.md;
# rerunning keeps the students and scores already made.
set -euo pipefail
umask 077  # the models list LFW's people
cd "$(dirname "$0")/.."

DATA=${SIAMESE_DATA:-../shared/data}
WORK=${WORK:-build/student}
SIAMESE=${SIAMESE:-build/release/bin/siamese}
TOWER=${TOWER:-${XDG_DATA_HOME:-$HOME/.local/share}/siamese-studio/models/face-tower.siamese}  # where scripts/setup.sh puts it
EPOCHS=${EPOCHS:-26}
STEPS=${STEPS:-120}
SIZE=${SIZE:-80}  # the student's input, px: 80 scored a point above 64 on folds 1-5
MIX=${MIX:-0}     # the share of crops blended with another (--mix-faces)
LFW=${LFW_CACHE:-build/bench/lfw-150-chip.cache}
mkdir -p "$WORK"
[ -f "$LFW" ] || { LFW=$WORK/lfw-150-chip.cache; "$SIAMESE" prepare "$DATA/lfw/images" --out "$LFW" --crop 150 --align dlib-chip --padding 0.25; }

distil() {  # <folds held out>
  [ -f "$WORK/student-$1.siamese" ] && return 0
  "$SIAMESE" train "$LFW" --hold-out "$DATA/lfw/pairs.txt" --hold-out-folds "$1" --min-photos 1 --split 0.95,0.05,0 \
    --out "$WORK/student-$1.siamese" --loss distil --teacher "$TOWER" --teach-augmented --mix-faces "$MIX" \
    --arch resnet --input-size "$SIZE" --channels 3 --blocks 4 --filters 32 --embedding 128 --dropout 0 \
    --people-per-batch 16 --photos-per-person 4 --epochs "$EPOCHS" --steps-per-epoch "$STEPS" --lr 0.001 \
    --schedule cosine --patience 0 --seed 7 --threads 1 \
    --name "student of the face tower, LFW folds $1 held out" > "$WORK/student-$1.log" 2>&1
}
# The two halves at once, one LibTorch thread each.
distil 1-5 & first=$!
distil 6-10 & second=$!
wait "$first" && wait "$second" || { echo "distillation failed: see $WORK/student-*.log" >&2; exit 1; }

# The same students embedding each crop once, without its mirror image (the
# tower embeds that way): what the second pass buys, and what it costs.
for half in 1-5 6-10; do
  [ -f "$WORK/student-$half-single.siamese" ] || "$SIAMESE" model "$WORK/student-$half.siamese" --mirror-average off \
    --name "student of the face tower, LFW folds $half held out, no mirror averaging" \
    --out "$WORK/student-$half-single.siamese" > /dev/null
done
for kind in "" -single; do
  grep -q protocol "$WORK/student$kind-lfw.txt" 2>/dev/null || "$SIAMESE" eval --cache "$LFW" --lfw-pairs "$DATA/lfw/pairs.txt" \
    --fold-models "$WORK/student-1-5$kind.siamese:1-5,$WORK/student-6-10$kind.siamese:6-10" > "$WORK/student$kind-lfw.txt"
done
grep -q 'no mirror' "$WORK/embedding.md" 2>/dev/null ||
  "$SIAMESE" bench embedding --model "$WORK/student-1-5.siamese" --model "$WORK/student-1-5-single.siamese" --model "$TOWER" \
    --out "$WORK/embedding.md" > /dev/null

# The "distilled student" section of BENCHMARKS.md.
lfwOf() { grep -oE 'people: [0-9.]+% \+- [0-9.]+%' "$1" | grep -oE '[0-9.]+% \+- [0-9.]+%'; }
tarOf() { grep -oE 'TAR [0-9.]+% at FAR <= 1%' "$1" | sed -E 's/TAR ([0-9.]+)%.*/\1%/' | paste -sd/ - | sed 's|/| / |'; }
lfw=$(lfwOf "$WORK/student-lfw.txt")
tar1=$(tarOf "$WORK/student-lfw.txt")
{
  echo "<!-- siamese student -->"
  echo "# Benchmarks: a student distilled from the face tower"
  echo
  echo "Written by \`models/train-student.sh\` ($(date -u +%Y-%m-%d), $(nproc) CPU cores): a residual net of ours ($SIZE px colour, a 3×3 stem and 4 residual blocks of 32 to 256 filters, embedding 128) trained with \`--loss distil --teacher\` the face tower, $EPOCHS epochs × $STEPS steps of 64 photos drawn from every photo of the people it may see (\`--min-photos 1\`), augmented, to reproduce the tower's unit embedding of each augmented crop (\`--teach-augmented\`: the tower embeds every step's crops); no labels used. Two students under LFW's fold-model protocol, each distilled only from the photos of people outside one half of pairs.txt's folds and scored on that half, one LibTorch thread each, side by side. Speed: \`siamese bench embedding\` on 150 px chips (conversion, network, and for the student mirror averaging)."
  echo
  echo "| | LFW 10-fold | TAR at FAR 1% (per fold model) |"
  echo "| --- | --- | --- |"
  echo "| the student | $lfw | $tar1 |"
  echo "| the student, each crop once (no mirror averaging) | $(lfwOf "$WORK/student-single-lfw.txt") | $(tarOf "$WORK/student-single-lfw.txt") |"
  echo "| the third student (2026-12-02, the same recipe at 64 px) | 95.58% +- 1.04% | 81.60% / 88.53% |"
  echo "| the second student (2026-12-02, the same net and steps, each crop taught the tower's embedding of its unaugmented photo) | 94.50% +- 0.96% | 82.53% / 82.20% |"
  echo "| the first student (2026-12-01: a 4-block convnet, 8 epochs of photos of people with two or more) | 88.25% +- 1.66% | 54.47% / 51.80% |"
  echo "| the tower, its teacher | 98.92% +- 0.45% | 99.10% (all 6,000 pairs) |"
  echo "| our network from scratch (\`models/train-lfw-folds.sh\`) | 85.10% +- 1.63% | |"
  echo
  grep '^|' "$WORK/embedding.md"
  echo
  echo "The goal, 97.5% at several times the tower's speed, is not reached: the student scores $lfw on LFW, against the tower's 98.92%. Crops of 80 px instead of 64 gained about a point (the 64 px student of the same recipe, next row, 95.58%); consistent teaching (each augmented crop taught the tower's embedding of that very crop) had gained about a point before that. At batch 1 (the live case) the student is about 1.7 to 2.7 times as fast as the tower; embedding each crop once (no mirror averaging, as the tower does) costs about 0.7 point of LFW. The speed figures above were taken while other work shared the two cores and move by far more than the usual 10-20% (batch 64 on one thread reads slower than batch 1): they are not a measurement to quote. The distillation loss was still falling when the schedule ended: more steps and a wider net are the levers left, each paid in CPU time (this run: about 80 minutes for both halves side by side)."
  echo "<!-- end of siamese student -->"
} > "$WORK/student.md"
scripts/write-benchmark-section.sh student "$WORK/student.md"
cat "$WORK/student.md"
