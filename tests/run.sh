#!/bin/bash
# Runs test groups and prints one summary line: "tests: N passed, M failed".
#
#   tests/run.sh                 every group
#   tests/run.sh unit interop    only those groups
#   TEST_FILTER=REGEX            only the items whose path matches (grep -E)
#   LOGDIR=DIR                   logs there instead of $BUILD/test-logs
#   RUN_BESIDE=REGEX             e2e items run in the background beside the others
#                                (default: test_ms_sites.sh, which mostly waits)
#
# Every test speaks TAP ("ok N - what" / "not ok N - what"): cmocka binaries
# through CMOCKA_MESSAGE_OUTPUT=TAP, shell tests through tests/lib/tap.sh.
# A test program that exits non-zero counts as one more failure even if its
# TAP lines all passed (a crash after the last line must not go unseen).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-$PWD/build}
export BUILD
export CMOCKA_MESSAGE_OUTPUT=TAP
LOGDIR=${LOGDIR:-$BUILD/test-logs}
mkdir -p "$LOGDIR"

ALL_GROUPS="unit interop wire bpf e2e"
groups=${*:-$ALL_GROUPS}

# Items of a group: programs or scripts, in a stable order.
items_of() {
	case "$1" in
	unit) ls "$BUILD"/tests/test_* 2>/dev/null | grep -v '\.d$' | grep -v -e interop -e test_bpf_ ;;
	interop) ls "$BUILD"/tests/test_*interop* 2>/dev/null | grep -v '\.d$' ;;
	# BPF_PROG_TEST_RUN tests: need root (CAP_BPF), load programs, attach nothing.
	bpf) ls "$BUILD"/tests/test_bpf_* 2>/dev/null | grep -v '\.d$' ;;
	*) ls tests/"$1"/test_*.sh 2>/dev/null ;;
	esac
}

# Tests that mostly sleep (waiting out a protocol timer) run beside the
# others instead of before them: they cost CI wall time, not CPU.
# RUN_BESIDE=REGEX (basename), empty for a strictly sequential run.
RUN_BESIDE=${RUN_BESIDE-'^test_ms_sites\.sh$'}

pass=0
fail=0
# Runs one item into its log; the exit status and time go to $log.rc.
run_item() {   # path log
	local start rc
	start=$(date +%s)
	# A hang must fail the run, not eat CI's time: TEST_TIMEOUT per program.
	timeout -k 10 "${TEST_TIMEOUT:-900}" "$1" >"$2" 2>&1
	rc=$?
	echo "$rc $(($(date +%s) - start))" >"$2.rc"
}
# Counts and prints one finished item.
report_item() {   # group name log
	local g=$1 name=$2 log=$3 rc secs p f status
	read -r rc secs <"$log.rc"
	rm -f "$log.rc"
	[ "$rc" -eq 124 ] && echo "not ok - $g/$name timed out after ${TEST_TIMEOUT:-900}s" >>"$log"
	p=$(grep -cE '^ok [0-9]+' "$log")
	f=$(grep -cE '^not ok [0-9]+' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $g/$name exited with status $rc" >>"$log"
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $g/$name ran no test" >>"$log"
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	status=PASS
	[ "$f" -ne 0 ] && status=FAIL
	printf '%-5s %-8s %-32s %4d passed %3d failed  %3ss\n' "$status" "$g" "$name" "$p" "$f" "$secs"
	if [ "$f" -ne 0 ]; then
		grep -E '^not ok|^#' "$log" | head -40 | sed 's/^/      /'
		echo "      (full log: $log)"
	fi
}
for g in $groups; do
	beside=()
	for t in $(items_of "$g" | grep -E -- "${TEST_FILTER:-.}"); do
		name=$(basename "$t")
		log=$LOGDIR/$g-$name.log
		if [ "$g" = e2e ] && [ -n "$RUN_BESIDE" ] && echo "$name" | grep -qE -- "$RUN_BESIDE"; then
			run_item "$t" "$log" &
			beside+=("$!:$name")
			continue
		fi
		run_item "$t" "$log"
		report_item "$g" "$name" "$log"
	done
	for b in "${beside[@]}"; do
		wait "${b%%:*}"
		report_item "$g" "${b#*:}" "$LOGDIR/$g-${b#*:}.log"
	done
done
echo "tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
