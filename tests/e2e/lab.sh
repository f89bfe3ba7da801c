# Network-namespace lab for the end-to-end tests; source it after tap.sh.
#
#   host A (ns $NS_A)              router ($NS_R)              host B ($NS_B)
#   eth0 192.0.2.1/24      ---- ra 192.0.2.254  rb 198.51.100.254 ----  eth0 198.51.100.1/24
#        2001:db8:0:1::1/64        2001:db8:0:1::fe  2001:db8:0:2::fe       2001:db8:0:2::1/64
#   lmn0 EIDs 198.18.0.1, 2001:db8:e1d::1           lmn0 EIDs 198.18.0.2, 2001:db8:e1d::2
#
# Everything lives in namespaces named lispd-e2e-<pid>-*: nothing is added to
# the root network namespace. Each host pins its maps under its own bpffs
# instance mounted at a temporary directory ($PIN_A, $PIN_B), because `ip
# netns exec` hides /sys/fs/bpf. lab_cleanup (trapped on EXIT) removes all of
# it and ends only the processes recorded in LAB_PIDS.

LAB_ID=lispd-e2e-$$
NS_A=$LAB_ID-a
NS_B=$LAB_ID-b
NS_R=$LAB_ID-r
LAB_TMP=$(mktemp -d /tmp/lispd-e2e.XXXXXX)
LAB_PIDS=""
LAB_MOUNTS=""
PIN_A=$LAB_TMP/bpf-a/lispd
PIN_B=$LAB_TMP/bpf-b/lispd

RLOC4_A=192.0.2.1
RLOC4_B=198.51.100.1
RLOC6_A=2001:db8:0:1::1
RLOC6_B=2001:db8:0:2::1
EID4_A=198.18.0.1
EID4_B=198.18.0.2
EID6_A=2001:db8:e1d::1
EID6_B=2001:db8:e1d::2

LISPD_BPF=${LISPD_BPF:-$BUILD/lispd-bpf}

lab_cleanup() {
	local p m
	for p in $LAB_PIDS; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	for m in $LAB_MOUNTS; do
		umount "$m" 2>/dev/null
	done
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	ip netns del "$NS_R" 2>/dev/null
	rm -rf "$LAB_TMP"
}

# Runs a command in a namespace.
in_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# Starts a command in a namespace in the background; its PID lands in
# LAB_PIDS (ip netns exec execs the command, so $! is the command itself).
bg_in_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@" &
	LAB_PIDS="$LAB_PIDS $!"
	LAST_PID=$!
}

# True once a TCP socket listens on port in the namespace (a server started
# in the background is ready for its client).
tcp_listening() {   # ns port
	in_ns "$1" ss -Hltn "sport = :$2" | grep -q .
}

_lab_host() {
	local ns=$1 peer=$2 a4=$3 a6=$4 gw4=$5 gw6=$6
	ip -n "$ns" link set lo up
	ip -n "$ns" link set eth0 up
	ip -n "$ns" addr add "$a4/24" dev eth0
	ip -n "$ns" addr add "$a6/64" dev eth0 nodad
	ip -n "$ns" route add default via "$gw4"
	ip -n "$ns" -6 route add default via "$gw6"
	in_ns "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	: "$peer"
}

lab_up() {
	local ns
	ip netns add "$NS_A" && ip netns add "$NS_B" && ip netns add "$NS_R" || return 1
	# No duplicate address detection: link-local addresses that turn from
	# tentative to valid in the middle of a test would upset the snapshots.
	for ns in "$NS_A" "$NS_B" "$NS_R"; do
		in_ns "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	done
	ip -n "$NS_A" link add eth0 type veth peer name ra netns "$NS_R" || return 1
	ip -n "$NS_B" link add eth0 type veth peer name rb netns "$NS_R" || return 1
	ip -n "$NS_R" link set lo up
	ip -n "$NS_R" link set ra up
	ip -n "$NS_R" link set rb up
	ip -n "$NS_R" addr add 192.0.2.254/24 dev ra
	ip -n "$NS_R" addr add 198.51.100.254/24 dev rb
	ip -n "$NS_R" addr add 2001:db8:0:1::fe/64 dev ra nodad
	ip -n "$NS_R" addr add 2001:db8:0:2::fe/64 dev rb nodad
	in_ns "$NS_R" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	_lab_host "$NS_A" ra "$RLOC4_A" "$RLOC6_A" 192.0.2.254 2001:db8:0:1::fe
	_lab_host "$NS_B" rb "$RLOC4_B" "$RLOC6_B" 198.51.100.254 2001:db8:0:2::fe
	mkdir -p "$LAB_TMP/bpf-a" "$LAB_TMP/bpf-b" || return 1
	mount -t bpf bpf "$LAB_TMP/bpf-a" && LAB_MOUNTS="$LAB_MOUNTS $LAB_TMP/bpf-a" || return 1
	mount -t bpf bpf "$LAB_TMP/bpf-b" && LAB_MOUNTS="$LAB_MOUNTS $LAB_TMP/bpf-b" || return 1
}

# What detach must restore, as text: links (without counters and the
# ever-changing link-local state), addresses, routes, rules, qdiscs and the
# pin directory's parent.
lab_snapshot() {
	local ns=$1 pin=$2
	ip -n "$ns" -o link show | sed 's/ state [A-Z]*//; s/ qlen [0-9]*//'
	ip -n "$ns" -o addr show | sed 's/valid_lft.*//'
	ip -n "$ns" route show table all
	ip -n "$ns" -6 route show table all
	ip -n "$ns" rule show
	ip -n "$ns" -6 rule show
	in_ns "$ns" tc qdisc show
	for dev in $(ip -n "$ns" -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
		in_ns "$ns" tc filter show dev "$dev" ingress
		in_ns "$ns" tc filter show dev "$dev" egress
	done
	ls -la "$(dirname "$pin")" | awk '{ print $1, $NF }'
}
