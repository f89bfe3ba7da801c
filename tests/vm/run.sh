#!/bin/bash
# Runs a command as root inside a VM booted with another kernel, and returns
# its exit status.
#
#   tests/vm/run.sh KERNEL -- COMMAND [ARG...]
#
# KERNEL: a directory holding an unpacked Debian kernel package (boot/vmlinuz-*
# and lib/modules/<version>/), a version under $BUILD/vm/kernels/, or 6.1 /
# 6.12 (fetched by tests/vm/setup.sh). COMMAND runs in a bash shell in the
# repository's directory with BUILD set.
#
# With vng (virtme-ng) installed and VM_VNG unset or 1, vng boots the kernel
# (untested here: vng is not packaged for Debian 12). Otherwise QEMU without
# KVM (TCG): the host's root file system is shared read-only over 9p, the build
# directory read-write; tests/vm/guest-init.sh mounts tmpfs on /tmp, /run,
# /var/tmp ... and bpffs, loads this kernel's modules, runs the command and
# writes its exit status into the build directory.
#
# Environment: BUILD, VM_MEM (MiB, 2048), VM_SMP (2), VM_TIMEOUT (seconds,
# 1800), VM_MODULES (preloaded modules; others load on demand), VM_VNG.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$REPO/build}
BUILD=$(mkdir -p "$BUILD" && cd "$BUILD" && pwd)
export BUILD

usage() { echo "usage: $0 KERNEL_DIR|VERSION -- COMMAND [ARG...]" >&2; exit 2; }
[ $# -ge 3 ] && [ "$2" = -- ] || usage
kernel=$1
shift 2

if [ -d "$kernel" ]; then
	kdir=$(cd "$kernel" && pwd)
elif [ -d "$BUILD/vm/kernels/$kernel" ]; then
	kdir=$BUILD/vm/kernels/$kernel
else
	kdir=$("$REPO/tests/vm/setup.sh" "$kernel" | tail -1)
fi
vmlinuz=$(ls "$kdir"/boot/vmlinuz-* 2>/dev/null | head -1)
[ -n "$vmlinuz" ] || { echo "vm: no boot/vmlinuz-* in $kdir" >&2; exit 2; }
kver=${vmlinuz##*/vmlinuz-}
[ -d "$kdir/lib/modules/$kver" ] || { echo "vm: no lib/modules/$kver in $kdir" >&2; exit 2; }

# The command, quoted once here, run by bash in the guest.
cmd_line=$(printf '%q ' "$@")

if command -v vng >/dev/null && [ "${VM_VNG:-1}" = 1 ]; then
	# vng shares the host's root file system itself; modules come from the
	# kernel package's tree through its --run directory handling.
	exec vng --run "$vmlinuz" --user root --cpus "${VM_SMP:-2}" --memory "${VM_MEM:-2048}M" \
		--rwdir "$BUILD" --cwd "$REPO" -- "export BUILD=$BUILD; $cmd_line"
fi

command -v qemu-system-x86_64 >/dev/null || "$REPO/tests/vm/setup.sh" >/dev/null ||
	{ echo "vm: QEMU is not installed (tests/vm/setup.sh as root)" >&2; exit 2; }

# modules.dep for modprobe in the guest (the package ships none).
if [ ! -s "$kdir/lib/modules/$kver/modules.dep" ]; then
	depmod -b "$kdir" "$kver"
fi

# initramfs: bash, insmod, mount, switch_root with their libraries, and the
# modules of the 9p mount (in dependency order). Rebuilt when its init changes.
initrd=$BUILD/vm/initramfs-$kver.cpio.gz
if [ ! -s "$initrd" ] || [ "$REPO/tests/vm/initramfs-init.sh" -nt "$initrd" ]; then
	stage=$(mktemp -d)
	mkdir -p "$stage"/{bin,lib64,proc,dev,newroot,modules}
	for b in bash mount umount switch_root insmod cat mkdir; do
		p=$(command -v "$b")
		cp -L "$p" "$stage/bin/$b"
		ldd "$p" | awk '/=> \// { print $3 } /^\t\/lib64/ { print $1 }' | while read -r l; do
			mkdir -p "$stage$(dirname "$l")"
			cp -Ln "$l" "$stage$l"
		done
	done
	for m in virtio_pci 9pnet_virtio 9p; do
		modprobe -d "$kdir" -S "$kver" --show-depends "$m"
	done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' | while read -r m; do
		cp "$m" "$stage/modules/"
		basename "$m" >>"$stage/modules.order"
	done
	touch "$stage/modules.order"
	cp "$REPO/tests/vm/initramfs-init.sh" "$stage/init"
	(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) >"$initrd.tmp"
	mv "$initrd.tmp" "$initrd"
	rm -rf "$stage"
fi

run=$(mktemp -d "$BUILD/vm/run.XXXXXX")
trap 'rm -rf "$run"' EXIT
printf '%s\n' "$cmd_line" >"$run/cmd"
{
	printf 'export BUILD=%q\n' "$BUILD"
	printf 'VM_BUILD=%q VM_KDIR=%q VM_CWD=%q\n' "$BUILD" "$kdir" "$REPO"
	printf 'VM_MODULES=%q\n' "${VM_MODULES:-veth sch_ingress cls_bpf}"
} >"$run/env"

sec=passthrough
[ "$(id -u)" -eq 0 ] || sec=none
start=$(date +%s.%N)
# -cx16: QEMU 7.2's TCG mis-emulates cmpxchg16b, which 6.12 guests use.
timeout -k 10 "${VM_TIMEOUT:-1800}" qemu-system-x86_64 \
	-machine q35,accel=tcg -cpu max,-cx16 -smp "${VM_SMP:-2}" -m "${VM_MEM:-2048}" \
	-nodefaults -no-reboot -display none -monitor none -serial stdio \
	-kernel "$vmlinuz" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 quiet loglevel=4 vmrun=$run vminit=$REPO/tests/vm/guest-init.sh" \
	-virtfs "local,path=/,mount_tag=root,security_model=$sec,readonly=on,multidevs=remap" \
	-virtfs "local,path=$BUILD,mount_tag=build,security_model=$sec,multidevs=remap" \
	</dev/null || true
elapsed=$(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo "?")
if [ ! -f "$run/rc" ]; then
	echo "vm: $kver: the guest ended without an exit status (boot failure or timeout)" >&2
	exit 125
fi
rc=$(cat "$run/rc")
echo "vm: $kver: exit status $rc after ${elapsed}s" >&2
exit "$rc"
