#!/bin/bash
# Our packets judged by an independent dissector: tshark reads the capture
# that build/tests/test_wire_pcap (unit group) wrote from our encoders, and
#   - every frame must dissect as LISP control or LISP data,
#   - no frame may be malformed or raise an expert item of warning or worse,
#     with IPv4 and UDP checksum validation switched on,
#   - the fields listed in ours.expect (what each packet was built to carry)
#     must read back with those values.
#
# Known gap of the dissector, not of our packets: tshark 4.0 does not dissect
# Map-Notify-Ack (type 5) bodies; it prints "Unknown LISP Control Packet (5)"
# and raises no expert item, so for frame 9 only the type is checked here
# (test_wire_pcap decodes the body with our decoder and verifies its HMAC).
# Likewise it does not read past the header of an ECM with S (frame 18, the
# map-server's Map-Notify to an RTR with MS-RTR authentication data): it
# shows the rest as data without an expert item; test_wire_pcap verifies
# that MAC. It does read the OLD dialect's MS-RTR field (frame 20).
# No expert item has had to be excluded.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh

BUILD=${BUILD:-$PWD/build}
PCAP=$BUILD/wire/ours.pcap
EXPECT=$BUILD/wire/ours.expect
TSHARK=(tshark -n -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE)

if ! command -v tshark >/dev/null; then
	echo "not ok 1 - tshark not installed"
	tap_done
fi
# Rewrite the capture with the current encoders when the test program is
# built (the unit group runs it too; running it here keeps `run.sh wire` alone
# from judging a stale file).
if [ -x "$BUILD/tests/test_wire_pcap" ]; then
	CMOCKA_MESSAGE_OUTPUT=TAP "$BUILD/tests/test_wire_pcap" >/dev/null 2>&1
	_tap_report $? "test_wire_pcap wrote the capture"
fi
check "capture and expectations present" "[ -s '$PCAP' ] && [ -s '$EXPECT' ]"
[ -s "$PCAP" ] || tap_done

frames=$(awk -F'\t' '$1 == "frames" { print $2 }' "$EXPECT")
count=$("${TSHARK[@]}" -r "$PCAP" 2>/dev/null | wc -l)
check "tshark reads $frames frames (got $count)" "[ '$count' = '$frames' ] && [ '$frames' -gt 0 ]"

not_lisp=$("${TSHARK[@]}" -r "$PCAP" -Y '!(lisp || lisp-data)' -T fields -e frame.number \
	2>/dev/null | tr '\n' ' ')
check "every frame dissects as LISP or LISP data${not_lisp:+ (not: $not_lisp)}" "[ -z '$not_lisp' ]"

lisp_data=$("${TSHARK[@]}" -r "$PCAP" -Y 'lisp-data' 2>/dev/null | wc -l)
data_port=$("${TSHARK[@]}" -r "$PCAP" -Y 'udp.dstport == 4341' 2>/dev/null | wc -l)
check "LISP data frames are exactly those to port 4341 ($lisp_data of $data_port)" \
	"[ '$lisp_data' = '$data_port' ] && [ '$lisp_data' -gt 0 ]"

bad=$("${TSHARK[@]}" -r "$PCAP" -Y '_ws.malformed || _ws.expert.severity >= warning' \
	-T fields -e frame.number -e _ws.expert.message 2>/dev/null)
check "no malformed frame, no expert warning or error" "[ -z \"\$bad\" ]"
[ -n "$bad" ] && echo "$bad" | sed 's/^/# /'

# The same through the expert summary, which also counts items a display
# filter would not reach (e.g. on reassembly).
summary=$("${TSHARK[@]}" -r "$PCAP" -q -z expert,warn 2>/dev/null | grep -E '^(Errors|Warnings) \(')
check "expert summary lists no warnings or errors" "[ -z \"\$summary\" ]"
[ -n "$summary" ] && echo "$summary" | sed 's/^/# /'

# One tshark pass for every field named in ours.expect, then compare.
mapfile -t fields < <(awk -F'\t' '$1 ~ /^[0-9]+$/ { print $2 }' "$EXPECT" | sort -u)
args=()
for f in "${fields[@]}"; do args+=(-e "$f"); done
table=$("${TSHARK[@]}" -r "$PCAP" -T fields -E header=y -E separator=/t -e frame.number \
	"${args[@]}" 2>/dev/null)
mismatches=$(awk -F'\t' '
	NR == FNR {
		if (FNR == 1) { for (i = 1; i <= NF; i++) col[$i] = i; next }
		for (i = 1; i <= NF; i++) val[$1, i] = $i
		next
	}
	$1 ~ /^[0-9]+$/ {
		n++
		got = val[$1, col[$2]]
		if (!($2 in col) || got != $3)
			printf "frame %s %s: want \"%s\" got \"%s\"\n", $1, $2, $3, got
	}
	END { if (n == 0) print "no expectations read" }
' <(echo "$table") "$EXPECT")
nexp=$(awk -F'\t' '$1 ~ /^[0-9]+$/' "$EXPECT" | wc -l)
check "$nexp field values read back as encoded" "[ -z \"\$mismatches\" ]"
[ -n "$mismatches" ] && echo "$mismatches" | sed 's/^/# /'

# Baseline: OOR's packets pass the same filter (without checksum validation:
# four frames of final-c-ms.pcap carry offloaded, unfinished UDP checksums).
for f in tests/interop/data/*.pcap; do
	n=$(tshark -n -r "$f" -Y 'lisp' 2>/dev/null | wc -l)
	w=$(tshark -n -r "$f" -Y '_ws.malformed || _ws.expert.severity >= warning' 2>/dev/null |
		wc -l)
	check "$(basename "$f"): $n LISP frames, $w flagged" "[ '$n' -gt 0 ] && [ '$w' = 0 ]"
done

# And it does catch a broken packet: flip one payload bit of frame 1 (its UDP
# checksum no longer matches) in a copy.
broken=$BUILD/wire/broken.pcap
python3 - "$PCAP" "$broken" <<'EOF'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
b[24 + 16 + 14 + 20 + 8 + 10] ^= 1   # file hdr, rec hdr, eth, ipv4, udp -> nonce byte
open(sys.argv[2], 'wb').write(b)
EOF
caught=$("${TSHARK[@]}" -r "$broken" -Y '_ws.malformed || _ws.expert.severity >= warning' \
	-T fields -e frame.number 2>/dev/null)
check "the expert filter flags a corrupted copy (frame $caught)" "[ '$caught' = 1 ]"

tap_done
