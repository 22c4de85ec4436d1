"""witness cer --compat dinglehopper against dinglehopper 0.11 itself on dinglehopper's own
test data (PAGE-XML and ALTO): the same extracted text, CER and WER to 1e-9.

Usage: python dinglehopper_formats.py WITNESS DATA_DIR
  WITNESS   the witness binary (target/release/witness)
  DATA_DIR  dinglehopper's src/dinglehopper/tests/data, checked out outside the repo
Run with the Python of a venv that has dinglehopper 0.11.0 (see run.sh)."""
import json
import subprocess
import sys
from pathlib import Path

import tempfile

from dinglehopper.ocr_files import extract

witness, data = sys.argv[1], Path(sys.argv[2])
# Every ground truth / OCR pair in the data (by its directory layout and names).
pairs = [
    ("actevedef_718448162/OCR-D-GT-PAGE/00000024.page.xml", "actevedef_718448162/OCR-D-OCR-CALAMARI/OCR-D-OCR-CALAMARI_0001.xml"),
    ("actevedef_718448162/OCR-D-GT-PAGE/00000024.page.xml", "actevedef_718448162/OCR-D-OCR-TESS/OCR-D-OCR-TESS_0001.xml"),
    ("bigger-texts/00008228/00008228.gt.xml", "bigger-texts/00008228/00008228-00236534.gt4hist.xml"),
    ("brochrnx_73075507X/00000139.gt.page.xml", "brochrnx_73075507X/00000139.ocrd-tess.ocr.page.xml"),
    ("directory-test/gt/1.xml", "directory-test/ocr/1.xml"),
    ("directory-test/gt/2.xml", "directory-test/ocr/2.xml"),
    ("lorem-ipsum/lorem-ipsum-scan.gt.page.xml", "lorem-ipsum/lorem-ipsum-scan.ocr.tesseract.alto.xml"),
    ("lorem-ipsum/lorem-ipsum-scan-bad.gt.page.xml", "lorem-ipsum/lorem-ipsum-scan-bad.ocr.tesseract.alto.xml"),
    ("test-gt.page2018.xml", "test-fake-ocr.page2018.xml"),
    ("test.page2018.xml", "test.alto3.xml"),
    ("test.alto1.xml", "test.alto2.xml"),
    ("unused-larex-indexed-textequiv-jkamlah/OCR-D-GT_0008.xml", "unused-larex-indexed-textequiv-jkamlah/OCR-D-OCR-TESS_0008.xml"),
    ("table-order/table-order-0001.xml", "table-order/table-order-0002.xml"),
    ("table-order/table-no-reading-order.xml", "table-order/table-unordered.xml"),
]
worst = 0.0
same_text = 0
runs = [(gt, ocr, level) for level in ("region", "line") for gt, ocr in pairs]
for gt, ocr, level in runs:
    g, o = (extract(str(data / f), textequiv_level=level) for f in (gt, ocr))
    # The CLI, as users run it: it writes report.json beside report.html.
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([str(Path(sys.executable).parent / "dinglehopper"), str(data / gt),
                        str(data / ocr), "report", tmp, "--textequiv-level", level],
                       check=True, capture_output=True)
        dh = json.loads((Path(tmp) / "report.json").read_text())
    cer, wer, n = dh["cer"], dh["wer"], dh["n_characters"]
    r = subprocess.run([witness, "cer", "--compat", "dinglehopper", "--page-level", level,
                        "--format", "json", str(data / gt), str(data / ocr)],
                       capture_output=True, text=True)
    if r.returncode not in (0, 1):
        print(f"FAIL {gt} {ocr}: exit {r.returncode}: {r.stderr.strip()}")
        worst = float("inf")
        continue
    w = json.loads(r.stdout)
    # witness writes an infinite rate (empty ground truth) as "inf", like dinglehopper's JSON.
    w["cer"], w["wer"] = float(w["cer"]), float(w["wer"])
    texts = [subprocess.run([witness, "extract", "--compat", "dinglehopper", "--page-level",
                             level, str(data / f)],
                            capture_output=True, text=True).stdout[:-1] for f in (gt, ocr)]
    same = texts == [g.text, o.text]
    same_text += same
    d = max(0.0 if a == b else abs(a - b) for a, b in ((w["cer"], cer), (w["wer"], wer)))
    worst = max(worst, d)
    print(f"{level}: {gt} | {ocr}: dinglehopper CER {cer:.9f} WER {wer:.9f} n={n}; "
          f"witness CER {w['cer']:.9f} WER {w['wer']:.9f} n={w['gt_chars']}; "
          f"|diff| {d:.1e}; same text: {same}")
print(f"{len(runs)} runs ({len(pairs)} pairs, region and line level), same extracted text on "
      f"{same_text}, largest difference in CER or WER {worst:.1e}")
sys.exit(0 if worst <= 1e-9 and same_text == len(runs) else 1)
