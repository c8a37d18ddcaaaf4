#!/usr/bin/env bash
# Puts a section into BENCHMARKS.md for the scripts in models/ that measure
# something: SECTION_FILE starts with "<!-- siamese NAME -->" and ends with
# "<!-- end of siamese NAME -->"; the section of that name is replaced, or
# the file's is appended when there is none yet.
#
#   scripts/write-benchmark-section.sh NAME SECTION_FILE [BENCHMARKS.md]
set -euo pipefail
name=$1 section=$2 target=${3:-BENCHMARKS.md}
begin="<!-- siamese $name -->" end="<!-- end of siamese $name -->"
if grep -qF "$begin" "$target"; then
  tmp=$(mktemp "$target.XXXXXX")
  awk -v f="$section" -v begin="$begin" -v end="$end" \
    '$0 == begin {while ((getline l < f) > 0) print l; skip = 1} $0 == end {skip = 0; next} !skip' "$target" > "$tmp"
  cat "$tmp" > "$target"  # keeps the file's own permissions
  rm "$tmp"
else
  { echo; cat "$section"; } >> "$target"
fi
