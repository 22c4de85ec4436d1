#!/usr/bin/env python3
"""Issue 14's measure on real material: the Quan Tang Shi (全唐诗) of the chinese-poetry
repository, scanned by witness; how many places of a duplicate poem the findings cover, how
many duplicate poems are filed as boilerplate, and the findings by kind.

Usage: python3 benches/realdata/qts.py CHINESE_POETRY_CHECKOUT WITNESS_BINARY [WORK_DIR]

CHINESE_POETRY_CHECKOUT is a clone (or a bare mirror) of github.com/chinese-poetry/chinese-poetry;
nothing of it is committed here. Each `全唐诗/poet.tang.N.json` becomes one text file: for
each poem a line `title（author）`, then its paragraphs joined on one line, a blank line
between poems. A duplicate poem is a poem line (at least 20 characters) found at two or
more places; a place is covered when a duplicate, block, passage or identical finding spans
its line.
"""
import collections, json, os, subprocess, sys

repo, witness = sys.argv[1], sys.argv[2]
work = sys.argv[3] if len(sys.argv) > 3 else "/tmp/witness-qts"
files = os.path.join(work, "one")
os.makedirs(files, exist_ok=True)
git = lambda *a: subprocess.run(["git", "-c", "core.quotepath=off", *a], cwd=repo,
                                capture_output=True, check=True).stdout
names = [n for n in git("ls-tree", "-r", "--name-only", "HEAD", "全唐诗").decode().split("\n")
         if "poet.tang" in n and "/error/" not in n and n.endswith(".json")]
poems = 0
for n in names:
    out = []
    for p in json.loads(git("show", "HEAD:" + n)):
        out.append(f"{p['title']}（{p['author']}）\n" + "".join(p["paragraphs"]) + "\n")
        poems += 1
    with open(os.path.join(files, os.path.basename(n)[:-5] + ".txt"), "w") as f:
        f.write("\n".join(out))

report = json.loads(subprocess.run([witness, "scan", files, "--format", "json"],
                                   capture_output=True).stdout)
findings = report["findings"]

occurrences = collections.defaultdict(list)
for name in sorted(os.listdir(files)):
    lines = open(os.path.join(files, name)).read().split("\n")
    for i, line in enumerate(lines):
        if (i + 1) % 3 == 2 and len(line) >= 20:
            occurrences[line].append((name, i + 1))
duplicates = {k: v for k, v in occurrences.items() if len(v) >= 2}
places = {p for v in duplicates.values() for p in v}

place = lambda l: (os.path.basename(l["path"]), l["start"]["line"])
covered = set()
for f in findings:
    if f["kind"] in ("duplicate_paragraph", "duplicate_block", "shared_passage", "identical"):
        for l in f["locations"]:
            for line in range(l["start"]["line"], l["end"]["line"] + 1):
                covered.add((os.path.basename(l["path"]), line))
boilerplate = sum(1 for f in findings if f["kind"] == "boilerplate"
                  and any(place(l) in places for l in f["locations"]))
print(f"{len(names)} files, {poems} poems; {len(duplicates)} duplicate poems at {len(places)} places")
print(f"places covered by a finding: {sum(p in covered for p in places)} / {len(places)}")
print(f"boilerplate findings holding a duplicate poem: {boilerplate}")
title = lambda l: l["start"]["line"] % 3 == 1
in_titles = lambda f: all(title(l) and l["end"]["line"] == l["start"]["line"] for l in f["locations"])
print("duplicate paragraphs with 3 or more places:",
      sum(1 for f in findings if f["kind"] == "duplicate_paragraph" and len(f["locations"]) >= 3))
print("near duplicates between title lines:",
      sum(1 for f in findings if f["kind"] == "near_duplicate" and in_titles(f)))
print("shared passages inside title lines only:",
      sum(1 for f in findings if f["kind"] == "shared_passage" and in_titles(f)))
print(f"findings: {len(findings)} {dict(collections.Counter(f['kind'] for f in findings))}")
