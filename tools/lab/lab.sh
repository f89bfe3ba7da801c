#!/bin/bash
# The lispd lab: a core router, two access networks, a map-server/resolver,
# a PxTR, two mobile nodes and a non-LISP host, in network namespaces only.
# See tools/lab/README.md.
#
#   lab.sh [-n NAME] up | down | status | list | dir
#   lab.sh [-n NAME] exec NODE CMD...        run CMD in NODE's namespace
#   lab.sh [-n NAME] q NODE REQUEST           lispd -q REQUEST on NODE's daemon
#   lab.sh [-n NAME] move NODE A|B [restart]  re-plug a mobile node into a network
#   lab.sh [-n NAME] restart NODE             restart NODE's lispd
#   lab.sh [-n NAME] lig NODE ARGS...         lig from NODE's RLOC through the MS
#   lab.sh [-n NAME] mcache NODE [brief]      bpftool dump of NODE's BPF map-cache
#   lab.sh [-n NAME] rloc NODE 4|6            NODE's current RLOC
set -u
LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$LAB_DIR/../.." && pwd)
BUILD=${BUILD:-$REPO/build}
LISPD=${LISPD:-$BUILD/lispd}
LIG=${LIG:-$BUILD/lig}

LAB_NAME=${LAB_NAME:-lab}
if [ "${1:-}" = -n ]; then
	LAB_NAME=${2:-}
	shift 2 || true
fi
case $LAB_NAME in
'' | *[!a-z0-9]*) echo "lab: instance name '$LAB_NAME': use 1 to 12 of a-z 0-9" >&2; exit 2 ;;
esac
[ ${#LAB_NAME} -le 12 ] || { echo "lab: instance name longer than 12" >&2; exit 2; }
LAB_PREFIX=lispdlab-$LAB_NAME-
LAB_RUN=${LAB_RUN_BASE:-/tmp/lispd-lab}/$LAB_NAME

. "$LAB_DIR/plan.sh"
. "$LAB_DIR/topo.sh"
. "$LAB_DIR/conf.sh"
. "$LAB_DIR/node.sh"

die() { echo "lab: $*" >&2; exit 1; }

# lab.env: what changes while the lab runs (PxTR present, where nodes are).
env_get() { sed -n "s/^$1=//p" "$LAB_RUN/lab.env" 2>/dev/null; }
env_set() {
	touch "$LAB_RUN/lab.env"
	sed -i "/^$1=/d" "$LAB_RUN/lab.env" && echo "$1=$2" >>"$LAB_RUN/lab.env"
}

need_lab() { [ -f "$LAB_RUN/lab.env" ] || die "no lab '$LAB_NAME' (lab.sh -n $LAB_NAME up)"; }
need_node() {
	case " $LAB_NODES " in *" $1 "*) ;; *) die "no node '$1' (nodes: $LAB_NODES)" ;; esac
}
need_mn() { case $1 in mn1 | mn2) ;; *) die "'$1' is not a mobile node (mn1, mn2)" ;; esac; }

rloc_of() {   # node family
	local net
	net=$(env_get "$(echo "$1" | tr a-z A-Z)_NET")
	plan_rloc "$1" "$net" "$2"
}

registered() {   # node: its registration state, as lispd reports it
	node_q "$1" registrations 2>/dev/null |
		python3 -c 'import json,sys; print(" ".join(sorted(set(r["state"] for r in json.load(sys.stdin)))) or "none")' \
			2>/dev/null || echo "unknown"
}

wait_registered() {   # node seconds
	local i
	for i in $(seq 1 $(($2 * 5))); do
		[ "$(registered "$1")" = registered ] && return 0
		sleep 0.2
	done
	return 1
}

cmd_up() {
	[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, BPF)"
	[ -x "$LISPD" ] && [ -x "$LIG" ] || die "no $LISPD or $LIG: run make first"
	[ -z "$(topo_list)" ] && [ ! -e "$LAB_RUN" ] ||
		die "lab '$LAB_NAME' exists (namespaces $LAB_PREFIX*, $LAB_RUN): lab.sh -n $LAB_NAME down"
	# Whatever stops us half-way (an error, Ctrl-C, a kill) removes all of it.
	trap 'echo "lab: up failed; tearing down" >&2; lab_teardown; trap - EXIT; exit 1' EXIT
	trap 'exit 1' INT TERM HUP
	mkdir -p "$LAB_RUN" || exit 1
	env_set MN1_NET "$MN1_HOME"
	env_set MN2_NET "$MN2_HOME"
	local n key1 key2 pxtr=1
	for n in ms pxtr mn1 mn2; do mkdir -p "$(node_dir $n)" || exit 1; done
	topo_up || die "building the namespaces failed"
	in_node mn1 ping -c1 -W2 "$MS4" >/dev/null && in_node mn2 ping -c1 -W2 "$MS6" >/dev/null ||
		die "underlay: the mobile nodes do not reach the map-server"

	key1=$(lab_key) key2=$(lab_key)
	lab_conf_ms "$key1" "$key2" >"$(node_dir ms)/lispd.conf"
	node_start ms || die "the map-server did not start"
	lab_conf_pxtr >"$(node_dir pxtr)/lispd.conf"
	if ! node_start pxtr; then
		echo "lab: pxtr: lispd refused operating-mode = PxTR: no PxTR in this lab; the" \
			"non-LISP host is unreachable from EIDs (and the mobile nodes get no PETR)" >&2
		pxtr=0
	fi
	env_set LAB_PXTR $pxtr
	lab_conf_mn "$MN1_EID4" "$MN1_EID6" "$key1" $pxtr >"$(node_dir mn1)/lispd.conf"
	lab_conf_mn "$MN2_EID4" "$MN2_EID6" "$key2" $pxtr >"$(node_dir mn2)/lispd.conf"
	node_start mn1 && node_start mn2 || die "a mobile node did not start"
	for n in mn1 mn2; do
		wait_registered $n 10 || echo "lab: $n: not registered after 10 s ($(registered $n))" >&2
	done
	trap - EXIT INT TERM HUP
	cmd_status
}

cmd_status() {
	need_lab
	local n state
	echo "lab '$LAB_NAME': namespaces $LAB_PREFIX*, files in $LAB_RUN"
	for n in ms pxtr mn1 mn2; do
		if node_running $n; then
			state="lispd pid $(node_pid $n)"
		elif [ $n = pxtr ] && [ "$(env_get LAB_PXTR)" = 0 ]; then
			state="not started (lispd refused operating-mode PxTR)"
		else
			state="lispd NOT RUNNING (see $(node_log $n))"
		fi
		case $n in
		ms) printf '  %-5s %-22s %s\n' ms "$MS4 $MS6" "$state" ;;
		pxtr) printf '  %-5s %-22s %s\n' pxtr "$PXTR4 $PXTR6" "$state" ;;
		*) printf '  %-5s network %s, RLOCs %s %s, %s, registration: %s\n' $n \
			"$(env_get "$(echo $n | tr a-z A-Z)_NET")" "$(rloc_of $n 4)" "$(rloc_of $n 6)" \
			"$state" "$(registered $n)" ;;
		esac
	done
	printf '  %-5s %-22s non-LISP host behind the PxTR\n' host "$HOST4 $HOST6"
}

cmd_move() {   # node net [restart]
	need_lab
	need_mn "$1"
	local var from
	var=$(echo "$1" | tr a-z A-Z)_NET
	from=$(env_get "$var")
	case $2 in A | B) ;; *) die "network '$2': A or B" ;; esac
	[ "$from" != "$2" ] || die "$1 is in network $2 already"
	topo_move "$1" "$from" "$2" || die "moving $1 from $from to $2 failed"
	env_set "$var" "$2"
	[ "${3:-}" = restart ] && cmd_restart "$1"
	return 0
}

cmd_restart() {
	need_lab
	need_node "$1"
	node_stop "$1"
	node_start "$1"
}

cmd_list() {
	ip netns list | awk '$1 ~ /^lispdlab-[a-z0-9]+-/ { split($1, p, "-"); print p[2] }' | sort -u
}

[ $# -ge 1 ] || { sed -n 's/^#   lab.sh/usage: lab.sh/p' "$0"; exit 2; }
cmd=$1
shift
case $cmd in
up) cmd_up ;;
down) lab_teardown ;;
status) cmd_status ;;
list) cmd_list ;;
dir) echo "$LAB_RUN" ;;
exec)
	[ $# -ge 2 ] || die "exec NODE CMD..."
	need_node "$1"
	ns=$(ns_of "$1")
	shift
	exec ip netns exec "$ns" "$@"
	;;
q) [ $# -eq 2 ] || die "q NODE REQUEST"; need_lab; node_q "$1" "$2" ;;
move) [ $# -ge 2 ] || die "move NODE A|B [restart]"; cmd_move "$@" ;;
restart) [ $# -eq 1 ] || die "restart NODE"; cmd_restart "$1" ;;
rloc) [ $# -eq 2 ] || die "rloc NODE 4|6"; need_lab; need_mn "$1"; rloc_of "$1" "$2" ;;
lig)
	[ $# -ge 2 ] || die "lig NODE ARGS..."
	need_lab
	need_mn "$1"
	n=$1
	shift
	if [ "$1" = self ]; then
		shift
		in_node "$n" "$LIG" self -f "$(node_dir "$n")/lispd.conf" -m "$MS4" -s "$(rloc_of "$n" 4)" "$@"
	else
		in_node "$n" "$LIG" -m "$MS4" -s "$(rloc_of "$n" 4)" "$@"
	fi
	;;
mcache)
	[ $# -ge 1 ] || die "mcache NODE [brief]"
	need_lab
	if [ "${2:-}" = brief ]; then
		in_node "$1" bpftool -j map dump pinned "$(node_pin "$1")/lispd_mcache" |
			python3 "$LAB_DIR/mcache_brief.py"
	else
		in_node "$1" bpftool map dump pinned "$(node_pin "$1")/lispd_mcache"
	fi
	;;
*) die "unknown command '$cmd'" ;;
esac
