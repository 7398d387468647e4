#!/usr/bin/env bash
# Installs what Kiln needs to build, test and benchmark, from Debian 12's packages. (Slurm and
# munge: the Slurm tests start a local cluster; chromium: the report test renders kiln-report's
# page headless; python3: kiln-status, kiln-report and the HDF5 checks; time: the benchmark
# suite's peak memory per rank, which the suite's smoke test checks.)
set -euo pipefail
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends \
  g++ cmake make pkg-config ca-certificates \
  libopenmpi-dev openmpi-bin \
  libhdf5-openmpi-dev hdf5-tools \
  libhwloc-dev hwloc \
  libboost-serialization-dev \
  libgtest-dev \
  python3-h5py python3-numpy \
  slurm-wlm munge \
  time \
  chromium
