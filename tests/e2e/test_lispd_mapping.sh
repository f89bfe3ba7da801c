#!/bin/bash
# The mapping system end to end: lispd as Map-Server/Map-Resolver (operating-
# mode = MS) and two lispd mobile nodes, each in its own namespace behind a
# core router:
#
#   MN A ($NS_A) eth0 192.0.2.1, 2001:db8:0:1::1       EIDs 198.18.0.1, 2001:db8:e1d::1
#   MN B ($NS_B) eth0 198.51.100.1, 2001:db8:0:2::1    EIDs 198.18.0.2, 2001:db8:e1d::2
#   MS   ($NS_M) eth0 203.0.113.1, 2001:db8:0:3::1
#   router ($NS_R): ra, rb, rm
#
# Both nodes register (key-type 1 for A, whose site makes the MS forward
# requests to A's ETR; key-type 2 for B, whose site is proxy-replied); lig
# resolves through the MS; EID-to-EID ping (IPv4, IPv6) and a TCP transfer
# work both ways after a miss -> Map-Request -> Map-Reply; the map-cache
# shows what was learnt. Then: a wrong key (registration fails, the MS counts
# it), a Map-Reply with an unknown nonce (ignored and counted), an
# unreachable map-server (retries 1-2-4 s, little CPU), the LISPmob 0.2 and
# OOR 1.3 example files starting a node, and SIGTERM restoring every
# namespace exactly.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
BUILD=${BUILD:-$PWD/build}
. tests/e2e/lab.sh
. tests/e2e/lispd_lib.sh
LIG=${LIG:-$BUILD/lig}

tap_require_root "network namespaces, BPF"
# NS_M, MS4, MS6, KEY_A, KEY_B, ms_conf, mn_conf, ms_ns_up: tests/e2e/lispd_lib.sh

trap lab_ms_cleanup EXIT
# An interrupted run (Ctrl-C, run.sh's timeout) still cleans up.
trap 'exit 1' INT TERM HUP

# ---- per-node daemons -------------------------------------------------------------------
# Node n (a, b or m) runs in ns_of n with its own state, socket, pins and log.
# ns_of, pin_of, ctl_of, log_of, node_start, node_stop, q, wait_json: tests/e2e/lispd_lib.sh

# ---- the lab: A, B, router from lab.sh, plus the map-server ------------------------------
ok "lab: router, two mobile-node namespaces and a map-server namespace" \
	eval 'lab_up && ms_ns_up'
mkdir -p "$LAB_TMP/bpf-m"
for n in a b m; do
	lab_snapshot "$(ns_of $n)" "$(pin_of $n)" >"$LAB_TMP/before-$n"
done
same_as_before() {   # node
	lab_snapshot "$(ns_of "$1")" "$(pin_of "$1")" >"$LAB_TMP/now-$1"
	diff "$LAB_TMP/before-$1" "$LAB_TMP/now-$1" >"$LAB_TMP/diff-$1" && return 0
	diag "namespace of $1 differs:"
	sed 's/^/#   /' "$LAB_TMP/diff-$1"
	return 1
}

ms_conf >"$LAB_TMP/ms.conf"
mn_conf "$EID4_A" "$EID6_A" 1 "$KEY_A" "$MS4" >"$LAB_TMP/a.conf"
mn_conf "$EID4_B" "$EID6_B" 2 "$KEY_B" "$MS4" >"$LAB_TMP/b.conf"

check "lispd -t accepts the MS configuration" "in_ns '$NS_M' '$LISPD' -t -f '$LAB_TMP/ms.conf' >/dev/null"
ok "lispd starts in MS mode" node_start m "$LAB_TMP/ms.conf"
check "MS status: mode MS, listening on eth0's addresses" "q m status | json_get \
	\"d['daemon']['mode'] == 'MS' and sorted(d['daemon']['listen']) == sorted(['$MS4', '$MS6'])\" | grep -qx True"
check "MS mode changes nothing on its host (no lmn0, no programs, no pins)" "same_as_before m"
check "MS mode uses no state directory" "[ ! -e '$LAB_TMP/state-m' ]"
# control-iface = eth0: a Map-Register arriving on another interface (lo)
# never reaches the MS. A Map-Request from the router comes after it and is
# answered: by then the MS has read all it was going to take, that one alone.
via_lo() {
	local rx0
	rx0=$(q m status | json_get "d['daemon']['control_rx']")
	in_ns "$NS_M" python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(bytes([0x30]) + bytes(27), ("127.0.0.1", 4342))' || return 1
	in_ns "$NS_R" "$LIG" -m "$MS4" -s "$MS_GW4" -c 1 -t 10 198.18.0.3 >/dev/null ||
		{ diag "the MS did not answer a Map-Request from the router"; return 1; }
	q m status | json_get "d['daemon']['control_rx'] == $rx0 + 1" | grep -qx True ||
		{ diag "control_rx $rx0 -> $(q m status | json_get "d['daemon']['control_rx']"), want +1"; return 1; }
}
ok "MS bound to control-iface: a datagram to 127.0.0.1:4342 on lo is not taken" via_lo
check "MS: four sites, none registered yet" "q m sites | json_get \
	\"len(d['sites']) == 4 and all(s['registrations'] == 0 for s in d['sites'])\" | grep -qx True"
ok "MN A starts" node_start a "$LAB_TMP/a.conf"
ok "MN B starts" node_start b "$LAB_TMP/b.conf"

# ---- registration -------------------------------------------------------------------------
registered() {   # node
	wait_json "$1" registrations "len(d) == 1 and d[0]['state'] == 'registered' and d[0]['notifies'] >= 1" 50
}
ok "MN A registered (Map-Notify received, HMAC-SHA-1)" registered a
ok "MN B registered (Map-Notify received, HMAC-SHA-256)" registered b
# The MS's view: each EID registered by the node's RLOC, with both locators.
ms_has() {   # eid rloc4 rloc6
	q m registrations | json_get "[sorted(l['address'] for l in x['locators']) for r in d['registrations'] if r['eid-prefix'] == '$1' for x in r['xtrs'] if x['from'] == '$2'] == [sorted(['$2', '$3'])]" |
		grep -qx True
}
for e in "$EID4_A/32 $RLOC4_A $RLOC6_A" "$EID6_A/128 $RLOC4_A $RLOC6_A" \
	"$EID4_B/32 $RLOC4_B $RLOC6_B" "$EID6_B/128 $RLOC4_B $RLOC6_B"; do
	set -- $e
	ok "MS lists $1 registered from $2 with locators $2, $3" ms_has "$1" "$2" "$3"
done
check "MS counted 2 accepted registers and no drop" "q m counters | json_get \
	\"d['ms']['registers-accepted'] >= 2 and d['ms']['drop-auth'] == 0 and d['ms']['drop-replay'] == 0\" | grep -qx True"

# ---- lig through the MS ---------------------------------------------------------------------
# "who answered: locators" of lig's JSON answer.
lig_answer() {   # node eid
	in_ns "$(ns_of "$1")" "$LIG" -m "$MS4" -s "$(rloc4_of "$1")" -c 3 -t 1 -j "$2" |
		json_get "'%s: %s' % (d['reply_from'], ' '.join(sorted(l['address'] for r in d['records'] for l in r['locators'])))"
}
rloc4_of() { case $1 in a) echo "$RLOC4_A" ;; b) echo "$RLOC4_B" ;; esac; }
out=$(lig_answer a "$EID4_B")
check "lig from A: $EID4_B -> B's RLOCs, answered by the MS (proxy-reply site) ($out)" \
	"[ \"\$out\" = '$MS4: $RLOC4_B $RLOC6_B' ]"
out=$(lig_answer a "$EID6_B")
check "lig from A: $EID6_B -> B's RLOCs, answered by the MS ($out)" \
	"[ \"\$out\" = '$MS4: $RLOC4_B $RLOC6_B' ]"
out=$(lig_answer b "$EID6_A")
check "lig from B: $EID6_A -> A's RLOCs, answered by A's ETR (request forwarded) ($out)" \
	"[ \"\$out\" = '$RLOC4_A: $RLOC4_A $RLOC6_A' ]"
out=$(in_ns "$NS_A" "$LIG" -m "$MS4" -s "$RLOC4_A" -c 3 -t 1 -j 198.18.0.3 |
	json_get "[(r['negative'], r['ttl']) for r in d['records']]")
check "lig for an EID outside every site: negative reply, TTL 15 min ($out)" \
	"[ \"\$out\" = '[(True, 15)]' ]"
check "MS counted proxy replies and forwarded requests" "q m counters | json_get \
	\"d['ms']['map-replies-proxy'] >= 2 and d['ms']['map-requests-forwarded'] >= 1\" | grep -qx True"
check "A's ETR counted the forwarded request and its reply" "q a counters | json_get \
	\"d['mn']['etr_requests'] >= 1 and d['mn']['etr_replies'] >= 1\" | grep -qx True"

# ---- traffic: miss -> Map-Request -> Map-Reply -> map-cache ----------------------------------
# The first packets of a flow trigger the resolution; ping keeps trying for
# a few seconds until one answer comes back.
ping_eid() {   # node src dst
	in_ns "$(ns_of "$1")" ping -q -c 1 -W 1 -w 8 -I "$2" "$3" >/dev/null
}
ok "ping IPv4 EID A -> B" ping_eid a "$EID4_A" "$EID4_B"
ok "ping IPv4 EID B -> A" ping_eid b "$EID4_B" "$EID4_A"
ok "ping IPv6 EID A -> B" ping_eid a "$EID6_A" "$EID6_B"
ok "ping IPv6 EID B -> A" ping_eid b "$EID6_B" "$EID6_A"
for n in a b; do
	case $n in a) peer4=$EID4_B peer6=$EID6_B r4=$RLOC4_B r6=$RLOC6_B ;;
		b) peer4=$EID4_A peer6=$EID6_A r4=$RLOC4_A r6=$RLOC6_A ;; esac
	check "$n: lispd map-cache has $peer4/32 and $peer6/128 -> $r4, $r6 (dynamic, with a TTL)" \
		"q $n map-cache | json_get \"sorted((e['eid'], e['origin'], e['ttl_min'] > 0, tuple(sorted(l['rloc'] for l in e['locators']))) for e in d if e['eid'] in ('$peer4/32', '$peer6/128'))\" |
		grep -qxF \"[('$peer4/32', 'dynamic', True, ('$r4', '$r6')), ('$peer6/128', 'dynamic', True, ('$r4', '$r6'))]\""
	check "$n: the BPF map-cache (lispd-bpf map-cache show) holds $peer4/32 and $peer6/128 -> $r4, $r6" \
		"in_ns '$(ns_of $n)' '$LISPD_BPF' -j map-cache show pin '$(pin_of $n)' |
		json_get \"sorted((e['prefix'], e['action'], tuple(sorted(l['rloc'] for l in e['locators']))) for e in d if e['prefix'] in ('$peer4/32', '$peer6/128'))\" |
		grep -qxF \"[('$peer4/32', 'encap', ('$r4', '$r6')), ('$peer6/128', 'encap', ('$r4', '$r6'))]\""
done
check "A resolved through Map-Replies it asked for (replies accepted, map-cache entries installed)" \
	"q a counters | json_get \"d['mn']['reply_accepted'] >= 2 and d['mn']['mc_installed'] >= 2 and d['mn']['miss_events'] >= 2\" | grep -qx True"
check "A resolved by Map-Replies it asked for (misses, replies accepted, entries installed)" \
	"q a counters | json_get \"d['mn']['miss_events'] >= 2 and d['mn']['reply_accepted'] >= 2 and d['mn']['mc_installed'] >= 2\" | grep -qx True"

# ---- TCP between EIDs ---------------------------------------------------------------------------
head -c 3000000 /dev/urandom >"$LAB_TMP/payload"
want="$(stat -c %s "$LAB_TMP/payload") $(sha256sum "$LAB_TMP/payload" | cut -d' ' -f1)"
xfer() {   # from to src dst port
	local got
	in_ns "$(ns_of "$2")" python3 tests/e2e/xfer.py recv "$4" "$5" >"$LAB_TMP/xfer.out" &
	local rpid=$!
	wait_until 10 tcp_listening "$(ns_of "$2")" "$5"
	in_ns "$(ns_of "$1")" timeout 30 python3 tests/e2e/xfer.py send "$3" "$4" "$5" \
		"$LAB_TMP/payload" || { kill "$rpid"; wait "$rpid"; return 1; }
	wait "$rpid"
	got=$(cat "$LAB_TMP/xfer.out")
	[ "$got" = "$want" ] || { diag "received: $got, sent: $want"; return 1; }
}
ok "TCP over IPv4 EIDs A -> B: 3 MB, checksum matches" xfer a b "$EID4_A" "$EID4_B" 5001
ok "TCP over IPv6 EIDs B -> A: 3 MB, checksum matches" xfer b a "$EID6_B" "$EID6_A" 5002

# ---- a Map-Reply nobody asked for ----------------------------------------------------------------
# A negative Map-Reply for 198.18.7.0/24 with a random nonce, from B's RLOC
# to A's control port: A must drop it, count it and cache nothing.
forged_reply() {
	in_ns "$NS_B" python3 - "$RLOC4_B" "$RLOC4_A" <<'EOP'
import os, socket, struct, sys
hdr = struct.pack("!BBBB", 0x20, 0, 0, 1) + os.urandom(8)        # type 2, 1 record
rec = struct.pack("!IBBHHH", 15, 0, 24, 1 << 13, 0, 1) + socket.inet_aton("198.18.7.0")
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 0))
s.sendto(hdr + rec, (sys.argv[2], 4342))
EOP
}
unknown0=$(q a counters | json_get "d['mn']['reply_unknown_nonce']")
ok "a forged Map-Reply is sent to A's RLOC:4342" forged_reply
check "A counted it as a reply with an unknown nonce" "wait_json a counters \
	\"d['mn']['reply_unknown_nonce'] == $unknown0 + 1\" 10"
check "... and cached nothing from it" "! q a map-cache | grep -q '198.18.7.0'"
check "... and still answers" "q a status >/dev/null"

# ---- SIGTERM on the mobile nodes ------------------------------------------------------------------
ok "MN A: SIGTERM" node_stop a TERM
check "MN A exit status 0 ($NODE_RC)" "[ '$NODE_RC' = 0 ]"
ok "MN A's namespace exactly as before" same_as_before a

# ---- unreachable map-server (A) while B uses a wrong key -----------------------------------------------
# A starts with a map-server nobody answers on: Map-Registers 1, 2, 4 s
# apart, and lispd sleeps in between; NAT detection's Info-Requests 1 and 2
# s apart, after the first Map-Register, never before it. B reloads with a
# wrong key: the MS refuses and counts, B reports its registration failing.
DEAD_MS=203.0.113.77
mn_conf "$EID4_A" "$EID6_A" 1 "$KEY_A" "$DEAD_MS" >"$LAB_TMP/a-dead.conf"
cp "$LAB_TMP/b.conf" "$LAB_TMP/b.good"
mn_conf "$EID4_B" "$EID6_B" 2 "not-the-site-key" "$MS4" >"$LAB_TMP/b.conf"
auth0=$(q m counters | json_get "d['ms']['drop-auth']")
# B refreshes every 60 s: on a slow machine it may have more than one
# Map-Notify behind it already, so the checks count from here.
notif_b=$(q b registrations | json_get "d[0]['notifies']")
bg_in_ns "$NS_A" tshark -n -l -i eth0 -f "udp dst port 4342 and dst host $DEAD_MS" \
	-T fields -e frame.time_epoch -e lisp.type >"$LAB_TMP/sent.txt" 2>"$LAB_TMP/tshark.err"
TSHARK=$LAST_PID
capturing() { grep -q "Capturing on" "$LAB_TMP/tshark.err"; }
wait_until 10 capturing
kill -HUP "${PID[b]}"
ok "MN A starts with an unreachable map-server" node_start a "$LAB_TMP/a-dead.conf"
cpu_of() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
cpu0=$(cpu_of "${PID[a]}")
t0=$(date +%s.%N)
first_register() { awk '$2 == 3 { found = 1 } END { exit !found }' "$LAB_TMP/sent.txt"; }
wait_until 10 first_register
first=$(awk '$2 == 3 { print $1; exit }' "$LAB_TMP/sent.txt")
# A fixed window on purpose: the backoff's first 8.5 s, from the first
# Map-Register on the wire (the kernel's time), is what is measured.
sleep "$(python3 -c "import time; print(max(0, ${first:-0} + 8.5 - time.time()))")"
cpu1=$(cpu_of "${PID[a]}")
secs=$(python3 -c "print('%.1f' % ($(date +%s.%N) - $t0))")
kill -INT "$TSHARK"
wait "$TSHARK"
LAB_PIDS=${LAB_PIDS/ $TSHARK/}
at_of() {   # LISP type: when A sent it, in s after its first Map-Register
	awk -v type="$1" '$2 == 3 && !t0 { t0 = $1 } $2 == type && t0 && $1 - t0 < 8.5 { printf "%.2f ", $1 - t0 }' \
		"$LAB_TMP/sent.txt"
}
regs=$(at_of 3)
infos=$(at_of 7)
check "4 Map-Registers in the first 8 s (at: $regs)" "[ \$(echo $regs | wc -w) = 4 ]"
check "... 1, 2 and 4 s apart (backoff doubles)" "echo $regs | awk '{ g1 = \$2 - \$1; g2 = \$3 - \$2; g3 = \$4 - \$3;
	exit !(g1 > 0.8 && g1 < 1.3 && g2 > 1.8 && g2 < 2.3 && g3 > 3.8 && g3 < 4.3) }'"
check "the first Map-Register before any Info-Request: $(head -c 80 "$LAB_TMP/sent.txt" | tr '\t\n' ': ')" \
	"[ \"\$(awk '{ print \$2; exit }' '$LAB_TMP/sent.txt')\" = 3 ]"
check "3 Info-Requests in the first 8 s, 1 and 2 s apart (at: $infos)" "echo $infos | awk '{ g1 = \$2 - \$1; g2 = \$3 - \$2;
	exit !(NF == 3 && \$1 < 0.3 && g1 > 0.8 && g1 < 1.3 && g2 > 1.8 && g2 < 2.3) }'"
check "lispd used little CPU meanwhile ($((cpu1 - cpu0)) ticks of 1/$(getconf CLK_TCK) s in $secs s)" \
	"[ $((cpu1 - cpu0)) -lt $(($(getconf CLK_TCK) / 2)) ]"
check "A reports the registration failing: no Map-Notify" "q a registrations | json_get \
	\"d[0]['state'] == 'failing' and 'no Map-Notify' in d[0]['last_error'] and d[0]['notifies'] == 0\" | grep -qx True"
check "B (wrong key) reports its registration failing, the key a possible cause" "wait_json b registrations \
	\"d[0]['state'] == 'failing' and 'no Map-Notify' in d[0]['last_error'] and 'key refused' in d[0]['last_error'] and d[0]['notifies'] == $notif_b\" 10"
check "MS counted B's refused registers as auth drops, per site too" "q m counters | json_get \
	\"d['ms']['drop-auth'] >= $auth0 + 3\" | grep -qx True && q m sites | json_get \
	\"sum(s['auth-failures'] for s in d['sites'] if s['eid-prefix'] in ('$EID4_B/32', '$EID6_B/128')) >= 3\" | grep -qx True"
check "the MS and both nodes still run" "q m status >/dev/null && q a status >/dev/null && q b status >/dev/null"
cp "$LAB_TMP/b.good" "$LAB_TMP/b.conf"
kill -HUP "${PID[b]}"
ok "B with its key back (SIGHUP): registered again, its history kept across reloads" \
	wait_json b registrations "d[0]['state'] == 'registered' and d[0]['last_error'] == '' and d[0]['notifies'] == $notif_b + 1" 25
ok "MN A: SIGTERM" node_stop a TERM
ok "MN A's namespace exactly as before" same_as_before a

# ---- the LISPmob 0.2 and OOR 1.3 example files ----------------------------------------------------
# Copies of tests/config's files with the lab's interface (eth0 for wlan0),
# the map-server/resolver and a log file; their keys and EIDs stay, so the MS
# reloads with sites for them (A's and B's sites kept). The OOR file's local
# rloc-address 192.0.2.50 is put on A's eth0 while that file runs, and its
# IPv6 EID leaves instance 7 for instance 0: the data plane serves one
# instance-id per node (lispd refuses a mix, naming the line).
site_conf() {   # eid key-type key
	conf_site "$1" "$2" "$3" on
}
ms_reload_with() {   # site-conf-text
	local n0 e0
	n0=$(q m status | json_get "d['daemon']['reloads']")
	e0=$(q m status | json_get "d['daemon']['reload_errors']")
	{ ms_conf; printf '%s\n' "$1"; } >"$LAB_TMP/ms.conf"
	kill -HUP "${PID[m]}"
	wait_json m status "d['daemon']['reloads'] == $n0 + 1 and d['daemon']['reload_errors'] == $e0" 25
}
adapt() {   # file
	sed -e 's/wlan0/eth0/' -e "s#/var/log/lispd.log#$LAB_TMP/oor-file.log#" \
		-e "s/^\( *map-resolver *= *\)192\.0\.2\.1\$/\1$MS4/" -e "s/^\( *\)192\.0\.2\.1,/\1$MS4,/" \
		-e "s/^\( *address *= *\)192\.0\.2\.2\$/\1$MS4/" -e 's/= \[7\]2001:db8:e1d::10/= 2001:db8:e1d::10/' "$1"
}
example_registers() {   # file key-type
	local name
	name=$(basename "$1")
	adapt "$1" >"$LAB_TMP/$name"
	grep -q "$MS4" "$LAB_TMP/$name" || { diag "sed did not adapt $name"; return 1; }
	node_start a "$LAB_TMP/$name" || return 1
	wait_json a registrations "[r['state'] for r in d if r['map_server'] == '$MS4'] == ['registered']" 25 ||
		return 1
	# The sites were rebuilt by the reload: a register counted there is this node's.
	q m sites | json_get "all(s['registers'] >= 1 and s['key-type'] == $2 for s in d['sites'] if s['eid-prefix'] in ('198.18.0.10/32', '2001:db8:e1d::10/128'))" |
		grep -qx True || { diag "$(q m sites)"; return 1; }
	q m registrations | json_get "sorted(r['eid-prefix'] for r in d['registrations'] for x in r['xtrs'] if x['from'] == '$RLOC4_A' and r['eid-prefix'] in ('198.18.0.10/32', '2001:db8:e1d::10/128'))" >"$LAB_TMP/ex-regs"
}
ms_refuses_mn_conf() {
	local n0
	n0=$(q m status | json_get "d['daemon']['reload_errors']")
	cp "$LAB_TMP/ms.conf" "$LAB_TMP/ms.good"
	cp "$LAB_TMP/b.conf" "$LAB_TMP/ms.conf"
	kill -HUP "${PID[m]}"
	wait_json m status "d['daemon']['reload_errors'] == $n0 + 1" 25 || return 1
	cp "$LAB_TMP/ms.good" "$LAB_TMP/ms.conf"
	ms_has "$EID4_B/32" "$RLOC4_B" "$RLOC6_B"
}
ok "SIGHUP with a mobile-node file: the MS refuses to change role, keeps serving" ms_refuses_mn_conf
ok "MS reloads with sites for the LISPmob 0.2 file (SIGHUP)" ms_reload_with \
	"$(site_conf 198.18.0.10/32 1 doc-only-secret-02; site_conf 2001:db8:e1d::10/128 1 doc-only-secret-02)"
check "MS: six sites, A's and B's registrations kept" "q m sites | json_get \"len(d['sites'])\" | grep -qx 6 &&
	ms_has $EID4_B/32 $RLOC4_B $RLOC6_B"
ok "the LISPmob 0.2 example file starts the node, which registers" example_registers tests/config/lispmob-0.2.conf 1
check "MS lists both of its EIDs ($(cat "$LAB_TMP/ex-regs"))" \
	"grep -qxF \"['198.18.0.10/32', '2001:db8:e1d::10/128']\" '$LAB_TMP/ex-regs'"
check "its static-map-cache entry is installed" \
	"q a map-cache | json_get \"[e['origin'] for e in d if e['eid'] == '198.18.1.0/24']\" | grep -qxF \"['static']\""
ok "SIGTERM" node_stop a TERM
ok "A's namespace exactly as before" same_as_before a
ok "MS reloads with sites for the OOR 1.3 file" ms_reload_with \
	"$(site_conf 198.18.0.10/32 2 doc-only-secret-oor; site_conf 2001:db8:e1d::10/128 2 doc-only-secret-oor)"
ip -n "$NS_A" addr add 192.0.2.50/24 dev eth0
ok "the OOR 1.3 example file starts the node, which registers with the reachable map-server" \
	example_registers tests/config/oor-1.3.conf 2
check "MS lists both of its EIDs ($(cat "$LAB_TMP/ex-regs"))" \
	"grep -qxF \"['198.18.0.10/32', '2001:db8:e1d::10/128']\" '$LAB_TMP/ex-regs'"
check "the node logged to the file's log-file" "[ -s '$LAB_TMP/oor-file.log' ]"
ok "SIGTERM" node_stop a TERM
ip -n "$NS_A" addr del 192.0.2.50/24 dev eth0
ok "A's namespace exactly as before" same_as_before a

# ---- IPv6 RLOCs -----------------------------------------------------------------------------------
# Both nodes prefer their IPv6 RLOC and talk to the MS over IPv6: register,
# resolve and encapsulate in IPv6.
ok "MN B: SIGTERM" node_stop b TERM
ok "MN B's namespace exactly as before" same_as_before b
mn_conf "$EID4_A" "$EID6_A" 1 "$KEY_A" "$MS6" 2 1 >"$LAB_TMP/a6.conf"
mn_conf "$EID4_B" "$EID6_B" 2 "$KEY_B" "$MS6" 2 1 >"$LAB_TMP/b6.conf"
ok "MN A starts (map-server $MS6, IPv6 RLOC preferred)" node_start a "$LAB_TMP/a6.conf"
ok "MN B starts (map-server $MS6, IPv6 RLOC preferred)" node_start b "$LAB_TMP/b6.conf"
ok "A registered over IPv6" registered a
ok "B registered over IPv6" registered b
check "MS saw B's register from its IPv6 RLOC, locator priorities 2 (IPv4) and 1 (IPv6)" "q m registrations |
	json_get \"[sorted((l['address'], l['priority']) for l in x['locators']) for r in d['registrations'] if r['eid-prefix'] == '$EID4_B/32' for x in r['xtrs']]\" |
	grep -qxF \"[[('$RLOC4_B', 2), ('$RLOC6_B', 1)]]\""
bg_in_ns "$NS_R" tshark -n -l -i rb -f "ip6 and udp port 4341" -T fields -e ipv6.src -e ipv6.dst \
	>"$LAB_TMP/outer6.txt" 2>"$LAB_TMP/tshark6.err"
TSHARK=$LAST_PID
capturing6() { grep -q "Capturing on" "$LAB_TMP/tshark6.err"; }
wait_until 10 capturing6
ok "ping IPv4 EID A -> B over IPv6 RLOCs" ping_eid a "$EID4_A" "$EID4_B"
ok "ping IPv6 EID B -> A over IPv6 RLOCs" ping_eid b "$EID6_B" "$EID6_A"
outer6_both_ways() {
	grep -qP "^$RLOC6_A\t$RLOC6_B\$" "$LAB_TMP/outer6.txt" && grep -qP "^$RLOC6_B\t$RLOC6_A\$" "$LAB_TMP/outer6.txt"
}
wait_until 10 outer6_both_ways
kill -INT "$TSHARK"
wait "$TSHARK"
LAB_PIDS=${LAB_PIDS/ $TSHARK/}
ok "LISP data packets crossed the core in IPv6, both directions" outer6_both_ways
check "A's map-cache: B's EIDs with the IPv6 RLOC first" "q a map-cache | json_get \
	\"sorted(min(e['locators'], key=lambda l: l['priority'])['rloc'] for e in d if e['eid'] in ('$EID4_B/32', '$EID6_B/128'))\" |
	grep -qxF \"['$RLOC6_B', '$RLOC6_B']\""

# ---- anti-spoofing on B: A starts the flow ---------------------------------------------------------
# B restarts with decap-source-check = on and an empty map-cache; A, which
# has B's mapping, pings B. A's first packet is dropped (no mapping of its
# source at B) and the drop makes B ask for A's mapping: the next packets
# pass. Without that, B would never learn A (it answers nothing) and the
# ping would never get a reply.
ok "MN B: SIGTERM" node_stop b TERM
sed 's/^operating-mode .*/&\ndecap-source-check = on/' "$LAB_TMP/b6.conf" >"$LAB_TMP/b6-src.conf"
ok "MN B starts with decap-source-check = on" eval 'node_start b "$LAB_TMP/b6-src.conf" && registered b'
bstat() { in_ns "$NS_B" "$LISPD_BPF" stats pin "$(pin_of b)" | awk -v n="$1" '$1 == n { print $2 }'; }
check "B knows no mapping of A yet" "! q b map-cache | grep -q '$EID4_A/32'"
ok "ping IPv4 EID A -> B: answered once B resolved A" ping_eid a "$EID4_A" "$EID4_B"
check "B dropped A's first packets as from an unknown source ($(bstat drop_decap_src_unknown))" \
	"[ '$(bstat drop_decap_src_unknown)' -ge 1 ]"
check "... asked for A's mapping from that drop, and holds it now" \
	"q b counters | json_get \"d['mn']['miss_events'] >= 1\" | grep -qx True &&
	 q b map-cache | json_get \"any(e['eid'] == '$EID4_A/32' and e['action'] == 'encap' for e in d)\" | grep -qx True"
check "none of A's packets, from A's own RLOC, was taken for spoofed" \
	"[ '$(bstat drop_decap_src_not_rloc)' = 0 ]"

# ---- SIGTERM everywhere ---------------------------------------------------------------------------
for n in a b m; do
	ok "$n: SIGTERM" node_stop $n TERM
	check "$n: exit status 0 ($NODE_RC)" "[ '$NODE_RC' = 0 ]"
	ok "$n: namespace exactly as before" same_as_before $n
	check "$n: control socket removed" "[ ! -e '$(ctl_of $n)' ]"
done
check "no key in any log" "! grep -rq -e '$KEY_A' -e '$KEY_B' -e not-the-site-key -e doc-only-secret \
	$LAB_TMP/*.log"
tap_done
