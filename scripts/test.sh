#!/usr/bin/env bash
# Builds Kiln and runs every test: each suite under 1, 2 and 3 MPI ranks, end-to-end scripts,
# compile-fail checks, and the install/find_package check.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/mpi-env.sh
scripts/build.sh
ctest --test-dir build --output-on-failure -j2 "$@"
