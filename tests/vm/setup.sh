#!/bin/bash
# Prepares what the VM tests need, only when they run (the normal suite does
# not pay for it):
#   - QEMU (qemu-system-x86) and virtiofsd from Debian, installed when missing
#     (as root; vng, when installed, does not need them);
#   - the guest kernels, unpacked from Debian's packages into
#     $BUILD/vm/kernels/<version>/ (never installed on the host).
#
#   tests/vm/setup.sh [6.1|6.12|5.10|linux-image-PACKAGE ...]   default: 6.1 6.12
#
# Prints the directory of each kernel, one a line. 6.1 comes from bookworm,
# 6.12 from bookworm-backports and 5.10 from bullseye, both read through a
# private apt configuration under $BUILD/vm/apt (the host's apt sources stay
# as they are).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-$PWD/build}
VM=$BUILD/vm
mkdir -p "$VM/kernels" "$VM/debs"

install_tools() {
	local missing="" p
	for p in qemu-system-x86 kmod cpio; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "vm setup: missing packages:$missing (run as root to install them)" >&2
		return 1
	fi
	echo "vm setup: installing$missing" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
		{ apt-get update -qq >/dev/null &&
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null; }
}

# apt reading one more suite (bookworm-backports, bullseye), everything
# private to $VM/apt/<suite>: the host's sources and lists stay as they are.
suite_apt() {
	local suite=$1 d=$VM/apt/$1
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/parts"
	echo "deb http://deb.debian.org/debian $suite main" >"$d/sources.list"
	SUITE_OPTS=(-o "Dir::Etc::sourcelist=$d/sources.list" -o "Dir::Etc::sourceparts=$d/parts"
		-o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache"
		-o "Dir::State::status=/var/lib/dpkg/status")
	if [ -z "$(find "$d/lists" -name '*Packages*' -mmin -1440 2>/dev/null)" ]; then
		apt-get "${SUITE_OPTS[@]}" update -qq >/dev/null
	fi
}

# Newest linux-image-<series>.*-amd64 (the generic flavour, unsigned build).
pick_package() {
	local series=$1
	shift
	apt-cache "$@" pkgnames "linux-image-$series" 2>/dev/null |
		grep -E "^linux-image-$series\.[0-9]+(-[0-9]+|\+deb[0-9.]+)-amd64-unsigned$" | sort -V | tail -1
}

fetch_kernel() {
	local want=$1 pkg ver dir deb
	local -a opts=()
	case "$want" in
	6.1) pkg=$(pick_package 6.1) ;;
	6.12)
		suite_apt bookworm-backports
		opts=("${SUITE_OPTS[@]}")
		pkg=$(pick_package 6.12 "${opts[@]}")
		;;
	5.10)
		# Below the supported range: for the test that a missing
		# feature is named (tests/vm/test_old_kernel.sh).
		suite_apt bullseye
		opts=("${SUITE_OPTS[@]}")
		pkg=$(pick_package 5.10 "${opts[@]}")
		;;
	linux-image-*) pkg=$want ;;
	*) echo "vm setup: unknown kernel '$want' (6.1, 6.12, 5.10 or a linux-image package)" >&2; return 1 ;;
	esac
	if [ -z "$pkg" ]; then
		[ "$want" = 6.1 ] && apt-get update -qq >/dev/null && pkg=$(pick_package 6.1)
		[ -z "$pkg" ] && { echo "vm setup: no linux-image package for $want" >&2; return 1; }
	fi
	ver=${pkg#linux-image-}
	ver=${ver%-unsigned}
	dir=$VM/kernels/$ver
	if [ ! -f "$dir/ok" ]; then
		echo "vm setup: fetching $pkg" >&2
		(cd "$VM/debs" && apt-get "${opts[@]}" -o APT::Sandbox::User=root download -qq "$pkg" >/dev/null)
		deb=$(ls -t "$VM/debs/${pkg}_"*.deb | head -1)
		rm -rf "$dir"
		mkdir -p "$dir"
		dpkg-deb -x "$deb" "$dir"
		rm -f "$deb"
		# modules.dep for modprobe in the guest (the package ships none).
		depmod -b "$dir" "$(basename "$(ls -d "$dir"/lib/modules/*/ | head -1)")"
		touch "$dir/ok"
	fi
	echo "$dir"
}

install_tools
for k in "${@:-6.1 6.12}"; do
	for w in $k; do
		fetch_kernel "$w"
	done
done
