#!/usr/bin/env bash
# What the event log costs: word count with and without kiln.eventLog.dir (which also writes the
# status file), alternating runs in the same session, median wall time per rank count.
#   bench/event_log_overhead.sh [BYTES=1073741824] [REPS=5] [BUILD_DIR=build] [SPLIT=32m]
# SPLIT is kiln.files.maxPartitionBytes: small splits mean many short tasks, the event log's
# worst case (two lines per task).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/mpi-env.sh
bytes=${1:-1073741824}
reps=${2:-5}
build=${3:-build}
split=${4:-32m}
mkdir -p bench/data
corpus=bench/data/zipf-$bytes.txt
[ -f "$corpus" ] || "$build/bench/gen_zipf_corpus" "$corpus" "$bytes" 1000000 42
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run_ms() {  # OUT RANKS ARGS...: wall milliseconds of one run
  local out=$1 n=$2
  shift 2
  rm -rf "$out"
  local s=$(date +%s%N)
  mpirun -n "$n" --bind-to none "$@" >/dev/null 2>&1
  echo $((($(date +%s%N) - s) / 1000000))
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "| ranks | without s | with event log s | with/without | event log lines |"
echo "|---|---|---|---|---|"
for n in ${RANKS:-1 3}; do
  : >"$work/off" && : >"$work/on"
  for ((r = 0; r < reps; r++)); do
    run_ms "$work/o1" "$n" "$build/apps/wordcount" "$corpus" "$work/o1" \
      --conf kiln.files.maxPartitionBytes="$split" >>"$work/off"
    rm -rf "$work/events"
    run_ms "$work/o2" "$n" "$build/apps/wordcount" "$corpus" "$work/o2" \
      --conf kiln.files.maxPartitionBytes="$split" --conf kiln.eventLog.dir="$work/events" >>"$work/on"
  done
  off=$(median <"$work/off")
  on=$(median <"$work/on")
  lines=$(cat "$work"/events/*.jsonl | wc -l)
  awk -v n="$n" -v a="$off" -v b="$on" -v l="$lines" \
    'BEGIN { printf "| %d | %.2f | %.2f | %.3f | %d |\n", n, a / 1000, b / 1000, b / a, l }'
done
