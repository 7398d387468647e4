# Checks a reduce-events output file against numpy on the input, for the reduction the test
# script asks for:
#   --define r=hypot(x,y) --define e2=energy*2 --cut "e2 > 40 && time < T" --cut "detector != 3"
#   --weight 1/efficiency --hist energy 50 100 1500 --hist2d x 20 -15 15 r 10 0 15
#   --stat energy --stat r --quantiles 0.1,0.5,0.9 --select energy,r,detector
#   /usr/bin/python3 reduce_events_check.py EVENTS.h5 OUT.h5 T
import sys

import h5py
import numpy as np

events, out, tmax = sys.argv[1], sys.argv[2], float(sys.argv[3])
problems = []


def expect(ok, what):
    if not ok:
        problems.append(what)


with h5py.File(events, "r") as f:
    ev = {k: f["events/" + k][:].astype(np.float64) for k in f["events"]}
r = np.hypot(ev["x"], ev["y"])
mask = (ev["energy"] > 20) & (ev["time"] < tmax) & (ev["detector"] != 3)
w = (1 / ev["efficiency"])[mask]
energy, rsel, det, x = ev["energy"][mask], r[mask], ev["detector"][mask], ev["x"][mask]


def bins(v, n, low, high):  # the program's layout: 0 underflow, 1..n, n + 1 overflow
    b = np.floor((v - low) / (high - low) * n).astype(np.int64) + 1
    b = np.minimum(b, n)
    b[v < low] = 0
    b[v >= high] = n + 1
    return b


def close(a, b, rtol=1e-9):
    return a.shape == b.shape and np.allclose(a, b, rtol=rtol, atol=1e-9)


with h5py.File(out, "r") as o:
    expect(list(o["summary"][:]) == [len(mask), int(mask.sum())], f"summary {o['summary'][:]}")
    h = o["histograms/energy"]
    ref = np.bincount(bins(energy, 50, 100, 1500), weights=w, minlength=52)
    expect(close(h[:], ref), "energy histogram differs from numpy")
    ref2 = np.bincount(bins(energy, 50, 100, 1500), weights=w * w, minlength=52)
    expect(close(o["histograms/energy_sumw2"][:], ref2), "energy sumw2 differs")
    expect(h[0] > 0 and h[51] > 0, "energy histogram has empty under/overflow bins")
    expect(h.attrs["x_bins"] == 50 and h.attrs["x_low"] == 100 and h.attrs["x_high"] == 1500,
           "energy axis attributes")
    expect(len(h.attrs["x_edges"]) == 51 and h.attrs["x_edges"][-1] == 1500, "energy edges")
    expect(h.attrs["weight"] == "1/efficiency" and "e2 > 40" in h.attrs["cuts"], "weight/cuts")
    expect(h.attrs["entries"] == mask.sum(), "entries")
    h2 = o["histograms/x_vs_r"]
    cells = bins(x, 20, -15, 15) * 12 + bins(rsel, 10, 0, 15)
    ref = np.bincount(cells, weights=w, minlength=22 * 12).reshape(22, 12)
    expect(close(h2[:], ref), "2-D histogram differs from numpy")
    expect(h2.attrs["kind"] == "hist2d" and h2.attrs["y_expression"] == "r", "2-D attributes")
    for name, values in (("energy", energy), ("r", rsel)):
        t = o["stats/" + name][:]
        q = o["stats/" + name + "_quantiles"]
        levels = list(q.attrs["levels"])
        expect(levels == [0.1, 0.5, 0.9], f"quantile levels {levels}")
        groups = np.unique(det)
        expect(list(t["group"]) == list(groups.astype(int)), f"{name} groups {t['group']}")
        for i, g in enumerate(groups):
            v = np.sort(values[det == g])
            row = t[i]
            expect(row["count"] == len(v), f"{name} count of group {g}")
            expect(np.isclose(row["sum"], v.sum(), rtol=1e-9), f"{name} sum of group {g}")
            expect(np.isclose(row["mean"], v.mean(), rtol=1e-9), f"{name} mean of group {g}")
            expect(np.isclose(row["variance"], v.var(), rtol=1e-8), f"{name} variance of {g}")
            expect(row["min"] == v[0] and row["max"] == v[-1], f"{name} min/max of group {g}")
            for j, level in enumerate(levels):
                rank = np.searchsorted(v, q[i, j], side="right") / len(v)
                expect(abs(rank - level) < 0.02,
                       f"{name} quantile {level} of group {g}: rank {rank:.4f}")
    expect(np.array_equal(o["selected/energy"][:], energy), "selected energy")
    expect(np.array_equal(o["selected/r"][:], rsel), "selected r")
    expect(np.array_equal(o["selected/detector"][:], det), "selected detector")
    expect(3 not in set(o["selected/detector"][:].astype(int)), "detector 3 was cut")

if problems:
    sys.exit("reduce-events output is wrong:\n  " + "\n  ".join(problems))
