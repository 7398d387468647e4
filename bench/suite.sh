#!/usr/bin/env bash
# The benchmark suite (issue 7): every workload with Kiln and two baselines in the same run.
#   bench/suite.sh [--size small|1g] [--reps R] [--ranks "1 2 3"]
#                  [--workloads "wordcount terasort pagerank kmeans"] [--data DIR] [BUILD_DIR]
# For each workload, Kiln (apps/), the hand-written MPI+OpenMP baseline (bench/baselines/*_mpi,
# same rank count as Kiln) and the single-threaded baseline (bench/baselines/*_seq, one process,
# one thread: the COST baseline) run R times each, alternating: rep 0 runs the single-thread
# program, then Kiln and MPI for each rank count ascending; rep 1 runs the same in reverse, and
# so on, so slow drift of the machine cancels. Every output is checked against the first
# single-thread output (a mismatch stops the script with exit 1, naming the workload and rank
# count). Prints a Markdown table: median wall seconds (mpirun start-up included; the
# single-thread program runs without mpirun and its time is repeated in every row), throughput,
# peak memory (max RSS of each rank, from /usr/bin/time, the largest over the reps), the
# ratios Kiln/MPI and Kiln/single-thread, and the best Kiln/single-thread a perfectly scaling
# program could score under mpirun (after each pair, an MPI program that only starts and stops
# runs with the same rank count); then the input sizes, reps and cores.
#   small: wordcount 8 MiB, terasort 1e5 records, pagerank 2^14 vertices and 2e5 edges,
#          kmeans 2e5 points (the ctest BenchSuiteSmoke runs this).
#   1g:    wordcount 1 GiB Zipf corpus, terasort 1 GiB (10737418 records), pagerank 2^20
#          vertices and 1e7 edges, kmeans 1e7 2-D points (text). 10 iterations, k = 10.
# Then, in the same run: the shuffle microbenchmark (bench/shuffle_bench.sh: Kiln's shuffle
# against a raw MPI_Alltoallv of the same records; 2e5 records small, 1e7 at 1g) and the latency
# of a trivial job (build/bench/trivial_job) for each rank count.
# Inputs are generated into DIR (default bench/data) when missing. BUILD_DIR defaults to build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
size=small reps=1 ranks="1 2 3" workloads="wordcount terasort pagerank kmeans"
data=$root/bench/data build=$root/build
usage() { sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --size) size=${2:?}; shift 2 ;;
    --reps) reps=${2:?}; shift 2 ;;
    --ranks) ranks=${2:?}; shift 2 ;;
    --workloads) workloads=${2:?}; shift 2 ;;
    --data) data=${2:?}; shift 2 ;;
    -h | --help) usage ;;
    BUILD_DIR=*) build=${1#BUILD_DIR=}; shift ;;
    -*) echo "suite.sh: unknown option $1" >&2; usage ;;
    *) build=$1; shift ;;
  esac
done
case $size in
  small)
    wc_bytes=8388608 tera_rows=100000 tera_name=tera-100000
    pr_vertices=16384 pr_edges=200000 graph_name=graph-16384-200000
    km_points=200000 points_name=points-200000 shuffle_records=200000 trivial_jobs=200 ;;
  1g)
    wc_bytes=1073741824 tera_rows=10737418 tera_name=tera-1g
    pr_vertices=1048576 pr_edges=10000000 graph_name=graph-1e7
    km_points=10000000 points_name=points-1e7-10files shuffle_records=10000000 trivial_jobs=1000 ;;
  *) echo "suite.sh: --size must be small or 1g" >&2; exit 2 ;;
esac
# (points-1e7-10files: gen_points wrote 11 files of these points before it kept to one per 1e6.)
iterations=10 km_k=10
[[ $reps =~ ^[1-9][0-9]*$ ]] || { echo "suite.sh: --reps must be a positive number" >&2; exit 2; }
for w in $workloads; do
  case $w in wordcount | terasort | pagerank | kmeans) ;; *)
    echo "suite.sh: unknown workload $w" >&2; exit 2 ;;
  esac
done
for n in $ranks; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "suite.sh: bad rank count '$n'" >&2; exit 2; }
done
build=$(cd "$build" && pwd)
mkdir -p "$data"
data=$(cd "$data" && pwd)
for prog in apps/{wordcount,teragen,terasort,teravalidate,gen_graph,pagerank,gen_points,kmeans} \
  bench/gen_zipf_corpus bench/baselines/{wordcount,terasort,pagerank,kmeans}_{mpi,seq} \
  bench/baselines/mpi_startup; do
  [ -x "$build/$prog" ] || { echo "suite.sh: $build/$prog is missing (build it first)" >&2; exit 2; }
done
. "$root/scripts/mpi-env.sh"
cores=$(nproc)
work=$(mktemp -d /tmp/kiln-suite-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"  # nothing any program writes lands in the source tree

# --- inputs -------------------------------------------------------------------------------------
generate() {  # TARGET COMMAND...: runs COMMAND writing TARGET.tmp, then renames it to TARGET
  local target=$1
  shift
  [ -e "$target" ] && return 0
  echo "generating $target ..." >&2
  rm -rf "$target.tmp"
  if ! "$@" >"$work/gen.log" 2>&1; then
    echo "suite.sh: generating $target failed:" >&2
    tail -20 "$work/gen.log" >&2
    exit 1
  fi
  mv "$target.tmp" "$target"
}
corpus=$data/zipf-$wc_bytes.txt tera=$data/$tera_name graph=$data/$graph_name
points=$data/$points_name
for w in $workloads; do
  case $w in
    wordcount) generate "$corpus" "$build/bench/gen_zipf_corpus" "$corpus.tmp" "$wc_bytes" 1000000 42 ;;
    terasort) generate "$tera" mpirun -n 1 --bind-to none "$build/apps/teragen" "$tera_rows" "$tera.tmp" ;;
    pagerank) generate "$graph" mpirun -n 1 --bind-to none "$build/apps/gen_graph" "$pr_vertices" \
      "$pr_edges" "$graph.tmp" ;;
    kmeans) generate "$points" mpirun -n 1 --bind-to none "$build/apps/gen_points" "$km_points" 2 10 \
      "$points.tmp" ;;
  esac
done

# --- running and timing -------------------------------------------------------------------------
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# run_timed WORKLOAD TAG N OUT COMMAND...: runs COMMAND under mpirun -n N (directly for N = 0),
# appends its wall milliseconds to $work/TAG.ms and each rank's max RSS (MiB, "a/b/c") to
# $work/TAG.mem. Stops the suite if it fails.
run_timed() {
  local workload=$1 tag=$2 n=$3 out=$4
  shift 4
  rm -rf "$out" "$work"/mem.*
  local rc=0 s
  s=$(date +%s%N)
  if [ "$n" = 0 ]; then
    /usr/bin/time -f %M -o "$work/mem.0" "$@" >"$work/run.log" 2>&1 || rc=$?
  else
    local over=
    [ "$n" -gt "$cores" ] && over=--oversubscribe
    mpirun -n "$n" --bind-to none $over \
      sh -c 'exec /usr/bin/time -f %M -o "$0.$OMPI_COMM_WORLD_RANK" "$@"' "$work/mem" "$@" \
      >"$work/run.log" 2>&1 || rc=$?
  fi
  local ms=$((($(date +%s%N) - s) / 1000000))
  if [ "$rc" != 0 ]; then
    local who="the single-thread baseline (1 process)"
    [ "$n" != 0 ] && who="$([[ $tag == kiln-* ]] && echo Kiln || echo "the MPI+OpenMP baseline") at -n $n"
    echo "FAILED: $workload, $who: exit status $rc. Its last output:" >&2
    tail -20 "$work/run.log" >&2
    exit 1
  fi
  echo "$ms" >>"$work/$tag.ms"
  local mem='' r
  for ((r = 0; r < (n > 0 ? n : 1); r++)); do
    mem+=${mem:+/}$(($(tail -1 "$work/mem.$r") / 1024))
  done
  echo "$mem" >>"$work/$tag.mem"
}

# The largest value of each rank over the lines of a .mem file: "a/b/c".
peak_mem() {
  awk -F/ '{ for (i = 1; i <= NF; i++) if ($i + 0 > m[i] + 0) m[i] = $i; if (NF > n) n = NF }
    END { for (i = 1; i <= n; i++) printf "%s%s", (i > 1 ? "/" : ""), m[i]; print "" }' "$1"
}

# --- answers ------------------------------------------------------------------------------------
# close_files A B REL ABS: the same lines and fields; integer fields equal, other numbers within
# REL relative or ABS absolute difference. Prints the first difference.
close_files() {
  if [ ! -s "$1" ] || [ ! -s "$2" ]; then echo "an output is empty"; return 1; fi
  awk -v rel="$3" -v abs="$4" '
    NR == FNR { a[FNR] = $0; na = FNR; next }
    {
      nb = FNR
      n = split(a[FNR], x); m = split($0, y)
      if (n != m) { print "line " FNR ": \"" a[FNR] "\" against \"" $0 "\""; bad = 1; exit }
      for (i = 1; i <= n; i++) {
        if (x[i] ~ /^-?[0-9]+$/ && y[i] ~ /^-?[0-9]+$/) { if (x[i] != y[i]) break; continue }
        d = x[i] - y[i]; d = d < 0 ? -d : d
        s = x[i] < 0 ? -x[i] : x[i]; t = y[i] < 0 ? -y[i] : y[i]; s = t > s ? t : s
        if (d > rel * s && d > abs) break
      }
      if (i <= n) { print "line " FNR ": \"" a[FNR] "\" against \"" $0 "\""; bad = 1; exit }
    }
    END { if (!bad && na != nb) { print na " lines against " nb; bad = 1 }; exit bad }' "$1" "$2"
}

# canonical WORKLOAD OUT: what must agree, in a comparable form.
canonical() {
  case $1 in
    wordcount) cat "$2"/part-* | LC_ALL=C sort ;;
    terasort) cat "$2"/part-* | sha256sum ;;
    pagerank) cat "$2"/part-* | LC_ALL=C sort -n -k1,1 ;;
    kmeans) cat "$2/centres.txt" "$2/cost.txt" ;;
  esac
}
# check WORKLOAD WHO N OUT: compares OUT with the reference, the first single-thread output.
check() {
  local workload=$1 who=$2 n=$3 out=$4 ref=$work/ref-$1 why=
  canonical "$workload" "$out" >"$work/canon"
  if [ ! -e "$ref" ]; then
    mv "$work/canon" "$ref"
    if [ "$workload" = terasort ]; then mv "$out" "$work/ref-terasort-out"; fi
    return 0
  fi
  case $workload in
    wordcount) cmp -s "$work/canon" "$ref" || why="different word counts" ;;
    terasort)
      # Byte identity, or (possible only with equal keys, which may come out in another order)
      # both outputs sorted and holding the input's records, as teravalidate checks.
      if ! cmp -s "$work/canon" "$ref"; then
        if ! teravalidate_ok "$out"; then
          why="not byte-identical, and teravalidate rejects it"
        elif ! teravalidate_ok "$work/ref-terasort-out"; then
          why="not byte-identical, and teravalidate rejects the single-thread output"
        fi
      fi ;;
    pagerank) why=$(close_files "$ref" "$work/canon" 1e-9 1e-15) || why="ranks differ: $why" ;;
    kmeans) why=$(close_files "$ref" "$work/canon" 1e-9 1e-12) || why="centres or costs differ: $why" ;;
  esac
  if [ -n "$why" ]; then
    echo "MISMATCH: $workload at -n $n: the $who output differs from the single-thread baseline's ($why)" >&2
    exit 1
  fi
}
teravalidate_ok() {
  mpirun -n 1 --bind-to none "$build/apps/teravalidate" "$1" --input "$tera" >"$work/validate.log" 2>&1 &&
    grep -q "ok:" "$work/validate.log"
}

# --- the loop -----------------------------------------------------------------------------------
# command WORKLOAD kiln|mpi|seq OUT: sets cmd to the program and its arguments.
command_for() {
  local p=$build/bench/baselines/$1_$2
  [ "$2" = kiln ] && p=$build/apps/$1
  case $1 in
    wordcount) cmd=("$p" "$corpus" "$3") ;;
    terasort) cmd=("$p" "$tera" "$3") ;;
    pagerank) cmd=("$p" "$graph" "$3" --iterations "$iterations") ;;
    kmeans) cmd=("$p" "$points" "$km_k" "$3" --iterations "$iterations") ;;
  esac
}
run_seq() {  # WORKLOAD
  command_for "$1" seq "$work/out"
  run_timed "$1" seq 0 "$work/out" "${cmd[@]}"
  check "$1" single-thread 1 "$work/out"
}
run_pair() {  # WORKLOAD N FIRST SECOND: kiln and mpi in that order, then the MPI start-up floor
  local who
  for who in "$3" "$4"; do
    command_for "$1" "$who" "$work/out"
    run_timed "$1" "$who-$2" "$2" "$work/out" "${cmd[@]}"
    check "$1" "$([ "$who" = kiln ] && echo Kiln || echo MPI+OpenMP)" "$2" "$work/out"
  done
  run_timed "$1" "startup-$2" "$2" "$work/out" "$build/bench/baselines/mpi_startup"
}

tera_bytes() { stat -c %s "$tera"/part-* | awk '{ s += $1 } END { print s }'; }
point_count() { cat "$points"/part-* | grep -c '[^[:space:]]'; }
reversed=$(tr -s ' ' '\n' <<<"$ranks" | tac | tr '\n' ' ')
rows=$work/rows
: >"$rows"
for w in $workloads; do
  rm -f "$work"/*.ms "$work"/*.mem
  for ((rep = 0; rep < reps; rep++)); do
    echo "$w: rep $((rep + 1))/$reps" >&2
    if ((rep % 2 == 0)); then
      run_seq "$w"
      for n in $ranks; do run_pair "$w" "$n" kiln mpi; done
    else
      for n in $reversed; do run_pair "$w" "$n" mpi kiln; done
      run_seq "$w"
    fi
  done
  rm -rf "$work/ref-terasort-out"
  case $w in
    wordcount) amount=$(stat -c %s "$corpus") unit="MB/s" scale=1e6 ;;
    terasort) amount=$(tera_bytes) unit="MB/s" scale=1e6 ;;
    pagerank) amount=$(($(cat "$graph"/part-* | wc -l) * iterations)) unit="M edges/s" scale=1e6 ;;
    kmeans) amount=$(($(point_count) * iterations)) unit="M points/s" scale=1e6 ;;
  esac
  s=$(median <"$work/seq.ms") smem=$(peak_mem "$work/seq.mem")
  for n in $ranks; do
    k=$(median <"$work/kiln-$n.ms") b=$(median <"$work/mpi-$n.ms")
    f=$(median <"$work/startup-$n.ms")
    awk -v w="$w" -v n="$n" -v k="$k" -v b="$b" -v s="$s" -v a="$amount" -v sc="$scale" \
      -v u="$unit" -v km="$(peak_mem "$work/kiln-$n.mem")" -v bm="$(peak_mem "$work/mpi-$n.mem")" \
      -v sm="$smem" -v f="$f" -v c="$cores" 'BEGIN {
        printf "| %s | %d | %.2f | %.2f | %.2f | %.1f %s | %.1f %s | %.1f %s | %s | %s | %s | %.2f | %.2f | %.2f |\n",
          w, n, k / 1000, b / 1000, s / 1000, a / sc / (k / 1000), u, a / sc / (b / 1000), u,
          a / sc / (s / 1000), u, km, bm, sm, k / b, k / s, (f + s / c) / s }' >>"$rows"
  done
done

echo "| workload | ranks | Kiln s | MPI+OpenMP s | 1-thread s | Kiln rate | MPI+OpenMP rate | 1-thread rate | Kiln MiB per rank | MPI+OpenMP MiB per rank | 1-thread MiB | Kiln/MPI+OpenMP | Kiln/1-thread | ideal/1-thread |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
cat "$rows"
echo
echo "Inputs ($size):"
for w in $workloads; do
  case $w in
    wordcount) echo "- wordcount: $corpus, $(stat -c %s "$corpus") bytes, $(wc -l <"$work/ref-wordcount") distinct words" ;;
    terasort) echo "- terasort: $tera, $(($(tera_bytes) / 100)) records of 100 bytes" ;;
    pagerank) echo "- pagerank: $graph, $(cat "$graph"/part-* | wc -l) edges, $(wc -l <"$work/ref-pagerank") vertices, $iterations iterations, damping 0.85 (rate: edges x iterations per second)" ;;
    kmeans) echo "- kmeans: $points, $(point_count) points of dimension 2 (text), k = $km_k, $iterations iterations (rate: points x iterations per second)" ;;
  esac
done
echo "Median of $reps run(s) each, alternating; wall time with mpirun start-up for Kiln and MPI+OpenMP, without for the 1-thread program (one run per rep, its time repeated in each row). MiB per rank: max RSS of each rank (Kiln: driver first), largest over the reps. $cores cores; Kiln -n 1 is local mode. All outputs agreed with the 1-thread baseline's. ideal/1-thread: the best Kiln/1-thread any program under mpirun could score here, (F + T / $cores) / T, where T is the 1-thread time and F the median wall time of an MPI program that only starts and stops (bench/baselines/mpi_startup, run after each pair with the same rank count): the 1-thread work spread over the cores with no loss, plus the start-up every MPI program pays."

# The shuffle microbenchmark and the latency of a trivial job, in the same run (a checksum
# mismatch in the shuffle benchmark stops the script like any other disagreement).
echo
echo "Shuffle: Kiln's partitionBy against a raw MPI_Alltoallv of the same $shuffle_records records of 100 bytes (bench/shuffle_bench.sh):"
echo
RANKS="$ranks" "$root/bench/shuffle_bench.sh" "$shuffle_records" "$reps" "$build" 2>/dev/null
echo
echo "Latency of a trivial job: parallelize({1}, 1).count(), $trivial_jobs times after 50 warm-up jobs (target: under 1 ms):"
echo
echo "| ranks | jobs | median µs | 90th percentile µs |"
echo "|---|---|---|---|"
for n in $ranks; do
  mpirun -n "$n" --bind-to none "$build/bench/trivial_job" "$trivial_jobs"
done
