#!/usr/bin/env python3
"""The usual Python way to find near-duplicate paragraphs, for a side-by-side timing with
`witness scan`: datasketch's MinHash LSH over every paragraph of at least MIN characters.

Usage: python3 benches/realdata/datasketch_neardup.py DIR [SHINGLE] [MIN]

Reads every file of DIR as UTF-8, splits it into paragraphs at blank lines, builds one
MinHash (128 permutations, character SHINGLE-grams, default 3) per paragraph of at least MIN
characters (default 20), inserts it into a MinHashLSH (threshold 0.8) and queries each one.
Prints the number of paragraphs and of candidate pairs. It finds candidates only: no exact
verification, no positions, no other kinds of finding. datasketch is installed outside the
checkout (a venv); nothing of it is committed.
"""
import os, sys
from datasketch import MinHash, MinHashLSH

root = sys.argv[1]
k = int(sys.argv[2]) if len(sys.argv) > 2 else 3
least = int(sys.argv[3]) if len(sys.argv) > 3 else 20
lsh = MinHashLSH(threshold=0.8, num_perm=128)
hashes = []
for name in sorted(os.listdir(root)):
    with open(os.path.join(root, name), encoding="utf-8") as f:
        for i, para in enumerate(f.read().split("\n\n")):
            text = "".join(para.split())
            if len(text) < least:
                continue
            m = MinHash(num_perm=128)
            m.update_batch([text[j:j + k].encode() for j in range(len(text) - k + 1)])
            key = (name, i)
            lsh.insert(key, m)
            hashes.append((key, m))
pairs = {tuple(sorted((key, other))) for key, m in hashes for other in lsh.query(m) if other != key}
print(f"{len(hashes)} paragraphs, {len(pairs)} candidate pairs")
