#!/bin/bash
# Throughput half of `make bench`: EID-to-EID single-stream TCP (iperf3) and
# UDP packet rate (iperf3 -u, small datagrams) through the BPF data plane,
# against the kernel's VXLAN over the same veth path and against no tunnel
# at all, in one run. Prints medians and ratios, appends them to $RESULTS.
#
#   host A ---- router ---- host B       (tests/e2e/lab.sh: veths, namespaces)
#   plain: A's underlay address -> B's, routed by the router, nothing attached
#   vxlan: vx0 on both hosts (VNI 42, UDP 4789, same underlay addresses)
#   lisp:  lispd-bpf attach on both hosts, static map-cache, lmn0 EIDs
#
# Modes are measured in rounds, rotating which goes first, so drift of the
# VM hits all three alike; the BPF programs are attached only during the
# lisp measurements, so plain and vxlan do not pay for their pass-through.
# Runs only in its own namespaces; everything is removed on exit (trap),
# and every iperf3 client runs under timeout, so the bench ends by itself.
#
#   BENCH_TP_RUNS  rounds: runs per mode and test (default 5; medians taken)
#   BENCH_TP_SECS  seconds per run (default 4)
#   BENCH_UDP_LEN  UDP payload bytes (default 64)
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-$PWD/build}
RESULTS=${RESULTS:-$BUILD/bench/results.txt}
RUNS=${BENCH_TP_RUNS:-5}
SECS=${BENCH_TP_SECS:-4}
UDP_LEN=${BENCH_UDP_LEN:-64}

if [ "$(id -u)" -ne 0 ]; then
	echo "throughput: needs root (network namespaces, BPF)" >&2
	exit 1
fi
for tool in iperf3 python3 ip; do
	command -v $tool >/dev/null || { echo "throughput: $tool not found" >&2; exit 1; }
done
[ -x "$BUILD/lispd-bpf" ] || { echo "throughput: $BUILD/lispd-bpf not built" >&2; exit 1; }

. tests/e2e/lab.sh
trap lab_cleanup EXIT
trap 'exit 130' INT TERM

VX_A=198.18.10.1
VX_B=198.18.10.2
LOG=$LAB_TMP/bench.log

die() {
	echo "throughput: $*" >&2
	[ -s "$LOG" ] && tail -20 "$LOG" >&2
	exit 1
}

lab_up >>"$LOG" 2>&1 || die "lab setup failed"

# VXLAN: point to point, learning off, same underlay addresses as LISP.
for side in A B; do
	if [ $side = A ]; then ns=$NS_A l=$RLOC4_A r=$RLOC4_B a=$VX_A; else ns=$NS_B l=$RLOC4_B r=$RLOC4_A a=$VX_B; fi
	ip -n "$ns" link add vx0 type vxlan id 42 local "$l" remote "$r" dstport 4789 dev eth0 nolearning &&
		ip -n "$ns" addr add "$a/24" dev vx0 &&
		ip -n "$ns" link set vx0 up || die "creating vx0 (CONFIG_VXLAN?)"
done

reach() {   # ns dst [src]
	local i
	for i in $(seq 1 20); do
		in_ns "$1" ping -c1 -W1 ${3:+-I "$3"} "$2" >/dev/null 2>&1 && return 0
		sleep 0.3
	done
	return 1
}
reach "$NS_A" "$RLOC4_B" || die "underlay: A cannot reach B"
reach "$NS_A" "$VX_B" || die "vxlan: A cannot reach B"

bg_in_ns "$NS_B" iperf3 -s -p 5201 >>"$LOG" 2>&1
SERVER=$LAST_PID
for i in $(seq 1 50); do
	in_ns "$NS_B" ss -ltn | grep -q ":5201 " && break
	sleep 0.1
done

lisp_up() {
	in_ns "$NS_A" "$BUILD/lispd-bpf" attach dev eth0 eid "$EID4_A" rloc "$RLOC4_A" pin "$PIN_A" &&
		in_ns "$NS_B" "$BUILD/lispd-bpf" attach dev eth0 eid "$EID4_B" rloc "$RLOC4_B" pin "$PIN_B" &&
		in_ns "$NS_A" "$BUILD/lispd-bpf" map-cache add "$EID4_B/32" rloc "$RLOC4_B" pin "$PIN_A" &&
		in_ns "$NS_B" "$BUILD/lispd-bpf" map-cache add "$EID4_A/32" rloc "$RLOC4_A" pin "$PIN_B" &&
		ip -n "$NS_A" route add "$EID4_B/32" dev lmn0 src "$EID4_A" &&
		ip -n "$NS_B" route add "$EID4_A/32" dev lmn0 src "$EID4_B" &&
		reach "$NS_A" "$EID4_B" "$EID4_A"
}

lisp_down() {
	in_ns "$NS_A" "$BUILD/lispd-bpf" detach pin "$PIN_A"
	in_ns "$NS_B" "$BUILD/lispd-bpf" detach pin "$PIN_B"
}

# Counters of one host as "encap_ok decap_ok".
lisp_counts() {   # ns pin
	in_ns "$1" "$BUILD/lispd-bpf" -j stats pin "$2" |
		python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["encap_ok"], s["decap_ok"])'
}

# One iperf3 run from A; prints bits/s received (tcp) or datagrams/s
# received (udp).
measure() {   # tcp|udp src dst
	local out=$LAB_TMP/iperf.json args=(-t "$SECS")
	[ "$1" = udp ] && args+=(-u -b 0 -l "$UDP_LEN")
	in_ns "$NS_A" timeout $((SECS + 20)) iperf3 -c "$3" -B "$2" -p 5201 -J "${args[@]}" >"$out" 2>>"$LOG" ||
		{ echo "iperf3 $1 $2 -> $3 failed" >>"$LOG"; cat "$out" >>"$LOG"; return 1; }
	python3 - "$1" "$out" <<'PY'
import json, sys
r = json.load(open(sys.argv[2]))["end"]
if sys.argv[1] == "tcp":
    print("%.0f" % r["sum_received"]["bits_per_second"])
else:
    s = r["sum"]
    print("%.0f" % ((s["packets"] - s["lost_packets"]) / s["seconds"]))
PY
}

MODES="plain vxlan lisp"
declare -A TCP UDP
for m in $MODES; do TCP[$m]=""; UDP[$m]=""; done
enc_total=0
dec_total=0

src_dst() {   # mode -> "src dst"
	case $1 in
	plain) echo "$RLOC4_A $RLOC4_B" ;;
	vxlan) echo "$VX_A $VX_B" ;;
	lisp) echo "$EID4_A $EID4_B" ;;
	esac
}

echo "throughput: $RUNS rounds x (tcp ${SECS}s + udp ${SECS}s, ${UDP_LEN}-byte datagrams) x 3 modes"
set -- $MODES
for r in $(seq 1 "$RUNS"); do
	order="$*"
	for m in $order; do
		read -r src dst <<<"$(src_dst "$m")"
		if [ "$m" = lisp ]; then
			lisp_up >>"$LOG" 2>&1 || die "lisp: attach or first ping failed"
		fi
		t=$(measure tcp "$src" "$dst") || die "$m tcp run failed"
		u=$(measure udp "$src" "$dst") || die "$m udp run failed"
		if [ "$m" = lisp ]; then
			read -r ea da <<<"$(lisp_counts "$NS_A" "$PIN_A")"
			read -r eb db <<<"$(lisp_counts "$NS_B" "$PIN_B")"
			enc_total=$((enc_total + ea + eb))
			dec_total=$((dec_total + da + db))
			lisp_down >>"$LOG" 2>&1 || die "lisp: detach failed"
		fi
		TCP[$m]="${TCP[$m]} $t"
		UDP[$m]="${UDP[$m]} $u"
		printf '  round %d %-5s tcp %6.2f Gbit/s  udp %8.0f pps\n' "$r" "$m" \
			"$(python3 -c "print($t / 1e9)")" "$u"
	done
	# Next round starts with the next mode.
	set -- $(echo "$order" | awk '{ for (i = 2; i <= NF; i++) printf "%s ", $i; print $1 }')
done

# The lisp runs went through the programs, not around them.
[ "$enc_total" -gt 0 ] && [ "$dec_total" -gt 0 ] ||
	die "lisp counters did not move (encap_ok $enc_total, decap_ok $dec_total)"

report() {
	python3 - "$RUNS" "$SECS" "$UDP_LEN" "$enc_total" "$dec_total" \
		"${TCP[plain]}" "${TCP[vxlan]}" "${TCP[lisp]}" \
		"${UDP[plain]}" "${UDP[vxlan]}" "${UDP[lisp]}" <<'PY'
import statistics, sys
runs, secs, ulen, enc, dec = sys.argv[1:6]
vals = [[float(x) for x in a.split()] for a in sys.argv[6:12]]
med = [statistics.median(v) for v in vals]
tp, tv, tl, up, uv, ul = med
print("Throughput, EID to EID through the namespace lab (medians of %s runs of %s s;"
      " encap_ok %s, decap_ok %s packets in the lisp runs)" % (runs, secs, enc, dec))
print("%-28s %12s %12s %12s %14s %14s" % ("test", "plain", "vxlan", "lisp", "lisp/plain", "lisp/vxlan"))
print("%-28s %12.2f %12.2f %12.2f %14.3f %14.3f" % ("tcp single stream Gbit/s",
      tp / 1e9, tv / 1e9, tl / 1e9, tl / tp, tl / tv))
print("%-28s %12.0f %12.0f %12.0f %14.3f %14.3f" % ("udp %s-byte datagrams pps" % ulen,
      up, uv, ul, ul / up, ul / uv))
# Each round measures the three modes back to back: ratios within a round
# are less exposed to the VM's slow spells than ratios of medians.
def paired(a, b):
    return statistics.median(x / y for x, y in zip(a, b))
print("%-28s %12s %12s %12s %14.3f %14.3f" % ("tcp, median of round ratios", "", "", "",
      paired(vals[2], vals[0]), paired(vals[2], vals[1])))
print("%-28s %12s %12s %12s %14.3f %14.3f" % ("udp, median of round ratios", "", "", "",
      paired(vals[5], vals[3]), paired(vals[5], vals[4])))
print("vxlan/plain: tcp %.3f, udp %.3f" % (tv / tp, uv / up))
print("targets: tcp lisp >= 0.95x plain: %s; tcp lisp >= 1.0x vxlan: %s" % (
      "met" if tl >= 0.95 * tp else "MISSED", "met" if tl >= tv else "MISSED"))
print("all runs (tcp Gbit/s): plain %s | vxlan %s | lisp %s" % tuple(
      " ".join("%.2f" % (x / 1e9) for x in v) for v in vals[0:3]))
print("all runs (udp kpps):   plain %s | vxlan %s | lisp %s" % tuple(
      " ".join("%.0f" % (x / 1e3) for x in v) for v in vals[3:6]))
PY
}

mkdir -p "$(dirname "$RESULTS")"
{
	echo
	echo "== throughput $(date -u +%Y-%m-%dT%H:%M:%SZ) kernel $(uname -r) =="
	report
} | tee -a "$RESULTS"
