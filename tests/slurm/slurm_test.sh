#!/usr/bin/env bash
# Kiln on a real Slurm: starts a single-node cluster (slurm/local-cluster.sh), submits real jobs
# with kiln-submit and checks what they did, then stops the daemons it started.
#   tests/slurm/slurm_test.sh BUILD_DIR
# Exits 77 (skipped) when not root or Slurm is not installed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=$(cd "${1:?usage: slurm_test.sh BUILD_DIR}" && pwd)
submit=$repo/slurm/kiln-submit
wordcount=$build/apps/wordcount
failing=$build/tests/failing_job
slow=$build/tests/slow_sorted_count

if [ "$(id -u)" != 0 ] || ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  echo "skipped: needs root and Debian's slurm-wlm and munge"
  exit 77
fi
work=$(mktemp -d /tmp/kiln-slurm-test-XXXXXX)
cluster=$work/cluster
cleanup() {
  "$repo/slurm/local-cluster.sh" stop "$cluster"
  rm -rf "$work"
}
trap cleanup EXIT
"$repo/slurm/local-cluster.sh" start "$cluster" || exit 1
. "$cluster/env"
export SLURM_CONF

failures=0
check() {  # check NAME CONDITION-COMMAND...
  local name=$1
  shift
  if "$@"; then echo "ok: $name"; else echo "FAIL: $name"; failures=$((failures + 1)); fi
}
contains() { grep -q -- "$2" "$1" || { echo "  $1 lacks '$2':"; sed 's/^/  | /' "$1"; return 1; }; }
same_counts() {  # OUTDIR REFERENCE
  sort "$1"/part-* >"$work/got.txt"
  cmp -s "$work/got.txt" "$2" || { echo "  counts differ:"; diff "$work/got.txt" "$2" | head -5; return 1; }
}

# A corpus and its reference counts (awk).
for i in $(seq 2000); do echo "alpha beta gamma w$((i % 97)) beta w$((i % 13))"; done >"$work/corpus.txt"
tr -s ' ' '\n' <"$work/corpus.txt" | awk 'NF {c[$1]++} END {for (w in c) printf "%s\t%d\n", w, c[w]}' |
  sort >"$work/expected.txt"
logs=$work/logs

# 1. kiln-submit --wait: word count with 3 ranks through srun.
"$submit" --wait -n 2 --log-dir "$logs" -J wc --conf kiln.verbose=true "$wordcount" "$work/corpus.txt" "$work/out1" \
  2>"$work/submit1.err"
rc=$?
check "kiln-submit --wait runs word count on 3 ranks through srun" [ $rc = 0 ]
check "its output equals the reference" same_counts "$work/out1" "$work/expected.txt"
log1=$(ls "$logs"/kiln-wc-*.out 2>/dev/null | head -1)
check "the job log is in --log-dir and names 3 ranks" contains "${log1:-/dev/null}" "3 ranks x 1 cores"
# Two executors on one node (srun did not bind them) take different cores.
placed() { sed -n "s/^kiln: rank $2: task threads bound to cores \([0-9,-]*\) .*/\1/p" "$1"; }
check "the two executors' threads are bound to different cores" bash -c \
  "[ -n '$(placed "$log1" 1)' ] && [ -n '$(placed "$log1" 2)' ] && [ '$(placed "$log1" 1)' != '$(placed "$log1" 2)' ]"

check "its event log names the Slurm job" bash -c "grep -q '\"slurm_job_id\"' '$logs'/kiln-events/*slurm*.jsonl"
check "kiln-status reads its status file" bash -c \
  "/usr/bin/python3 '$repo/tools/kiln-status' --all '$logs/kiln-events' | grep -q 'finished after.*Slurm job'"

# 2. --emit-sbatch: a valid script that runs as it is.
"$submit" --emit-sbatch -n 2 --log-dir "$logs" -J emitted "$wordcount" "$work/corpus.txt" \
  "$work/out2" >"$work/job.sh"
check "--emit-sbatch prints a job script with srun --mpi=pmix" contains "$work/job.sh" "srun --mpi=pmix"
check "--emit-sbatch submits nothing" [ -z "$(squeue -h -n emitted)" ]
job=$(sbatch --parsable "$work/job.sh")
for _ in $(seq 120); do [ -z "$(squeue -h -j "$job")" ] && break; sleep 0.5; done
check "the emitted script runs under sbatch" contains "$logs/kiln-emitted-$job.out" "exit status 0"
check "and produces the reference counts" same_counts "$work/out2" "$work/expected.txt"

# 3. Allocation values reach the configuration (verbose mode prints where each came from).
"$submit" --wait -n 1 -c 2 -m 512M --log-dir "$logs" -J alloc --conf kiln.verbose=true \
  "$wordcount" "$work/corpus.txt" "$work/out3" 2>/dev/null
log3=$(ls "$logs"/kiln-alloc-*.out | head -1)
check "cores come from SLURM_CPUS_PER_TASK" contains "$log3" "executor cores 2 (SLURM_CPUS_PER_TASK)"
check "memory comes from SLURM_MEM_PER_CPU" contains "$log3" "executor memory 256 MiB (half of SLURM_MEM_PER_CPU x cores)"
check "the job id is seen" contains "$log3" "(SLURM_JOB_ID)"
check "--conf overrides the allocation" bash -c "'$submit' --wait -n 1 -m 512M --log-dir '$logs' -J over \
  --conf kiln.verbose=true --conf kiln.executor.memory=64m '$wordcount' '$work/corpus.txt' '$work/out4' 2>/dev/null &&
  grep -q 'executor memory 64 MiB (kiln.executor.memory)' '$logs'/kiln-over-*.out"

# 4. A failing program: non-zero exit from --wait, the failure in the log.
"$submit" --wait -n 2 --log-dir "$logs" -J fails "$failing" 2>/dev/null
rc=$?
check "a failing job's exit code is non-zero ($rc)" [ $rc != 0 ]
check "its log carries the failure" contains "$(ls "$logs"/kiln-fails-*.out | head -1)" "record 3 is poisoned"

# 5. --local runs now with mpirun, no Slurm involved.
"$submit" --local -n 2 "$wordcount" "$work/corpus.txt" "$work/out5" >/dev/null 2>&1
check "--local runs the program with mpirun" same_counts "$work/out5" "$work/expected.txt"

# 6. A job array counts slices of the inputs, a dependent job merges them exactly; a failed
# array task is rerun alone. The wrapper makes task 1 fail while the marker file exists (as if
# its node had died).
arr=$work/array
mkdir -p "$arr/in"
for i in $(seq 0 6); do sed -n "$((i * 300 + 1)),$((i * 300 + 300))p" "$work/corpus.txt" >"$arr/in/f$i.txt"; done
cat >"$arr/wrapper.sh" <<WRAP
#!/bin/bash
[ "\$SLURM_ARRAY_TASK_ID" = 1 ] && [ -e "$arr/fail-task-1" ] && { echo "task 1 lost" >&2; exit 3; }
exec "$build/apps/array_wordcount" "\$@"
WRAP
chmod +x "$arr/wrapper.sh"
touch "$arr/fail-task-1"
"$submit" --wait --array 0-2 -n 1 --log-dir "$logs" -J arr "$arr/wrapper.sh" count 3 "$arr/in" \
  "$arr/partials" 2>/dev/null
rc=$?
check "a job array with a failed task reports it ($rc)" [ $rc != 0 ]
check "the other array tasks completed" [ -e "$arr/partials/task-0/_SUCCESS" -a -e "$arr/partials/task-2/_SUCCESS" ]
check "each task counted its own slice" contains "$(ls "$logs"/kiln-arr-*_2.out | head -1)" "array task 2 (3 of 3): 2 file(s)"
"$submit" --wait -n 1 --log-dir "$logs" -J merge1 "$build/apps/array_wordcount" merge \
  "$arr/partials" 3 "$arr/out-early" 2>/dev/null
check "the merge refuses incomplete partial results" [ $? != 0 ]
check "naming the missing task" contains "$(ls "$logs"/kiln-merge1-*.out | head -1)" "array task(s) 1 in"
rm "$arr/fail-task-1"
"$submit" --wait --array 1 -n 1 --log-dir "$logs" -J arr "$arr/wrapper.sh" count 3 "$arr/in" \
  "$arr/partials" 2>/dev/null
check "the failed array task reruns alone" [ $? = 0 -a -e "$arr/partials/task-1/_SUCCESS" ]
job=$("$submit" -n 2 --log-dir "$logs" -J merge2 "$build/apps/array_wordcount" merge \
  "$arr/partials" 3 "$arr/out" 2>&1 | sed -n 's/.*submitted job \([0-9]*\).*/\1/p')
"$submit" --wait --dependency "afterok:$job" -n 1 --log-dir "$logs" -J after "$wordcount" \
  "$arr/out" "$arr/recount" 2>/dev/null
check "a dependent job starts after the merge" [ -e "$arr/recount/_SUCCESS" ]
check "the merged counts equal one word count over all inputs" same_counts "$arr/out" "$work/expected.txt"

# 7. Time limits: USR1 (as Slurm sends before the limit; here by scancel) stops the job at a
# safe point with status 75, its shuffles saved; --resume continues it to the same output as
# an uninterrupted run, without recomputing them. The last stage writes slowly (0.8 s a task).
tl=$work/timelimit
mkdir -p "$tl"
"$submit" --local -n 2 "$slow" "$work/corpus.txt" "$tl/reference" "$tl/marker0" 0 >/dev/null 2>&1
wait_for_file() { for _ in $(seq 600); do [ -e "$1" ] && return 0; sleep 0.1; done; return 1; }
job_exit_code() {  # JOBID: waits for the job, prints its exit code
  while [ -n "$(squeue -h -j "$1" -o %i 2>/dev/null)" ]; do sleep 0.3; done
  scontrol show job "$1" | sed -n 's/.*ExitCode=\([0-9]*\):.*/\1/p'
}
job=$("$submit" -n 2 --log-dir "$logs" -J tl "$slow" "$work/corpus.txt" "$tl/out" "$tl/marker1" 800 \
  2>&1 | sed -n 's/.*submitted job \([0-9]*\).*/\1/p')
wait_for_file "$tl/marker1" && scancel --signal=USR1 --batch "$job"
check "a job signalled with USR1 exits with status 75" [ "$(job_exit_code "$job")" = 75 ]
check "its log says it stopped at a safe point and saved 2 shuffles" \
  contains "$logs/kiln-tl-$job.out" "stopped at a safe point: SIGUSR1 received; 2 shuffle(s) saved"
check "the saved shuffles are HDF5 files" bash -c "h5dump -H '$logs'/kiln-checkpoints/shuffle-*/executor-1.h5 | grep -q 'DATASET \"index\"'"
check "the stopped job left no partial output" [ ! -e "$tl/out" ]
"$submit" --resume "$job" --wait --log-dir "$logs" 2>"$tl/resume.err"
check "kiln-submit --resume runs it again to completion" [ $? = 0 ]
log=$(ls "$logs"/kiln-tl-*.out | grep -v "kiln-tl-$job.out" | head -1)
check "the resumed job loaded both shuffles" bash -c "[ \$(grep -c 'resumed from' '${log:-/dev/null}') = 2 ]"
check "its output is identical to an uninterrupted run's" \
  bash -c "cat '$tl'/reference/part-* >'$tl/a'; cat '$tl'/out/part-* >'$tl/b'; [ -s '$tl/a' ] && cmp -s '$tl/a' '$tl/b'"
# Requeue: the job requeues itself on status 75 and resumes; --wait sees the final run.
"$submit" --wait --requeue -n 2 --log-dir "$logs" -J rq "$slow" "$work/corpus.txt" "$tl/out-rq" \
  "$tl/marker2" 800 2>/dev/null &
waiter=$!
rq=""
for _ in $(seq 300); do rq=$(squeue -h -n rq -o %i | head -1); [ -n "$rq" ] && break; sleep 0.1; done
wait_for_file "$tl/marker2" && scancel --signal=USR1 --batch "$rq"
# (Slurm lets a requeued job start again once its old credential expired: 5 s on the test
# cluster, 120 s by default.)
wait $waiter
check "a --requeue job stopped by USR1 requeues, resumes and succeeds" [ $? = 0 ]
check "with the same output" bash -c "cat '$tl'/out-rq/part-* >'$tl/c'; cmp -s '$tl/a' '$tl/c'"

# 8. Bad usage is refused before anything is submitted.
"$submit" --executors zero "$wordcount" >/dev/null 2>"$work/bad.err"
check "bad option values are refused with exit 2" [ $? = 2 ]
check "naming the option" contains "$work/bad.err" "--executors zero"

[ $failures = 0 ] && echo "all Slurm checks passed" || echo "$failures Slurm check(s) failed"
exit $((failures > 0))
