#!/bin/bash
# Runs every libFuzzer target in $BUILD/fuzz for SECONDS each and prints TAP:
#
#   tests/fuzz/run.sh SECONDS        (make fuzz / make fuzz-smoke call this)
#
# Seeds are made at run time, nothing binary is kept in git:
#   fuzz_control, fuzz_data_hdr  payloads of the interop captures, cut out by
#                                `lispdump --extract-seeds` (control payloads,
#                                the Map-Requests inside ECMs, data payloads)
#   fuzz_pcap                    the interop captures and the wire test's
#                                capture, whole
#   fuzz_config                  tests/config/*.conf and lispd.conf.example
#   fuzz_bpf                     frames for every data-plane program, written
#                                by the target itself (FUZZ_BPF_SEEDS=DIR);
#                                needs root (BPF_PROG_TEST_RUN, private netns)
# Each target's corpus lives in $BUILD/fuzz/corpus/<target>/ and grows across
# runs; crash/timeout/leak reproducers land in $BUILD/fuzz/artifacts/<target>/.
# Exit status is non-zero if any target crashed or could not run.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh

SECONDS_EACH=${1:-20}
BUILD=${BUILD:-$PWD/build}
FUZZ=$BUILD/fuzz
CAPTURES=(tests/interop/data/*.pcap)

if ! [[ "$SECONDS_EACH" =~ ^[0-9]+$ ]] || [ "$SECONDS_EACH" -lt 1 ]; then
	echo "usage: $0 SECONDS" >&2
	exit 2
fi

seed_dir() { echo "$FUZZ/corpus/$1"; }

# Control and data seeds from the captures, through our own pcap reader.
if [ ! -x "$BUILD/lispdump" ]; then
	make -s BUILD="$BUILD" "$BUILD/lispdump" >&2 || true
fi
extracted=$FUZZ/seeds-extracted
rm -rf "$extracted"
if [ -x "$BUILD/lispdump" ] && "$BUILD/lispdump" --extract-seeds "$extracted" "${CAPTURES[@]}"; then
	mkdir -p "$(seed_dir fuzz_control)" "$(seed_dir fuzz_data_hdr)"
	cp "$extracted"/control/* "$(seed_dir fuzz_control)/"
	cp "$extracted"/data/* "$(seed_dir fuzz_data_hdr)/"
	diag "seeds: $(ls "$extracted"/control | wc -l) control, $(ls "$extracted"/data | wc -l) data"
else
	diag "lispdump unavailable: control/data targets start without seeds"
fi
mkdir -p "$(seed_dir fuzz_pcap)"
cp "${CAPTURES[@]}" "$(seed_dir fuzz_pcap)/"
[ -f "$BUILD/wire/ours.pcap" ] && cp "$BUILD/wire/ours.pcap" "$(seed_dir fuzz_pcap)/"
mkdir -p "$(seed_dir fuzz_config)"
for f in tests/config/*.conf lispd.conf.example; do
	[ -f "$f" ] && cp "$f" "$(seed_dir fuzz_config)/"
done

if [ -x "$FUZZ/fuzz_bpf" ]; then
	FUZZ_BPF_SEEDS="$(seed_dir fuzz_bpf)" "$FUZZ/fuzz_bpf" >/dev/null 2>&1 ||
		diag "fuzz_bpf could not write its seeds"
fi

targets=$(ls "$FUZZ"/fuzz_* 2>/dev/null | grep -v '\.d$')
if [ -z "$targets" ]; then
	echo "not ok 1 - no fuzz targets in $FUZZ (run make fuzz-build)"
	tap_done
fi

for bin in $targets; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin")
	corpus=$(seed_dir "$name")
	artifacts=$FUZZ/artifacts/$name/
	log=$FUZZ/logs/$name.log
	mkdir -p "$corpus" "$artifacts" "$FUZZ/logs"
	extra=()
	# fuzz_bpf skips inputs over 2 + 2048 bytes (program, variant, frame).
	[ "$name" = fuzz_bpf ] && extra=(-max_len=2050)
	# -timeout: one input running 10 s is a hang; rss limit: a leak-like blowup.
	"$bin" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$artifacts" "${extra[@]}" "$corpus" >"$log" 2>&1
	rc=$?
	runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$')
	if [ "$rc" -eq 0 ]; then
		_tap_report 0 "$name: ${runs:-?} inputs in ${SECONDS_EACH}s, no crash"
	else
		_tap_report 1 "$name: exit $rc after ${runs:-?} inputs (log: $log)"
		grep -E 'ERROR|SUMMARY|Test unit written|==[0-9]+==' "$log" | head -15 | sed 's/^/# /'
	fi
done
echo "fuzz: $((_tap_n - _tap_failed)) passed, $_tap_failed failed"
tap_done
