#!/bin/bash
# The demo: installs what it needs, builds, brings up the lab (tools/lab:
# map-server/resolver, PxTR, two mobile nodes, a non-LISP host, all in
# network namespaces), runs a scenario on it and prints a short report.
# Every command and its output go to a log file the report names. The lab
# is torn down at the end, and on any error or Ctrl-C.
#
#   DEMO_LAB=NAME       lab instance name (default demo)
#   DEMO_LOG=FILE       log file (default /tmp/lispd-demo-<time>.log)
#   HANDOVER_WAIT=S     how long to wait for traffic to come back after the
#                       move (default 75: the record TTL is 1 minute)
#   DEMO_NO_BUILD=1     no package install and no build: run the programs
#                       already in $BUILD (default build/), as the test
#                       suite does with its own (plain or sanitizer) build
set -u
cd "$(dirname "$0")/.." || exit 1

[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (network namespaces, BPF)" >&2; exit 1; }
if [ "${DEMO_NO_BUILD:-0}" != 1 ]; then
	scripts/deps.sh || exit 1
	make -j2 all >/dev/null || { echo "demo: the build failed" >&2; exit 1; }
fi

. tools/lab/plan.sh
NAME=${DEMO_LAB:-demo}
LAB="tools/lab/lab.sh -n $NAME"
LOG=${DEMO_LOG:-/tmp/lispd-demo-$(date +%Y%m%d-%H%M%S).log}
HANDOVER_WAIT=${HANDOVER_WAIT:-75}
TMP=$(mktemp -d /tmp/lispd-demo.XXXXXX)
BG=""
: >"$LOG"

say() { echo "$*" | tee -a "$LOG"; }
# A check that did not hold: noted in $TMP/failed (the report's checks run
# in subshells) and counted in the verdict and the exit status.
failed() { echo "$*" >>"$TMP/failed"; }
# Runs a command with its output into the log only.
run() {
	echo "\$ $*" >>"$LOG"
	"$@" >>"$LOG" 2>&1
}
lab() { $LAB "$@"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

finish() {
	local rc=$? p d
	trap - EXIT INT TERM HUP
	for p in $BG; do kill -INT "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	d=$(lab dir)
	for p in ms pxtr mn1 mn2; do
		[ -f "$d/$p/lispd.log" ] || continue
		{ echo "---- lispd log of $p"; cat "$d/$p/lispd.log"; } >>"$LOG"
	done
	say
	say "== Teardown"
	run lab down
	if [ -n "$(ip netns list | grep "^lispdlab-$NAME-")" ] ||
		findmnt -rn -o TARGET | grep -q "^$d/" || [ -e "$d" ]; then
		say "  something of the lab is left: see $LOG"
		rc=1
	else
		say "  lab removed: no namespace, mount or process of it left"
	fi
	rm -rf "$TMP"
	say "  details: $LOG"
	exit $rc
}

# An earlier demo killed half-way leaves its lab: take it down first.
run lab down
trap finish EXIT
trap 'exit 130' INT TERM HUP

say "== Lab: network namespaces lispdlab-$NAME-* (tools/lab/README.md)"
if ! run lab up; then
	say "  the lab did not come up: see $LOG"
	exit 1
fi
lab status | sed 1d | tee -a "$LOG"
PXTR=$(sed -n 's/^LAB_PXTR=//p' "$(lab dir)/lab.env")

# ---- registration ---------------------------------------------------------------
say
say "== Registration: lig self, from each node's RLOC through the map-resolver $MS4"
for n in mn1 mn2; do
	lab lig $n self -j >"$TMP/lig-$n.json" 2>>"$LOG"
	cat "$TMP/lig-$n.json" >>"$LOG"
	python3 - "$n" "$TMP/lig-$n.json" <<'EOP' | tee -a "$LOG"
import json, sys
n, d = sys.argv[1], json.load(open(sys.argv[2]))
for r in d["results"]:
    locs = " ".join("%s(p%d)" % (l["address"], l["priority"])
                    for rec in r["records"] for l in rec["locators"])
    who = "the map-server" if r["reply_from"] == d["map_resolver"] else "its own ETR"
    print("  %s %-20s %s: %s, answered by %s in %s ms" % (
        n, r["eid"], "registered" if r["registered"] else "NOT REGISTERED",
        locs or "no locator", who if r["answered"] else "nobody", r["rtt_ms"]))
    if not r["registered"]:
        print("lig self of %s %s: not registered" % (n, r["eid"]), file=sys.stderr)
EOP
done 2>"$TMP/lig-failed"
[ -s "$TMP/lig-failed" ] && cat "$TMP/lig-failed" >>"$TMP/failed"
lab q ms registrations >"$TMP/ms-regs.json" 2>>"$LOG"
cat "$TMP/ms-regs.json" >>"$LOG"
say "  map-server: $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["registrations"]
print(len(d), "EID prefixes registered:", ", ".join(sorted(r["eid-prefix"] for r in d)))' "$TMP/ms-regs.json")"

# ---- EID to EID ---------------------------------------------------------------------
head -c 2000000 /dev/urandom >"$TMP/payload"
WANT="$(stat -c %s "$TMP/payload") $(sha256sum "$TMP/payload" | cut -d' ' -f1)"
PORT=5100

# "3/4 replies, avg 0.12 ms": 3 replies wanted, within 6 s.
ping_eids() {   # node src dst
	local out sum
	out=$(lab exec "$1" ping -c 3 -i 0.2 -W 2 -w 6 -I "$2" "$3" 2>&1)
	echo "$out" >>"$LOG"
	sum=$(echo "$out" | awk '/packets transmitted/ { s = $1; r = $4 }
		/^rtt/ { split($4, a, "/"); avg = a[2] }
		END { printf "%s/%s replies%s", r + 0, s + 0, avg ? ", avg " avg " ms" : "" }')
	case $sum in 3/*) ;; *) failed "ping $2 -> $3: fewer than 3 replies" ;; esac
	echo "$sum"
}

# Polls cmd every 0.1 s, 10 s at most: a loaded machine may be slow to
# start a listener or a ping stream.
within_10s() {   # cmd...
	local i
	for i in $(seq 1 100); do
		"$@" && return 0
		sleep 0.1
	done
	echo "still not true after 10 s: $*" >>"$LOG"
	return 1
}
listening() {   # node port
	lab exec "$1" ss -Hltn "sport = :$2" 2>>"$LOG" | grep -q .
}

# TCP transfer with a SHA-256 check of what arrived.
tcp_eids() {   # from to src dst
	local got t0 rpid
	PORT=$((PORT + 1))
	$LAB exec "$2" python3 tests/e2e/xfer.py recv "$4" $PORT >"$TMP/xfer.out" 2>>"$LOG" &
	rpid=$!
	within_10s listening "$2" $PORT
	t0=$(now)
	if ! lab exec "$1" timeout 20 python3 tests/e2e/xfer.py send "$3" "$4" $PORT \
		"$TMP/payload" >>"$LOG" 2>&1; then
		kill "$rpid" 2>/dev/null
		wait "$rpid"
		failed "TCP $3 -> $4: the sender failed"
		echo "FAILED"
		return
	fi
	wait "$rpid"
	got=$(cat "$TMP/xfer.out")
	echo "received: $got; sent: $WANT" >>"$LOG"
	if [ "$got" = "$WANT" ]; then
		echo "2 MB, SHA-256 matches, $(since "$t0") s"
	else
		failed "TCP $3 -> $4: received $got"
		echo "FAILED (received $got)"
	fi
}

say
say "== EID to EID: ping (the first packet triggers the resolution) and TCP"
for f in 4 6; do
	if [ $f = 4 ]; then e1=$MN1_EID4 e2=$MN2_EID4; else e1=$MN1_EID6 e2=$MN2_EID6; fi
	say "  IPv$f mn1 -> mn2  $e1 -> $e2: ping $(ping_eids mn1 "$e1" "$e2"); TCP $(tcp_eids mn1 mn2 "$e1" "$e2")"
	say "  IPv$f mn2 -> mn1  $e2 -> $e1: ping $(ping_eids mn2 "$e2" "$e1"); TCP $(tcp_eids mn2 mn1 "$e2" "$e1")"
done

# ---- the non-LISP host ----------------------------------------------------------------
say
say "== Non-LISP host $HOST4 / $HOST6, behind the PxTR"
if [ "$PXTR" = 1 ]; then
	stat_of() {   # counter
		lab exec pxtr "${BUILD:-build}/lispd-bpf" stats pin "$(lab dir)/pxtr/bpf/lispd" 2>>"$LOG" |
			awk -v n="$1" '$1 == n { print $2 }'
	}
	petr0=$(stat_of petr_decap_ok) pitr0=$(stat_of encap_ok)
	say "  mn1 -> host (PETR)  IPv4 ping $(ping_eids mn1 "$MN1_EID4" "$HOST4"); IPv6 ping $(ping_eids mn1 "$MN1_EID6" "$HOST6")"
	say "  host -> mn1 (PITR)  IPv4 ping $(ping_eids host "$HOST4" "$MN1_EID4"); IPv6 ping $(ping_eids host "$HOST6" "$MN1_EID6")"
	say "  PxTR data plane: PETR decapsulated $(($(stat_of petr_decap_ok) - ${petr0:-0})), PITR encapsulated $(($(stat_of encap_ok) - ${pitr0:-0})) packets"
else
	say "  skipped: this lispd refuses operating-mode = PxTR (see the pxtr log in $LOG)"
	failed "the PxTR did not start"
fi

# ---- map-cache --------------------------------------------------------------------------
say
say "== BPF map-cache of mn1 (bpftool map dump pinned $(lab dir)/mn1/bpf/lispd/lispd_mcache)"
run lab mcache mn1
lab mcache mn1 brief 2>>"$LOG" | sed 's/^/  /' | tee -a "$LOG"

# ---- handover -----------------------------------------------------------------------------
say
say "== Handover: mn1 moves from network A to B while mn2 pings $MN1_EID4 every 1 ms"
# $LAB, not the lab function: the background job is then ping itself (lab.sh
# execs it), and the INT below reaches it.
$LAB exec mn2 ping -D -i 0.001 -w $((HANDOVER_WAIT + 15)) -I "$MN2_EID4" "$MN1_EID4" \
	>"$TMP/stream" 2>&1 &
STREAM=$!
BG="$BG $STREAM"
streaming() { [ "$(grep -c ' bytes from ' "$TMP/stream")" -ge 500 ]; }
within_10s streaming
old4=$(lab rloc mn1 4)
T0=$(now)
run lab move mn1 B
say "  t=0.0 s   moved: $old4 and its default routes removed, eth0 re-plugged into B, $(lab rloc mn1 4) and gateway $ACC_B_GW4 added"
gap() { python3 tools/lab/outage.py "$TMP/stream" "$T0"; }
# Replies are flowing when the last one is less than 0.3 s old.
flowing() {
	local last
	last=$(gap | cut -d' ' -f5)
	[ "$last" != none ] && awk -v l="$last" -v n="$(now)" 'BEGIN { exit !(n - l < 0.3) }'
}
sleep 3   # the demo's bound for a recovery by lispd alone: a fixed window
if flowing; then
	method="by lispd alone"
else
	say "  t=$(since "$T0") s   no reply 3 s after the move: lispd on mn1 did not recover by itself; restarting it"
	run lab restart mn1
	for i in $(seq 1 50); do
		lab q mn1 registrations 2>/dev/null | grep -q '"state":"registered"' && break
		sleep 0.1
	done
	regs=$(lab q ms registrations 2>/dev/null | python3 -c 'import json,sys
d = json.load(sys.stdin)["registrations"]
print(" ".join(sorted(set(l["address"] for r in d if r["eid-prefix"] == sys.argv[1] for x in r["xtrs"] for l in x["locators"]))))' "$MN1_EID4/32")
	say "  t=$(since "$T0") s   lispd restarted; the map-server now maps $MN1_EID4/32 to: $regs"
	method="with a lispd restart on mn1"
	deadline=$(awk -v t="$T0" -v w="$HANDOVER_WAIT" 'BEGIN { printf "%d", t + w }')
	while ! flowing && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.5; done
	sleep 0.5
fi
ok_now=no
flowing && ok_now=yes
kill -INT "$STREAM" 2>/dev/null
wait "$STREAM" 2>/dev/null
BG=${BG/ $STREAM/}
tail -4 "$TMP/stream" >>"$LOG"
read -r outage gstart gend lost last <<<"$(gap)"
echo "gap after the move: $outage s from $gstart to $gend, $lost lost; last reply $last" >>"$LOG"
rel() { awk -v a="$T0" -v b="$1" 'BEGIN { printf "%.1f", b - a }'; }
if [ "$ok_now" = no ]; then
	say "  no steady reply from $MN1_EID4 within $HANDOVER_WAIT s of the move"
	say "  handover: FAILED (see $LOG)"
	failed "handover: no steady reply within $HANDOVER_WAIT s"
else
	say "  t=$(rel "$gend") s   mn2's pings answered again"
	say "  outage $outage s (replies stopped at t=$(rel "$gstart") s; $lost echo requests unanswered: ping sends fewer while unanswered), recovered $method"
	if [ "$method" != "by lispd alone" ]; then
		say "  handover: lispd needed a restart to recover: a regression of its mobility (see $LOG)"
		failed "handover: lispd needed a restart"
	fi
fi
say "  mn2's BPF map-cache now:"
lab mcache mn2 brief 2>>"$LOG" >"$TMP/mc2"
sed 's/^/    /' "$TMP/mc2" | tee -a "$LOG"
grep -q " $old4 " "$TMP/mc2" &&
	say "    (an entry unused since the move keeps the old RLOC until its TTL runs out)"

say
say "== Result"
if [ -s "$TMP/failed" ]; then
	say "  $(wc -l <"$TMP/failed") checks failed:"
	sed 's/^/    /' "$TMP/failed" | tee -a "$LOG"
	exit 1
fi
say "  every check passed"
exit 0
