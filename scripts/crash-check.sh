#!/usr/bin/env bash
# Crash safety: kills jobs with SIGKILL (kill -9) at random moments, then
# checks that what they had saved is whole, that running them again
# finishes the work, and that nothing is lost or duplicated.
#
#   scripts/crash-check.sh [trials per job (default 10)] [job...]
#
# Jobs: add-folder, reembed, prepare, train, export. Needs the release build
# (build/release/bin/siamese), the shipped default model and LFW in
# ../shared/data. Prints each failure and a count per job; exits 1 if any.
set -uo pipefail
cd "$(dirname "$0")/.."

trials=${1:-10}
[[ $trials =~ ^[1-9][0-9]*$ ]] || { echo "usage: scripts/crash-check.sh [trials per job] [job...]"; exit 2; }
shift || true
jobs=("$@")
[ ${#jobs[@]} -gt 0 ] || jobs=(add-folder reembed prepare train export)

cli="$PWD/build/release/bin/siamese"
model="$PWD/models/default.siamese"
tower="$PWD/build/release/models/face-tower.siamese"
lfw="$PWD/../shared/data/lfw/images"
for needed in "$cli" "$model" "$lfw"; do
  [ -e "$needed" ] || { echo "crash-check: $needed is missing (build first: cmake --build --preset release)"; exit 2; }
done
[ -e "$tower" ] || tower="$model"  # reembed then re-embeds for the same model after a forced change

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

fail() {
  echo "  FAIL ($job, trial $trial): $*"
  failed=1
}

# Twelve LFW people with four photos each, as a folder-per-person tree of
# links (the photos are read in place).
people="$work/people"
for person in Colin_Powell George_W_Bush Tony_Blair Donald_Rumsfeld Gerhard_Schroeder Ariel_Sharon Hugo_Chavez \
  Junichiro_Koizumi Jean_Chretien John_Ashcroft Jacques_Chirac Serena_Williams; do
  mkdir -p "$people/$person"
  for n in 1 2 3 4; do ln -s "$lfw/$person/${person}_000$n.jpg" "$people/$person/"; done
done

# Kills `command…` with SIGKILL after a random moment in [0, $1 s).
run_and_kill() {
  local within=$1
  shift
  "$@" > "$work/killed.log" 2>&1 &
  local pid=$!
  sleep "$(awk -v max="$within" -v seed="$RANDOM" 'BEGIN { srand(seed); printf "%.2f", rand() * max }')"
  kill -9 "$pid" 2> /dev/null
  wait "$pid" 2> /dev/null
}

seconds_of() {  # seconds_of <command…>: how long a full run takes (rounded up); a failed one ends the check
  local start end
  start=$(date +%s.%N)
  "$@" > "$work/reference.log" 2>&1 || { echo "crash-check: the reference run failed: $*" >&2; tail -3 "$work/reference.log" >&2; exit 2; }
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", (b - a) + 0.5 }'
}

gallery_state() {  # people and photo counts, then photos still to embed for the model (must be 0)
  "$cli" gallery --gallery "$1" list 2>&1 || return 1
  "$cli" gallery --gallery "$1" -m "$model" reembed 2>&1 | grep -o '^[0-9]* photos embedded' || return 1
}

# --- references: each job run once to the end ---------------------------------
ref="$work/ref"
mkdir -p "$ref"
add_time=$(seconds_of "$cli" gallery --gallery "$ref/g.db" -m "$model" add-folder "$people")
gallery_state "$ref/g.db" > "$ref/state.txt" || { echo "crash-check: the reference enrolment failed"; exit 2; }
prepare_time=$(seconds_of "$cli" prepare "$people" --out "$ref/faces.cache" --crop 64)
"$cli" cache-info "$ref/faces.cache" | grep -E "faces:|failures:" > "$ref/cache.txt"
train=(train "$ref/faces.cache" --split 0.6,0.2,0.2 --epochs 4 --steps-per-epoch 15 --input-size 32 --blocks 2 --filters 8
  --people-per-batch 6 --photos-per-person 2 --patience 0 --threads 1)
train_time=$(seconds_of "$cli" "${train[@]}" -o "$ref/m.siamese")
export_time=$(seconds_of "$cli" gallery --gallery "$ref/g.db" export "$ref/g.archive")
for figure in "$add_time" "$prepare_time" "$train_time" "$export_time"; do
  [ -n "$figure" ] || { echo "crash-check: a reference run failed"; exit 2; }
done
echo "crash-check: full runs take add-folder ${add_time} s, prepare ${prepare_time} s, train ${train_time} s," \
  "export ${export_time} s; $trials trials per job"

for job in "${jobs[@]}"; do
  job_failures=0
  for trial in $(seq 1 "$trials"); do
    failed=0
    t="$work/trial"
    rm -rf "$t"
    mkdir -p "$t"
    case "$job" in
      add-folder)
        run_and_kill "$add_time" "$cli" gallery --gallery "$t/g.db" -m "$model" add-folder "$people"
        if [ -e "$t/g.db" ]; then "$cli" gallery --gallery "$t/g.db" list > /dev/null 2>&1 || fail "the gallery does not open: $("$cli" gallery --gallery "$t/g.db" list 2>&1 | tail -1)"; fi
        "$cli" gallery --gallery "$t/g.db" -m "$model" add-folder "$people" > /dev/null 2>&1 || fail "the second run failed"
        gallery_state "$t/g.db" > "$t/state.txt" || fail "the gallery cannot be read after the second run"
        diff -q "$ref/state.txt" "$t/state.txt" > /dev/null || fail "people, photos or embeddings differ: $(diff "$ref/state.txt" "$t/state.txt" | head -4 | tr '\n' ' ')"
        ;;
      reembed)
        cp "$ref/g.db" "$t/g.db"
        run_and_kill "$add_time" "$cli" gallery --gallery "$t/g.db" -m "$tower" reembed
        "$cli" gallery --gallery "$t/g.db" list > /dev/null 2>&1 || fail "the gallery does not open after the kill"
        "$cli" gallery --gallery "$t/g.db" -m "$tower" reembed > /dev/null 2>&1 || fail "the second run failed"
        left=$("$cli" gallery --gallery "$t/g.db" -m "$tower" reembed 2>&1 | grep -o '^[0-9]* photos embedded')
        [ "$left" = "0 photos embedded" ] || fail "photos still without an embedding: $left"
        gallery_state "$t/g.db" > "$t/state.txt" || fail "the gallery cannot be read"
        diff -q "$ref/state.txt" "$t/state.txt" > /dev/null || fail "people or photos differ"
        ;;
      prepare)
        run_and_kill "$prepare_time" "$cli" prepare "$people" --out "$t/faces.cache" --crop 64
        if [ -e "$t/faces.cache" ]; then "$cli" cache-info "$t/faces.cache" > /dev/null 2>&1 || fail "the cache does not read: $("$cli" cache-info "$t/faces.cache" 2>&1 | tail -1)"; fi
        "$cli" prepare "$people" --out "$t/faces.cache" --crop 64 > /dev/null 2>&1 || fail "the resumed run failed"
        "$cli" cache-info "$t/faces.cache" 2> /dev/null | grep -E "faces:|failures:" > "$t/cache.txt"
        diff -q "$ref/cache.txt" "$t/cache.txt" > /dev/null || fail "the cache differs: $(cat "$t/cache.txt" | tr '\n' ' ')"
        ;;
      train)
        run_and_kill "$train_time" "$cli" "${train[@]}" -o "$t/m.siamese"
        if [ -e "$t/m.siamese" ]; then "$cli" model "$t/m.siamese" > /dev/null 2>&1 || fail "a half-written bundle: $("$cli" model "$t/m.siamese" 2>&1 | tail -1)"; fi
        resume=(); [ -e "$t/m.siamese.ckpt" ] && resume=(--resume)
        "$cli" "${train[@]}" -o "$t/m.siamese" "${resume[@]}" > "$t/train.log" 2>&1 || fail "the second run failed: $(tail -1 "$t/train.log")"
        "$cli" model "$t/m.siamese" > /dev/null 2>&1 || fail "the finished bundle does not read"
        ;;
      export)
        run_and_kill "$export_time" "$cli" gallery --gallery "$ref/g.db" export "$t/g.archive"
        if [ -e "$t/g.archive" ]; then
          "$cli" gallery --gallery "$t/imported.db" import "$t/g.archive" > /dev/null 2>&1 || fail "a half-written archive"
        fi
        "$cli" gallery --gallery "$ref/g.db" export "$t/g.archive" > /dev/null 2>&1 || fail "the second export failed"
        rm -f "$t/imported.db"*
        "$cli" gallery --gallery "$t/imported.db" import "$t/g.archive" > /dev/null 2>&1 || fail "the archive does not import"
        [ "$("$cli" gallery --gallery "$t/imported.db" list)" = "$(head -n -1 "$ref/state.txt")" ] || fail "the archive's people differ"
        leftovers=$(ls "$t" | grep -c -E '\.tmp-|-journal$|-wal$' || true)
        [ "$leftovers" -eq 0 ] || fail "temporary files left: $(ls "$t" | tr '\n' ' ')"
        ;;
      *) echo "crash-check: unknown job $job"; exit 2 ;;
    esac
    job_failures=$((job_failures + failed))
  done
  echo "$job: $trials kill -9 trials, $job_failures failed"
  failures=$((failures + job_failures))
done
[ "$failures" -eq 0 ]
