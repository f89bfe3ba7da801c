#!/bin/bash
# Multihoming, end to end: mobile node A has two RLOC interfaces into two
# access networks, eth0 (192.0.2.0/24, priority 2) and eth1 (203.0.113.128/25,
# priority 1, down at start), and B pings A's EID every 2 ms throughout a
# soft handover: eth1 comes up (with its gateway, as DHCP would add it), A
# sends from it at once and registers both locators; once B re-resolved
# (after A's SMR) eth0 goes down.
#
# eth1's MTU is 1400: lmn0's MTU is the smallest the interfaces with RLOCs
# leave (less the 36-byte IPv4 outer header), 1464 with eth0 alone, 1364
# while eth1 is in use, following eth1's MTU when it changes, and back to
# 1464 once eth1 is gone.
#
# eth2 (IPv6 only, priority 3) is named in the configuration but made only
# after lispd started: once it exists it decapsulates and its address is
# registered.
#
# Asserted: no reply lost (make-before-break: packets still arriving on eth0
# are decapsulated there while A already sends from eth1), the MS lists
# both locators with their priorities and then only eth1's, decap counted
# packets on both interfaces, both interfaces carry our TC filter and their
# own source rule and table, and SIGTERM leaves A's namespace exactly as
# it was before lispd started.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
BUILD=${BUILD:-$PWD/build}
. tests/e2e/lab.sh
. tests/e2e/lispd_lib.sh

tap_require_root "network namespaces, BPF"

B4=$MH_B4             # A's address on network B (eth1)
B_GW4=$MH_B_GW4
A_GW4=$MH_A_GW4

trap lab_ms_cleanup EXIT
trap 'exit 1' INT TERM HUP

ok "lab: router, two mobile nodes, a map-server, A's second link into network B" \
	eval 'lab_up && ms_ns_up && mh_eth1_setup && ip -n "$NS_A" link set eth1 mtu 1400'
mkdir -p "$LAB_TMP/bpf-m"
before=$(lab_snapshot "$NS_A" "$PIN_A")

ms_conf >"$LAB_TMP/ms.conf"
# eth2 is named too but made only later (IPv6 only, priority 3).
mh_a_conf eth2/6/3/100 >"$LAB_TMP/a.conf"
mn_conf "$EID4_B" "$EID6_B" 2 "$KEY_B" "$MS4" >"$LAB_TMP/b.conf"
ok "lispd starts in MS mode" node_start m "$LAB_TMP/ms.conf"
ok "MN A starts with two RLOC interfaces (eth1 down)" node_start a "$LAB_TMP/a.conf"
ok "MN B starts" node_start b "$LAB_TMP/b.conf"
ok "MN A registered" wait_json a registrations "len(d) == 1 and d[0]['state'] == 'registered'" 50
ok "MN B registered" wait_json b registrations "len(d) == 1 and d[0]['state'] == 'registered'" 50
check "A's decap filter is on eth0 and on eth1" \
	"in_ns '$NS_A' tc filter show dev eth0 ingress | grep -q lispd_decap && in_ns '$NS_A' tc filter show dev eth1 ingress | grep -q lispd_decap"

lmn_mtu() {
	ip -n "$NS_A" -o link show lmn0 | sed -n 's/.* mtu \([0-9]*\) .*/\1/p'
}
wait_lmn_mtu() {   # want
	local i
	for i in $(seq 1 50); do
		[ "$(lmn_mtu)" = "$1" ] && return 0
		sleep 0.1
	done
	diag "lmn0's MTU is $(lmn_mtu), want $1"
	return 1
}
check "lmn0's MTU leaves room for IPv4 over eth0 (1464; eth0's IPv6 address is not a locator)" \
	"[ \"\$(lmn_mtu)\" = 1464 ]"

ms_locs() {   # eid -> "addr/priority ..." sorted, over every xTR
	q m registrations | json_get "' '.join(sorted(set('%s/%d' % (l['address'], l['priority']) for r in d['registrations'] if r['eid-prefix'] == '$1' for x in r['xtrs'] for l in x['locators'])))"
}
wait_ms_locs() {   # eid want
	local i
	for i in $(seq 1 50); do
		[ "$(ms_locs "$1")" = "$2" ] && return 0
		sleep 0.2
	done
	diag "MS has $(ms_locs "$1") for $1, want $2"
	return 1
}
ok "MS lists only eth0's locator while eth1 is down" wait_ms_locs "$EID4_A/32" "$RLOC4_A/2"
ok "B reaches A's EID before the handover" \
	in_ns "$NS_B" ping -q -c 1 -W 1 -w 8 -I "$EID4_B" "$EID4_A"
ok "B has resolved A's EID to eth0's RLOC" mh_wait_b_cache "$RLOC4_A"

stat_of() {   # counter
	in_ns "$NS_A" "$LISPD_BPF" -j stats -p "$PIN_A" 2>/dev/null | json_get "d.get('$1', 0)" 2>/dev/null || echo 0
}

in_ns "$NS_B" ping -n -c 4000 -i 0.002 -W 2 -I "$EID4_B" "$EID4_A" >"$LAB_TMP/ping.log" 2>&1 &
PING_PID=$!
ok "B's pings are answered before the handover (250 replies)" \
	wait_until 10 ping_answered "$LAB_TMP/ping.log" 250
ok "eth1 comes up with its gateway" \
	eval "ip -n '$NS_A' link set eth1 up && ip -n '$NS_A' route add default via $B_GW4 dev eth1 metric 200"
ok "MS lists both locators: eth1's at priority 1, eth0's at 2" \
	wait_ms_locs "$EID4_A/32" "$RLOC4_A/2 $B4/1"
ok "lmn0's MTU shrinks to eth1's (1400 - 36)" wait_lmn_mtu 1364
check "A sends from eth1 now: from $B4 lookup 4343, table 4343 via $B_GW4" \
	"ip -n '$NS_A' rule show | grep -q 'from $B4 lookup 4343' && ip -n '$NS_A' route show table 4343 | grep -q 'default via $B_GW4 dev eth1'"
ok "B re-resolved (after A's SMR): both locators cached" mh_wait_b_cache "$RLOC4_A $B4"
ok "eth0 goes down" ip -n "$NS_A" link set eth0 down
ok "MS lists only eth1's locator" wait_ms_locs "$EID4_A/32" "$B4/1"
ok "eth1's MTU grows to 1450" ip -n "$NS_A" link set eth1 mtu 1450
ok "lmn0's MTU follows (1450 - 36)" wait_lmn_mtu 1414
wait "$PING_PID"
sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$LAB_TMP/ping.log")
got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$LAB_TMP/ping.log")
diag "soft handover eth0 -> eth1: $got of $sent replies"
check "no reply lost across the soft handover ($got of $sent)" "[ -n '$sent' ] && [ '$sent' -gt 0 ] && [ '$got' = '$sent' ]"
check "B's pings are still answered (via eth1 only)" \
	"in_ns '$NS_B' ping -q -c 3 -i 0.2 -W 1 -I '$EID4_B' '$EID4_A' >/dev/null"
check "A's log has no error" "! grep -E '^lispd: (err|crit)' '$(log_of a)'"

# Back to the namespace as it was before lispd (eth0 up with its default
# routes, eth1 down), then SIGTERM.
ok "eth0 back up" ip -n "$NS_A" link set eth0 up
ok "eth0's IPv4 gateway back" ip -n "$NS_A" route replace default via $A_GW4
ok "eth0's IPv6 gateway back" ip -n "$NS_A" -6 route replace default via 2001:db8:0:1::fe
ok "eth1 down" ip -n "$NS_A" link set eth1 down
ok "MS lists eth0's locator again" wait_ms_locs "$EID4_A/32" "$RLOC4_A/2"
ok "lmn0's MTU is eth0's again (1464)" wait_lmn_mtu 1464
ok "eth1's MTU back to 1400" ip -n "$NS_A" link set eth1 mtu 1400
# An RLOC interface absent at start is watched for: once it exists, its
# addresses join the locator set and it decapsulates like the others.
ok "eth2 appears after lispd started (a veth into network C, IPv6)" \
	eval "ip -n '$NS_A' link add eth2 type veth peer name rd netns '$NS_R' &&
		ip -n '$NS_R' link set rd up && ip -n '$NS_R' addr add 2001:db8:0:5::fe/64 dev rd nodad &&
		ip -n '$NS_A' addr add 2001:db8:0:5::1/64 dev eth2 nodad && ip -n '$NS_A' link set eth2 up"
ok "MS lists eth2's locator with its priority too" \
	wait_ms_locs "$EID4_A/32" "$RLOC4_A/2 2001:db8:0:5::1/3"
check "A's decap filter is on eth2" \
	"in_ns '$NS_A' tc filter show dev eth2 ingress | grep -q lispd_decap"
check "A's log says eth2 is watched" "grep -q 'RLOC interface eth2 appeared: watched' '$(log_of a)'"
ok "eth2 goes away again" ip -n "$NS_A" link del eth2
ok "A stops on SIGTERM" node_stop a TERM
check "A exited 0" "[ $NODE_RC -eq 0 ]"
after=$(lab_snapshot "$NS_A" "$PIN_A")
if [ "$before" = "$after" ]; then
	ok "A's namespace is exactly as before lispd (links, addresses, routes, rules, qdiscs, filters, pins)" true
else
	diag "$(diff <(echo "$before") <(echo "$after"))"
	ok "A's namespace is exactly as before lispd (links, addresses, routes, rules, qdiscs, filters, pins)" false
fi
tap_done
