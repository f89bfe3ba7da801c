#!/bin/bash
# Decapsulation of frames encapsulated by another implementation, for real:
# the LISP data packets that Open Overlay Router's xTRs sent to its mobile
# node (tests/interop/data/final-c-mn.pcap: RLOC 192.0.2.66, EID 10.3.3.3)
# are replayed from the router namespace onto host A's wire, where
# `lispd-bpf attach` holds that RLOC and EID. Each must come out on lmn0 as
# its inner ICMP packet (same ICMP type, sequence and checksum as in the
# capture, valid IP checksum, addressed to lmn0's MAC), counted decap_ok; and
# A's stack must take the echo requests among them as its own: it answers
# each, and the answers, routed back into lmn0, reach encap (a map-cache
# miss, as nothing maps OOR's EIDs here).
#
# Needs root; runs only in its own network namespaces (see lab.sh).
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
BUILD=${BUILD:-$PWD/build}
. tests/e2e/lab.sh
PCAP=tests/interop/data/final-c-mn.pcap
MN_RLOC=192.0.2.66
MN_EID=10.3.3.3

tap_require_root "network namespaces, BPF"
trap lab_cleanup EXIT

ok "lab of three namespaces is up" lab_up
ok "attach on A as OOR's mobile node (rloc $MN_RLOC, eid $MN_EID)" \
	in_ns "$NS_A" "$LISPD_BPF" attach dev eth0 eid "$MN_EID" rloc "$MN_RLOC" pin "$PIN_A"

# What OOR sent to the mobile node, read by tshark from the capture itself.
FIELDS=(-T fields -E separator=/s -e icmp.type -e icmp.seq -e icmp.checksum)
tshark -n -r "$PCAP" -Y "udp.dstport == 4341 && ip.dst == $MN_RLOC && icmp" "${FIELDS[@]}" \
	2>/dev/null >"$LAB_TMP/want.txt"
n_want=$(wc -l <"$LAB_TMP/want.txt")
n_req=$(awk '$1 == 8' "$LAB_TMP/want.txt" | wc -l)
check "the capture holds LISP data for the mobile node ($n_want ICMP packets, $n_req echo requests)" \
	"[ $n_want -ge 5 ] && [ $n_req -ge 1 ]"
ip -n "$NS_A" route add 10.0.0.0/8 dev lmn0 src "$MN_EID"

rm -f "$LAB_TMP/tshark.err"
bg_in_ns "$NS_A" tshark -n -q -i lmn0 -w "$LAB_TMP/lmn0.pcapng" 2>"$LAB_TMP/tshark.err"
CAP_PID=$LAST_PID
capturing() {
	local i
	for i in $(seq 1 50); do
		grep -q "Capturing on" "$LAB_TMP/tshark.err" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
ok "capture on A's lmn0" capturing

mac_eth=$(ip -n "$NS_A" -o link show eth0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
mac_lmn=$(ip -n "$NS_A" -o link show lmn0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
sent=$(in_ns "$NS_R" python3 tests/e2e/replay.py "$PCAP" ra "$mac_eth" "$MN_RLOC")
check "replayed every LISP data frame to $MN_RLOC onto A's wire ($sent)" "[ '$sent' = '$n_want' ]"

# Delivery is asynchronous (backlog): wait for the counters and for the
# capture to hold every delivered frame, then stop.
stat() {
	in_ns "$NS_A" "$LISPD_BPF" -j stats pin "$PIN_A" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}
delivered() {
	[ "$(stat decap_ok)" = "$n_want" ] && [ "$(stat miss)" = "$n_req" ] &&
		[ "$(tshark -n -r "$LAB_TMP/lmn0.pcapng" -Y "ip.dst == $MN_EID && icmp" 2>/dev/null | wc -l)" = "$n_want" ]
}
wait_until 10 delivered
kill -INT "$CAP_PID" 2>/dev/null
wait "$CAP_PID" 2>/dev/null
LAB_PIDS=${LAB_PIDS/ $CAP_PID/}

got=$(stat decap_ok)
check "decap_ok counted every frame ($got of $n_want)" "[ '$got' = '$n_want' ]"
got=$(stat miss)
check "A's stack answered every echo request (map-cache misses: $got of $n_req)" "[ '$got' = '$n_req' ]"
drops=$(in_ns "$NS_A" "$LISPD_BPF" -j stats pin "$PIN_A" |
	python3 -c 'import json,sys; print(" ".join("%s=%d" % (k, v) for k, v in json.load(sys.stdin).items() if k.startswith("drop") and k != "drop_miss_policy" and v))')
check "no decap drop counted${drops:+ ($drops)}" "[ -z '$drops' ]"

T=(tshark -n -r "$LAB_TMP/lmn0.pcapng" -o ip.check_checksum:TRUE)
"${T[@]}" -Y "ip.dst == $MN_EID && icmp" "${FIELDS[@]}" 2>/dev/null >"$LAB_TMP/got.txt"
ok "lmn0 saw the inner ICMP packets, same types, sequences, checksums" \
	diff -u "$LAB_TMP/want.txt" "$LAB_TMP/got.txt"
n_udp=$("${T[@]}" -Y "udp.port == 4341" 2>/dev/null | wc -l)
check "nothing on lmn0 still carries an outer header ($n_udp)" "[ $n_udp -eq 0 ]"
n_bad=$("${T[@]}" -Y "ip.dst == $MN_EID && (ip.checksum.status != 1 || _ws.expert.severity >= error)" \
	2>/dev/null | wc -l)
check "inner IP checksums valid, no expert error ($n_bad)" "[ $n_bad -eq 0 ]"
n_mac=$("${T[@]}" -Y "ip.dst == $MN_EID && eth.dst == $mac_lmn" 2>/dev/null | wc -l)
check "delivered frames are addressed to lmn0's MAC $mac_lmn ($n_mac of $n_want)" \
	"[ $n_mac -eq $n_want ]"

ok "detach on A" in_ns "$NS_A" "$LISPD_BPF" detach pin "$PIN_A"
tap_done
