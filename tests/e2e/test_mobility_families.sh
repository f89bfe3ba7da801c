#!/bin/bash
# Moves between single-family access networks, end to end: MN A starts on an
# IPv4-only network (192.0.2.1), moves to an IPv6-only one (2001:db8:0:4::1)
# and then to another IPv4-only one (203.0.113.129), while MN B (IPv4 and
# IPv6 RLOCs, IPv4 preferred) talks to A's IPv4 and IPv6 EIDs. A knows the
# map-server/resolver by both its addresses, so it always has one it can reach.
#
# Asserted after each move: A registers exactly its new locator (the MS lists
# it alone for both EIDs), B gets an SMR, re-resolves and caches it, pings
# and a TCP transfer (tests/e2e/xfer.py) work for both EID families in both
# directions, and on the wire (tshark on A's link) the data is carried in
# the remaining family: v4-in-v6 and v6-in-v6 while A is IPv6-only, v6-in-v4
# while it is IPv4-only, never from a locator A no longer has. lmn0's MTU
# follows the outer family (physical MTU - 36 over IPv4, - 56 over IPv6) and
# a DF packet one byte over it is refused locally with that MTU, one that
# fits arrives (no black hole). SIGTERM restores A's host, MTU included.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
BUILD=${BUILD:-$PWD/build}
. tests/e2e/lab.sh
. tests/e2e/lispd_lib.sh

tap_require_root "network namespaces, BPF"
tap_require_cmd tshark

trap lab_ms_cleanup EXIT
trap 'exit 1' INT TERM HUP

PHYS_MTU=1500
MTU4=$((PHYS_MTU - 36))
MTU6=$((PHYS_MTU - 56))

# A's configuration: the map-server and resolver by both addresses, RLOCs of
# both families on eth0 (whichever exists).
a_conf() {
	local eid
	conf_mn "$MS4" "$MS6"
	conf_map_server "$MS4" 1 "$KEY_A" off
	conf_map_server "$MS6" 1 "$KEY_A" off
	for eid in "$EID4_A/32" "$EID6_A/128"; do
		conf_mapping "$eid" 10 eth0/4/1/100 eth0/6/1/100
	done
}

ok "lab: router, two mobile nodes, a map-server, access network B on A's link" \
	eval 'lab_up && ms_ns_up && net_b_up'
mkdir -p "$LAB_TMP/bpf-m"
ok "A's network is IPv4-only (IPv6 address and default removed)" \
	eval "ip -n '$NS_A' addr del '$RLOC6_A/64' dev eth0 && ip -n '$NS_A' -6 route del default"

ms_conf >"$LAB_TMP/ms.conf"
a_conf >"$LAB_TMP/a.conf"
mn_conf "$EID4_B" "$EID6_B" 2 "$KEY_B" "$MS4" >"$LAB_TMP/b.conf"
bg_in_ns "$NS_R" tshark -n -i ra -f "udp port 4341 or udp port 4342" -w "$LAB_TMP/ra.pcap" \
	2>"$LAB_TMP/tshark.err"
TSHARK=$LAST_PID
for i in $(seq 1 100); do grep -q "Capturing on" "$LAB_TMP/tshark.err" && break; sleep 0.1; done
ok "lispd starts in MS mode" node_start m "$LAB_TMP/ms.conf"
ok "MN A starts (IPv4 only)" node_start a "$LAB_TMP/a.conf"
ok "MN B starts" node_start b "$LAB_TMP/b.conf"

# Total Map-Notifies A accepted, over its map-servers.
notifies() { q a registrations | json_get "sum(r['notifies'] for r in d)"; }
registered_after() {   # notifies-before
	wait_json a registrations "sum(r['notifies'] for r in d) > $1 and any(r['state'] == 'registered' for r in d)" 50
}
ok "MN A registered" registered_after 0
ok "MN B registered" wait_json b registrations "d[0]['state'] == 'registered'" 50

# The MS's locators for an EID of A: exactly rloc, from one xTR.
ms_lists() {   # eid rloc
	wait_json m registrations "[sorted(l['address'] for l in x['locators']) for r in d['registrations'] if r['eid-prefix'] == '$1' for x in r['xtrs']] == [['$2']]" 25
}
b_caches() {   # eid rloc
	wait_json b map-cache "[sorted(l['rloc'] for l in e['locators']) for e in d if e['eid'] == '$1'] == [['$2']]" 25
}
ping_eid() {   # node src dst [size]
	in_ns "$(ns_of "$1")" ping -q -c 1 -W 1 -w 8 ${4:+-M do -s "$4"} -I "$2" "$3" >/dev/null 2>&1
}
head -c 2000000 /dev/urandom >"$LAB_TMP/payload"
want="$(stat -c %s "$LAB_TMP/payload") $(sha256sum "$LAB_TMP/payload" | cut -d' ' -f1)"
xfer() {   # from to src dst port
	local got rpid
	in_ns "$(ns_of "$2")" python3 tests/e2e/xfer.py recv "$4" "$5" >"$LAB_TMP/xfer.out" &
	rpid=$!
	wait_until 10 tcp_listening "$(ns_of "$2")" "$5"
	in_ns "$(ns_of "$1")" timeout 20 python3 tests/e2e/xfer.py send "$3" "$4" "$5" \
		"$LAB_TMP/payload" || { kill "$rpid"; wait "$rpid"; return 1; }
	wait "$rpid"
	got=$(cat "$LAB_TMP/xfer.out")
	[ "$got" = "$want" ] || { diag "received: $got, sent: $want"; return 1; }
}
lmn_mtu() { ip -n "$NS_A" -o link show lmn0 | sed -n 's/.* mtu \([0-9]*\) .*/\1/p'; }
# A DF packet that fills lmn0 arrives; one byte more is refused by A's own
# stack, which names lmn0's MTU (a black hole would be a silent loss).
df_fits() {   # src dst mtu
	local hdr=28
	case $2 in *:*) hdr=48 ;; esac
	ping_eid a "$1" "$2" $(($3 - hdr)) || { diag "a DF packet of $3 bytes $1 -> $2 got no reply"; return 1; }
	in_ns "$NS_A" ping -c 1 -W 1 -M do -s $(($3 - hdr + 1)) -I "$1" "$2" 2>&1 |
		grep -qiE "mtu[:= ]*$3" || { diag "$(($3 + 1)) bytes: not refused with mtu $3"; return 1; }
}

# Phase checks, after A is on network $1 with locator $2.
phase() {   # name rloc mtu
	local name=$1 rloc=$2 mtu=$3
	ok "$name: MS lists $EID4_A/32 with exactly $rloc" ms_lists "$EID4_A/32" "$rloc"
	ok "$name: MS lists $EID6_A/128 with exactly $rloc" ms_lists "$EID6_A/128" "$rloc"
	ok "$name: B pings A's IPv4 EID" ping_eid b "$EID4_B" "$EID4_A"
	ok "$name: B pings A's IPv6 EID" ping_eid b "$EID6_B" "$EID6_A"
	ok "$name: B's map-cache: $EID4_A/32 -> $rloc only" b_caches "$EID4_A/32" "$rloc"
	ok "$name: B's map-cache: $EID6_A/128 -> $rloc only" b_caches "$EID6_A/128" "$rloc"
	ok "$name: A pings B's IPv4 EID" ping_eid a "$EID4_A" "$EID4_B"
	ok "$name: A pings B's IPv6 EID" ping_eid a "$EID6_A" "$EID6_B"
	check "$name: lmn0's MTU is $mtu (got $(lmn_mtu))" "[ '$(lmn_mtu)' = '$mtu' ]"
	ok "$name: IPv4 DF packet of $mtu bytes arrives, $((mtu + 1)) refused locally" \
		df_fits "$EID4_A" "$EID4_B" "$mtu"
	ok "$name: IPv6 packet of $mtu bytes arrives, $((mtu + 1)) refused locally" \
		df_fits "$EID6_A" "$EID6_B" "$mtu"
}

# A's counters, to compare across a move.
ctr() { q "$1" counters | json_get "d['mn']['$2']"; }

phase "IPv4-only network" "$RLOC4_A" "$MTU4"
ok "IPv4-only: TCP over IPv6 EIDs B -> A (2 MB, checksum)" xfer b a "$EID6_B" "$EID6_A" 5001

# Moves one access network for another in one burst (as a DHCP client does).
# (-force: the kernel may have taken the default with its address already.)
move() {   # new-address, batch of ip commands on stdin
	ip -n "$NS_A" -force -batch - 2>/dev/null
	ip -n "$NS_A" -o addr show dev eth0 | grep -q " $1/"
}
outage() {   # ping-log
	wait "$PING_PID"
	read -r gap got sent < <(outage_of "$1" "$(date +%s.%N)")
	diag "$2: longest gap between replies at 10 ms spacing: $gap ms ($got of $sent replies)"
}

# ---- IPv4-only -> IPv6-only ----------------------------------------------------------
n0=$(notifies)
smr0=$(ctr b smr_received)
in_ns "$NS_B" ping -D -n -i 0.01 -w 6 -I "$EID6_B" "$EID6_A" >"$LAB_TMP/ping1.log" 2>&1 &
PING_PID=$!
wait_until 10 ping_answered "$LAB_TMP/ping1.log" 50
ok "A moves to the IPv6-only network" move "$NEW6" <<EOB
address del $RLOC4_A/24 dev eth0
route del default via 192.0.2.254 dev eth0
address add $NEW6/64 dev eth0 nodad
route add default via $NEW_GW6 dev eth0 metric 100
EOB
outage "$LAB_TMP/ping1.log" "outage IPv4-only -> IPv6-only (IPv6 EID)"
ok "IPv6-only: A registered again" registered_after "$n0"
check "IPv6-only: B received an SMR" "[ \"\$(ctr b smr_received)\" -gt '$smr0' ]"
phase "IPv6-only network" "$NEW6" "$MTU6"
ok "IPv6-only: TCP over IPv4 EIDs B -> A (2 MB, checksum)" xfer b a "$EID4_B" "$EID4_A" 5002
ok "IPv6-only: TCP over IPv4 EIDs A -> B (2 MB, checksum)" xfer a b "$EID4_A" "$EID4_B" 5003
check "IPv6-only: the data plane has no IPv4 RLOC (rule from $RLOC4_A gone)" \
	"! ip -n '$NS_A' rule show | grep -q 'from $RLOC4_A '"

# ---- IPv6-only -> IPv4-only (network B's IPv4 half) ----------------------------------
n0=$(notifies)
smr0=$(ctr b smr_received)
in_ns "$NS_B" ping -D -n -i 0.01 -w 6 -I "$EID4_B" "$EID4_A" >"$LAB_TMP/ping2.log" 2>&1 &
PING_PID=$!
wait_until 10 ping_answered "$LAB_TMP/ping2.log" 50
ok "A moves to an IPv4-only network" move "$NEW4" <<EOB
address del $NEW6/64 dev eth0
route del default via $NEW_GW6 dev eth0
address add $NEW4/25 dev eth0
route add default via $NEW_GW4 dev eth0 metric 100
EOB
outage "$LAB_TMP/ping2.log" "outage IPv6-only -> IPv4-only (IPv4 EID)"
ok "IPv4-only again: A registered again" registered_after "$n0"
check "IPv4-only again: B received an SMR" "[ \"\$(ctr b smr_received)\" -gt '$smr0' ]"
phase "IPv4-only network B" "$NEW4" "$MTU4"
ok "IPv4-only again: TCP over IPv6 EIDs A -> B (2 MB, checksum)" xfer a b "$EID6_A" "$EID6_B" 5004

# ---- the wire --------------------------------------------------------------------------
count() { tshark -n -r "$LAB_TMP/ra.pcap" -Y "$1" 2>/dev/null | wc -l; }
LD="udp.dstport == 4341"
# The capture has caught up once the last transfer is in it, both ways.
last_in_capture() {
	[ "$(count "ip.src == $NEW4 && $LD && ipv6.src == $EID6_A")" -gt 0 ] &&
		[ "$(count "ip.dst == $NEW4 && $LD && ipv6.dst == $EID6_A")" -gt 0 ]
}
wait_until 10 last_in_capture
kill -INT "$TSHARK"
wait "$TSHARK"
LAB_PIDS=${LAB_PIDS/ $TSHARK/}
check "v6-in-v4 from $RLOC4_A while IPv4-only" "[ \$(count 'ip.src == $RLOC4_A && $LD && ipv6.src == $EID6_A') -gt 0 ]"
check "v4-in-v6 from $NEW6 while IPv6-only (both directions)" \
	"[ \$(count 'ipv6.src == $NEW6 && $LD && ip.src == $EID4_A') -gt 0 ] && [ \$(count 'ipv6.dst == $NEW6 && $LD && ip.dst == $EID4_A') -gt 0 ]"
check "v6-in-v6 from $NEW6 while IPv6-only" "[ \$(count 'ipv6.src == $NEW6 && $LD && ipv6.src == $EID6_A && !ip') -gt 0 ]"
ok "v6-in-v4 from $NEW4 once IPv4-only again (both directions)" last_in_capture
check "no IPv6 control or data from A while it had no IPv6 address (only $NEW6)" \
	"[ \$(count 'ipv6.src != $NEW6 && ipv6.src != $MS6 && ipv6.src != $RLOC6_B && ipv6.src != fe80::/10 && !ip && udp') -eq 0 ]"
reg_total=$(count "udp.dstport == 4342 && lisp.type == 3")
diag "Map-Registers from A on the wire over the whole test: $reg_total"

# ---- restore ---------------------------------------------------------------------------
ok "A stops on SIGTERM" node_stop a TERM
check "A exited 0" "[ $NODE_RC -eq 0 ]"
check "A's host restored: no lmn0, no 4342 rule or table, no journal" \
	"! ip -n '$NS_A' link show lmn0 >/dev/null 2>&1 && ! ip -n '$NS_A' rule show | grep -q 4342 &&
	 [ -z \"\$(ip -n '$NS_A' route show table 4342 2>/dev/null)\" ] && [ ! -e '$LAB_TMP/state-a/host.state' ]"
check "A's log has no error" "! grep -E '^lispd: (err|crit)' '$(log_of a)'"
tap_done
