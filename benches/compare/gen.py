#!/usr/bin/env python3
"""Deterministic Chinese GT/OCR pairs for the CER benchmark.

Ground truth: the Chinese paragraphs (lines with >= 50% Han among non-space characters) of
the real documents in /work/main/corpus/, concatenated in a seeded-shuffled order, reshuffled
on every pass until the target length, then cut to exactly N code points.
OCR: exactly round(2% * N) edit sites chosen with a seeded RNG, each a substitution, a
deletion or an insertion (uniformly mixed); substituted/inserted characters are Han
characters drawn from the ground truth's own alphabet (never equal to the replaced one).

Every character is a single code point and a single grapheme cluster (no CR, no combining
marks), and the text is NFC, so code point distance == grapheme distance.
"""
import glob
import os
import random
import sys
import unicodedata

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "corpus")
OUT = sys.argv[1] if len(sys.argv) > 1 else "/tmp/witness-compare/data"
SIZES = {"50k": 50_000, "200k": 200_000, "1m": 1_000_000}
ERROR_RATE = 0.02


def is_han(c):
    return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"


def paragraphs():
    paras = []
    for path in sorted(glob.glob(os.path.join(CORPUS, "*.txt"))):
        with open(path, encoding="utf-8") as f:
            for line in f.read().split("\n"):
                line = line.strip()
                vis = [c for c in line if not c.isspace()]
                if not vis:
                    continue
                if sum(map(is_han, vis)) / len(vis) >= 0.5:
                    paras.append(line)
    return paras


def ground_truth(paras, n, seed):
    rng = random.Random(seed)
    out, total = [], 0
    while total < n:
        order = paras[:]
        rng.shuffle(order)
        for p in order:
            out.append(p)
            total += len(p) + 1
            if total >= n:
                break
    return "\n".join(out)[:n]


def corrupt(gt, rate, seed):
    rng = random.Random(seed)
    alphabet = sorted({c for c in gt if is_han(c)})
    k = round(len(gt) * rate)
    sites = sorted(rng.sample(range(len(gt)), k))
    kinds = {"sub": 0, "del": 0, "ins": 0}
    out, prev = [], 0
    for i in sites:
        out.append(gt[prev:i])
        kind = rng.choice(("sub", "del", "ins"))
        kinds[kind] += 1
        if kind == "sub":
            c = gt[i]
            r = c
            while r == c:
                r = rng.choice(alphabet)
            out.append(r)
        elif kind == "del":
            pass
        else:  # insertion before gt[i]
            out.append(rng.choice(alphabet))
            out.append(gt[i])
        prev = i + 1
    out.append(gt[prev:])
    return "".join(out), k, kinds


def main():
    os.makedirs(OUT, exist_ok=True)
    paras = paragraphs()
    print(f"{len(paras)} Chinese paragraphs, {sum(map(len, paras))} chars in the pool")
    for j, (name, n) in enumerate(SIZES.items()):
        gt = ground_truth(paras, n, seed=1000 + j)
        ocr, k, kinds = corrupt(gt, ERROR_RATE, seed=2000 + j)
        assert "\r" not in gt + ocr
        assert unicodedata.is_normalized("NFC", gt) and unicodedata.is_normalized("NFC", ocr)
        assert not any(unicodedata.combining(c) for c in gt + ocr)
        for kind, text in (("gt", gt), ("ocr", ocr)):
            with open(os.path.join(OUT, f"{kind}-{name}.txt"), "w", encoding="utf-8", newline="") as f:
                f.write(text)
        print(f"{name}: gt {len(gt)} chars, ocr {len(ocr)} chars, {k} edit sites {kinds}")


if __name__ == "__main__":
    main()
