#!/usr/bin/env bash
# Installs Kiln into a temporary prefix, builds examples/ against it with find_package(Kiln),
# and runs the example under 2 ranks.
#   install_and_use.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
cmake -S "$src/examples" -B "$tmp/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$tmp/build" -j2 >/dev/null
out=$(mpirun -n 2 --oversubscribe --bind-to none "$tmp/build/estimate_pi" 1000000)
echo "$out"
echo "$out" | grep -Eq "pi is roughly 3\.1[34]"
