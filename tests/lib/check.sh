# Shared by the end-to-end test scripts (source it): `check NAME COMMAND...` runs the command,
# prints ok/FAIL and counts failures; `finish WHAT` reports and exits non-zero on any failure.
failures=0
check() {
  local name=$1
  shift
  if "$@"; then echo "ok: $name"; else echo "FAIL: $name"; failures=$((failures + 1)); fi
}
finish() {
  if [ $failures = 0 ]; then echo "all $1 checks passed"; else echo "$failures $1 check(s) failed"; fi
  exit $((failures > 0))
}
