#!/bin/bash
# The PETR hairpin end to end, on the lab (tools/lab): a mobile node sends
# what misses its map-cache to the PETR, other EIDs included. The PxTR
# re-encapsulates a packet whose inner destination is EID space toward
# that EID's RLOC instead of routing it natively (the underlay has no route
# to EIDs). Checked:
#  - a LISP data packet from mn1's RLOC to the PETR carrying a UDP datagram
#    from mn1's EID to mn2's EID (sent by hand, so mn1's own map-cache plays
#    no part): the first one misses at the PxTR (dropped, counted, both
#    EIDs resolved), the next ones reach a socket bound to mn2's EID, which
#    sees mn1's EID as the source and the exact payload;
#  - a fresh ping flow from mn2 to mn1 (IPv6 EIDs, never used before here):
#    at most the first request is lost, the replies that miss mn1's
#    map-cache are hairpinned (petr_hairpin moves) instead of lost.
#
# Needs root. Everything lives in the lab instance's namespaces.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
BUILD=${BUILD:-$PWD/build}
export BUILD

tap_require_root "network namespaces, BPF"

. tools/lab/plan.sh
NAME=hp$$
RUN_BASE=$(mktemp -d /tmp/lispd-e2e-hairpin.XXXXXX)
export LAB_RUN_BASE=$RUN_BASE
lab() { tools/lab/lab.sh -n "$NAME" "$@"; }
PIN_P=$RUN_BASE/$NAME/pxtr/bpf/lispd
PORT=5555

cleanup() {
	[ -n "${RX_PID:-}" ] && kill "$RX_PID" 2>/dev/null
	tools/lab/lab.sh -n "$NAME" down >/dev/null 2>&1
	rm -rf "$RUN_BASE"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

pxtr_stat() {   # counter
	"$BUILD/lispd-bpf" stats pin "$PIN_P" | awk -v n="$1" '$1 == n { print $2 }'
}

ok "the lab comes up" lab up
if ! grep -qx LAB_PXTR=1 "$RUN_BASE/$NAME/lab.env"; then
	echo "ok 2 # SKIP the lab runs without a PxTR"
	tap_done
fi
check "the PxTR has no mapping for mn2's EID yet" \
	"! lab q pxtr map-cache | grep -q '$MN2_EID4/32'"

# ---- by hand: EID to EID through the PETR, mn1's map-cache bypassed --------------------
# The receiver on mn2's EID prints "source payload" of the first datagram.
lab exec mn2 timeout 20 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
data, addr = s.recvfrom(2048)
print(addr[0], data.decode())
' "$MN2_EID4" "$PORT" >"$RUN_BASE/rx.out" &
RX_PID=$!

# LISP (N bit) + IPv4 + UDP from mn1's EID to mn2's EID, to the PETR's port
# 4341 from mn1's RLOC, every 0.2 s (at most 40) until the stop file exists.
# Bound to the RLOC: from mn1's EID (its default source) mn1's own data
# plane would encapsulate the datagram once more, to the PETR.
STOP=$RUN_BASE/stop
lab exec mn1 python3 -c '
import os, socket, struct, sys, time
src, dst, petr, port, tag, stop, rloc = sys.argv[1:8]
payload = tag.encode()
udp = struct.pack("!HHHH", 40000, int(port), 8 + len(payload), 0) + payload
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                 socket.inet_aton(src), socket.inet_aton(dst))
s16 = sum(struct.unpack("!10H", ip))
s16 = (s16 & 0xffff) + (s16 >> 16)
s16 = (s16 & 0xffff) + (s16 >> 16)
ip = ip[:10] + struct.pack("!H", ~s16 & 0xffff) + ip[12:]
lisp = struct.pack("!II", 0x80000000 | 0x123456, 0)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((rloc, 0))
for i in range(40):
    if os.path.exists(stop):
        break
    s.sendto(lisp + ip + udp, (petr, 4341))
    time.sleep(0.2)
' "$MN1_EID4" "$MN2_EID4" "$PXTR4" "$PORT" "hairpin-$$" "$STOP" "$(lab rloc mn1 4)" &
SEND_PID=$!
wait "$RX_PID"
RX_PID=
touch "$STOP"
wait "$SEND_PID"
check "a socket on mn2's EID received the datagram, from mn1's EID, payload intact" \
	"grep -qxF '$MN1_EID4 hairpin-$$' '$RUN_BASE/rx.out'"
check "the first one missed at the PxTR: dropped and counted (petr_hairpin_miss=$(pxtr_stat petr_hairpin_miss))" \
	"[ '$(pxtr_stat petr_hairpin_miss)' -ge 1 ]"
check "the next ones were hairpinned (petr_hairpin=$(pxtr_stat petr_hairpin)), none routed natively (petr_decap_ok=$(pxtr_stat petr_decap_ok))" \
	"[ '$(pxtr_stat petr_hairpin)' -ge 1 ] && [ '$(pxtr_stat petr_decap_ok)' -eq 0 ]"
check "the PxTR resolved both EIDs (the source for the way back)" \
	"lab q pxtr map-cache | grep -q '$MN2_EID4/32' && lab q pxtr map-cache | grep -q '$MN1_EID4/32'"

# ---- a real flow: fresh IPv6 EIDs, mn2 to mn1 --------------------------------------------
before=$(pxtr_stat petr_hairpin)
lab exec mn2 ping -6 -n -c 4 -i 0.5 -W 2 -I "$MN2_EID6" "$MN1_EID6" >"$RUN_BASE/ping.out" 2>&1
got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$RUN_BASE/ping.out")
after=$(pxtr_stat petr_hairpin)
check "a fresh MN-to-MN ping loses at most the first request (received ${got:-0} of 4)" \
	"[ '${got:-0}' -ge 3 ]"
check "replies that missed went through the hairpin (petr_hairpin $before -> $after)" \
	"[ '${after:-0}' -gt '${before:-0}' ]"
check "nothing was dropped as a loop or for its TTL" \
	"[ '$(pxtr_stat drop_petr_hairpin_loop)' -eq 0 ] && [ '$(pxtr_stat drop_petr_hairpin_ttl)' -eq 0 ]"

ok "the lab goes down" lab down
tap_done
