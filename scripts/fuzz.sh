#!/usr/bin/env bash
# Fuzzes the readers of untrusted files with libFuzzer (clang, ASan, UBSan):
# the image reader, the face-cache reader, the model-bundle reader and the
# gallery-archive importer, each for a fixed time, two at a time.
#
#   scripts/fuzz.sh [seconds per target (default 600)] [target...]
#
# Seeds come from real files: photos of ../shared/data, the shipped model,
# and a face cache and an archive made with the release build's CLI when
# there is one. Inputs that crash, leak, hang or run out of memory land in
# build/fuzz/findings/ (the script exits 1 if there is any); what the
# fuzzers learned stays in build/fuzz/corpus/ for the next run.
set -euo pipefail
cd "$(dirname "$0")/.."

all=(fuzz_image_reader fuzz_face_cache fuzz_model_bundle fuzz_archive_import)
seconds=${1:-600}
[[ $seconds =~ ^[1-9][0-9]*$ ]] || { echo "usage: scripts/fuzz.sh [seconds per target] [${all[*]}]"; exit 2; }
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
for target in "${targets[@]}"; do
  [[ " ${all[*]} " == *" $target "* ]] || { echo "fuzz: no target $target (targets: ${all[*]})"; exit 2; }
done

# clang 14 and its libFuzzer (Debian 12's clang is 14; the preset uses clang++).
for package in clang libfuzzer-14-dev; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    echo "fuzz: installing $package"
    sudo=(); [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$package"
  fi
done

cmake --preset fuzz > /dev/null
cmake --build --preset fuzz --parallel "$(nproc)"

build=build/fuzz
data=../shared/data
rm -rf "$build/findings"  # this run's findings only; the corpus is kept
mkdir -p "$build/findings"
seed() {  # seed <target> <files...>: copies what exists into the target's corpus
  local corpus="$build/corpus/$1"
  shift
  mkdir -p "$corpus"
  for file in "$@"; do [ -f "$file" ] && cp -n "$file" "$corpus/" || true; done
}
seed fuzz_image_reader "$data"/lfw/images/Colin_Powell/Colin_Powell_000{1,2}.jpg \
  "$(find "$data" -name '*.gif' -print -quit 2>/dev/null)" "$(find "$data" -name '*.pgm' -print -quit 2>/dev/null)" \
  "$(find "$data" -name '*.png' -print -quit 2>/dev/null)" resources/icons/*.png
seed fuzz_model_bundle models/default.siamese
cli=build/release/bin/siamese
if [ -x "$cli" ] && [ -d "$data/johns" ]; then
  scratch=$(mktemp -d)
  "$cli" prepare "$data/johns" --out "$scratch/johns.cache" --crop 32 > /dev/null 2>&1 || true
  "$cli" gallery --gallery "$scratch/g.db" -m models/default.siamese add "Colin Powell" \
    "$data/lfw/images/Colin_Powell/Colin_Powell_0001.jpg" > /dev/null 2>&1 || true
  "$cli" gallery --gallery "$scratch/g.db" -m models/default.siamese export "$scratch/g.archive" > /dev/null 2>&1 || true
  seed fuzz_face_cache "$scratch/johns.cache"
  seed fuzz_archive_import "$scratch/g.archive"
  rm -rf "$scratch"
fi

run() {  # run <target>: one fuzzer for $seconds; its output goes to findings/<target>.log
  local target=$1 status=0
  mkdir -p "$build/corpus/$target"
  OPENCV_LOG_LEVEL=SILENT "$build/bin/$target" "$build/corpus/$target" -max_total_time="$seconds" -rss_limit_mb=2048 \
    -timeout=25 -max_len=262144 -print_final_stats=1 -artifact_prefix="$build/findings/$target-" \
    > "$build/findings/$target.log" 2>&1 || status=$?
  local runs
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$build/findings/$target.log" | grep -o '[0-9]*$' || echo "?")
  echo "$target: $runs inputs in ${seconds} s, corpus $(ls "$build/corpus/$target" | wc -l) files," \
    "findings $(ls "$build/findings" | grep -c "^$target-" || true), exit $status"
  # libFuzzer ends 0 only when it ran its time without a finding.
  [ "$status" -eq 0 ] || touch "$build/findings/$target.failed"
}

pids=()
for target in "${targets[@]}"; do
  run "$target" &
  pids+=($!)
  if [ ${#pids[@]} -ge 2 ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
done
wait

if ls "$build/findings" | grep -qv '\.log$'; then
  echo "fuzz: findings in $build/findings (reproduce one: $build/bin/<target> <file>)"
  exit 1
fi
echo "fuzz: no findings"
