#!/bin/bash
# The RTR end to end (operating-mode = RTR, docs/NAT.md 4.2), in the NAT lab
# of tests/e2e/nat_lab.sh plus two public namespaces:
#
#   c1  eth0 198.51.100.130 ---- home1 (masquerade) ---- world br0 198.51.100.0/25
#   (a node behind the NAT,      wan 198.51.100.10         |- ms   .2   lispd MS (ms-rtr-node: the RTR)
#    played by ms_reg.py)                                   |- rtr  .40  lispd RTR
#                                                           |- pub  .50  lispd MN, EID 198.18.0.2
#                                                           '- world .3  a stranger
#
# The node registers its EID 198.18.0.1 through our RTR as a node behind a
# NAT does (tests/e2e/ms_reg.py via-rtr: an ECM Map-Register from its data
# port P:4341 to the RTR's 4342, addressed inside to the map-server) and
# listens on P:4341. Checked:
#  - the RTR relays it (NEW dialect), the map-server registers it relayed by
#    our RTR, and the Map-Notify comes back to P:4341 through the NAT as a
#    Data-Map-Notify; the RTR shows the NAT's public address and port (what
#    the NAT's conntrack says) in `lispd -q nat`, read back from its BPF
#    NAT table too;
#  - data: the node's ICMP echo request in LISP data from P:4341 to the
#    RTR's 4341 reaches the public MN (the RTR resolves its EID as the
#    node's ITR), and the MN's echo reply, sent to the RTR the map-server
#    names for the node, comes back through the NAT to P:4341;
#  - a NAT rebinding (conntrack flushed, `masquerade random`): the next
#    register makes the RTR send to the new port, data flows again;
#  - the OLD dialect after a SIGHUP: relayed bare, answered and committed;
#  - no open relay: a stranger's data for an EID the RTR holds no state for,
#    or under the NATed node's EID, is dropped and counted by the data
#    plane, a register for a map-server the RTR does not serve is dropped
#    and counted;
#  - SIGTERM restores the RTR's namespace exactly; after kill -9 the next
#    start cleans up and runs.
#
# Needs root, nft, conntrack, socat. Namespaces lispd-e2e-<pid>-*.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
BUILD=${BUILD:-$PWD/build}
. tests/e2e/lab.sh
. tests/e2e/lispd_lib.sh
. tests/e2e/nat_lab.sh

tap_require_root "network namespaces, BPF"
tap_require_cmd nft
tap_require_cmd conntrack
tap_require_cmd socat

NS_RTR=$LAB_ID-rtr
NS_PUB=$LAB_ID-pub
RTR4=198.51.100.40
PUB4=198.51.100.50
NODE_EID=198.18.0.1
PUB_EID=198.18.0.2
OTHER_MS4=198.51.100.99    # a map-server the RTR does not serve
KEY_NODE="e2e-rtr-node-key-never-logged"
KEY_PUB="e2e-rtr-pub-key-never-logged"
KEY_RTR="e2e-rtr-ms-key-never-logged"
XTR_ID=00112233445566778899aabbccddeeff

# Nodes: ms (map-server), rtr, pub (the public MN); nat_lab.sh's ms and mn.
ns_of() { case $1 in ms) echo "$NS_NAT_MS" ;; rtr) echo "$NS_RTR" ;; pub) echo "$NS_PUB" ;; esac; }
pin_of() { echo "$LAB_TMP/bpf-$1/lispd"; }

cleanup() {
	nat_lab_cleanup
	ip netns del "$NS_RTR" 2>/dev/null
	ip netns del "$NS_PUB" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

setup() {
	local n
	nat_lab_up || return 1
	for n in rtr pub; do
		ip netns add "$(ns_of $n)" && ip -n "$(ns_of $n)" link set lo up || return 1
		# No duplicate address detection: the snapshots compare addresses.
		in_ns "$(ns_of $n)" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 || return 1
		mkdir -p "$LAB_TMP/bpf-$n" && mount -t bpf bpf "$LAB_TMP/bpf-$n" &&
			LAB_MOUNTS="$LAB_MOUNTS $LAB_TMP/bpf-$n" || return 1
	done
	nat_plug "$NS_WORLD" rtr "$NS_RTR" eth0 "$RTR4/25" &&
		nat_plug "$NS_WORLD" pub "$NS_PUB" eth0 "$PUB4/25" || return 1
	{
		conf_ms
		conf_site "$NODE_EID/32" 1 "$KEY_NODE" on false
		conf_site "$PUB_EID/32" 2 "$KEY_PUB" on false
		conf_ms_rtr lab-rtr "$RTR4" "$KEY_RTR"
		conf_ms_rtrs_set lab 10 lab-rtr
	} >"$LAB_TMP/ms.conf"
	{
		conf_rtr "$NAT_MS4" eth0
		conf_rtr_ms "$NAT_MS4" "$KEY_RTR" NEW
	} >"$LAB_TMP/rtr.conf"
	{
		conf_rtr "$NAT_MS4" eth0
		conf_rtr_ms "$NAT_MS4" "$KEY_RTR" OLD
	} >"$LAB_TMP/rtr-old.conf"
	{
		conf_mn "$NAT_MS4"
		conf_map_server "$NAT_MS4" 2 "$KEY_PUB" on
		conf_mapping_on "$PUB_EID/32" eth0
	} >"$LAB_TMP/pub.conf"
}
ok "NAT lab, an RTR and a public mobile node on the public network" setup
lab_snapshot "$NS_RTR" "$(pin_of rtr)" >"$LAB_TMP/before-rtr"

ok "lispd starts as map-server" node_start ms "$LAB_TMP/ms.conf"
ok "lispd starts as RTR" node_start rtr "$LAB_TMP/rtr.conf"
check "RTR status: mode RTR, its RLOC on eth0, the map-server NEW" "q rtr status | json_get \
	\"d['daemon']['mode'] == 'RTR' and [(r['address'], r['iface']) for r in d['rtr']['rlocs']] ==
	[('$RTR4', 'eth0')] and [(m['address'], m['draft_version']) for m in d['rtr']['map_servers']]
	== [('$NAT_MS4', 'NEW')]\" | grep -qx True"
check "the RTR data plane on eth0's ingress" \
	"in_ns '$NS_RTR' tc filter show dev eth0 ingress | grep -q lispd_rtr"
ok "lispd starts as the public mobile node" node_start pub "$LAB_TMP/pub.conf"
ok "the public MN registers" wait_json pub registrations "d[0]['state'] == 'registered'" 50

# ---- registration through the RTR -------------------------------------------------------
# ms_reg.py in c1 plays the node; its register names the RTR (reachable)
# and its private RLOC (local, unreachable), as docs/NAT.md 3.3 says.
via_rtr() {   # nonce [ms]
	in_ns "$NS_C1" python3 tests/e2e/ms_reg.py via-rtr --src "$C1_4" --rtr "$RTR4" \
		--ms "${2:-$NAT_MS4}" --key "$KEY_NODE" --alg 1 --nonce "$1" --proxy \
		--xtr-id $XTR_ID --record "$NODE_EID/32,3,$RTR4/1/100/1,$C1_4/1/100/4" --wait 2
}
# The NAT's public address:port of the node's flow to the RTR's 4342.
binding() {
	nat_mappings "$NS_HOME1" | awk -v i="$C1_4:4341" -v r="$RTR4:4342" '$1 == i && $5 == r { print $3 }'
}
# The Data-Map-Notify arrived from the RTR's 4342 and carries the
# map-server's Map-Notify for our nonce, signed with the site key.
dmn_ok() {   # output nonce
	echo "$1" | json_get "(n := d['notify']) is not None and n['auth_ok'] and n['nonce'] == $2 and
		n['xtr_id'] == '$XTR_ID' and n['records'][0]['eid'] == '$NODE_EID/32' and
		n['dmn'] == {'from': '$RTR4:4342', 'iid': 0xffffff, 'inner_src': '$NAT_MS4',
		'inner_dst': '$C1_4', 'sport': 4342, 'dport': 4342}" | grep -qx True ||
		{ diag "via-rtr: $1"; return 1; }
}
rtr_nat() {   # the RTR's committed nodes: eid global rtr_rloc private in_dataplane
	q rtr nat | json_get "' '.join('%s %s %s %s %s' % (n['eid'], n['global'], n['rtr_rloc'],
		n['private_rloc'], n['dataplane'] is not None and n['dataplane']['global'] == n['global'])
		for n in d)"
}

out=$(via_rtr 1)
ok "the node's register through the RTR: the Data-Map-Notify comes back to P:4341 through the NAT" \
	dmn_ok "$out" 1
G1=$(binding)
diag "the NAT's binding of the node's register flow: $G1"
check "the RTR's nat: $NODE_EID/32 behind $G1, through $RTR4, private $C1_4, in the BPF table" \
	"[ -n '$G1' ] && [ \"\$(rtr_nat)\" = '$NODE_EID/32 $G1 $RTR4 $C1_4 True' ]"
check "... xTR-ID, map-server, expiry 3.5 min, one confirmation" "q rtr nat | json_get \
	\"[(n['xtr_id'], n['map_server'], 200 <= n['expires_in_s'] <= 210, n['confirmations'])
	for n in d] == [('$XTR_ID', '$NAT_MS4', True, 1)]\" | grep -qx True"
check "the map-server: $NODE_EID/32 relayed by lab-rtr (NEW), from the RTR's address" \
	"q ms registrations | json_get \"[(x['relayed-by'], x['relay-dialect'], x['from'])
	for r in d['registrations'] if r['eid-prefix'] == '$NODE_EID/32' for x in r['xtrs']]\" |
	grep -qxF \"[('lab-rtr', 'NEW', '$RTR4')]\""

# ---- data through the RTR, both ways ------------------------------------------------------
ping_through() {   # the node pings the public MN's EID through the RTR
	local out
	out=$(in_ns "$NS_C1" python3 tests/e2e/ms_reg.py rtr-data --src "$C1_4" --rtr "$RTR4" \
		--src-eid "$NODE_EID" --dst-eid "$PUB_EID" --tries 30 --wait 0.3)
	diag "rtr-data: $out"
	echo "$out" | json_get "d['replies'] == 1 and d['from'] == '$RTR4:4342' and
		(d['inner_src'], d['inner_dst']) == ('$PUB_EID', '$NODE_EID')" | grep -qx True
}
ok "data: the node's echo request reaches the public MN, its reply comes back through the RTR and the NAT" \
	ping_through
check "the RTR resolved the MN's EID as the node's ITR (map-cache: $PUB_EID/32 -> $PUB4)" \
	"q rtr map-cache | json_get \"[[l['rloc'] for l in e['locators']] for e in d
	if e['eid'] == '$PUB_EID/32']\" | grep -qxF \"[['$PUB4']]\""
check "the public MN sends to the node's EID through the RTR (the map-server names it)" \
	"q pub map-cache | json_get \"[[l['rloc'] for l in e['locators'] if l['up']] for e in d
	if e['eid'] == '$NODE_EID/32']\" | grep -qxF \"[['$RTR4']]\""
rtr_stat() {   # a counter of the RTR's data plane
	in_ns "$NS_RTR" "$LISPD_BPF" stats pin "$(pin_of rtr)" | awk -v n="$1" '$1 == n { print $2 }'
}
check "the RTR's data plane: to the NATed node and from it" \
	"[ \"\$(rtr_stat rtr_to_nat)\" -ge 1 ] && [ \"\$(rtr_stat rtr_from_nat)\" -ge 1 ]"

# ---- a NAT rebinding ------------------------------------------------------------------------
rebind() {
	nat_ports "$NS_HOME1" random && nat_flush "$NS_HOME1" || return 1
	out=$(via_rtr 2)
	dmn_ok "$out" 2 || return 1
	G2=$(binding)
	diag "after the flush: the binding $G1 -> $G2"
	[ -n "$G2" ] && [ "$G2" != "$G1" ] && [ "$(rtr_nat)" = "$NODE_EID/32 $G2 $RTR4 $C1_4 True" ]
}
ok "NAT rebinding (flush, masquerade random): the next register moves the RTR to the new port" \
	rebind
check "... counted as a rebinding" "q rtr nat | json_get \"d[0]['rebindings'] == 1\" | grep -qx True"
ok "data flows again through the new binding" ping_through
nat_ports "$NS_HOME1"

# ---- no open relay ---------------------------------------------------------------------------
stranger_data() {
	local before
	before=$(rtr_stat drop_rtr_unknown_eid)
	in_ns "$NS_WORLD" python3 tests/e2e/ms_reg.py rtr-data --src "$STRANGER4" --rtr "$RTR4" \
		--src-eid 198.18.0.77 --dst-eid 198.18.0.99 --tries 1 --wait 0.2 >/dev/null
	wait_until 5 eval "[ \"\$(rtr_stat drop_rtr_unknown_eid)\" -gt '$before' ]"
}
ok "no open relay: a stranger's data for an EID the RTR holds nothing for is dropped and counted" \
	stranger_data
stranger_spoof() {
	local before
	before=$(rtr_stat drop_rtr_src_not_global)
	in_ns "$NS_WORLD" python3 tests/e2e/ms_reg.py rtr-data --src "$STRANGER4" --rtr "$RTR4" \
		--src-eid "$NODE_EID" --dst-eid "$PUB_EID" --tries 1 --wait 0.2 >/dev/null
	wait_until 5 eval "[ \"\$(rtr_stat drop_rtr_src_not_global)\" -gt '$before' ]"
}
ok "no open relay: a stranger's data under the NATed node's EID is dropped and counted" \
	stranger_spoof
unserved_ms() {
	out=$(via_rtr 3 "$OTHER_MS4")
	echo "$out" | json_get "d['notify'] is None" | grep -qx True &&
		q rtr counters | json_get "d['rtr']['drop_reg_unknown_ms'] == 1" | grep -qx True
}
ok "no open relay: a register for a map-server the RTR does not serve is dropped and counted" \
	unserved_ms

# ---- the OLD dialect, after a SIGHUP ---------------------------------------------------------
cp "$LAB_TMP/rtr-old.conf" "$LAB_TMP/rtr.conf"
kill -HUP "${PID[rtr]}"
ok "SIGHUP: the map-server's dialect is OLD" wait_json rtr status \
	"d['daemon']['reloads'] == 1 and d['rtr']['map_servers'][0]['draft_version'] == 'OLD'" 25
old_dialect() {
	out=$(via_rtr 4)
	dmn_ok "$out" 4 &&
		q ms registrations | json_get "[x['relay-dialect'] for r in d['registrations']
		if r['eid-prefix'] == '$NODE_EID/32' for x in r['xtrs']]" | grep -qxF "['OLD']"
}
ok "OLD: relayed bare, the map-server answers OLD, the node gets its Data-Map-Notify" old_dialect
check "nothing refused on the way" "q rtr counters | json_get \
	\"sum(v for k, v in d['rtr'].items() if k.startswith('drop_answer')) == 0 and
	d['rtr']['dmn_sent'] == 3 and d['rtr']['nat_committed'] == 1\" | grep -qx True"

# ---- restore, crash recovery ------------------------------------------------------------------
same_as_before() {
	lab_snapshot "$NS_RTR" "$(pin_of rtr)" >"$LAB_TMP/now-rtr"
	diff "$LAB_TMP/before-rtr" "$LAB_TMP/now-rtr" >"$LAB_TMP/diff-rtr" && return 0
	diag "the RTR's namespace differs:"
	sed 's/^/#   /' "$LAB_TMP/diff-rtr"
	return 1
}
node_stop rtr TERM
check "SIGTERM: the RTR exits 0" "[ '$NODE_RC' -eq 0 ]"
ok "the RTR's namespace is exactly as before (filters, qdiscs, pins)" same_as_before
ok "lispd starts as RTR again" node_start rtr "$LAB_TMP/rtr.conf"
node_stop rtr KILL
check "kill -9 leaves the RTR data plane behind" \
	"in_ns '$NS_RTR' tc filter show dev eth0 ingress | grep -q lispd_rtr"
ok "the next start cleans up and runs" node_start rtr "$LAB_TMP/rtr.conf"
check "... saying that it did" "grep -q 'did not exit cleanly: its RTR data plane was detached' '$(log_of rtr)'"
ok "the node registers through the restarted RTR" eval 'dmn_ok "$(via_rtr 5)" 5'
node_stop rtr TERM
ok "and SIGTERM restores the namespace exactly again" same_as_before
check "no key in any log" \
	"! grep -q -e '$KEY_NODE' -e '$KEY_PUB' -e '$KEY_RTR' '$(log_of ms)' '$(log_of rtr)' '$(log_of pub)'"

tap_done
