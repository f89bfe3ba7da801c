#!/bin/bash
# Handover of a mobile node, end to end: the mapping lab (tests/e2e/
# lispd_lib.sh: MN A, MN B and a lispd Map-Server behind a router), then A
# moves from access network A (192.0.2.0/24, 2001:db8:0:1::/64) to access
# network B (203.0.113.128/25, 2001:db8:0:4::/64) while B pings A's EID every
# 2 ms: A's address and gateway go, a new address and gateway come, in one
# burst as a DHCP client would do it.
#
# Both access networks are on A's one physical link (eth0): the data plane
# sits on one interface, so a move between interfaces is not covered here.
#
# Asserted: connectivity comes back (outage printed, bound loose: < 5 s),
# the MS lists A's new RLOCs, A sent SMRs and B took one and re-resolved,
# B's map-cache holds the new RLOC, a TCP transfer across a second move
# arrives intact, and SIGTERM takes every lispd change off A.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
BUILD=${BUILD:-$PWD/build}
. tests/e2e/lab.sh
. tests/e2e/lispd_lib.sh

tap_require_root "network namespaces, BPF"

# NEW4, NEW6, NEW_GW4, NEW_GW6, net_b_up, move_a, outage_of: tests/e2e/lispd_lib.sh

trap lab_ms_cleanup EXIT
trap 'exit 1' INT TERM HUP

ok "lab: router, two mobile nodes, a map-server, access network B on A's link" \
	eval 'lab_up && ms_ns_up && net_b_up'
mkdir -p "$LAB_TMP/bpf-m"

ms_conf >"$LAB_TMP/ms.conf"
mn_conf "$EID4_A" "$EID6_A" 1 "$KEY_A" "$MS4" >"$LAB_TMP/a.conf"
mn_conf "$EID4_B" "$EID6_B" 2 "$KEY_B" "$MS4" >"$LAB_TMP/b.conf"
ok "lispd starts in MS mode" node_start m "$LAB_TMP/ms.conf"
ok "MN A starts" node_start a "$LAB_TMP/a.conf"
ok "MN B starts" node_start b "$LAB_TMP/b.conf"
registered() {   # node
	wait_json "$1" registrations "len(d) == 1 and d[0]['state'] == 'registered' and d[0]['notifies'] >= 1" 50
}
ok "MN A registered" registered a
ok "MN B registered" registered b
ok "B reaches A's EID before the move" \
	in_ns "$NS_B" ping -q -c 1 -W 1 -w 8 -I "$EID4_B" "$EID4_A"



smr0=$(q b counters | json_get "d['mn']['smr_received']")
inv0=$(q b counters | json_get "d['mn']['smr_invoked_sent']")
in_ns "$NS_B" ping -D -n -i 0.002 -w 6 -I "$EID4_B" "$EID4_A" >"$LAB_TMP/ping.log" 2>&1 &
PING_PID=$!
ok "B's pings are answered before the move (250 replies, 0.5 s of them)" \
	wait_until 10 ping_answered "$LAB_TMP/ping.log" 250
ok "A moves to network B (addresses and gateways replaced)" \
	move_a "$RLOC4_A" "$RLOC6_A" 192.0.2.254 2001:db8:0:1::fe "$NEW4" "$NEW6" "$NEW_GW4" "$NEW_GW6"
wait "$PING_PID"
read -r gap got sent < <(outage_of "$LAB_TMP/ping.log" "$(date +%s.%N)")
diag "handover outage (longest gap between replies at 2 ms spacing): $gap ms; $got of $sent replies"
check "connectivity returned after the move (outage $gap ms < 5000 ms)" \
	"python3 -c 'import sys; sys.exit(0 if $gap < 5000 else 1)'"
check "B's pings after the move are answered" \
	"in_ns '$NS_B' ping -q -c 3 -i 0.2 -W 1 -I '$EID4_B' '$EID4_A' >/dev/null"

ms_has() {   # eid rloc4 rloc6
	q m registrations | json_get "[sorted(l['address'] for l in x['locators']) for r in d['registrations'] if r['eid-prefix'] == '$1' for x in r['xtrs'] if x['from'] == '$2'] == [sorted(['$2', '$3'])]" |
		grep -qx True
}
check "MS lists $EID4_A/32 registered from $NEW4 with locators $NEW4, $NEW6" \
	"ms_has '$EID4_A/32' '$NEW4' '$NEW6'"
check "MS lists $EID6_A/128 registered from $NEW4 with locators $NEW4, $NEW6" \
	"ms_has '$EID6_A/128' '$NEW4' '$NEW6'"
check "A counted the move and sent SMRs" "q a counters | json_get \
	\"d['mn']['moves'] >= 1 and d['mn']['smr_sent'] >= 1\" | grep -qx True"
check "B received an SMR and re-resolved (SMR-invoked request)" "q b counters | json_get \
	\"d['mn']['smr_received'] > $smr0 and d['mn']['smr_invoked_sent'] > $inv0\" | grep -qx True"
check "B's map-cache: $EID4_A/32 -> $NEW4, $NEW6" \
	"q b map-cache | json_get \"[tuple(sorted(l['rloc'] for l in e['locators'])) for e in d if e['eid'] == '$EID4_A/32'] == [tuple(sorted(['$NEW4', '$NEW6']))]\" | grep -qx True"
check "A's source rule follows: from $NEW4 lookup 4342, none from $RLOC4_A" \
	"ip -n '$NS_A' rule show | grep -q 'from $NEW4 lookup 4342' && ! ip -n '$NS_A' rule show | grep -q 'from $RLOC4_A '"
check "A's table 4342 defaults via the new gateways" \
	"ip -n '$NS_A' route show table 4342 | grep -q 'default via $NEW_GW4' && ip -n '$NS_A' -6 route show table 4342 | grep -q 'default via $NEW_GW6'"

# ---- TCP across a move back to network A ------------------------------------------------------
head -c 4000000 /dev/urandom >"$LAB_TMP/blob"
want=$(sha256sum <"$LAB_TMP/blob" | cut -d' ' -f1)
in_ns "$NS_A" python3 -c '
import socket, hashlib, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 5001)); s.listen(1); s.settimeout(30)
c, _ = s.accept(); c.settimeout(30); h = hashlib.sha256(); n = 0
while True:
    b = c.recv(65536)
    if not b: break
    h.update(b); n += len(b)
open(sys.argv[2], "w").write("%s %d\n" % (h.hexdigest(), n))
' "$EID4_A" "$LAB_TMP/tcp.out" &
SRV_PID=$!
wait_until 10 tcp_listening "$NS_A" 5001
# Paced so that the transfer spans the move (about 4 s).
in_ns "$NS_B" python3 -c '
import socket, sys, time
s = socket.create_connection((sys.argv[1], 5001), timeout=30, source_address=(sys.argv[2], 0))
d = open(sys.argv[3], "rb").read()
for i in range(0, len(d), 100000):
    s.sendall(d[i:i + 100000]); time.sleep(0.1)
s.close()
' "$EID4_A" "$EID4_B" "$LAB_TMP/blob" &
CLI_PID=$!
tcp_flowing() { [ -n "$(in_ns "$NS_A" ss -Htn state established "sport = :5001")" ]; }
wait_until 10 tcp_flowing
# A fixed wait on purpose: the move falls a second into the paced transfer.
sleep 1
ok "A moves back to network A during a TCP transfer" \
	move_a "$NEW4" "$NEW6" "$NEW_GW4" "$NEW_GW6" "$RLOC4_A" "$RLOC6_A" 192.0.2.254 2001:db8:0:1::fe
wait "$CLI_PID"
cli_rc=$?
wait "$SRV_PID"
check "the TCP transfer across the move completed (client exit $cli_rc)" "[ $cli_rc -eq 0 ]"
check "its 4 MB arrived intact (sha256)" "[ \"\$(cat '$LAB_TMP/tcp.out' 2>/dev/null)\" = '$want 4000000' ]"

# ---- restore -----------------------------------------------------------------------------------
if [ -n "${HANDOVER_DEBUG:-}" ]; then
	cat "$LAB_TMP/state-a/host.state"; ip -n "$NS_A" -6 route show table all | grep default
fi
ok "A stops on SIGTERM" node_stop a TERM
check "A exited 0" "[ $NODE_RC -eq 0 ]"
check "A's host restored: no lmn0, no 4342 rule or table, no journal" \
	"! ip -n '$NS_A' link show lmn0 >/dev/null 2>&1 && ! ip -n '$NS_A' rule show | grep -q 4342 &&
	 [ -z \"\$(ip -n '$NS_A' route show table 4342 2>/dev/null)\" ] && [ ! -e '$LAB_TMP/state-a/host.state' ]"
check "A's log has no error" "! grep -E '^lispd: (err|crit)' '$(log_of a)'"
if [ -n "${HANDOVER_DEBUG:-}" ]; then
	ip -n "$NS_A" rule show; ip -n "$NS_A" route show table all | grep -v local; ls "$LAB_TMP/state-a"; ip -n "$NS_A" link
	grep -v "debug[23]" "$(log_of a)" | tail -30
fi
tap_done
