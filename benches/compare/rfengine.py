#!/usr/bin/env python3
"""rapidfuzz engine timing inside Python (file reading and interpreter start excluded).
Usage: rfengine.py SIZE MODE REPS   MODE: default | hint64 | oracle | editops
Prints the distance (for editops: the number of operations = the distance) and best-of-REPS ms."""
import os, sys, time
from rapidfuzz.distance import Levenshtein
TRUE = {"50k": 997, "200k": 3991, "1m": 19953}
s, mode, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
DATA = os.environ.get("DATA", "/tmp/witness-compare/data")
a = open(f"{DATA}/gt-{s}.txt", encoding="utf-8", newline="").read()
b = open(f"{DATA}/ocr-{s}.txt", encoding="utf-8", newline="").read()
if mode == "default":
    f = lambda: Levenshtein.distance(a, b)
elif mode == "hint64":
    f = lambda: Levenshtein.distance(a, b, score_hint=64)
elif mode == "oracle":
    f = lambda: Levenshtein.distance(a, b, score_hint=TRUE[s])
elif mode == "editops":
    f = lambda: len(Levenshtein.editops(a, b))
best = float("inf")
for _ in range(reps):
    t = time.perf_counter(); d = f(); best = min(best, time.perf_counter() - t)
print(f"size={s} mode={mode} reps={reps} distance={d} ms={best*1000:.2f}", flush=True)
