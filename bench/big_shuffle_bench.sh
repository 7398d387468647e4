#!/usr/bin/env bash
# Shuffles larger than memory: each operation over RECORDS (long, long) pairs with a small
# executor budget, against the same run with an unlimited budget (the baseline, in the same
# session), checking both give the same checksum.
#   bench/big_shuffle_bench.sh [RECORDS=12000000] [BUDGET=32m] [RANKS=3] [BUILD_DIR=build]
# Prints a Markdown table: wall time of the job and the executors' largest growth of resident
# memory (VmHWM minus VmRSS before the job), with the budget and without.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/mpi-env.sh
records=${1:-12000000}
budget=${2:-32m}
ranks=${3:-3}
build=${4:-build}

run() {  # op memory -> "seconds checksum growthMiB"
  mpirun -n "$ranks" --bind-to none "$build/bench/big_shuffle" "$1" "$records" \
    --conf kiln.executor.memory="$2" |
    awk '/ records / {t=$7; c=$NF} /growth/ && !/driver/ {if ($(NF-1)+0 > m) m=$(NF-1)+0} END {print t, c, m+0}'
}

echo "| operation | data MiB | budget | time, budget | time, unlimited | ratio | peak growth, budget | peak growth, unlimited |"
echo "|---|---|---|---|---|---|---|---|"
for op in reduceByKey groupByKey sortByKey join; do
  read -r t1 c1 g1 < <(run "$op" "$budget")
  read -r t2 c2 g2 < <(run "$op" 1t)
  [ "$c1" = "$c2" ] || { echo "checksums differ for $op: $c1 vs $c2" >&2; exit 1; }
  awk -v op="$op" -v r="$records" -v b="$budget" -v t1="$t1" -v t2="$t2" -v g1="$g1" -v g2="$g2" \
    'BEGIN {printf "| %s | %.0f | %s | %.2f s | %.2f s | %.2f | %d MiB | %d MiB |\n", op, r*16/1048576, b, t1, t2, t1/t2, g1, g2}'
done
