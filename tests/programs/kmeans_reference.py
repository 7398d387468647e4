#!/usr/bin/env python3
"""k-means reference for the tests: what apps/kmeans.cpp documents, computed plainly.
usage: kmeans_reference.py INPUT K ITERATIONS SEED OUTDIR  (INPUT: text dir/file or .h5)"""
import glob
import os
import struct
import sys

M = (1 << 64) - 1


def mix(x):
    x = (x + 0x9E3779B97F4A7C15) & M
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M
    return x ^ (x >> 31)


def point_hash(p, seed):
    h = mix(seed)
    for x in p:
        h = mix(h ^ struct.unpack("<Q", struct.pack("<d", x))[0])
    return h


path, k, iterations, seed, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
if path.endswith((".h5", ".hdf5")):
    import h5py
    with h5py.File(path, "r") as f:
        points = [list(map(float, row)) for row in f["points"][:]]
else:
    files = sorted(glob.glob(os.path.join(path, "part-*"))) if os.path.isdir(path) else [path]
    points = [list(map(float, l.split())) for name in files for l in open(name) if l.strip()]
centres = [list(p) for p in sorted(points, key=lambda p: point_hash(p, seed))[:k]]
dim = len(centres[0])
costs = []
for _ in range(iterations):
    sums = [[0.0] * dim for _ in range(k)]
    counts = [0] * k
    cost = 0.0
    for p in points:
        d = [sum((p[x] - c[x]) ** 2 for x in range(dim)) for c in centres]
        j = min(range(k), key=lambda i: (d[i], i))
        for x in range(dim):
            sums[j][x] += p[x]
        counts[j] += 1
        cost += d[j]
    costs.append(cost)
    centres = [[s / counts[j] for s in sums[j]] if counts[j] else centres[j] for j in range(k)]
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "centres.txt"), "w") as f:
    for c in centres:
        f.write(" ".join(repr(x) for x in c) + "\n")
with open(os.path.join(out, "cost.txt"), "w") as f:
    for i, c in enumerate(costs):
        f.write(f"{i}\t{c!r}\n")
