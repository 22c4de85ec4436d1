#!/usr/bin/env bash
# The CER engine and `witness cer` side by side with rapidfuzz and dinglehopper (issue 13's
# measure). Installs both in a venv outside the checkout; nothing of theirs is committed.
# Usage: bash benches/compare/run.sh   (about 15 minutes; WORK=/tmp/witness-compare)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); REPO=$(cd "$HERE/../.." && pwd)
WORK=${WORK:-/tmp/witness-compare}; mkdir -p "$WORK"; cd "$WORK"
[ -x venv/bin/python ] || { python3 -m venv venv && venv/bin/pip install -q rapidfuzz==3.14.6 dinglehopper==0.11.0; }
command -v hyperfine >/dev/null || { echo "install hyperfine (apt-get install hyperfine)"; exit 2; }
python3 "$HERE/gen.py" "$WORK/data"
(cd "$REPO" && CARGO_TARGET_DIR="$WORK/target" cargo build --release -q)
(cd "$HERE/engine" && CARGO_TARGET_DIR="$WORK/target" cargo build --release -q)
export DATA="$WORK/data"
echo "== engine level (best of 5; 2 and 1 at 1M)"
for s in 50k 200k; do "$WORK/target/release/witness-compare-engine" "$DATA/gt-$s.txt" "$DATA/ocr-$s.txt" 5; done
"$WORK/target/release/witness-compare-engine" "$DATA/gt-1m.txt" "$DATA/ocr-1m.txt" 2
for s in 50k 200k; do for m in default hint64 oracle editops; do venv/bin/python "$HERE/rfengine.py" $s $m 5; done; done
for m in hint64 oracle; do venv/bin/python "$HERE/rfengine.py" 1m $m 1; done
echo "== whole commands"
W="$WORK/target/release/witness"
for s in 50k 200k 1m; do
  GT="$DATA/gt-$s.txt"; OCR="$DATA/ocr-$s.txt"; mkdir -p "$WORK/dh-$s"
  case $s in 50k) o=(--warmup 1 --runs 10);; 200k) o=(--warmup 1 --runs 5);; 1m) o=(--runs 1);; esac
  cmds=(-n "witness cer" "sh -c '$W cer $GT $OCR >/dev/null; test \$? -le 1'"
        -n "rapidfuzz score_hint=64" "$WORK/venv/bin/python $HERE/rfb.py $GT $OCR 64")
  [ $s != 1m ] && cmds+=(-n "dinglehopper CLI" "sh -c 'cd $WORK/dh-$s && $WORK/venv/bin/dinglehopper $GT $OCR'")
  hyperfine -N "${o[@]}" "${cmds[@]}"
done
