#!/usr/bin/env bash
# Shuffle throughput: Kiln's partitionBy (bench/shuffle_micro) against the same exchange written
# with a raw MPI_Alltoallv (bench/baselines/alltoallv_raw), on the same records and cores.
#   bench/shuffle_bench.sh [RECORDS=10000000] [REPS=3] [BUILD_DIR=build]
# Environment: PARTITIONS (reduce partitions, 16), RANKS (Kiln rank counts, "1 2 3"), SHUFFLES
# (timed shuffles per process, 3).
# The raw program gets the ranks that hold data in Kiln and the same cores per rank:
#   Kiln -n 1 (local mode: one process, the shuffle is a local regrouping)  raw: 1 rank
#   Kiln -n 2 (driver + 1 executor: the exchange stays in the executor)    raw: 1 rank
#   Kiln -n 3 (driver + 2 executors: MPI_Alltoallv between them)           raw: 2 ranks
# each raw rank with OMP_NUM_THREADS = cores / raw ranks, as Kiln gives each executor cores /
# executors task threads. A one-rank raw run packs the records by partition and stops there (an
# exchange with itself would only copy them again). Runs alternate Kiln and raw, REPS each, in
# fresh processes; each process shuffles the same in-memory records SHUFFLES times. The first
# shuffle of a process is "cold": its buffers are fresh memory, whose pages the kernel must fault
# in and zero (expensive in a VM); the later ones are "warm": Kiln's allocator hands back memory
# the first one freed, the raw program reuses its buffers. Every shuffle's checksum must agree.
# Prints a Markdown table of the medians, cold and warm (the bytes are the records' 100 bytes
# each, all of which go through the shuffle, including those that stay on their rank).
# On a shared machine a run that other processes took CPU from (more than a tenth of the busy
# time, from /proc/stat) is run again, up to 3 attempts; stderr shows every run.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/mpi-env.sh
records=${1:-10000000}
reps=${2:-3}
build=${3:-build}
parts=${PARTITIONS:-16}
ranks_list=${RANKS:-1 2 3}
shuffles=${SHUFFLES:-3}
cores=$(nproc)
hz=$(getconf CLK_TCK)
log=$(mktemp)
cpu=$(mktemp)
trap 'rm -f "$log" "$cpu"' EXIT

field() {  # NAME LINE -> the value of NAME=... in LINE
  sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"
}
seconds() {  # LINES -> their seconds= values, one a line
  sed -n 's/.* seconds=\([^ ]*\).*/\1/p' <<<"$1"
}
median() {
  grep . | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'
}
fail() {
  echo "$1" >&2
  cat "$log" >&2
  exit 1
}
busy() {  # CPU seconds the machine has been busy
  awk -v hz="$hz" '/^cpu / {print ($2 + $3 + $4 + $7 + $8 + $9) / hz}' /proc/stat
}
children() {  # sets `kids` to the CPU seconds of this shell's finished children (no subshell:
  times >"$cpu"  # a subshell's `times` would not see them)
  kids=$(awk 'NR == 2 {split($1, u, /[ms]/); split($2, s, /[ms]/); print u[1] * 60 + u[2] + s[1] * 60 + s[2]}' "$cpu")
}

# run PREFIX CMD...: runs CMD until no other process took much CPU meanwhile; sets `out` to
# its lines starting with PREFIX.
run() {
  local prefix=$1 b0 c0 b1 c1 other total
  shift
  for _ in 1 2 3; do
    b0=$(busy)
    children
    c0=$kids
    out=$("$@" 2>"$log" | grep "^$prefix ") || fail "failed: $*"
    b1=$(busy)
    children
    c1=$kids
    [ "$(wc -l <<<"$out")" -eq "$shuffles" ] || fail "missing output: $*"
    read -r other total < <(awk -v b0="$b0" -v b1="$b1" -v c0="$c0" -v c1="$c1" \
      'BEGIN {printf "%.2f %.2f\n", (b1 - b0) - (c1 - c0), b1 - b0}')
    if awk -v o="$other" -v t="$total" 'BEGIN {exit !(o > 0.1 * t && o > 0.2)}'; then
      echo "  ($prefix run disturbed: other processes used $other s of $total s CPU; again)" >&2
      continue
    fi
    return 0
  done
  echo "  ($prefix run kept although disturbed)" >&2
}
check() {  # LINES: every shuffle's checksum equals the first one seen
  local c
  while read -r c; do
    [ -z "$checksum" ] && checksum=$c
    [ "$c" = "$checksum" ] || fail "checksums differ for -n $n: $c, $checksum"
  done < <(sed -n 's/.* checksum=\([^ ]*\).*/\1/p' <<<"$1")
}
row() {  # WHAT KILN_SECONDS RAW_SECONDS (lists)
  local ks rs
  ks=$(median <<<"$2")
  rs=$(median <<<"$3")
  awk -v n="$n" -v w="$1" -v e="$execs" -v t="$threads" -v b="$bytes" -v ks="$ks" -v rs="$rs" 'BEGIN {
    printf "| %d | %s | %d x %d | %d x %d | %.2f GB | %.3f | %.3f | %.2f | %.2f | %.0f %% |\n",
      n, w, e, t, e, t, b / 1e9, ks, rs, b / ks / 1e9, b / rs / 1e9, 100 * rs / ks }'
}

echo "| Kiln ranks | shuffle | Kiln executors x threads | raw ranks x threads | bytes | Kiln s | raw s | Kiln GB/s | raw GB/s | Kiln/raw |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for n in $ranks_list; do
  execs=$((n > 1 ? n - 1 : 1))
  threads=$((cores / execs > 0 ? cores / execs : 1))
  kiln_cold="" kiln_warm="" raw_cold="" raw_warm="" checksum="" bytes=""
  for ((rep = 0; rep < reps; rep++)); do
    run kiln mpirun -n "$n" --bind-to none --oversubscribe "$build/bench/shuffle_micro" \
      "$records" "$parts" "$shuffles" --conf kiln.ui.showConsoleProgress=false
    kiln=$out
    run raw env OMP_NUM_THREADS="$threads" mpirun -n "$execs" --bind-to none --oversubscribe \
      -x OMP_NUM_THREADS "$build/bench/baselines/alltoallv_raw" "$records" "$parts" "$shuffles"
    raw=$out
    check "$kiln"
    check "$raw"
    bytes=$(field bytes "$(head -1 <<<"$kiln")")
    ks=$(seconds "$kiln")
    rs=$(seconds "$raw")
    kiln_cold+="$(head -1 <<<"$ks")"$'\n'
    raw_cold+="$(head -1 <<<"$rs")"$'\n'
    kiln_warm+="$(tail -n +2 <<<"$ks")"$'\n'
    raw_warm+="$(tail -n +2 <<<"$rs")"$'\n'
    last=$(tail -1 <<<"$raw")
    echo "  -n $n run $((rep + 1)): Kiln" "${ks//$'\n'/ }" "s; raw" "${rs//$'\n'/ }" "s (last: pack $(field pack "$last")," \
      "exchange $(field exchange "$last"), sum $(field sum "$last"))" >&2
  done
  row cold "$kiln_cold" "$raw_cold"
  if [ "$shuffles" -gt 1 ]; then row warm "$kiln_warm" "$raw_warm"; fi
done
