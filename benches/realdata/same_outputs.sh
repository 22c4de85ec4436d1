#!/usr/bin/env bash
# Compares the outputs of two witness builds on real pairs: `diff` in text, json and md, and
# `cer`, with exit statuses, then `cmp`. A change meant to alter speed only must leave every
# output byte-identical; one meant to alter results shows exactly which pairs move.
#
# Usage: bash benches/realdata/same_outputs.sh OLD_WITNESS NEW_WITNESS LIST
#   LIST: lines `ID GT_FILE OCR_FILE PROFILE`, paths relative to the list's directory (real
#   ground truth and OCR, such as dinglehopper's tests/data extracted to text; nothing of
#   them is committed here). A build of an older commit:
#   git archive REV | tar -x -C DIR && (cd DIR && CARGO_TARGET_DIR=DIR/target cargo build --release)
set -uo pipefail
old=$(realpath "$1") new=$(realpath "$2") list=$3
cd "$(dirname "$list")" || exit 2
out=$(mktemp -d)
n=0 differ=0
while read -r id gt ocr profile; do
  [ -z "$id" ] && continue
  for cmd in "diff --format text" "diff --format json" "diff --format md" "cer"; do
    for side in old new; do
      bin=${!side}
      # shellcheck disable=SC2086
      "$bin" $cmd --profile "$profile" "$gt" "$ocr" >"$out/$side" 2>&1
      echo "exit $?" >>"$out/$side"
    done
    n=$((n + 1))
    cmp -s "$out/old" "$out/new" || { differ=$((differ + 1)); echo "differs: $id $cmd"; }
  done
done <"$(basename "$list")"
rm -rf "$out"
echo "$n outputs, $differ differ"
