#!/usr/bin/env bash
# reduce-events end to end with real ranks: a generated event file reduced under 1, 2 and 3
# ranks, every output dataset checked with h5py against numpy; the same reduction from a config
# file; bad expressions, columns, options and inputs.
#   tests/programs/reduce_events_test.sh BUILD_DIR
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: reduce_events_test.sh BUILD_DIR}" && pwd)
apps=$build/apps
py=/usr/bin/python3
work=$(mktemp -d /tmp/kiln-reduce-test-XXXXXX)
trap 'rm -rf "$work"' EXIT
. "$(dirname "$0")/../lib/check.sh"
# Small partitions, so that several tasks and batches take part even in a small file.
conf=(--conf kiln.hdf5.partitionBytes=400000)

mpirun -n 3 "$apps/gen_events" 60000 "$work/ev.h5" "${conf[@]}" >/dev/null 2>&1
check "gen_events writes six columns h5py reads" "$py" -c "
import h5py; f = h5py.File('$work/ev.h5')['events']
assert sorted(f) == ['detector', 'efficiency', 'energy', 'time', 'x', 'y'], list(f)
assert all(f[k].shape == (60000,) for k in f) and f['detector'].dtype == 'int32'"
mpirun -n 1 "$apps/gen_events" 60000 "$work/ev1.h5" >/dev/null 2>&1
check "the same events under 1 rank" "$py" -c "
import h5py, numpy as np; a, b = h5py.File('$work/ev.h5'), h5py.File('$work/ev1.h5')
assert all(np.array_equal(a['events/' + k][:], b['events/' + k][:]) for k in a['events'])"

args=(--define 'r=hypot(x,y)' --define 'e2 = energy*2' --cut 'e2 > 40 && time < 50'
  --cut 'detector != 3' --weight '1/efficiency' --hist energy 50 100 1500
  --hist2d x 20 -15 15 r 10 0 15 --stat energy --stat r --quantiles 0.1,0.5,0.9
  --select energy,r,detector)
for n in 1 2 3; do
  mpirun -n $n "$apps/reduce-events" "$work/ev.h5" "$work/out$n.h5" "${args[@]}" "${conf[@]}" \
    >"$work/log$n" 2>&1
  check "reduction under $n rank(s) matches numpy" "$py" "$here/reduce_events_check.py" "$work/ev.h5" "$work/out$n.h5" 50
done
check "no partial file is left" bash -c "! ls '$work'/*.kiln-partial 2>/dev/null"
check "the driver reports rows read and selected" grep -q '60000 rows read' "$work/log3"

cat >"$work/reduce.conf" <<'CONF'
# The same reduction as a config file
define r = hypot(x, y)
define e2 = energy * 2
cut e2 > 40 && time < 50
cut detector != 3
weight 1/efficiency
hist energy 50 100 1500
hist2d x 20 -15 15 r 10 0 15
stat energy
stat r
quantiles 0.1, 0.5, 0.9
select energy,r,detector
CONF
mpirun -n 2 "$apps/reduce-events" "$work/ev.h5" "$work/outc.h5" --config "$work/reduce.conf" >/dev/null 2>&1
check "the config file gives the same reduction" "$py" "$here/reduce_events_check.py" "$work/ev.h5" "$work/outc.h5" 50

fails() {  # EXPECTED_CODE PATTERN ARGS...: reduce-events exits with the code, stderr has the pattern
  local code=$1 pattern=$2
  shift 2
  mpirun -n 2 "$apps/reduce-events" "$@" >/dev/null 2>"$work/err"
  local got=$?
  if [ "$code" = nonzero ]; then [ $got != 0 ]; else [ $got = "$code" ]; fi || { echo "  exit $got"; return 1; }
  grep -q -- "$pattern" "$work/err" || { echo "  stderr:"; head -5 "$work/err"; return 1; }
}
check "a syntax error names the option and the place" \
  fails 2 "--cut 'energy >': expected a number, a column or '(' at character 9" "$work/ev.h5" "$work/x.h5" --cut 'energy >' --hist energy 10 0 1
check "an unknown function is named" fails 2 "unknown function sqr" "$work/ev.h5" "$work/x.h5" --hist 'sqr(x)' 10 0 1
check "LOW must be below HIGH" fails 2 "LOW (5) must be below HIGH (1)" "$work/ev.h5" "$work/x.h5" --hist energy 10 5 1
printf 'cut energy > 1\nhist energy 10\n' >"$work/bad.conf"
check "a bad config line is named by file and line" \
  fails 2 "bad.conf:2: expected hist EXPR BINS LOW HIGH" "$work/ev.h5" "$work/x.h5" --config "$work/bad.conf"
check "a column missing from the file is named with the file" \
  fails nonzero "dataset events/enrgy: no such dataset" "$work/ev.h5" "$work/x.h5" --hist enrgy 10 0 1
check "a non-integer group column is refused" \
  fails nonzero "group column energy has the value" "$work/ev.h5" "$work/x.h5" --group energy --stat x
check "an existing output is not replaced" fails 2 "exists (--overwrite replaces it)" "$work/ev.h5" "$work/out1.h5" --hist energy 10 0 1
check "nothing to do is an error" fails 2 "nothing to do" "$work/ev.h5" "$work/x.h5"
printf 'not hdf5' >"$work/junk.h5"
check "a file that is not HDF5 is named" fails nonzero "junk.h5: not an HDF5 file" "$work/junk.h5" "$work/x.h5" --hist energy 10 0 1
check "failed runs leave no output" bash -c "! ls '$work'/x.h5* 2>/dev/null"

finish reduce-events
