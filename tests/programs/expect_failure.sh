#!/usr/bin/env bash
# Runs a failing Kiln program under mpirun and checks that the whole job exits non-zero within
# a time limit and that stderr carries the expected message.
#   expect_failure.sh RANKS SECONDS MESSAGE PROGRAM [ARGS...]
set -u
ranks=$1 limit=$2 message=$3
shift 3
err=$(mktemp)
start=$(date +%s%N)
timeout $((limit + 30)) mpirun -n "$ranks" --oversubscribe --bind-to none "$@" 2>"$err" >/dev/null
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
fail() { echo "FAIL: $1"; cat "$err"; rm -f "$err"; exit 1; }
[ "$rc" -ne 0 ] || fail "exit code 0"
[ "$rc" -ne 124 ] || fail "hung (killed by timeout)"
grep -q -- "$message" "$err" || fail "stderr lacks '$message'"
[ "$ms" -le $((limit * 1000)) ] || fail "took ${ms} ms > ${limit} s"
echo "ok: exit $rc after ${ms} ms with the message"
rm -f "$err"
