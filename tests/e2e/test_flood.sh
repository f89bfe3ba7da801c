#!/bin/bash
# Control-plane floods against lispd in every role, each in its own network
# namespace (the topology of test_pxtr.sh):
#
#   MN ($NS_M) eth0 192.0.2.1 --- PxTR ($NS_P) eth0 192.0.2.2, eth1 203.0.113.1 --- host ($NS_H)
#                                 eth2 192.0.2.130 --- MS ($NS_S) eth0 192.0.2.129
#
# tests/e2e/flood.py sends malformed control messages of every type
# (truncated, lying counts and lengths, unknown AFIs and LCAFs, wrong types,
# oversized) at UDP 4342 of the MS, the PxTR and the MN, then spoofed ones at
# the MN (Map-Replies with unknown nonces, Map-Notifies with a wrong HMAC,
# SMRs from a stranger). For each flood:
#  - every datagram sent is dropped and counted: the role's drop counters,
#    the daemon's oversized counter and the kernel's receive-buffer drops
#    (Udp RcvbufErrors of the namespace) add up to what was sent;
#  - meanwhile the control socket answers and a real resolution or
#    registration completes;
#  - the log grows by a bounded number of lines (rate-limited);
#  - spoofs change nothing: no map-cache entry from a forged reply, the
#    registration stays, an SMR only makes the MN ask the mapping system
#    (rate-limited per entry).
# Then each malformed kind once at the PxTR and the MN: each is counted
# under its codec reason (rx_malformed_<reason>, flood.py's EXPECT). A
# flood of valid Map-Requests at the MS: it answers the burst and then at
# most its per-source rate (ms-limits), every other request counted as
# rate-limited. A scan of unknown EIDs from the MN stays within the data
# plane's miss-rate, lispd's tables and its memory.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
BUILD=${BUILD:-$PWD/build}
. tests/e2e/lab.sh
. tests/e2e/lispd_lib.sh
. tests/e2e/roles_lab.sh

tap_require_root "network namespaces, BPF"

MN_SPOOF=198.51.100.77   # an EID of the MN outside the PxTR's eid-space
MN_EID6=2001:db8:e1d::1  # the MN's IPv6 EID (the scan of a million EIDs comes from it)
STATIC=198.19.255.0/24   # a static entry of the PxTR (to nowhere)
UNREG_MS=198.18.0.201    # an EID nobody registers (the MS flood asks for it)
ROLES_MN_EIDS="$MN_EID/32 $MN_SPOOF/32 $MN_EID6/128"
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
	roles_mn_conf >"$LAB_TMP/mn.conf"
}
FLOOD_S=${FLOOD_S:-2}
ok "four namespaces (MN, PxTR, MS, host), PxTR forwarding" setup
ok "lispd starts as the MS" node_start s "$LAB_TMP/ms.conf"
ok "lispd starts as the PxTR" node_start p "$LAB_TMP/pxtr.conf"
ok "lispd starts as the mobile node" node_start m "$LAB_TMP/mn.conf"
ok "the MN registers its EIDs with the MS" \
	wait_json m registrations "d[0]['state'] == 'registered'" 50

# ---- accounting -----------------------------------------------------------------------------
# Drop counters of each role (every reason a control message is dropped for).
drops_of() {   # node
	case $1 in
	s) echo "[v for k, v in d['ms'].items() if k.startswith('drop-')]" ;;
	p) echo "[d['pxtr'][k] for k in ('rx_malformed', 'rx_unexpected', 'reply_unknown_nonce')]" ;;
	m) echo "[d['mn'][k] for k in ('rx_malformed', 'rx_unexpected', 'reply_unknown_nonce',
		'notify_bad_auth', 'notify_unknown', 'notify_stale', 'smr_ignored', 'smr_rate_limited',
		'etr_not_ours', 'etr_probe_in_ecm')]" ;;
	esac
}
# Dropped so far: the role's drops + the daemon's oversized datagrams + the
# kernel's receive-buffer overflows of the node's namespace (never read).
dropped() {   # node
	local kern
	kern=$(in_ns "$(ns_of "$1")" awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == "RcvbufErrors") c = i; h = 1 } else print $c }' /proc/net/snmp)
	q "$1" counters | json_get "sum($(drops_of "$1")) + d['daemon']['control_rx_oversized'] + $kern"
}
kern_drops() {   # node
	in_ns "$(ns_of "$1")" awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == "RcvbufErrors") c = i; h = 1 } else print $c }' /proc/net/snmp
}
log_lines() { wc -l <"$(log_of "$1")"; }

# Starts a flood in the background (FLOOD_PID, its JSON in $LAB_TMP/flood.json).
flood_start() {   # from-ns dst src mode [smr-eid]
	local ns=$1
	shift
	bg_in_ns "$ns" python3 tests/e2e/flood.py "$2" "$1" "$FLOOD_S" "${@:3}" >"$LAB_TMP/flood.json"
	FLOOD_PID=$LAST_PID
}
flood_wait() {
	wait "$FLOOD_PID"
	LAB_PIDS=${LAB_PIDS/ $FLOOD_PID/}
	SENT=$(json_get "d['sent']" <"$LAB_TMP/flood.json")
}
# Waits until the node has dropped everything sent (it drains its socket).
# slack: drops the node may add of its own, beyond what was sent.
all_dropped() {   # node before sent [command printing how many were taken] [command printing the slack]
	local i now
	for i in $(seq 1 50); do
		now=$(($(dropped "$1") + $(${4:-echo 0})))
		[ "$now" -ge $(($2 + $3)) ] && [ "$now" -le $(($2 + $3 + $(${5:-echo 0}))) ] && return 0
		sleep 0.2
	done
	diag "$1: dropped $((now - $2)) of $3 sent; counters: $(q "$1" counters | head -c 2500)"
	return 1
}
# True once a flood reaches the node: its drops grow (the checks made
# meanwhile run during the flood).
flood_arrived() {   # node dropped-before
	[ "$(dropped "$1")" -gt "$2" ]
}
# Log lines a flood may add: a handful per rate-limited call site.
LOG_MAX=200

# The node's peers keep talking to it during a flood, and a full receive
# buffer drops their datagrams too, in the same kernel count as the flood's:
# legit_lost prints how many of theirs may have been lost since legit_mark.
legit_mark() {   # node
	LEGIT0=$(legit_sent "$1")
	: >"$LAB_TMP/lig-tries"
}
legit_sent() {   # node: what reached it legitimately, or might have
	case $1 in
	s) q m counters | json_get "d['mn']['info_tx']" ;;   # and lig's tries, counted in $LAB_TMP/lig-tries
	p) q p counters | json_get "d['pxtr']['req_sent']" ;;                     # each reply
	m) q m counters | json_get "d['mn']['req_sent'] + d['mn']['reg_sent'] + d['mn']['info_tx']" ;; # each reply, notify and Info-Reply
	esac
}
legit_lost() {   # node
	local tries
	tries=$(awk '{ n += $1 - 1 } END { print n + 0 }' "$LAB_TMP/lig-tries")
	echo $(($(legit_sent "$1") - LEGIT0 + tries))
}

flood_role() {   # node from-ns dst src during-check-function label
	local n=$1 before log0 kern0 answered
	legit_mark "$n"
	before=$(dropped "$n")
	kern0=$(kern_drops "$n")
	log0=$(log_lines "$n")
	flood_start "$2" "$3" "$4" malformed
	wait_until 10 flood_arrived "$n" "$before"
	answered=0
	q "$n" status >/dev/null && answered=1
	ok "$6: meanwhile $5" "$5"
	check "$6: the control socket answered during the flood" "[ $answered = 1 ] && q $n status >/dev/null"
	flood_wait
	ok "$6: all $SENT malformed datagrams dropped and counted by reason" all_dropped "$n" "$before" "$SENT" "echo 0" "legit_lost $n"
	diag "$6: $SENT sent in ${FLOOD_S}s, kernel receive-buffer drops $(($(kern_drops "$n") - kern0))"
	diag "$6: counters: $(q "$n" counters | json_get "{k: v for k, v in list(d['${7}'].items()) + list(d['daemon'].items()) if ('drop' in k or 'malformed' in k or 'unexpected' in k or 'unknown' in k or 'oversized' in k) and v}")"
	local grew=$(($(log_lines "$n") - log0))
	check "$6: the log grew by $grew lines for $SENT bad datagrams (rate-limited, at most $LOG_MAX)" \
		"[ $grew -le $LOG_MAX ]"
	check "$6: still running" "kill -0 ${PID[$n]}"
}

# Each malformed kind once, slowly enough that no receive buffer fills: the
# role counts each under the reason its malformation names (flood.py's
# EXPECT: truncated, bad_count, bad_afi, bad_lcaf, bad_prefix, bad_ip,
# bad_auth; rx_unexpected for types the role never takes; the daemon's
# control_rx_oversized), exactly, and rx_malformed is the sum of its reasons.
# Exit status 2 while the node has not taken everything sent, else 0 when
# every counter moved as expected, 1 (and what differs) when not.
reasons_diff() {   # before after (the node's counters) role-key each.json
	python3 - "$1" "$2" "$3" "$4" <<'EOP'
import json, sys
def counts(text):
    d = json.loads(text)
    return dict(d[sys.argv[3]], control_rx_oversized=d["daemon"]["control_rx_oversized"])
a, b = counts(sys.argv[1]), counts(sys.argv[2])
each = json.load(open(sys.argv[4]))
want = each["expect"]
d = {k: b[k] - a[k] for k in b if isinstance(b[k], int)}
if d["rx_packets"] + d["control_rx_oversized"] < each["sent"]:
    sys.exit(2)
keys = [k for k in d if k.startswith("rx_malformed_") or k in ("rx_unexpected", "control_rx_oversized")]
print("counted: %s" % {k: d[k] for k in keys if d[k]})
bad = {k: [d[k], want.get(k, 0)] for k in keys if d[k] != want.get(k, 0)}
bad.update({k: ["no such counter", v] for k, v in want.items() if k not in d})
if d["rx_malformed"] != sum(d[k] for k in d if k.startswith("rx_malformed_")):
    bad["rx_malformed"] = [d["rx_malformed"], "the sum of its reasons"]
if bad:
    print("(got, want): %s" % bad)
sys.exit(1 if bad else 0)
EOP
}
by_reason() {   # node role-key from-ns dst src role
	local c0 i rc
	c0=$(q "$1" counters)
	in_ns "$3" python3 tests/e2e/flood.py "$5" "$4" 0 each "$6" >"$LAB_TMP/each.json" || return 1
	for i in $(seq 1 50); do
		reasons_diff "$c0" "$(q "$1" counters)" "$2" "$LAB_TMP/each.json" >"$LAB_TMP/each.diff"
		rc=$?
		[ $rc != 2 ] && break
		sleep 0.2
	done
	diag "$6: $(cat "$LAB_TMP/each.diff")"
	[ $rc = 0 ]
}

# ---- the MS ----------------------------------------------------------------------------------
# A lig from the MN for its own EID: the MS forwards it to the MN's ETR.
lig_through_ms() {
	in_ns "$NS_M" "$BUILD/lig" -m "$MS" -s "$MN_RLOC" -c 5 -t 1 -j "$MN_EID" >"$LAB_TMP/lig.json"
	json_get "d['tries']" <"$LAB_TMP/lig.json" >>"$LAB_TMP/lig-tries"
	json_get "[l['address'] for r in d['records'] for l in r['locators']] == ['$MN_RLOC']" <"$LAB_TMP/lig.json" |
		grep -qx True
}
flood_role s "$NS_M" "$MS" "$MN_RLOC" lig_through_ms "MS" ms

# ---- a Map-Request flood at the MS ----------------------------------------------------------
# Valid ECM Map-Requests for an unregistered EID from one ITR (its own
# address as ITR-RLOC, on the PxTR's MS-side link, used by nobody else):
# with the ms-limits defaults (100 a second per source, burst 200) the MS
# answers the burst and then at most 100 a second of the time it took,
# drops and counts the rest, and the counters add up to what was sent.
FLOODER=192.0.2.131
ip -n "$NS_P" addr add "$FLOODER/25" dev eth2
c0=$(q s counters)
kern0=$(kern_drops s)
t0=$(date +%s.%N)
in_ns "$NS_P" python3 tests/e2e/flood.py "$FLOODER" "$MS" "$FLOOD_S" requests "$UNREG_MS" >"$LAB_TMP/req.json"
# sent got rx neg lim limt kern secs, once the MS read (or the kernel dropped) all
req_counts() {
	python3 - "$c0" "$(q s counters)" "$(($(kern_drops s) - kern0))" "$LAB_TMP/req.json" "$t0" <<'EOP'
import json, math, sys, time
a, b = json.loads(sys.argv[1])["ms"], json.loads(sys.argv[2])["ms"]
kern, f = int(sys.argv[3]), json.load(open(sys.argv[4]))
d = {k: b[k] - a[k] for k in b}
print(f["sent"], f["answered"], d["rx-ecm"], d["map-replies-negative"],
      d["drop-request-rate-limited"], d["drop-request-rate-limited-total"], kern,
      math.ceil(time.time() - float(sys.argv[5])))
sys.exit(0 if d["rx-ecm"] + kern >= f["sent"] else 2)
EOP
}
for i in $(seq 1 50); do
	counts=$(req_counts) && break
	sleep 0.2
done
read -r sent got rx neg lim limt kern secs <<<"$counts"
diag "MS Map-Request flood: $sent sent; MS read $rx (kernel dropped $kern), answered $neg, rate-limited $lim (+$limt total) in ${secs}s; the flooder got $got answers"
check "MS Map-Request flood: every request read or dropped by the kernel ($rx + $kern = $sent)" \
	"[ $((rx + kern)) -eq $sent ]"
check "MS Map-Request flood: every request read answered or counted as rate-limited ($neg + $lim + $limt = $rx)" \
	"[ $((neg + lim + limt)) -eq $rx ]"
check "MS Map-Request flood: answered the burst, then at most 100/s ($neg <= 200 + 100 x $secs)" \
	"[ $neg -ge 200 ] && [ $neg -le $((200 + 100 * secs)) ] && [ $lim -ge 1 ]"
check "MS Map-Request flood: the flooder got no more answers than the MS sent ($got <= $neg)" \
	"[ $got -ge 1 ] && [ $got -le $neg ]"
check "MS Map-Request flood: the log grew by a bounded number of lines" \
	"[ \$(grep -c 'over map-request-rate' $(log_of s)) -le $LOG_MAX ]"
check "MS: a lig from the MN is still answered" lig_through_ms

# ---- the PxTR --------------------------------------------------------------------------------
# The host pings the MN's EID: the PITR resolves it through the MS.
host_pings_mn() { quiet_in_ns "$NS_H" ping -q -c 1 -W 1 -w 10 "$MN_EID"; }
flood_role p "$NS_M" "$PX_RLOC" "$MN_RLOC" host_pings_mn "PxTR" pxtr
ok "PxTR: each malformed kind counted under its reason" by_reason p pxtr "$NS_M" "$PX_RLOC" "$MN_RLOC" pxtr
check "PxTR: the resolution during the flood installed $MN_EID/32" \
	"q p map-cache | json_get \"[e['origin'] for e in d if e['eid'] == '$MN_EID/32']\" | grep -qxF \"['dynamic']\""

# ---- the MN ----------------------------------------------------------------------------------
# The MN pings the host: a miss, a Map-Request, a (negative) Map-Reply accepted.
# The MN sends to an EID nobody registered: a miss, a Map-Request, the MS's
# negative Map-Reply accepted and cached.
UNREG=198.18.0.200
mn_resolves() {
	in_ns "$NS_M" ping -q -c 1 -W 1 -I "$MN_EID" "$UNREG" >/dev/null
	wait_json m map-cache "any(e['eid'] != '$STATIC' and e['action'] != 'encap' and
		__import__('ipaddress').ip_address('$UNREG') in __import__('ipaddress').ip_network(e['eid']) for e in d)" 25
}
flood_role m "$NS_S" "$MN_RLOC" "$MS" mn_resolves "MN" mn
ok "MN: each malformed kind counted under its reason" by_reason m mn "$NS_S" "$MN_RLOC" "$MS" mn
check "MN: still registered" "q m registrations | json_get \"d[0]['state']\" | grep -qx registered"

# ---- spoofs at the MN --------------------------------------------------------------------------
# From the MS's own address (so a Map-Notify is checked against its key):
# forged Map-Replies, Map-Notifies with a wrong HMAC, SMRs for the host's
# cached entry.
mc_host() {
	q m map-cache | json_get "sorted((e['eid'], e['action'], tuple(l['rloc'] for l in e['locators'])) for e in d)"
}
wait_json m map-cache "any(e['action'] == 'native-forward' for e in d)" 25 >/dev/null
mc0=$(mc_host)
c0=$(q m counters)
mc_entries0=$(q m map-cache | json_get "len(d)")
legit_mark m
before=$(dropped m)
ms_neg0=$(q s counters | json_get "d['ms']['map-replies-negative']")
flood_start "$NS_S" "$MN_RLOC" "$MS" spoof "$HOST"
wait_until 10 flood_arrived m "$before"
check "spoofs: the control socket answers during the flood" "q m status >/dev/null"
flood_wait
delta() { q m counters | json_get "d['mn']['$1'] - $(echo "$c0" | json_get "d['mn']['$1']")"; }
kinds() { json_get "d['kinds']['$1']" <"$LAB_TMP/flood.json"; }
# The SMRs that made the MN ask the mapping system at once are the only ones
# taken (those inside the interval count as smr_rate_limited, a drop, even
# when they bring the trailing request at its end).
SMR_AT_ONCE="d['mn']['smr_received'] - d['mn']['smr_ignored'] - d['mn']['smr_rate_limited']"
smr_taken() { q m counters | json_get "$SMR_AT_ONCE - ($(echo "$c0" | json_get "$SMR_AT_ONCE"))"; }
# A Map-Request of the MN's own retried while its reply sat behind the flood
# in the socket: the second reply to that nonce is dropped too (unknown nonce);
# legit_lost counts it among the replies and notifies the kernel may drop.
retries() { delta req_retries; }
ok "spoofs: all $SENT spoofed datagrams dropped or taken as SMRs, and counted" \
	all_dropped m "$before" "$SENT" smr_taken "legit_lost m"
inv=$(($(delta smr_invoked_sent) - $(retries)))   # requests, not tries
r=$(delta reply_unknown_nonce) a=$(delta notify_bad_auth) s=$(delta smr_received)
diag "spoofs sent: $(json_get "d['kinds']" <"$LAB_TMP/flood.json")"
diag "spoofs counted: reply_unknown_nonce +$r, notify_bad_auth +$a, smr_received +$s, smr_invoked_sent +$inv, smr_rate_limited +$(delta smr_rate_limited)"
# (what the kernel dropped for a full receive buffer is not told apart by kind)
check "spoofs: Map-Replies with unknown nonces counted ($r of $(kinds reply-unknown-nonce))" \
	"[ $r -ge 1 ] && [ $r -le $(kinds reply-unknown-nonce) ]"
check "spoofs: Map-Notifies with a wrong HMAC counted ($a of $(kinds notify-bad-hmac))" \
	"[ $a -ge 1 ] && [ $a -le $(kinds notify-bad-hmac) ]"
check "spoofs: SMRs seen ($s of $(kinds smr-from-stranger))" "[ $s -ge 1 ] && [ $s -le $(kinds smr-from-stranger) ]"
# One SMR-invoked request per 3 s per entry (itr smr_interval), the SMRs
# inside an interval taken by one trailing request at its end: at most
# (FLOOD_S + 1)/3 + 2 per entry (the 1 s for a loaded machine still reading
# the backlog after the flood), sent to the map-resolver (the MS answered
# it), never to the SMR's sender.
check "spoofs: SMRs only made the MN ask the mapping system, rate-limited ($inv requests)" \
	"[ $inv -ge 1 ] && [ $inv -le $(((FLOOD_S + 1) / 3 + 2)) ] &&
	 wait_json s counters \"d['ms']['map-replies-negative'] > $ms_neg0\" 10"
check "spoofs: no map-cache entry from a forged reply, the host's entry unchanged" \
	"[ \"\$(mc_host)\" = \"\$mc0\" ] && ! q m map-cache | grep -q 198.18.77.0"
check "spoofs: the registration stays" "q m registrations | json_get \"d[0]['state']\" | grep -qx registered"

# ---- a scan of unknown EIDs from the MN ------------------------------------------------------
# A million datagrams from the MN's IPv6 EID, each to a different address
# of 2001:db8:e1d::/48 (missflood.c, sendmmsg; at most MISS_S seconds):
# every one misses the map-cache (or falls in a negative entry learnt
# meanwhile). The data plane reports at most miss-rate events a second
# (100, burst 100), lispd sends at most one Map-Request per event and
# prefix (plus its retries), its tables stay within their bounds and its
# memory does not grow with the scan.
MISS_N=${MISS_N:-1000000}
MISS_S=${MISS_S:-30}
rss_of() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
bpf_stat() { in_ns "$NS_M" "$LISPD_BPF" stats pin "$PIN_M" | awk -v n="$1" '$1 == n { print $2 }'; }
c0=$(q m counters)
ev0=$(bpf_stat miss_event)
rss0=$(rss_of "${PID[m]}" VmRSS) hwm0=$(rss_of "${PID[m]}" VmHWM)
in_ns "$NS_M" "$BUILD/tests/missflood" "$MN_EID6" "$MISS_N" "$MISS_S" >"$LAB_TMP/miss.json"
# lispd reads the ring buffer's events as it can: once it has them all.
events_taken() {
	[ "$(q m counters | json_get "d['mn']['miss_events'] - $(echo "$c0" | json_get "d['mn']['miss_events']")")" = \
		"$(($(bpf_stat miss_event) - ev0))" ]
}
wait_until 10 events_taken
sent=$(json_get "d['sent']" <"$LAB_TMP/miss.json") secs=$(json_get "d['seconds']" <"$LAB_TMP/miss.json")
distinct=$(json_get "d['distinct']" <"$LAB_TMP/miss.json")
check "miss scan: $distinct of $MISS_N distinct unknown EIDs sent to in ${secs}s" \
	"[ $distinct -eq $MISS_N ] && [ $sent -eq $MISS_N ]"
ev=$(($(bpf_stat miss_event) - ev0))
rate_ltd=$(bpf_stat miss_event_rate_limited) dedup=$(bpf_stat miss_event_dedup) rbfull=$(bpf_stat miss_event_ringbuf_full)
mdelta() { q m counters | json_get "d['mn']['$1'] - $(echo "$c0" | json_get "d['mn']['$1']")"; }
got=$(mdelta miss_events) req=$(mdelta req_sent) full=$(mdelta req_table_full)
mc=$(q m map-cache | json_get "len(d)") pend=$(q m pending | json_get "len(d)")
rss1=$(rss_of "${PID[m]}" VmRSS) hwm1=$(rss_of "${PID[m]}" VmHWM)
diag "miss scan: $sent packets in ${secs}s; BPF miss events $ev (rate-limited ${rate_ltd:-0}, deduplicated ${dedup:-0}, ring full ${rbfull:-0}); lispd miss events $got, Map-Requests $req, request table full $full; map-cache $mc entries, $pend pending"
diag "miss scan: lispd VmRSS ${rss0} -> ${rss1} kB, VmHWM ${hwm0} -> ${hwm1} kB"
check "miss scan: ring-buffer events within miss-rate ($ev <= 100 + 100 x $(python3 -c "import math; print(math.ceil($secs) + 2)") s)" \
	"[ $ev -ge 1 ] && [ $ev -le \$((100 + 100 * $(python3 -c "import math; print(math.ceil($secs) + 2)"))) ]"
check "miss scan: lispd took every event ($got of $ev) and sent at most one request each (+ 2 retries): $req" \
	"[ $got -eq $ev ] && [ $req -le \$((3 * $got)) ]"
check "miss scan: map-cache ($mc) and pending requests ($pend) within their bounds (16384, 256)" \
	"[ $mc -le 16384 ] && [ $pend -le 256 ]"
check "miss scan: lispd's resident memory grew by less than 8 MB (${rss0} -> ${rss1} kB)" \
	"[ \$(($rss1 - $rss0)) -lt 8192 ]"
check "miss scan: lispd still answers" "q m status >/dev/null"

for n in m p s; do
	ok "$n: SIGTERM" node_stop $n TERM
	check "$n: exit status 0 ($NODE_RC)" "[ '$NODE_RC' = 0 ]"
done
check "no key in any log" "! grep -rq '$KEY' $LAB_TMP/*.log"
tap_done
