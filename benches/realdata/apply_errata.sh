#!/usr/bin/env bash
# Errata applied on real OCR pages: each OCR text's errata against its ground truth, applied,
# and the CER before and after. DATA is dinglehopper's src/dinglehopper/tests/data, checked out
# outside this repository. Usage: benches/realdata/apply_errata.sh WITNESS DATA
set -euo pipefail
W=$1 D=$2
work=$(mktemp -d)
cer() { "$W" cer "$1" "$2" -f json | python3 -c 'import json,sys; print("%.4f" % json.load(sys.stdin)["cer"])'; }
while IFS=: read -r name gt ocr; do
  "$W" extract "$D/$gt" -o "$work/$name.gt.txt" 2>/dev/null
  "$W" extract "$D/$ocr" -o "$work/$name.ocr.txt" 2>/dev/null
  "$W" errata "$work/$name.ocr.txt" --against "$work/$name.gt.txt" -f json -o "$work/$name.json" 2>/dev/null || true
  "$W" apply "$work/$name.json" "$work/$name.ocr.txt" -o "$work/$name.fixed.txt" 2>"$work/$name.log"
  echo "$name CER $(cer "$work/$name.gt.txt" "$work/$name.ocr.txt") -> $(cer "$work/$name.gt.txt" "$work/$name.fixed.txt"); $(tail -1 "$work/$name.log" | sed -e "s/^witness: //" -e "s| to $work/[^ ]*||")"
done <<'PAIRS'
actevedef:actevedef_718448162/OCR-D-GT-PAGE/00000024.page.xml:actevedef_718448162/OCR-D-OCR-TESS/OCR-D-OCR-TESS_0001.xml
brochrnx:brochrnx_73075507X/00000139.gt.page.xml:brochrnx_73075507X/00000139.ocrd-tess.ocr.page.xml
lorem-ipsum:lorem-ipsum/lorem-ipsum-scan-bad.gt.page.xml:lorem-ipsum/lorem-ipsum-scan-bad.ocr.tesseract.alto.xml
bigger-texts:bigger-texts/00008228/00008228.gt.xml:bigger-texts/00008228/00008228-00236534.gt4hist.xml
PAIRS
rm -rf "$work"
