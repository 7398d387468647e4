#!/usr/bin/env python3
"""PageRank reference for the tests: the formula apps/pagerank.cpp documents, computed plainly.
usage: pagerank_reference.py EDGES_DIR_OR_FILE ITERATIONS DAMPING > ranks.txt"""
import glob
import os
import sys

path, iterations, damping = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
files = sorted(glob.glob(os.path.join(path, "part-*"))) if os.path.isdir(path) else [path]
out = {}
vertices = set()
for name in files:
    for line in open(name):
        w = line.split()
        if not w or w[0].startswith("#"):
            continue
        s, d = int(w[0]), int(w[1])
        out.setdefault(s, []).append(d)
        vertices.update((s, d))
n = len(vertices)
rank = {v: 1.0 / n for v in vertices}
for _ in range(iterations):
    sums = dict.fromkeys(vertices, 0.0)
    for s, dsts in out.items():
        for d in dsts:
            sums[d] += rank[s] / len(dsts)
    dangling = max(0.0, 1.0 - sum(sums.values()))
    rank = {v: (1 - damping) / n + damping * (sums[v] + dangling / n) for v in vertices}
for v in sorted(rank):
    print(f"{v}\t{rank[v]!r}")
