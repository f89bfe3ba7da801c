#!/bin/bash
# A flapping RLOC link, end to end: MN A (IPv4 and IPv6 RLOCs, registered,
# talking to MN B) loses and regains its IPv4 address and default route 20
# times in about 2 s, as a DHCP client on a bad link would do it (address,
# then the default route at metric 100, below lmn0's).
#
# Asserted: Map-Registers (counted on the wire, tshark on A's link) stay
# within the registration limit (a burst of 3 new rounds, then one per
# second; docs/ARCHITECTURE.md, mobility) and SMRs within one per peer RLOC
# per 3 s; A ends registered with its final locators (MS lists both), B
# still reaches A, A's rules and routes are exactly those of before the
# burst (nothing duplicated or leaked), its journal holds no duplicate
# line, and SIGTERM restores the host.
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

FLAPS=20
ok "lab: router, two mobile nodes, a map-server" eval 'lab_up && ms_ns_up'
mkdir -p "$LAB_TMP/bpf-m"
ms_conf >"$LAB_TMP/ms.conf"
mn_conf "$EID4_A" "$EID6_A" 1 "$KEY_A" "$MS4" >"$LAB_TMP/a.conf"
mn_conf "$EID4_B" "$EID6_B" 2 "$KEY_B" "$MS4" >"$LAB_TMP/b.conf"
ok "lispd starts in MS mode" node_start m "$LAB_TMP/ms.conf"
ok "MN A starts" node_start a "$LAB_TMP/a.conf"
ok "MN B starts" node_start b "$LAB_TMP/b.conf"
registered() { wait_json "$1" registrations "d[0]['state'] == 'registered'" 50; }
ok "MN A registered" registered a
ok "MN B registered" registered b
ping_eid() { in_ns "$(ns_of "$1")" ping -q -c 1 -W 1 -w 8 -I "$2" "$3" >/dev/null 2>&1; }
ok "A reaches B's EID (A caches B: SMR destinations)" ping_eid a "$EID4_A" "$EID4_B"
ok "B reaches A's EID" ping_eid b "$EID4_B" "$EID4_A"

routing() {   # what must not leak: rules and routes of every table
	ip -n "$NS_A" rule show; ip -n "$NS_A" -6 rule show
	ip -n "$NS_A" route show table all; ip -n "$NS_A" -6 route show table all |
		sed 's/ expires [0-9]*sec//; s/ pref medium//'
}
routing >"$LAB_TMP/routing.before"
ctr() { q a counters | json_get "d['mn']['$1']"; }
sent() { echo $(( $(ctr reg_sent) - $(ctr reg_send_errors) - $(ctr reg_no_source) )); }   # left A
reg0=$(sent); ns0=$(ctr reg_no_source); smr0=$(ctr smr_sent); moves0=$(ctr moves); rl0=$(ctr reg_rate_limited)

bg_in_ns "$NS_R" tshark -n -i ra -f "udp port 4342" -w "$LAB_TMP/ra.pcap" 2>"$LAB_TMP/tshark.err"
TSHARK=$LAST_PID
for i in $(seq 1 100); do grep -q "Capturing on" "$LAB_TMP/tshark.err" && break; sleep 0.1; done

t0=$(date +%s.%N)
# Paced on purpose (about 2 s in all): lispd sees each flap as two moves.
for i in $(seq 1 $FLAPS); do
	ip -n "$NS_A" address del "$RLOC4_A/24" dev eth0
	sleep 0.02
	ip -n "$NS_A" address add "$RLOC4_A/24" dev eth0
	ip -n "$NS_A" route add default via 192.0.2.254 dev eth0 metric 100
	sleep 0.02
done
t1=$(date +%s.%N)
diag "$FLAPS flaps in $(python3 -c "print('%.2f' % ($t1 - $t0))") s"
# The limits' tail: the last deferred round and the SMR hold.
ok "A ends registered" wait_json a registrations "d[0]['state'] == 'registered' and d[0]['attempts_this_round'] >= 1" 50
# A fixed wait on purpose: the SMR hold (3 s) runs out, so whatever A still
# owes goes out within the capture; the limits count the time it took.
sleep 3
ms_has() {   # eid
	q m registrations | json_get "[sorted(l['address'] for l in x['locators']) for r in d['registrations'] if r['eid-prefix'] == '$1' for x in r['xtrs']] == [sorted(['$RLOC4_A', '$RLOC6_A'])]" |
		grep -qx True
}
ok "MS lists $EID4_A/32 with the final locators $RLOC4_A, $RLOC6_A" wait_until 10 ms_has "$EID4_A/32"
ok "MS lists $EID6_A/128 with the final locators $RLOC4_A, $RLOC6_A" wait_until 10 ms_has "$EID6_A/128"
kill -INT "$TSHARK"
wait "$TSHARK"
LAB_PIDS=${LAB_PIDS/ $TSHARK/}
t2=$(date +%s.%N)
# Read once, at the end of the capture: a periodic refresh after it (a
# slow run reaches A's minute) must not count against the wire.
sent_n=$(( $(sent) - reg0 ))

span=$(python3 -c "print($t2 - $t0)")
regs=$(tshark -n -r "$LAB_TMP/ra.pcap" -Y "udp.dstport == 4342 && lisp.type == 3" 2>/dev/null | wc -l)
smrs=$(tshark -n -r "$LAB_TMP/ra.pcap" -Y "udp.dstport == 4342 && lisp.type == 1 && lisp.mreq.flags.smr == 1" 2>/dev/null | wc -l)
smrs_any=$(tshark -n -r "$LAB_TMP/ra.pcap" -Y "udp.dstport == 4342 && lisp.type == 1" 2>/dev/null | wc -l)
moves=$(( $(ctr moves) - moves0 ))
diag "over $(printf %.1f "$span") s: $moves moves seen by A, $regs Map-Registers and $smrs SMRs on the wire ($smrs_any Map-Requests in all), sent +$(( $(sent) - reg0 )) (reg_no_source +$(( $(ctr reg_no_source) - ns0 ))), smr_sent +$(( $(ctr smr_sent) - smr0 )), reg_rate_limited +$(( $(ctr reg_rate_limited) - rl0 ))"
# Limits: 3 rounds at once, then one per second (each round: one
# Map-Register, acknowledged at once here); SMRs: one per peer RLOC per 3 s,
# one peer RLOC per family of ours (A caches B: 2 RLOCs) plus none to PITRs.
max_regs=$(python3 -c "import math; print(3 + math.ceil($span / 1.0))")
max_smrs=$(python3 -c "import math; print(2 * math.ceil($span / 3.0) * 2)")
check "A saw the flaps ($moves moves >= $FLAPS)" "[ $moves -ge $FLAPS ]"
check "Map-Registers within the limit: $regs <= $max_regs" "[ $regs -ge 1 ] && [ $regs -le $max_regs ]"
check "SMRs within the limit: $smrs <= $max_smrs (2 EIDs x 2 peer RLOCs per 3 s)" "[ $smrs -le $max_smrs ]"
check "A's counters agree with the wire (sent without error: +$sent_n, wire $regs)" "[ $sent_n -eq $regs ]"
ok "B still reaches A's EID" ping_eid b "$EID4_B" "$EID4_A"
ok "A still reaches B's EID" ping_eid a "$EID4_A" "$EID4_B"
routing >"$LAB_TMP/routing.after"
check "rules and routes exactly as before the burst (no duplicate or leaked entry)" \
	"diff -u '$LAB_TMP/routing.before' '$LAB_TMP/routing.after' >&2"
check "journal: no duplicate line, $(wc -l <"$LAB_TMP/state-a/host.state") lines" \
	"[ -z \"\$(sort '$LAB_TMP/state-a/host.state' | uniq -d)\" ]"

ok "A stops on SIGTERM" node_stop a TERM
check "A exited 0" "[ $NODE_RC -eq 0 ]"
check "A's host restored: no lmn0, no 4342 rule or table, default back at metric 0, no journal" \
	"! ip -n '$NS_A' link show lmn0 >/dev/null 2>&1 && ! ip -n '$NS_A' rule show | grep -q 4342 &&
	 [ -z \"\$(ip -n '$NS_A' route show table 4342 2>/dev/null)\" ] && [ ! -e '$LAB_TMP/state-a/host.state' ] &&
	 ip -n '$NS_A' route show default | grep -q '^default via 192.0.2.254 dev eth0 *\$'"
check "A's log has no error" "! grep -E '^lispd: (err|crit)' '$(log_of a)'"
tap_done
