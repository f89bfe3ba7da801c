#!/bin/bash
# The NAT lab (tests/e2e/nat_lab.sh, tools/lab/nat.sh) behaves as the NATs
# a mobile node meets: a UDP flow from inside leaves with the public
# address and its answer comes back; an unsolicited datagram (to the
# public address, or routed to the inside address) is dropped and counted
# while the remote the binding was made towards still gets through; a
# flushed binding (a rebinding) comes back on the same public port under
# plain masquerade, on a new one under `masquerade random`, and the old
# port is dead; an idle binding goes after the configured UDP timeout; the
# double NAT translates twice. Last, lispd behind a NAT: the mobile node
# finds the NAT through the map-server's Info-Reply and says it is not
# reachable there, with the NAT's public address and port.
#
# Needs root, nft, conntrack, socat. Namespaces lispd-e2e-<pid>-*.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
BUILD=${BUILD:-$PWD/build}
. tests/e2e/lab.sh
. tests/e2e/lispd_lib.sh
. tests/e2e/nat_lab.sh

tap_require_root "network namespaces"
tap_require_cmd nft
tap_require_cmd conntrack
tap_require_cmd socat

trap nat_lab_cleanup EXIT
trap 'exit 1' INT TERM HUP

ok "NAT lab: the public network, a home NAT, a home NAT behind a CGN" nat_lab_up

# ---- one NAT ------------------------------------------------------------------------------
ANSWER=$(udp_ask "$NS_C1" 4000)
check "the answer to a datagram from inside comes back" "[ -n '$ANSWER' ]"
check "the server saw the NAT's public address (plain masquerade keeps the port)" \
	"[ '$ANSWER' = '$HOME1_PUB4:4000' ]"
check "nat_mappings shows the binding" \
	"nat_mappings '$NS_HOME1' | grep -qx '$C1_4:4000 -> $HOME1_PUB4:4000 to $WORLD4:$ECHO_PORT'"

unsolicited() {
	local got=$LAB_TMP/c1-4000 listener i
	udp_listen "$NS_C1" 4000 "$got" || return 1
	listener=$LAST_PID
	udp_send "$NS_WORLD" "$STRANGER4:$ECHO_PORT" "$HOME1_PUB4" 4000 stranger &&
		nat_wait_dropped "$NS_HOME1" 1 || return 1
	# As if the inside network were routed to the NAT: the filter, not the
	# lack of a route, keeps it out.
	ip -n "$NS_WORLD" route add "$INSIDE_NET4" via "$HOME1_PUB4" &&
		udp_send "$NS_WORLD" "$WORLD4:$ECHO_PORT" "$C1_4" 4000 routed &&
		nat_wait_dropped "$NS_HOME1" 2 || return 1
	ip -n "$NS_WORLD" route del "$INSIDE_NET4" via "$HOME1_PUB4"
	udp_send "$NS_WORLD" "$WORLD4:$ECHO_PORT" "$HOME1_PUB4" 4000 peer || return 1
	for i in $(seq 1 30); do
		[ -s "$got" ] && break
		sleep 0.1
	done
	[ "$(cat "$got")" = peer ] || { diag "inside got: $(tr '\n' ' ' <"$got")"; return 1; }
	kill "$listener" && wait "$listener" 2>/dev/null
	LAB_PIDS=${LAB_PIDS/ $listener/}
}
ok "unsolicited datagrams (to the public address, routed inside) are dropped and counted; the bound peer gets through" \
	unsolicited

# A rebinding: the NAT forgets its bindings (a restart, a flush).
nat_flush "$NS_HOME1"
check "plain masquerade, after a flush: the same public port again" \
	"[ '$(udp_ask "$NS_C1" 4000)' = '$HOME1_PUB4:4000' ]"

rebind_random() {
	local dropped NEW
	nat_ports "$NS_HOME1" random && nat_flush "$NS_HOME1" || return 1
	NEW=$(udp_ask "$NS_C1" 4000)
	[ -n "$NEW" ] && [ "$NEW" != "$HOME1_PUB4:4000" ] &&
		[ "$(nat_public_of "$NS_HOME1" "$C1_4:4000")" = "$NEW" ] ||
		{ diag "after the rebinding: server saw '$NEW', NAT: $(nat_mappings "$NS_HOME1")"; return 1; }
	dropped=$(nat_dropped "$NS_HOME1")
	udp_send "$NS_WORLD" "$WORLD4:$ECHO_PORT" "$HOME1_PUB4" 4000 old-port &&
		nat_wait_dropped "$NS_HOME1" $((dropped + 1))
}
ok "masquerade random, after a flush: a new public port; the old one is dead" rebind_random
nat_ports "$NS_HOME1"

udp_timeout() {
	local t0 t dropped i pub
	nat_udp_timeout "$NS_HOME1" 3 || return 1
	pub=$(udp_ask "$NS_C1" 4100)
	t0=$(date +%s%N)
	[ "$(nat_public_of "$NS_HOME1" "$C1_4:4100")" = "$pub" ] || return 1
	for i in $(seq 1 80); do
		[ -z "$(nat_public_of "$NS_HOME1" "$C1_4:4100")" ] && break
		sleep 0.1
	done
	t=$((($(date +%s%N) - t0) / 1000000))
	diag "idle binding gone after $t ms (timeout 3 s)"
	[ "$t" -ge 2500 ] && [ "$t" -le 7000 ] || return 1
	dropped=$(nat_dropped "$NS_HOME1")
	udp_send "$NS_WORLD" "$WORLD4:$ECHO_PORT" "${pub%:*}" "${pub#*:}" late &&
		nat_wait_dropped "$NS_HOME1" $((dropped + 1))
}
ok "an idle binding goes after the UDP timeout (3 s); then the peer is unsolicited" udp_timeout

# ---- double NAT ---------------------------------------------------------------------------
double_nat() {
	local seen home cgn
	seen=$(udp_ask "$NS_C2" 4000)
	home=$(nat_public_of "$NS_HOME2" "$C2_4:4000")
	cgn=$(nat_public_of "$NS_CGN" "$home")
	diag "c2 $C2_4:4000 -> home2 $home -> cgn $cgn, server saw $seen"
	[ "${home%:*}" = "$HOME2_PUB4" ] && [ "${seen%:*}" = "$CGN_PUB4" ] && [ "$cgn" = "$seen" ]
}
ok "double NAT: home2 then the CGN translate; the answer comes back" double_nat

cgn_rebind() {
	local home before after
	home=$(nat_public_of "$NS_HOME2" "$C2_4:4000")
	before=$(nat_public_of "$NS_CGN" "$home")
	nat_flush "$NS_CGN" || return 1
	after=$(udp_ask "$NS_C2" 4000)
	diag "CGN public binding $before -> $after"
	[ -n "$after" ] && [ "$after" != "$before" ] &&
		[ "$(nat_public_of "$NS_HOME2" "$C2_4:4000")" = "$home" ]
}
ok "the CGN (masquerade random) rebinds to a new port; home2 keeps its binding" cgn_rebind

# ---- lispd behind the NAT, before traversal through an RTR --------------------------------
# The node finds the NAT with an Info-Request and says so, instead of the
# "registered" it used to claim while every answer went to its private
# address: the NAT's public address and port, no RTR offered (this map-server
# advertises none), the RLOC left out of its registration.
NAT_KEY="e2e-nat-key-never-logged"
{
	conf_ms
	conf_site 198.18.0.1/32 2 "$NAT_KEY" off false
} >"$LAB_TMP/ms.conf"
{
	conf_mn "$NAT_MS4"
	conf_map_server "$NAT_MS4" 2 "$NAT_KEY" off
	conf_mapping_on 198.18.0.1/32 eth0
} >"$LAB_TMP/mn.conf"
ok "lispd starts as map-server on the public network" node_start ms "$LAB_TMP/ms.conf"
ok "lispd starts as mobile node behind the home NAT" node_start mn "$LAB_TMP/mn.conf"
ok "behind the NAT the node says: not reachable: behind NAT" \
	wait_json mn registrations "d[0]['state'] == 'not reachable: behind NAT'" 50
check "... its RLOC behind NAT, seen as the NAT's public address and port (plain masquerade keeps 4342)" \
	"q mn registrations | json_get \"[(r['rloc'], r['nat'], r['registration'], r['global'], r['rtrs']) for r in d[0]['rlocs']] == [('$NAT_MN4', 'behind NAT', 'not reachable: behind NAT', '$HOME1_PUB4:4342', [])]\" | grep -qx True"
check "... and why: no RTR offered, traversal off" \
	"q mn registrations | json_get \"'no RTR' in d[0]['rlocs'][0]['detail']\" | grep -qx True"
check "the Info-Reply was taken: authenticated, our nonce, nothing refused" \
	"q mn counters | json_get \"d['mn']['info_rx_ok'] >= 1 and d['mn']['info_rx_bad_nonce'] == 0 and d['mn']['info_rx_bad_auth'] == 0 and d['mn']['reg_behind_nat'] >= 1\" | grep -qx True"
check "status says behind NAT for the map-server and RLOC" \
	"q mn status | json_get \"[(n['map_server'], n['rloc'], n['nat']) for n in d['mn']['nat']] == [('$NAT_MS4', '$NAT_MN4', 'behind NAT')]\" | grep -qx True"
check "the map-server answered the Info-Request from the NAT's address" \
	"q ms counters | json_get \"d['ms']['info-replies-sent'] >= 1\" | grep -qx True"

tap_done
