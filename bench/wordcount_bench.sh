#!/usr/bin/env bash
# Word count: Kiln against the hand-written MPI+OpenMP baseline, in the same run.
#   bench/wordcount_bench.sh [BYTES=1073741824] [REPS=3] [BUILD_DIR=build]
# Generates a Zipf corpus (1e6-word vocabulary, seed 42) once, then for -n 1, 2, 3 runs Kiln and
# the baseline alternately REPS times each (alternating cancels machine drift), checks that both
# produce the same counts, and prints the median wall time (mpirun start-up included), MB/s and
# the ratio Kiln/baseline as a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/mpi-env.sh
bytes=${1:-1073741824}
reps=${2:-3}
build=${3:-build}
mkdir -p bench/data
corpus=bench/data/zipf-$bytes.txt
if [ ! -f "$corpus" ]; then
  echo "generating $corpus ..." >&2
  "$build/bench/gen_zipf_corpus" "$corpus" "$bytes" 1000000 42
fi
size=$(stat -c %s "$corpus")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run_ms() {  # prints the wall milliseconds of one run
  local out=$1 n=$2
  shift 2
  rm -rf "$out"
  local s=$(date +%s%N)
  mpirun -n "$n" --bind-to none "$@" >/dev/null
  echo $((($(date +%s%N) - s) / 1000000))
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "| ranks | Kiln s | baseline s | Kiln MB/s | baseline MB/s | Kiln/baseline |"
echo "|---|---|---|---|---|---|"
for n in 1 2 3; do
  : > "$work/k" && : > "$work/b"
  for ((r = 0; r < reps; r++)); do
    run_ms "$work/kout" "$n" "$build/apps/wordcount" "$corpus" "$work/kout" >> "$work/k"
    run_ms "$work/bout" "$n" "$build/bench/baselines/wordcount_mpi" "$corpus" "$work/bout" >> "$work/b"
  done
  cat "$work"/kout/part-* | LC_ALL=C sort > "$work/ks"
  cat "$work"/bout/part-* | LC_ALL=C sort > "$work/bs"
  if ! cmp -s "$work/ks" "$work/bs"; then echo "MISMATCH: Kiln and the baseline disagree at -n $n" >&2; exit 1; fi
  k=$(median < "$work/k") b=$(median < "$work/b")
  awk -v n="$n" -v k="$k" -v b="$b" -v mb="$size" 'BEGIN {
    printf "| %d | %.2f | %.2f | %.0f | %.0f | %.2f |\n", n, k / 1000, b / 1000, mb / 1e6 / (k / 1000), mb / 1e6 / (b / 1000), k / b }'
done
echo
echo "input: $corpus ($size bytes, $(wc -l < "$work/ks") distinct words); median of $reps runs each; $(nproc) cores"
