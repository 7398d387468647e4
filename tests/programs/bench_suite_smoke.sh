#!/usr/bin/env bash
# The benchmark suite at its small size, as a test: every workload with Kiln, the MPI+OpenMP
# baseline and the single-thread baseline under 1, 2 and 3 ranks must give the same answers
# (bench/suite.sh exits non-zero on any mismatch or failure). Timings are printed, not checked.
# Inputs are generated into a temporary directory, never into the source tree's bench/data.
#   tests/programs/bench_suite_smoke.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:?usage: bench_suite_smoke.sh BUILD_DIR}" && pwd)
data=$(mktemp -d /tmp/kiln-bench-smoke-XXXXXX)
trap 'rm -rf "$data"' EXIT
"$(dirname "$0")/../../bench/suite.sh" --size small --reps 1 --ranks "1 2 3" --data "$data" "$build"
