#!/usr/bin/env bash
# The word-count demo: generates a Zipf corpus (default 256 MiB), counts its words with a driver
# and two executors, and prints the most frequent words.
#   scripts/demo.sh [BYTES] [RANKS]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/mpi-env.sh
bytes=${1:-268435456}
ranks=${2:-3}
scripts/build.sh >/dev/null
mkdir -p build/demo
corpus=build/demo/corpus-$bytes.txt
[ -f "$corpus" ] || build/bench/gen_zipf_corpus "$corpus" "$bytes"
rm -rf build/demo/counts
echo "counting words in $corpus ($bytes bytes) with $ranks ranks..."
start=$(date +%s%N)
mpirun -n "$ranks" --bind-to none build/apps/wordcount "$corpus" build/demo/counts
ms=$((($(date +%s%N) - start) / 1000000))
echo "done in $ms ms; output in build/demo/counts (part-* files and _SUCCESS)"
echo "most frequent words:"
cat build/demo/counts/part-* | sort -t$'\t' -k2,2nr | head -10
