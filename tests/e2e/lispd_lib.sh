# Helpers for the lispd end-to-end tests; source after tap.sh and lab.sh.
# lispd always runs inside host A's namespace ($NS_A) with its own state
# directory, control socket and pin directory under $LAB_TMP, never in the
# root network namespace. Configurations: tools/lab/conf.sh.

. tools/lab/conf.sh

LISPD=${LISPD:-$BUILD/lispd}
STATE_A=$LAB_TMP/state-a
CTL_A=$LAB_TMP/lispd-a.sock
LOG_A=$LAB_TMP/lispd-a.log

# A valid mobile-node configuration for host A: both EIDs on eth0, a
# map-server and a resolver that do not answer (registration and resolution
# need a map-server: later tests).
lispd_conf_a() {
	conf_mn 198.51.100.250
	conf_map_server 198.51.100.251 2 e2e-secret-never-logged on
	conf_proxy_etr 203.0.113.5
	conf_mapping_on "$EID4_A/32" eth0 0
	conf_mapping_on "$EID6_A/128" eth0 0
}

# Starts lispd in the foreground in $NS_A (background job, PID in LISPD_PID
# and LAB_PIDS) and waits until its control socket answers.
lispd_start() {   # config [extra args...]
	local conf=$1
	shift
	bg_in_ns "$NS_A" "$LISPD" -n -d 1 -f "$conf" -S "$STATE_A" -C "$CTL_A" -p "$PIN_A" "$@" \
		>>"$LOG_A" 2>&1
	LISPD_PID=$LAST_PID
	lispd_wait_ready
}

lispd_wait_ready() {
	local i
	for i in $(seq 1 100); do
		if [ -S "$CTL_A" ] && lispd_query status >/dev/null 2>&1; then
			return 0
		fi
		if [ -n "${LISPD_PID:-}" ] && ! kill -0 "$LISPD_PID" 2>/dev/null; then
			diag "lispd exited; log:"
			sed 's/^/#   /' "$LOG_A"
			return 1
		fi
		sleep 0.1
	done
	diag "lispd did not answer on $CTL_A"
	return 1
}

lispd_query() {
	in_ns "$NS_A" "$LISPD" -C "$CTL_A" -q "$1"
}

# Sends sig to LISPD_PID and waits for its exit status (in LISPD_RC).
lispd_stop() {   # signal
	kill -"$1" "$LISPD_PID"
	wait "$LISPD_PID"
	LISPD_RC=$?
	LAB_PIDS=${LAB_PIDS/ $LISPD_PID/}
}

# Waits until a process that is not our child is gone.
wait_gone() {   # pid
	local i
	for i in $(seq 1 100); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

# JSON field of a document on stdin, by a Python expression on `d`.
json_get() {   # expr
	python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}

# ---- several daemons, one per namespace --------------------------------------------------
# A test running lispd on several nodes names them (a, b, m, ...) and defines
# ns_of and pin_of NODE; these helpers do the rest. PIDs land in PID[NODE]
# (and LAB_PIDS, so lab_cleanup ends them).
declare -A PID
ctl_of() { echo "$LAB_TMP/lispd-$1.sock"; }
log_of() { echo "$LAB_TMP/lispd-$1.log"; }

node_start() {   # node config
	local n=$1 i
	bg_in_ns "$(ns_of "$n")" "$LISPD" -n -d 2 -f "$2" -S "$LAB_TMP/state-$n" -C "$(ctl_of "$n")" \
		-p "$(pin_of "$n")" >>"$(log_of "$n")" 2>&1
	PID[$n]=$LAST_PID
	for i in $(seq 1 100); do
		q "$n" status >/dev/null 2>&1 && return 0
		if ! kill -0 "${PID[$n]}" 2>/dev/null; then
			diag "lispd ($n) exited; log:"
			sed 's/^/#   /' "$(log_of "$n")" | tail -20
			return 1
		fi
		sleep 0.1
	done
	diag "lispd ($n) did not answer"
	return 1
}

node_stop() {   # node signal -> NODE_RC
	local n=$1
	kill -"$2" "${PID[$n]}" || return 1
	# (bash's "Killed" notice for kill -9 is not a test result)
	{ wait "${PID[$n]}"; } 2>/dev/null
	NODE_RC=$?
	LAB_PIDS=${LAB_PIDS/ ${PID[$n]}/}
}

q() {   # node request
	in_ns "$(ns_of "$1")" "$LISPD" -C "$(ctl_of "$1")" -q "$2"
}

# Polls a Python condition on `d`, the node's answer to request, for up to
# tries x 0.2 s.
wait_json() {   # node request expr tries
	local i
	for i in $(seq 1 "$4"); do
		q "$1" "$2" 2>/dev/null | json_get "$3" 2>/dev/null | grep -qx True && return 0
		sleep 0.2
	done
	diag "$1 $2: $(q "$1" "$2" 2>&1 | head -c 1500)"
	return 1
}

# ---- the mapping lab: two mobile nodes (A, B) and a map-server (M) ---------------------
# lab.sh's A, B and router plus a map-server namespace behind the router;
# shared by test_lispd_mapping.sh and test_handover.sh.
NS_M=$LAB_ID-m
MS4=203.0.113.1      # on 203.0.113.0/25; network B has the upper half
MS_GW4=203.0.113.126
MS6=2001:db8:0:3::1
KEY_A="e2e-key-a-never-logged"
KEY_B="e2e-key-b-never-logged"
# Node n (a, b or m) runs in ns_of n with its own state, socket, pins and log.
ns_of() { case $1 in a) echo "$NS_A" ;; b) echo "$NS_B" ;; m) echo "$NS_M" ;; esac; }
pin_of() { case $1 in a) echo "$PIN_A" ;; b) echo "$PIN_B" ;; m) echo "$LAB_TMP/bpf-m/lispd" ;; esac; }

ms_conf() {
	conf_ms 1
	# Node A: the MS forwards Map-Requests to A's ETR.
	conf_site 198.18.0.1/32 1 "$KEY_A" off false
	conf_site 2001:db8:e1d::1/128 1 "$KEY_A" off false
	# Node B: the MS answers for B itself.
	conf_site 198.18.0.2/32 2 "$KEY_B" on false
	conf_site 2001:db8:e1d::2/128 2 "$KEY_B" on false
}

mn_conf() {   # eid4 eid6 key-type key map-server [prio4 prio6]
	local p4=${6:-1} p6=${7:-2}
	conf_mn "$5"
	conf_map_server "$5" "$3" "$4" off
	conf_mapping "$1/32" 10 "eth0/4/$p4/100" "eth0/6/$p6/100"
	conf_mapping "$2/128" 10 "eth0/4/$p4/100" "eth0/6/$p6/100"
}

ms_ns_up() {
	ip netns add "$NS_M" || return 1
	in_ns "$NS_M" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	ip -n "$NS_M" link add eth0 type veth peer name rm netns "$NS_R" || return 1
	ip -n "$NS_R" link set rm up &&
		ip -n "$NS_R" addr add $MS_GW4/25 dev rm &&
		ip -n "$NS_R" addr add 2001:db8:0:3::fe/64 dev rm nodad &&
		ip -n "$NS_M" link set lo up && ip -n "$NS_M" link set eth0 up &&
		ip -n "$NS_M" addr add $MS4/25 dev eth0 &&
		ip -n "$NS_M" addr add $MS6/64 dev eth0 nodad &&
		ip -n "$NS_M" route add default via $MS_GW4 &&
		ip -n "$NS_M" -6 route add default via 2001:db8:0:3::fe
}

# The mapping lab's teardown: lab.sh's nodes, then the map-server's namespace.
lab_ms_cleanup() {
	lab_cleanup
	ip netns del "$NS_M" 2>/dev/null
}

# ---- handover: access network B on A's link ------------------------------------------------
# Shared by test_handover.sh and the handover benchmark (tests/bench/handover.sh).
# Network B is the upper half of 203.0.113.0/24 (the map-server's link has
# the lower half): tests use documentation prefixes only.
NEW4=203.0.113.129
NEW6=2001:db8:0:4::1
NEW_GW4=203.0.113.254
NEW_GW6=2001:db8:0:4::fe
# IPv4 prefix length of an address move_a handles (default /24).
declare -A PLEN4=([$NEW4]=25 [$NEW_GW4]=25)

# Network B on the router's side of A's link, there from the start.
net_b_up() {
	ip -n "$NS_R" addr add $NEW_GW4/${PLEN4[$NEW_GW4]} dev ra &&
		ip -n "$NS_R" addr add $NEW_GW6/64 dev ra nodad
}

# One burst: the old address and gateway go, the new ones come (lispd
# demoted the old default to metric 100; the new one comes at 100 too, as
# a DHCP client with a route metric would add it). -force: the kernel may
# have taken a default route with its address already.
move_a() {   # old4 old6 oldgw4 oldgw6 new4 new6 newgw4 newgw6
	ip -n "$NS_A" -force -batch - 2>/dev/null <<EOB
address del $1/${PLEN4[$1]:-24} dev eth0
address del $2/64 dev eth0
route del default via $3 dev eth0
route del default via $4 dev eth0
address add $5/${PLEN4[$5]:-24} dev eth0
address add $6/64 dev eth0 nodad
route add default via $7 dev eth0 metric 100
route add default via $8 dev eth0 metric 100
EOB
	ip -n "$NS_A" -o addr show dev eth0 | grep -q " $5/" &&
		ip -n "$NS_A" route show default | grep -q "via $7"
}

# True once a ping log holds at least n replies: the flow runs (before a
# move, say). ping writes each line as it comes.
ping_answered() {   # ping-log n
	[ "$(grep -c ' bytes from ' "$1")" -ge "$2" ]
}

# Replies of a ping -D log, as their receive times, and the time ping
# ended; prints the longest gap without a reply (ms), the replies and the
# requests sent.
outage_of() {   # ping-log end-time
	python3 - "$1" "$2" <<'EOP'
import re, sys
ts = [float(m.group(1)) for m in re.finditer(r"^\[(\d+\.\d+)\] \d+ bytes from", open(sys.argv[1]).read(), re.M)]
sent = re.search(r"(\d+) packets transmitted", open(sys.argv[1]).read())
got = len(ts)
ts.append(float(sys.argv[2]))
gap = max((b - a for a, b in zip(ts, ts[1:])), default=float("inf"))
print("%.1f %d %s" % (gap * 1000, got, sent.group(1) if sent else "?"))
EOP
}

# ---- multihoming: A's second link (eth1) into network B ------------------------------------
# Shared by test_multihoming.sh and the soft-handover benchmark
# (tests/bench/softhandover.sh). eth1 sits on network B (203.0.113.128/25,
# the router's rc); A's config names eth0 (priority 2) and eth1 (priority 1,
# preferred when usable), IPv4 only.
MH_B4=203.0.113.129
MH_B_GW4=203.0.113.254
MH_A_GW4=192.0.2.254

# eth1 down with its address, as a Wi-Fi link not yet associated (up and
# down once, so its qdisc is what it is after any use). eth0 keeps its IPv6
# addresses while down, so bringing it back up restores the namespace.
mh_eth1_setup() {
	ip -n "$NS_A" link add eth1 type veth peer name rc netns "$NS_R" &&
		ip -n "$NS_R" link set rc up &&
		ip -n "$NS_R" addr add $MH_B_GW4/25 dev rc &&
		ip -n "$NS_A" addr add $MH_B4/25 dev eth1 &&
		ip -n "$NS_A" link set eth1 up && ip -n "$NS_A" link set eth1 down &&
		in_ns "$NS_A" sysctl -qw net.ipv6.conf.eth0.keep_addr_on_down=1
}

mh_a_conf() {   # [more locators, as conf_mapping takes them]
	conf_mn "$MS4"
	conf_map_server "$MS4" 1 "$KEY_A" off
	conf_mapping "$EID4_A/32" 10 eth0/4/2/100 eth1/4/1/50 "$@"
}

mh_b_cache() {   # sorted locators of A's EID in B's map-cache
	q b map-cache | json_get "' '.join(sorted(l['rloc'] for e in d if e['eid'] == '$EID4_A/32' for l in e['locators']))"
}
mh_wait_b_cache() {   # want [tries of 0.1 s]
	local i
	for i in $(seq 1 "${2:-60}"); do
		[ "$(mh_b_cache 2>/dev/null)" = "$1" ] && return 0
		sleep 0.1
	done
	diag "B caches '$(mh_b_cache)' for $EID4_A, want '$1'"
	return 1
}

# ---- comparable host state ------------------------------------------------------------------
# What lab_snapshot lists (links, addresses, routes of every table, rules,
# qdiscs, filters) plus the pinned objects and the state directory, in one
# process per tool (the crash test takes dozens), and without what differs
# between two equal runs: interface indexes (lmn0 is recreated), BPF program
# ids, the random MACs of lmn0's veth pair and hence its link-local
# addresses. Sorted, as the kernel lists routes by address, but not made
# unique: a duplicated route, rule or filter shows as an extra line. The
# nonce and xTR-ID files stay by design (docs/ARCHITECTURE.md).
host_snapshot() {   # ns pin state-dir
	local devs d
	devs=$(ip -n "$1" -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }')
	{
		printf 'link show\naddr show\n' | ip -n "$1" -o -batch -
		printf 'route show table all\nrule show\n' | ip -n "$1" -4 -batch -
		printf 'route show table all\nrule show\n' | ip -n "$1" -6 -batch -
		tc -n "$1" qdisc show
	} | _snap_norm | sort
	# Filters in device order, each device named (tc's lines do not say).
	for d in $devs; do
		echo "== filters $d"
		printf 'filter show dev %s ingress\nfilter show dev %s egress\n' "$d" "$d" |
			tc -n "$1" -batch - 2>&1 | _snap_norm
	done
	echo "== pins"
	(cd "$(dirname "$2")" && find . -mindepth 1 -printf '%p %m\n' | sort)
	echo "== state dir"
	ls "$3" 2>/dev/null | grep -vx -e nonce -e xtr-id
}
_snap_norm() {
	sed -E 's/^[0-9]+: //; s/ state [A-Z]+//; s/ qlen [0-9]+//; s/valid_lft.*//; s/ id [0-9]+//g;
		s/:\[[0-9]+\]//g; s/link\/ether [0-9a-f:]+/link\/ether MAC/; s/fe80::[0-9a-f:]+/fe80::LL/g'
}
