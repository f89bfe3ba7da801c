#!/bin/bash
# The whole test suite, as CI runs it: install Debian packages, build
# warning-free, run every test group, the sanitizer build, a fuzz smoke run and
# the VM matrix (tests/vm/).
# The last line is the total: "total: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh || exit 1
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Each step says how long it took: CI must stay under 20 minutes in all.
step() {
	local t0=$SECONDS rc
	echo "==> $*"
	"$@" 2>&1 | tee -a "$log"
	rc=${PIPESTATUS[0]}
	echo "<== $* (exit $rc, $((SECONDS - t0)) s; $SECONDS s so far)"
	return "$rc"
}

rc=0
step make -j2 all || { echo "build failed"; exit 1; }
# No part includes a header it may not see (docs/ARCHITECTURE.md).
step make check-layers || rc=1
step make check || rc=1
step make check-asan || rc=1
# lispd, lispd-bpf and lig from check-asan's build through some e2e tests (~1 min).
step make check-asan-e2e || rc=1
step make fuzz-smoke || rc=1
# The data plane on other kernels (6.1 LTS, 6.12) in VMs, where QEMU and the
# kernel packages can be installed (tests/vm/setup.sh); VMTEST=0 skips it.
if [ "${VMTEST:-1}" != 0 ]; then
	if tests/vm/setup.sh 6.1 6.12 5.10 >/dev/null; then
		step make vmtest-matrix || rc=1
	else
		echo "==> VM matrix skipped: QEMU or the kernel packages could not be installed"
	fi
fi

# Sum the per-run summary lines ("tests: N passed, M failed").
read -r pass fail < <(awk '/^(tests|fuzz): [0-9]+ passed, [0-9]+ failed/ {
	p += $2; f += $4 } END { print p + 0, f + 0 }' "$log")
[ "$fail" -ne 0 ] && rc=1
echo "total: $pass passed, $fail failed"
exit $rc
