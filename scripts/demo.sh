#!/usr/bin/env bash
# The main demo: reduce-events on a generated HDF5 event file (default 10 million events, about
# 400 MB), with a driver and two executors: derived columns, cuts, a weighted energy spectrum
# and a 2-D hit map, per-detector statistics with quantiles, and the selected rows, all in one
# HDF5 file that h5py reads. Then it prints a summary of that file with h5py.
#   scripts/demo.sh [EVENTS] [RANKS]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/mpi-env.sh
events=${1:-10000000}
ranks=${2:-3}
scripts/build.sh >/dev/null
mkdir -p build/demo
input=build/demo/events-$events.h5
output=build/demo/reduced.h5
if [ ! -f "$input" ]; then
  echo "generating $events events into $input ..."
  mpirun -n "$ranks" --bind-to none build/apps/gen_events "$events" "$input"
fi
echo "reducing $input with $ranks ranks ..."
start=$(date +%s%N)
mpirun -n "$ranks" --bind-to none build/apps/reduce-events "$input" "$output" --overwrite \
  --define 'r = hypot(x, y)' --define 'phi = atan2(y, x)' \
  --cut 'energy > 30 && time > 1' --cut 'r < 18' \
  --weight '1 / efficiency' \
  --hist energy 300 0 1500 --hist2d x 80 -20 20 y 80 -20 20 --hist r 90 0 18 \
  --stat energy --quantiles 0.05,0.5,0.95 --select energy,r,phi,detector
ms=$((($(date +%s%N) - start) / 1000000))
echo "done in $ms ms (mpirun start-up included); the file, read back with h5py:"
/usr/bin/python3 - "$output" <<'PY'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    read, kept = f["summary"][:]
    print(f"  {read} events read, {kept} selected by {f['summary'].attrs['cuts']}")
    h = f["histograms/energy"]
    edges = h.attrs["x_edges"]
    peak = int(np.argmax(h[1:-1]))
    print(f"  energy spectrum: {len(edges) - 1} bins, underflow {h[0]:.0f}, overflow {h[-1]:.0f},"
          f" fullest bin {edges[peak]:.0f}-{edges[peak + 1]:.0f} keV")
    t, q = f["stats/energy"][:], f["stats/energy_quantiles"][:]
    print("  detector   count   mean keV   median keV   95% keV")
    for row, qs in list(zip(t, q))[:4]:
        print(f"  {row['group']:8d} {row['count']:7d} {row['mean']:10.1f} {qs[1]:12.1f} {qs[2]:9.1f}")
    print(f"  ... {len(t)} detectors; datasets: " + ", ".join(
        k for k in ["summary"] + [g + "/" + d for g in ("histograms", "stats", "selected") for d in f[g]]))
PY
