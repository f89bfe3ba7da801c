#!/bin/bash
# A kernel below the supported range (Debian 11's 5.10: no bpf_check_mtu)
# makes `lispd-bpf attach` fail with an error naming the missing feature and
# the kernel that brought it, before anything is attached. Runs on the host
# and boots the VM itself (tests/vm/run.sh); KERNEL_OLD overrides the kernel.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh
BUILD=${BUILD:-$PWD/build}
export BUILD
out=$BUILD/vm/old-kernel.out
rm -f "$out"

tests/vm/run.sh "${KERNEL_OLD:-5.10}" -- bash -c \
	'"$BUILD"/lispd-bpf attach dev lo eid 198.18.0.1 rloc 192.0.2.1 pin /sys/fs/bpf/lispd \
		>"$BUILD"/vm/old-kernel.out 2>&1; rc=$?
	 ls /sys/fs/bpf/lispd >>"$BUILD"/vm/old-kernel.out 2>&1 && echo PINNED >>"$BUILD"/vm/old-kernel.out
	 tc filter show dev lo ingress | grep -q bpf && echo ATTACHED >>"$BUILD"/vm/old-kernel.out
	 exit $rc'
rc=$?
sed 's/^/# /' "$out" 2>/dev/null
check "attach fails on the old kernel (status $rc)" '[ "$rc" -ne 0 ] && [ "$rc" -ne 125 ]'
check "the error names the missing helper" 'grep -q "bpf_check_mtu" "$out"'
check "the error names the kernel that brought it" 'grep -q "Linux 5.12" "$out"'
check "nothing pinned" '! grep -q PINNED "$out"'
check "nothing attached" '! grep -q ATTACHED "$out"'
tap_done
