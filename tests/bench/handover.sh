#!/bin/bash
# Handover part of `make bench`: the mapping lab of the e2e tests (MN A,
# MN B, a lispd Map-Server; tests/e2e/lispd_lib.sh), A moving between
# access networks A and B BENCH_HO_MOVES times while B pings A's EID every
# 2 ms. Per move: the longest time without a reply (the outage) and the
# replies lost; prints median and p95 of both, appends them to $RESULTS.
# Moves are BENCH_HO_SPACING s apart (whole seconds, default 4: SMRs to one
# peer RLOC are limited to one per 3 s, so closer moves measure the limit,
# not the handover). BENCH_HO_DEBUG=1: each move's result and both nodes'
# counters on stderr. Runs only in its own namespaces; removed on exit.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-$PWD/build}
RESULTS=${RESULTS:-$BUILD/bench/results.txt}
MOVES=${BENCH_HO_MOVES:-20}
SPACING=${BENCH_HO_SPACING:-4}

if [ "$(id -u)" -ne 0 ]; then
	echo "handover: needs root (network namespaces, BPF)" >&2
	exit 1
fi
[ -x "$BUILD/lispd" ] || { echo "handover: $BUILD/lispd not built" >&2; exit 1; }
. tests/lib/tap.sh   # wait_until
diag() { echo "# $*" >&2; }
. tests/e2e/lab.sh
. tests/e2e/lispd_lib.sh
trap lab_ms_cleanup EXIT
trap 'exit 130' INT TERM

die() {
	echo "handover: $*" >&2
	exit 1
}

{ lab_up && ms_ns_up && net_b_up; } >/dev/null 2>&1 || die "lab setup failed"
mkdir -p "$LAB_TMP/bpf-m"
ms_conf >"$LAB_TMP/m.conf"
mn_conf "$EID4_A" "$EID6_A" 1 "$KEY_A" "$MS4" >"$LAB_TMP/a.conf"
mn_conf "$EID4_B" "$EID6_B" 2 "$KEY_B" "$MS4" >"$LAB_TMP/b.conf"
for n in m a b; do
	node_start $n "$LAB_TMP/$n.conf" || die "lispd ($n) did not start"
done
for n in a b; do
	wait_json $n registrations "len(d) == 1 and d[0]['state'] == 'registered'" 50 ||
		die "$n did not register"
done
in_ns "$NS_B" ping -q -c 1 -W 1 -w 8 -I "$EID4_B" "$EID4_A" >/dev/null || die "no path B -> A"

at_a=1
: >"$LAB_TMP/moves"
for i in $(seq 1 "$MOVES"); do
	in_ns "$NS_B" ping -D -n -i 0.002 -w "$SPACING" -I "$EID4_B" "$EID4_A" \
		>"$LAB_TMP/ping.log" 2>&1 &
	pid=$!
	wait_until 10 ping_answered "$LAB_TMP/ping.log" 250 || die "move $i: B's pings not answered"
	if [ $at_a = 1 ]; then
		move_a "$RLOC4_A" "$RLOC6_A" 192.0.2.254 2001:db8:0:1::fe \
			"$NEW4" "$NEW6" "$NEW_GW4" "$NEW_GW6" || die "move $i failed"
		at_a=0
	else
		move_a "$NEW4" "$NEW6" "$NEW_GW4" "$NEW_GW6" \
			"$RLOC4_A" "$RLOC6_A" 192.0.2.254 2001:db8:0:1::fe || die "move $i failed"
		at_a=1
	fi
	wait $pid
	outage_of "$LAB_TMP/ping.log" "$(date +%s.%N)" >>"$LAB_TMP/moves"
	[ -n "${BENCH_HO_DEBUG:-}" ] && { tail -1 "$LAB_TMP/moves"; q b counters; q a counters; } >&2
done

mkdir -p "$(dirname "$RESULTS")"
python3 - "$LAB_TMP/moves" "$MOVES" <<'EOP' | tee -a "$RESULTS"
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
gaps = sorted(float(r[0]) for r in rows)
lost = sorted(int(r[2]) - int(r[1]) for r in rows if r[2] != "?")
def pct(v, p):
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))] if v else float("nan")
print()
print("handover: %d moves of MN A between two access networks (same link), B pinging A's EID every 2 ms" % len(rows))
print("  outage (longest gap without a reply, ms): median %.1f  p95 %.1f  max %.1f" % (pct(gaps, 50), pct(gaps, 95), gaps[-1]))
print("  replies lost per move:                   median %d  p95 %d  max %d" % (pct(lost, 50), pct(lost, 95), lost[-1]))
EOP
