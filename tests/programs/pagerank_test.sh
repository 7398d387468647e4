#!/usr/bin/env bash
# PageRank end to end with real ranks: a generated graph and a small hand-made one (a dangling
# vertex, comments, blank lines), under 1, 2 and 3 ranks, against a plain Python reference of
# the same formula; bad input and bad arguments refused.
#   tests/programs/pagerank_test.sh BUILD_DIR
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: pagerank_test.sh BUILD_DIR}" && pwd)
apps=$build/apps
py=/usr/bin/python3
work=$(mktemp -d /tmp/kiln-pagerank-test-XXXXXX)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/../lib/check.sh"
# Same vertices, every rank within 1e-9 relative of the reference.
close_to() {  # GOT_DIR REFERENCE_FILE
  cat "$1"/part-* | sort -n >"$work/got.txt"
  "$py" - "$work/got.txt" "$2" <<'PY'
import sys
got = dict(l.split("\t") for l in open(sys.argv[1]).read().split("\n") if l)
ref = dict(l.split("\t") for l in open(sys.argv[2]).read().split("\n") if l)
if got.keys() != ref.keys():
    sys.exit(f"  vertices differ: {len(got)} against {len(ref)}")
worst = max(abs(float(got[v]) - float(ref[v])) / float(ref[v]) for v in ref)
total = sum(float(x) for x in got.values())
if worst > 1e-9 or abs(total - 1) > 1e-9:
    sys.exit(f"  largest relative difference {worst}, ranks sum to {total}")
PY
}

mpirun -n 3 "$apps/gen_graph" 2000 20000 "$work/graph" >/dev/null 2>&1
check "gen_graph writes 20000 edges" [ "$(cat "$work"/graph/part-* | wc -l)" = 20000 ]
"$py" "$here/pagerank_reference.py" "$work/graph" 10 0.85 >"$work/ref.txt"
for n in 1 2 3; do
  mpirun -n $n "$apps/pagerank" "$work/graph" "$work/out$n" --partitions $((n + 2)) >/dev/null 2>&1
  check "pagerank under $n rank(s), $((n + 2)) partitions, matches the reference" \
    close_to "$work/out$n" "$work/ref.txt"
done
printf '# a small graph\n0 1\n0 2\n\n1 2\n2 0\n3 2\n2 4\n' >"$work/small.txt"  # 4 is dangling
"$py" "$here/pagerank_reference.py" "$work/small.txt" 20 0.9 >"$work/small-ref.txt"
mpirun -n 2 "$apps/pagerank" "$work/small.txt" "$work/small-out" --iterations 20 --damping 0.9 \
  >/dev/null 2>&1
check "a graph with a dangling vertex and comments, 20 iterations, damping 0.9" \
  close_to "$work/small-out" "$work/small-ref.txt"
mpirun -n 3 "$apps/pagerank" "$work/small.txt" "$work/small-out7" --iterations 20 --damping 0.9 \
  --partitions 7 >/dev/null 2>&1
check "more partitions (7) than vertices (5): some hold none" \
  close_to "$work/small-out7" "$work/small-ref.txt"

# Sparse ids: 2^28 and above take the distinct() path instead of the bitmap; gaps between ids
# take the binary search instead of the direct table.
printf '70 5\n5 900000000000\n900000000000 70\n70 3000000000\n5 70\n' >"$work/sparse.txt"
printf '5 9000\n9000 70\n70 5\n70 300000\n5 70\n' >"$work/gaps.txt"
for g in sparse gaps; do
  "$py" "$here/pagerank_reference.py" "$work/$g.txt" 10 0.85 >"$work/$g-ref.txt"
  mpirun -n 3 "$apps/pagerank" "$work/$g.txt" "$work/$g-out" >/dev/null 2>&1
  check "vertex ids with $g match the reference" close_to "$work/$g-out" "$work/$g-ref.txt"
done

printf '0 1\n1 two\n' >"$work/bad.txt"
mpirun -n 2 "$apps/pagerank" "$work/bad.txt" "$work/bad-out" >/dev/null 2>"$work/bad.err"
check "a bad edge line fails the job, naming the line" \
  bash -c "[ $? != 0 ] && grep -q \"bad edge line '1 two'\" '$work/bad.err'"
mpirun -n 1 "$apps/pagerank" "$work/small.txt" "$work/x" --damping 2 >/dev/null 2>"$work/arg.err"
check "a damping outside [0, 1] is refused" bash -c "[ $? = 2 ] && grep -q 'damping 2' '$work/arg.err'"

finish PageRank
