#!/usr/bin/env bash
# TeraSort end to end with real ranks: teragen, terasort under 1, 2 and 3 ranks (identical
# output each time), teravalidate accepting it and catching broken outputs; bad input refused.
#   tests/programs/terasort_test.sh BUILD_DIR
set -uo pipefail
build=$(cd "${1:?usage: terasort_test.sh BUILD_DIR}" && pwd)
apps=$build/apps
work=$(mktemp -d /tmp/kiln-terasort-test-XXXXXX)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/../lib/check.sh"

mpirun -n 3 "$apps/teragen" 200000 "$work/in" --partitions 5 >/dev/null 2>&1
check "teragen writes 200000 records" [ "$(cat "$work"/in/part-* | wc -c)" = 20000000 ]
mpirun -n 1 "$apps/teragen" 200000 "$work/in1" --partitions 2 >/dev/null 2>&1
check "the same records for any partitioning and rank count" \
  bash -c "cat '$work'/in/part-* | cmp -s - <(cat '$work'/in1/part-*)"
for n in 1 2 3; do
  mpirun -n $n "$apps/terasort" "$work/in" "$work/out$n" --partitions 4 >/dev/null 2>"$work/err$n"
  check "terasort under $n rank(s)" [ -e "$work/out$n/_SUCCESS" ]
  mpirun -n $n "$apps/teravalidate" "$work/out$n" --input "$work/in" >"$work/val$n" 2>&1
  check "teravalidate accepts it: sorted, the same records" grep -q "ok: 200000 records in order" "$work/val$n"
done
check "the output is identical for 1, 2 and 3 ranks" bash -c \
  "cat '$work'/out1/part-* >'$work/a'; cat '$work'/out3/part-* >'$work/b'; cat '$work'/out2/part-* | cmp -s - '$work/a' && cmp -s '$work/a' '$work/b'"
# Against sort(1) on the keys: the same key order.
check "keys come out in unsigned byte order (as sort -C agrees)" bash -c \
  "cat '$work'/out1/part-* | od -An -v -tx1 -w100 | cut -c1-30 | LC_ALL=C sort -C"

# Broken outputs: two records swapped within a file; a record replaced.
mkdir -p "$work/bad1" && cp "$work"/out1/part-* "$work/bad1/"
f=$(ls "$work"/bad1/part-* | head -1)
/usr/bin/python3 - "$f" <<'PY'
import sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
a, b = data[1000:1100], data[2000:2100]
data[1000:1100], data[2000:2100] = b, a
open(path, "wb").write(data)
PY
mpirun -n 2 "$apps/teravalidate" "$work/bad1" >"$work/bad1.out" 2>&1
check "teravalidate rejects records out of order, naming where" \
  bash -c "[ $? = 1 ] && grep -q 'FAILED: partition 0, record' '$work/bad1.out'"
mkdir -p "$work/bad2" && cp "$work"/out1/part-* "$work/bad2/"
f=$(ls "$work"/bad2/part-* | tail -1)
/usr/bin/python3 - "$f" <<'PY'
import sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
data[-100:] = b"\xff" * 10 + b"X" * 90  # a largest key: still in order, but not an input record
open(path, "wb").write(data)
PY
mpirun -n 2 "$apps/teravalidate" "$work/bad2" --input "$work/in" >"$work/bad2.out" 2>&1
check "teravalidate rejects an output whose records differ from the input" \
  bash -c "[ $? = 1 ] && grep -q 'differ from the input' '$work/bad2.out'"

# Bad input: a file that is not whole records.
mkdir -p "$work/odd" && head -c 250 "$work/in/part-00000" >"$work/odd/part-00000"
mpirun -n 2 "$apps/terasort" "$work/odd" "$work/oddout" >/dev/null 2>"$work/odd.err"
check "terasort refuses a file of partial records, naming it" \
  bash -c "[ $? != 0 ] && grep -q 'odd/part-00000 has 250 bytes, not a whole number of 100-byte records' '$work/odd.err'"
"$apps/teragen" lots "$work/x" >/dev/null 2>"$work/arg.err"
check "teragen refuses a bad row count" bash -c "[ $? = 2 ] && grep -q \"not 'lots'\" '$work/arg.err'"

finish TeraSort
