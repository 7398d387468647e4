#!/usr/bin/env bash
# k-means end to end with real ranks: generated points as text and as HDF5, under 1, 2 and 3
# ranks, against a plain Python reference of the same algorithm; bad input and arguments.
#   tests/programs/kmeans_test.sh BUILD_DIR
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: kmeans_test.sh BUILD_DIR}" && pwd)
apps=$build/apps
py=/usr/bin/python3
work=$(mktemp -d /tmp/kiln-kmeans-test-XXXXXX)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/../lib/check.sh"
same() {  # GOT_DIR REF_DIR: centres and costs within 1e-9 relative
  "$py" - "$1" "$2" <<'PY'
import sys
def numbers(path):
    return [float(x) for line in open(path) for x in line.split()]
for name in ("centres.txt", "cost.txt"):
    got, ref = numbers(f"{sys.argv[1]}/{name}"), numbers(f"{sys.argv[2]}/{name}")
    if len(got) != len(ref):
        sys.exit(f"  {name}: {len(got)} numbers, the reference {len(ref)}")
    worst = max(abs(g - r) / max(1.0, abs(r)) for g, r in zip(got, ref))
    if worst > 1e-9:
        sys.exit(f"  {name}: largest relative difference {worst}")
PY
}

mpirun -n 3 "$apps/gen_points" 5000 3 4 "$work/text" >/dev/null 2>&1
check "gen_points writes 5000 text points" [ "$(cat "$work"/text/part-* | wc -l)" = 5000 ]
# A part file per million points: two million points make two files, not three.
mpirun -n 3 "$apps/gen_points" 2000000 1 2 "$work/two-million" >/dev/null 2>&1
check "gen_points writes 2e6 points in two part files" \
  [ "$(ls "$work"/two-million/part-* | wc -l)" = 2 ]
mpirun -n 3 "$apps/gen_points" 4000 2 5 "$work/points.h5" --hdf5 >/dev/null 2>&1
check "and HDF5 points h5py reads" "$py" -c "import h5py; assert h5py.File('$work/points.h5')['points'].shape == (4000, 2)"
"$py" "$here/kmeans_reference.py" "$work/text" 4 6 1 "$work/ref-text"
"$py" "$here/kmeans_reference.py" "$work/points.h5" 5 6 3 "$work/ref-h5"
for n in 1 2 3; do
  mpirun -n $n "$apps/kmeans" "$work/text" 4 "$work/out-text$n" --iterations 6 >/dev/null 2>&1
  check "kmeans of text points under $n rank(s) matches the reference" same "$work/out-text$n" "$work/ref-text"
  mpirun -n $n "$apps/kmeans" "$work/points.h5" 5 "$work/out-h5$n" --iterations 6 --seed 3 >/dev/null 2>&1
  check "kmeans of HDF5 points under $n rank(s) matches the reference" same "$work/out-h5$n" "$work/ref-h5"
done
check "the cost never rises" "$py" -c "
c = [float(l.split()[1]) for l in open('$work/out-text3/cost.txt')]
assert all(b <= a * (1 + 1e-12) for a, b in zip(c, c[1:])), c"

printf '1 2\n3 4\n5 x\n' >"$work/bad.txt"
mpirun -n 2 "$apps/kmeans" "$work/bad.txt" 2 "$work/bad" >/dev/null 2>"$work/bad.err"
check "a bad number fails the job, naming the line" bash -c "[ $? != 0 ] && grep -q \"bad point line '5 x'\" '$work/bad.err'"
printf '1 2\n3 4 5\n' >"$work/ragged.txt"
mpirun -n 2 "$apps/kmeans" "$work/ragged.txt" 1 "$work/ragged" >/dev/null 2>"$work/ragged.err"
check "points of different dimensions are refused" bash -c "[ $? != 0 ] && grep -q 'coordinates, the others' '$work/ragged.err'"
mpirun -n 1 "$apps/kmeans" "$work/text" 0 "$work/x" >/dev/null 2>"$work/arg.err"
check "K = 0 is refused" bash -c "[ $? = 2 ] && grep -q 'K 0' '$work/arg.err'"
mkdir -p "$work/taken" && echo keep >"$work/taken/centres.txt"
mpirun -n 2 "$apps/kmeans" "$work/text" 4 "$work/taken" >/dev/null 2>"$work/taken.err"
check "an existing OUTDIR is refused, naming it, and its files are kept" bash -c \
  "[ $? != 0 ] && grep -q 'OUTDIR $work/taken exists' '$work/taken.err' && [ \"\$(cat '$work/taken/centres.txt')\" = keep ]"

finish k-means
