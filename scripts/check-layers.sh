#!/usr/bin/env bash
# Checks that every #include in core/, ui/ and app/ follows the layers:
# a core folder uses only the folders its library links (the table in
# core/CMakeLists.txt), a detail/ header is used only inside its own folder
# (and by tests), the front ends (ui/, app/) never include detail/ headers
# or LibTorch, and core never includes ui/ or app/. Prints every violation;
# exit 1 when there is one.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A allowed=(
  [common]=""
  [data]="common"
  [nn]="common"
  [eval]="common data nn"
  [train]="common data nn eval"
  [vision]="common"
  [prep]="common data vision"
  [render]="common vision"
  [gallery]="common nn vision prep"
  [live]="common data nn vision prep gallery"
  [session]="common data nn eval train vision prep render gallery live"
  [serve]="common vision gallery session"
)

# The one exception: the trainer builds on nn's LibTorch-level pieces (the
# modules, losses and weight I/O in nn/detail/), which no one else sees.
declare -A detailAllowed=([train]="nn")

violations=0
report() {
  echo "$1"
  violations=$((violations + 1))
}

# Core: folder to folder, and detail/ across folders.
for folder in "${!allowed[@]}"; do
  [ -d "core/$folder" ] || { report "core/$folder: listed in the layer table but missing"; continue; }
  while IFS= read -r line; do
    file=${line%%:*}
    target=$(sed -E 's/.*#include "([^"]+)".*/\1/' <<<"${line#*:}")
    used=${target%%/*}
    [ "$used" = "$folder" ] && continue
    [ -n "${allowed[$used]+x}" ] || continue  # not a core folder (a generated header, a system one)
    if [[ " ${allowed[$folder]} " != *" $used "* ]]; then
      report "$file: includes $target, but $folder may use only: ${allowed[$folder]:-nothing}"
    elif [[ "$target" == */detail/* && " ${detailAllowed[$folder]:-} " != *" $used "* ]]; then
      report "$file: includes $target, private to $used"
    fi
  done < <(grep -rnE '^#include "[a-z]+/' "core/$folder" | sed -E 's/^([^:]+):[0-9]+:/\1:/')
done
for folder in core/*/; do
  name=$(basename "$folder")
  [ -n "${allowed[$name]+x}" ] || report "core/$name: a folder without a place in the layer table"
done

# Front ends: no detail/, no LibTorch, and nothing of theirs in core.
while IFS= read -r line; do report "$line: a front end includes a private header"; done \
  < <(grep -rnE '^#include "[a-z]+/detail/' ui app || true)
while IFS= read -r line; do report "$line: LibTorch outside core"; done \
  < <(grep -rnE '^#include <(torch|ATen|c10)/' ui app || true)
while IFS= read -r line; do report "$line: core includes a front end"; done \
  < <(grep -rnE '^#include "(ui|app|cli|studio)/' core || true)

# siamese-engine (app/engine) is built where only common..train exist: its
# files, the CLI's files it compiles and the CLI headers they include may
# use no other core folder.
engineFolders=" common data nn eval train "
engineFiles=$(ls app/engine/*.cpp; sed -nE 's|.*\$\{CLI_DIR\}/([A-Za-z]+\.cpp).*|app/cli/\1|p' app/engine/CMakeLists.txt)
engineHeaders=$(grep -hE '^#include "[A-Za-z]+\.h"' $engineFiles | sed -E 's/#include "([^"]+)"/app\/cli\/\1/' | sort -u)
for file in $engineFiles $engineHeaders; do
  [ -f "$file" ] || continue
  while IFS= read -r target; do
    used=${target%%/*}
    [ -n "${allowed[$used]+x}" ] || continue
    [[ "$engineFolders" == *" $used "* ]] || report "$file: includes $target, but siamese-engine has only:$engineFolders"
  done < <(sed -nE 's/^#include "([a-z]+\/[^"]+)".*/\1/p' "$file")
done

if [ "$violations" -gt 0 ]; then
  echo "$violations layering violation(s)"
  exit 1
fi
echo "layers: every include follows core/CMakeLists.txt's table"
