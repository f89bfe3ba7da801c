#!/bin/bash
# `make bench`: BPF_PROG_TEST_RUN timings of the data plane (tests/bench/bench_dp.c).
# Prints the table and writes it to $BUILD/bench/results.txt. Needs root.
#   BENCH_RUNS=N  single runs per case (default 60000)
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-$PWD/build}
if [ "$(id -u)" -ne 0 ]; then
	echo "bench: needs root (BPF_PROG_TEST_RUN, network namespace)" >&2
	exit 1
fi
mkdir -p "$BUILD/bench"
"$BUILD/bench/bench_dp" -n "${BENCH_RUNS:-60000}" -o "$BUILD/bench/results.txt"
echo "written: $BUILD/bench/results.txt"
