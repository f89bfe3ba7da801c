#!/bin/bash
# `make bench`: BPF_PROG_TEST_RUN timings of the data plane (tests/bench/bench_dp.c),
# then EID-to-EID throughput against VXLAN and plain routing in network
# namespaces (tests/bench/throughput.sh). Prints both tables and writes them
# to $BUILD/bench/results.txt; then the handover outage of a mobile node
# (tests/bench/handover.sh) and the soft (make-before-break) handover
# between two interfaces of a multihomed one (tests/bench/softhandover.sh).
# Needs root.
#   BENCH_RUNS=N  single runs per case (default 60000)
#   BENCH_TP=0    skip the throughput part; BENCH_TP_RUNS, BENCH_TP_SECS,
#                 BENCH_UDP_LEN: see throughput.sh
#   BENCH_HO=0    skip the handover part; BENCH_HO_MOVES (default 20),
#                 BENCH_HO_SPACING: see handover.sh
#   BENCH_MS=0    skip the Map-Server scale part (tests/bench/bench_ms.c, user
#                 space only); BENCH_MS_SITES (default 50000), BENCH_MS_ROUNDS (15)
#   BENCH_MC=0    skip the ITR map-cache scale part (tests/bench/bench_mapcache.c,
#                 user space only); BENCH_MC_ROUNDS (15)
#   BENCH_SOFT=0  skip the soft-handover part; BENCH_SOFT_MOVES (default 10)
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-$PWD/build}
if [ "$(id -u)" -ne 0 ]; then
	echo "bench: needs root (BPF_PROG_TEST_RUN, network namespace)" >&2
	exit 1
fi
mkdir -p "$BUILD/bench"
"$BUILD/bench/bench_dp" -n "${BENCH_RUNS:-60000}" -o "$BUILD/bench/results.txt"
if [ "${BENCH_MS:-1}" != 0 ]; then
	"$BUILD/bench/bench_ms" -n "${BENCH_MS_SITES:-50000}" -r "${BENCH_MS_ROUNDS:-15}" \
		-o "$BUILD/bench/results.txt"
fi
if [ "${BENCH_MC:-1}" != 0 ]; then
	"$BUILD/bench/bench_mapcache" -r "${BENCH_MC_ROUNDS:-15}" -o "$BUILD/bench/results.txt"
fi
if [ "${BENCH_TP:-1}" != 0 ]; then
	BUILD=$BUILD RESULTS=$BUILD/bench/results.txt tests/bench/throughput.sh
fi
if [ "${BENCH_HO:-1}" != 0 ]; then
	BUILD=$BUILD RESULTS=$BUILD/bench/results.txt tests/bench/handover.sh
fi
if [ "${BENCH_SOFT:-1}" != 0 ]; then
	BUILD=$BUILD RESULTS=$BUILD/bench/results.txt tests/bench/softhandover.sh
fi
echo "written: $BUILD/bench/results.txt"
