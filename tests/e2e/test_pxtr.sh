#!/bin/bash
# The PxTR end to end, every node a lispd in its own network namespace:
#
#   MN ($NS_M)                        PxTR ($NS_P)                         host ($NS_H)
#   eth0 192.0.2.1/25  -------  eth0 192.0.2.2/25     eth1 203.0.113.1/24  -------  eth0 203.0.113.50/24
#   lmn0 EIDs 198.18.0.1,       (rloc-iface: PETR)    (native-iface: PITR)           route 198.18.0.0/15,
#        198.51.100.77          eth2 192.0.2.130/25                                  198.51.100.0/24
#                                        |                                           via 203.0.113.1
#                               MS ($NS_S) eth0 192.0.2.129/25
#
# lispd runs as Map-Server/Map-Resolver (MS), as PxTR (pxtr section: eid-space
# 198.18.0.0/15, the MS as map-resolver, one static-map-cache entry) and as
# the mobile node (proxy-etr = the PxTR, so every destination it has no
# mapping for, and every natively-forward answer, goes to the PETR). The MN
# registers its EIDs with the MS. Checked:
#  - the non-LISP host pings the MN's EID through the PITR: the miss goes to
#    the PxTR's lispd, which asks the MS (ECM Map-Request, p bit), the MS
#    forwards it to the MN's ETR, the MN answers the PxTR, the entry lands
#    in the PITR's BPF map-cache and the packets are encapsulated;
#  - the MN pings and talks TCP to the host through the PETR (decapsulated,
#    forwarded natively) with the replies back through the PITR;
#  - a packet from the MN's EID outside the PxTR's eid-space is dropped by
#    the PETR and counted (drop_petr_src_not_eid); non-EID traffic crosses
#    the PxTR untouched;
#  - SIGHUP reloads the PxTR's static entries; SIGTERM restores the PxTR's
#    namespace exactly (filters, qdiscs, pins); after kill -9 the next
#    start cleans up what the dead one left and runs again.
#
# Needs root. Everything lives in namespaces named lispd-e2e-<pid>-*.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
BUILD=${BUILD:-$PWD/build}
. tests/e2e/lab.sh
. tests/e2e/lispd_lib.sh
. tests/e2e/roles_lab.sh

tap_require_root "network namespaces, BPF"

MN_SPOOF=198.51.100.77   # an EID of the MN outside the PxTR's eid-space
STATIC=198.19.255.0/24   # a static entry of the PxTR (to nowhere)
ROLES_MN_EIDS="$MN_EID/32 $MN_SPOOF/32"
ROLES_HOST_ROUTES="198.18.0.0/15 198.51.100.0/24"
trap roles_cleanup EXIT
trap 'exit 1' INT TERM HUP

# ---- per-node daemons (m: MN, p: PxTR, s: MS): tests/e2e/roles_lab.sh ----------------------
# ctl_of, log_of, node_start, node_stop, q, wait_json: tests/e2e/lispd_lib.sh
quiet_in_ns() { in_ns "$@" >/dev/null; }

stat_of() {   # ns pin counter
	in_ns "$1" "$LISPD_BPF" stats pin "$2" | awk -v n="$3" '$1 == n { print $2 }'
}

# ---- the namespaces and configurations: tests/e2e/roles_lab.sh ------------------------------
setup() {
	roles_lab_up || return 1
	roles_ms_conf >"$LAB_TMP/ms.conf"
	roles_pxtr_conf "$STATIC" >"$LAB_TMP/pxtr.conf"
	roles_pxtr_conf "$STATIC" 198.19.254.0/24 >"$LAB_TMP/pxtr2.conf"
	roles_mn_conf >"$LAB_TMP/mn.conf"
}
ok "four namespaces (MN, PxTR, MS, host), PxTR forwarding" setup

underlay() {
	in_ns "$NS_M" ping -c1 -W2 "$MS" >/dev/null && in_ns "$NS_H" ping -c1 -W2 "$PX_NATIVE" >/dev/null
}
ok "underlay: the MN reaches the MS through the PxTR, the host reaches the PxTR" underlay
lab_snapshot "$NS_P" "$PIN_P" >"$LAB_TMP/before-p"

check "lispd -t accepts the PxTR configuration" \
	"in_ns '$NS_P' '$LISPD' -t -f '$LAB_TMP/pxtr.conf' >/dev/null"
ok "lispd starts in MS mode" node_start s "$LAB_TMP/ms.conf"
ok "lispd starts in PxTR mode" node_start p "$LAB_TMP/pxtr.conf"
check "PxTR status: mode PxTR, its pin directory, its interfaces" "q p status | json_get \
	\"d['daemon']['mode'] == 'PxTR' and d['daemon']['pin_dir'] == '$PIN_P' and d['pxtr']['rloc_iface'] == 'eth0' and d['pxtr']['native_iface'] == 'eth1'\" | grep -qx True"
check "PETR on eth0 ingress, PITR on eth1 ingress" \
	"in_ns '$NS_P' tc filter show dev eth0 ingress | grep -q lispd_petr_deca &&
	 in_ns '$NS_P' tc filter show dev eth1 ingress | grep -q lispd_pitr_enca"
check "the static entry is in the PxTR's BPF map-cache" \
	"in_ns '$NS_P' '$LISPD_BPF' map-cache show pin '$PIN_P' | grep -q '$STATIC'"
check "... and in lispd's map-cache, origin static" "q p map-cache | json_get \
	\"[(e['origin'], [l['rloc'] for l in e['locators']]) for e in d if e['eid'] == '$STATIC']\" |
	grep -qxF \"[('static', ['192.0.2.99'])]\""

ok "lispd starts as the mobile node" node_start m "$LAB_TMP/mn.conf"
ok "the MN registers its EIDs with the MS" \
	wait_json m registrations "d[0]['state'] == 'registered'" 50

# ---- PITR: resolution through the MS ---------------------------------------------------
check "the PITR has no mapping for the MN's EID yet" \
	"! q p map-cache | grep -q '$MN_EID/32'"
ok "the non-LISP host pings the MN's EID through the PITR (resolved on the first miss)" \
	quiet_in_ns "$NS_H" ping -q -c 3 -i 0.3 -W 1 -w 10 "$MN_EID"
check "the PxTR's lispd resolved it: a miss, a Map-Request, the Map-Reply accepted" \
	"q p counters | json_get \"d['pxtr']['miss_events'] >= 1 and d['pxtr']['req_sent'] >= 1 and d['pxtr']['reply_accepted'] >= 1 and d['pxtr']['reply_unknown_nonce'] == 0\" | grep -qx True"
check "the MS forwarded the PITR's request to the MN's ETR, which answered" \
	"q s counters | json_get \"d['ms']['map-requests-forwarded'] >= 1\" | grep -qx True &&
	 q m counters | json_get \"d['mn']['etr_replies'] >= 1\" | grep -qx True"
check "lispd's PxTR map-cache: $MN_EID/32 -> $MN_RLOC, dynamic, with a TTL" "q p map-cache | json_get \
	\"[(e['origin'], e['ttl_min'] > 0, [l['rloc'] for l in e['locators']]) for e in d if e['eid'] == '$MN_EID/32']\" |
	grep -qxF \"[('dynamic', True, ['$MN_RLOC'])]\""
check "the PITR's BPF map-cache: $MN_EID/32 -> $MN_RLOC (encap)" \
	"in_ns '$NS_P' '$LISPD_BPF' -j map-cache show pin '$PIN_P' | json_get \
	\"[(e['action'], [l['rloc'] for l in e['locators']]) for e in d if e['prefix'] == '$MN_EID/32']\" |
	grep -qxF \"[('encap', ['$MN_RLOC'])]\""
pitr_ok=$(stat_of "$NS_P" "$PIN_P" encap_ok)
check "the PITR encapsulated (encap_ok=$pitr_ok)" "[ '${pitr_ok:-0}' -ge 2 ]"

# ---- PETR and back through the PITR ----------------------------------------------------
ok "the MN pings the non-LISP host through the PETR and back through the PITR" \
	quiet_in_ns "$NS_M" ping -q -c 3 -i 0.2 -W 2 -I "$MN_EID" "$HOST"
petr_ok=$(stat_of "$NS_P" "$PIN_P" petr_decap_ok)
mn_petr=$(stat_of "$NS_M" "$PIN_M" encap_petr)
mn_decap=$(stat_of "$NS_M" "$PIN_M" decap_ok)
check "PETR decapsulated the 3 requests (petr_decap_ok=$petr_ok)" "[ '${petr_ok:-0}' -ge 3 ]"
check "MN sent to the PETR (encap_petr=$mn_petr) and decapsulated (decap_ok=$mn_decap)" \
	"[ '${mn_petr:-0}' -ge 3 ] && [ '${mn_decap:-0}' -ge 3 ]"
check "the MN asked the MS about the host and was told to forward natively (through the PETR)" \
	"wait_json m map-cache \"any(e['action'] == 'native-forward' for e in d)\" 25"

tcp_check() {
	local got srv
	in_ns "$NS_H" timeout 10 python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 5555)); s.listen(1); c, a = s.accept()
data = b""
while True:
    b = c.recv(65536)
    if not b: break
    data += b
c.sendall(str(len(data)).encode() + b" " + a[0].encode()); c.close()
' &
	srv=$!
	wait_until 10 tcp_listening "$NS_H" 5555
	got=$(in_ns "$NS_M" timeout 10 python3 -c '
import socket
s = socket.create_connection(("'"$HOST"'", 5555), source_address=("'"$MN_EID"'", 0))
s.sendall(b"x" * 200000); s.shutdown(socket.SHUT_WR)
print(s.recv(100).decode())
')
	wait "$srv"
	[ "$got" = "200000 $MN_EID" ]
}
ok "TCP: 200000 bytes from the MN's EID to the host, seen from the EID" tcp_check

# ---- what the PxTR refuses and what it leaves alone ---------------------------------------
spoof_before=$(stat_of "$NS_P" "$PIN_P" drop_petr_src_not_eid)
check "no spoofed source dropped so far" "[ '${spoof_before:-0}' -eq 0 ]"
check "a packet from the MN's EID outside the PxTR's eid-space gets no answer" \
	"! in_ns '$NS_M' ping -c2 -i0.2 -W1 -I '$MN_SPOOF' '$HOST' >/dev/null"
spoof_after=$(stat_of "$NS_P" "$PIN_P" drop_petr_src_not_eid)
check "the PETR dropped them as spoofed (drop_petr_src_not_eid=$spoof_after)" \
	"[ '${spoof_after:-0}' -ge 2 ]"
pass_before=$(stat_of "$NS_P" "$PIN_P" pitr_pass)
ok "the host reaches the PxTR's own native address (not EID space)" \
	quiet_in_ns "$NS_H" ping -q -c2 -i0.2 -W2 "$PX_NATIVE"
pass_after=$(stat_of "$NS_P" "$PIN_P" pitr_pass)
check "non-EID traffic crossed the PITR untouched (pitr_pass $pass_before -> $pass_after)" \
	"[ '${pass_after:-0}' -ge $(( ${pass_before:-0} + 2 )) ]"

# ---- reload, restore, crash recovery ---------------------------------------------------
cp "$LAB_TMP/pxtr2.conf" "$LAB_TMP/pxtr.conf"
kill -HUP "${PID[p]}"
check "SIGHUP: the new static entry reaches the PITR's BPF map-cache" \
	"wait_json p map-cache \"any(e['eid'] == '198.19.254.0/24' and e['origin'] == 'static' for e in d)\" 25 &&
	 in_ns '$NS_P' '$LISPD_BPF' map-cache show pin '$PIN_P' | grep -q 198.19.254.0/24"
check "... the old static entry and the learnt mapping stay" \
	"q p map-cache | json_get \"sorted(e['eid'] for e in d if e['eid'] in ('$STATIC', '$MN_EID/32'))\" |
	grep -qxF \"['$MN_EID/32', '$STATIC']\" && q p status | json_get \"d['daemon']['reloads'] == 1 and d['daemon']['reload_errors'] == 0\" | grep -qx True"
ok "the host still reaches the MN after the reload" quiet_in_ns "$NS_H" ping -q -c1 -W2 "$MN_EID"

node_stop p TERM
check "SIGTERM: the PxTR's lispd exits 0" "[ '$NODE_RC' -eq 0 ]"
same_as_before() {
	lab_snapshot "$NS_P" "$PIN_P" >"$LAB_TMP/now-p"
	diff "$LAB_TMP/before-p" "$LAB_TMP/now-p" >"$LAB_TMP/diff-p" && return 0
	diag "the PxTR's namespace differs:"
	sed 's/^/#   /' "$LAB_TMP/diff-p"
	return 1
}
ok "the PxTR's namespace is exactly as before (filters, qdiscs, pins)" same_as_before
check "the pin directory is gone" "[ ! -e '$PIN_P' ]"
check "without the PITR the host no longer reaches the EID" \
	"! in_ns '$NS_H' ping -c1 -W1 '$MN_EID' >/dev/null"

ok "lispd starts in PxTR mode again" node_start p "$LAB_TMP/pxtr.conf"
node_stop p KILL
check "kill -9 leaves the PxTR data plane behind" \
	"in_ns '$NS_P' tc filter show dev eth1 ingress | grep -q lispd_pitr_enca"
ok "the next start cleans up and runs" node_start p "$LAB_TMP/pxtr.conf"
check "... saying that it did" "grep -q 'did not exit cleanly: its PxTR data plane was detached' '$(log_of p)'"
ok "the host reaches the MN again (resolved anew)" \
	quiet_in_ns "$NS_H" ping -q -c 3 -i 0.3 -W 1 -w 10 "$MN_EID"
node_stop p TERM
ok "and SIGTERM restores the namespace exactly again" same_as_before

# ---- SIGKILL at random moments of the start (issue 7) -----------------------------------------
# Each round kills the PxTR's lispd 0-300 ms after exec (the programs load,
# the qdiscs and filters go on), starts it again and compares the namespace
# with a clean start's (links, routes, qdiscs, filters, pins, state
# directory); SIGTERM then leaves it as before any lispd ran.
# CRASH_ROUNDS rounds (default 3), CRASH_SEED for a given sequence.
ROUNDS=${CRASH_ROUNDS:-3}
SEED=${CRASH_SEED:-$$}
RANDOM=$SEED
diag "CRASH_SEED=$SEED CRASH_ROUNDS=$ROUNDS"
snap_p() { host_snapshot "$NS_P" "$PIN_P" "$LAB_TMP/state-p"; }
same_snap() {   # reference what
	snap_p >"$LAB_TMP/now-p"
	diff -U0 "$1" "$LAB_TMP/now-p" >"$LAB_TMP/diff-p" && return 0
	diag "$2 differs from $(basename "$1") (- expected, + found):"
	grep '^[-+][^-+]' "$LAB_TMP/diff-p" | sed 's/^/#   /'
	return 1
}
attached() { wait_json p status "True" 1 >/dev/null && in_ns "$NS_P" tc filter show dev eth1 ingress | grep -q lispd_pitr_enca; }
snap_p >"$LAB_TMP/idle-p"
ok "reference: a clean start" eval 'node_start p "$LAB_TMP/pxtr.conf" && attached'
snap_p >"$LAB_TMP/running-p"
node_stop p TERM
check "the reference holds both filters and the pins" \
	"grep -q lispd_petr_deca '$LAB_TMP/running-p' && grep -q lispd_pitr_enca '$LAB_TMP/running-p' &&
	 grep -q lispd_pxtr_att '$LAB_TMP/running-p'"
crash_round() {   # n
	local d=$((RANDOM % 301)) rc=0
	bg_in_ns "$NS_P" "$LISPD" -n -d 2 -f "$LAB_TMP/pxtr.conf" -S "$LAB_TMP/state-p" \
		-C "$(ctl_of p)" -p "$PIN_P" >>"$(log_of p)" 2>&1
	PID[p]=$LAST_PID
	sleep "$(printf '0.%03d' "$d")"   # the kill's moment, random on purpose
	node_stop p KILL
	diag "round $1: SIGKILL $d ms after exec"
	node_start p "$LAB_TMP/pxtr.conf" && attached || return 1
	same_snap "$LAB_TMP/running-p" "round $1: after the restart" || rc=1
	node_stop p TERM && [ "$NODE_RC" = 0 ] || { diag "exit $NODE_RC"; rc=1; }
	same_snap "$LAB_TMP/idle-p" "round $1: after SIGTERM" || rc=1
	return $rc
}
for n in $(seq 1 "$ROUNDS"); do
	ok "round $n: SIGKILL during the start, restart: as a clean start; SIGTERM: as before" crash_round "$n"
done

# The window the rounds hit least often, made on purpose: killed while the
# programs load, after the pin directory, the qdiscs and one pinned map
# were made and before the data plane's record was written. The journal's
# entries (as lispd writes them before attaching) are all the next start
# has to go by; the pinned map alone made it refuse to start.
cut_short() {
	mkdir -p "$PIN_P" "$LAB_TMP/state-p" &&
		tc -n "$NS_P" qdisc add dev eth0 clsact && tc -n "$NS_P" qdisc add dev eth1 clsact &&
		bpftool map create "$PIN_P/lispd_pxtr_att" type array key 4 value 4 entries 1 name lispd_pxtr_att ||
		return 1
	printf 'pindir %s\nclsact eth0\nclsact eth1\nattach %s\n' "$PIN_P" "$PIN_P" \
		>"$LAB_TMP/state-p/pxtr.state"
	local rc=0 said
	said=$(grep -c 'did not exit cleanly' "$(log_of p)")
	node_start p "$LAB_TMP/pxtr.conf" && attached && same_snap "$LAB_TMP/running-p" "after an attach cut short" ||
		rc=1
	[ "$(grep -c 'did not exit cleanly' "$(log_of p)")" -gt "$said" ] || { diag "no word of the cleanup"; rc=1; }
	kill -0 "${PID[p]}" 2>/dev/null && { node_stop p TERM && [ "$NODE_RC" = 0 ] || rc=1; }
	same_snap "$LAB_TMP/idle-p" "after an attach cut short, then SIGTERM" && return $rc
}
ok "attach cut short (pin dir, qdiscs, a pinned map, no record): restart as clean, SIGTERM as before" cut_short

node_stop m TERM
check "the MN's lispd exits 0" "[ '$NODE_RC' -eq 0 ]"
node_stop s TERM
check "the MS's lispd exits 0" "[ '$NODE_RC' -eq 0 ]"
check "no key in any log" "! grep -q '$KEY' '$(log_of m)' '$(log_of p)' '$(log_of s)'"

tap_done
