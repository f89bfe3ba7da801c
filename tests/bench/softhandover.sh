#!/bin/bash
# Soft-handover part of `make bench`: the multihoming lab of the e2e tests
# (tests/e2e/lispd_lib.sh: MN A with eth0 on network A, priority 2, and eth1
# on network B, priority 1; MN B; a lispd Map-Server), B pinging A's EID
# every 2 ms. One move, make-before-break: eth1 comes up with its gateway,
# A registers both locators and SMRs B, B re-resolves (both cached), then
# eth0 goes down. Repeated BENCH_SOFT_MOVES times (default 10).
#
# Between moves the lab goes back (eth0 up, B re-resolves, eth1 down). That
# way back is measured too and reported apart: it is towards the less
# preferred interface, so B keeps sending to eth1 until A's SMR after eth1
# left reaches it, and loss there is expected (it is a break, then make).
#
# First, BENCH_SOFT_BASELINE (default 5) windows of the same ping with no
# change at all: the longest gap there is what the machine's scheduling
# alone costs, to read the outage of a move against.
#
# Per move: requests lost (icmp_seq without a reply up to the last reply,
# so packets in flight when ping is stopped do not count) and the outage
# (longest gap without a reply). The outage is the measure: with requests
# unanswered, iputils ping waits up to 10 ms (its MININTERVAL) for a reply
# before the next one, so during an outage it sends about 100 a second,
# not 500, and the loss counts a fifth of the time. Prints total and per-move loss and outage
# median/p95/max, appends them to $RESULTS. BENCH_SOFT_DEBUG=PREFIX: each move on
# stderr, ping logs and lispd logs kept as PREFIX.*. Runs only in its own namespaces; removed on exit.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-$PWD/build}
RESULTS=${RESULTS:-$BUILD/bench/results.txt}
MOVES=${BENCH_SOFT_MOVES:-10}
BASELINE=${BENCH_SOFT_BASELINE:-5}

if [ "$(id -u)" -ne 0 ]; then
	echo "softhandover: needs root (network namespaces, BPF)" >&2
	exit 1
fi
[ -x "$BUILD/lispd" ] || { echo "softhandover: $BUILD/lispd not built" >&2; exit 1; }
. tests/lib/tap.sh   # wait_until
diag() { echo "# $*" >&2; }
. tests/e2e/lab.sh
. tests/e2e/lispd_lib.sh
PING=""
cleanup() {
	[ -n "$PING" ] && kill "$PING" 2>/dev/null
	[ -n "${BENCH_SOFT_DEBUG:-}" ] && for n in a b m; do cp "$(log_of $n)" "$BENCH_SOFT_DEBUG.lispd-$n"; done
	lab_ms_cleanup
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
	echo "softhandover: $*" >&2
	exit 1
}

{ lab_up && ms_ns_up && mh_eth1_setup; } >/dev/null 2>&1 || die "lab setup failed"
mkdir -p "$LAB_TMP/bpf-m"
ms_conf >"$LAB_TMP/m.conf"
mh_a_conf >"$LAB_TMP/a.conf"
mn_conf "$EID4_B" "$EID6_B" 2 "$KEY_B" "$MS4" >"$LAB_TMP/b.conf"
for n in m a b; do
	node_start $n "$LAB_TMP/$n.conf" || die "lispd ($n) did not start"
done
for n in a b; do
	wait_json $n registrations "len(d) == 1 and d[0]['state'] == 'registered'" 50 ||
		die "$n did not register"
done
in_ns "$NS_B" ping -q -c 1 -W 1 -w 8 -I "$EID4_B" "$EID4_A" >/dev/null || die "no path B -> A"
mh_wait_b_cache "$RLOC4_A" 100 || die "B did not resolve A to eth0"

ping_start() {   # log
	# ip netns exec execs ping: $! is ping itself, as ping_stop needs.
	ip netns exec "$NS_B" ping -D -n -i 0.002 -I "$EID4_B" "$EID4_A" >"$1" 2>&1 &
	PING=$!
	wait_until 10 ping_answered "$1" 250 || die "B's pings not answered"
}
# Stops ping (after half a second more of traffic), prints
# "outage_ms lost replies" for its log: lost are the requests without a
# reply among all sent but the last 25 (50 ms, still in flight when ping
# stopped); the outage runs to the stop when the replies ended early.
ping_stop() {   # log
	local end
	sleep 0.5   # the traffic after the change, measured: a fixed window
	end=$(date +%s.%N)
	# SIGINT: ping's own handler ends it and prints its summary.
	kill -INT "$PING"
	for _ in $(seq 1 30); do
		kill -0 "$PING" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$PING" 2>/dev/null
	wait "$PING"
	PING=""
	[ -n "${BENCH_SOFT_DEBUG:-}" ] && cp "$1" "$BENCH_SOFT_DEBUG.$(date +%s)"
	python3 - "$1" "$end" <<'EOP'
import re, sys
log = open(sys.argv[1]).read()
rep = {}
for m in re.finditer(r"^\[(\d+\.\d+)\] \d+ bytes from .*icmp_seq=(\d+)", log, re.M):
    rep.setdefault(int(m.group(2)), float(m.group(1)))
sent = re.search(r"(\d+) packets transmitted", log)
sent = int(sent.group(1)) if sent else max(rep, default=0)
counted = max(sent - 25, max(rep, default=0))
ts = sorted(rep.values()) + [float(sys.argv[2])]
gap = max(b - a for a, b in zip(ts, ts[1:])) if len(ts) > 1 else float("inf")
print("%.1f %d %d" % (gap * 1000, sum(1 for q in range(1, counted + 1) if q not in rep), len(rep)))
EOP
}

eth1_up() {
	ip -n "$NS_A" link set eth1 up &&
		ip -n "$NS_A" route replace default via $MH_B_GW4 dev eth1 metric 200
}
# eth0's gateway at the metric lispd demotes defaults to (a DHCP client with
# a route metric): a replace at metric 0 would take the place of lmn0's
# default.
eth0_up() {
	ip -n "$NS_A" link set eth0 up &&
		ip -n "$NS_A" route add default via $MH_A_GW4 dev eth0 metric 100
}

# A peer RLOC gets at most one SMR per 3 s (ctl/mn/smr.c): each change of
# A's locator set waits that long after B took the one before (B's cache
# shows it, so A's SMR went out before that), so B hears of every change at
# once and the bench measures handovers, not that limit. (Counted from
# before the change instead, the way back fell inside the limit: A owed B
# a trailing SMR, sent when the 3 s ran out, some 300 ms later.)
LAST=0
spaced() {
	local wait
	wait=$(python3 -c "import time; print(max(0, $LAST + 3.2 - time.time()))")
	sleep "$wait"
}
taken() { LAST=$(date +%s.%N); }
t0=$(date +%s)
: >"$LAB_TMP/base"
for i in $(seq 1 "$BASELINE"); do
	ping_start "$LAB_TMP/ping.log"
	sleep 3   # the baseline: 3 s of pings without a move, a fixed window
	ping_stop "$LAB_TMP/ping.log" >>"$LAB_TMP/base"
	[ -n "${BENCH_SOFT_DEBUG:-}" ] && echo "no move $i: $(tail -1 "$LAB_TMP/base")" >&2
done
: >"$LAB_TMP/soft"
: >"$LAB_TMP/back"
for i in $(seq 1 "$MOVES"); do
	# eth0 -> eth1, make-before-break.
	spaced
	ping_start "$LAB_TMP/ping.log"
	eth1_up || die "move $i: eth1 up failed"
	mh_wait_b_cache "$RLOC4_A $MH_B4" 150 || die "move $i: B did not cache both locators"
	taken
	spaced
	ip -n "$NS_A" link set eth0 down || die "move $i: eth0 down failed"
	mh_wait_b_cache "$MH_B4" 150 || die "move $i: B did not drop eth0's locator"
	taken
	ping_stop "$LAB_TMP/ping.log" >>"$LAB_TMP/soft"
	[ -n "${BENCH_SOFT_DEBUG:-}" ] && echo "soft $i: $(tail -1 "$LAB_TMP/soft") at $(($(date +%s) - t0)) s" >&2
	# Back: eth0 up, then eth1 down.
	spaced
	ping_start "$LAB_TMP/ping.log"
	eth0_up || die "move $i: eth0 up failed"
	mh_wait_b_cache "$RLOC4_A $MH_B4" 150 || die "move $i back: B did not cache both locators"
	taken
	spaced
	ip -n "$NS_A" link set eth1 down || die "move $i: eth1 down failed"
	mh_wait_b_cache "$RLOC4_A" 150 || die "move $i back: B did not drop eth1's locator"
	taken
	ping_stop "$LAB_TMP/ping.log" >>"$LAB_TMP/back"
	[ -n "${BENCH_SOFT_DEBUG:-}" ] && echo "back $i: $(tail -1 "$LAB_TMP/back") at $(($(date +%s) - t0)) s" >&2
done

mkdir -p "$(dirname "$RESULTS")"
python3 - "$LAB_TMP/soft" "$LAB_TMP/back" "$LAB_TMP/base" <<'EOP' | tee -a "$RESULTS"
import sys
def pct(v, p):
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))] if v else float("nan")
def report(path, title):
    rows = [l.split() for l in open(path) if l.strip()]
    if not rows:
        return
    gaps = sorted(float(r[0]) for r in rows)
    lost = sorted(int(r[1]) for r in rows)
    print(title % len(rows))
    print("  requests lost: total %d of %d replies+lost, each median %d  p95 %d  max %d" %
          (sum(lost), sum(int(r[1]) + int(r[2]) for r in rows), pct(lost, 50), pct(lost, 95), lost[-1]))
    print("  outage (longest gap without a reply, ms): median %.1f  p95 %.1f  max %.1f" %
          (pct(gaps, 50), pct(gaps, 95), gaps[-1]))
print()
report(sys.argv[1], "soft handover: %d moves of MN A from eth0 to eth1 (priority 2 -> 1), "
       "eth1 up before eth0 down, B pinging A's EID every 2 ms")
report(sys.argv[3], "  baseline: %d windows of 4 s with no move (the same ping; scheduling noise)")
report(sys.argv[2], "  and %d moves back to eth0 (the less preferred: eth0 up, then eth1 down; "
       "B learns of it by SMR)")
EOP
