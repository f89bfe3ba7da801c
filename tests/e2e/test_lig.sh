#!/bin/bash
# lig against a scripted Map-Resolver (tests/e2e/lig_mr.py, which decodes the
# ECM and builds its Map-Replies by hand from the RFC layout): positive and
# negative replies, no reply, retries, late replies, replies with a wrong
# nonce or unreadable ignored, IPv4 and IPv6 map-resolvers and EIDs, an
# instance-id, -s, the text and -j output, exit statuses, `lig self`.
#
#   client (ns $NS_C)                         map-resolver (ns $NS_M)
#   eth0 192.0.2.1/24, 192.0.2.2/24   ----    mr0 192.0.2.254/24
#        2001:db8:0:1::1/64                       2001:db8:0:1::fe/64
#
# Needs root; runs only in the two network namespaces it creates.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
BUILD=${BUILD:-$PWD/build}
LIG=${LIG:-$BUILD/lig}

tap_require_root "network namespaces"

ID=lig-e2e-$$
NS_C=$ID-c
NS_M=$ID-m
TMP=$(mktemp -d /tmp/lig-e2e.XXXXXX)
MR_PID=""
MR4=192.0.2.254
MR6=2001:db8:0:1::fe
ETR4=192.0.2.253   # answers some requests itself, as an ETR would
LOG=$TMP/requests.jsonl

cleanup() {
	[ -n "$MR_PID" ] && kill "$MR_PID" 2>/dev/null && wait "$MR_PID" 2>/dev/null
	ip netns del "$NS_C" 2>/dev/null
	ip netns del "$NS_M" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

in_c() { ip netns exec "$NS_C" "$@"; }

net_up() {
	ip netns add "$NS_C" && ip netns add "$NS_M" || return 1
	ip -n "$NS_C" link add eth0 type veth peer name mr0 netns "$NS_M" || return 1
	ip -n "$NS_C" link set lo up && ip -n "$NS_M" link set lo up &&
		ip -n "$NS_C" link set eth0 up && ip -n "$NS_M" link set mr0 up || return 1
	ip -n "$NS_C" addr add 192.0.2.1/24 dev eth0 &&
		ip -n "$NS_C" addr add 192.0.2.2/24 dev eth0 &&
		ip -n "$NS_C" addr add 2001:db8:0:1::1/64 dev eth0 nodad &&
		ip -n "$NS_M" addr add $MR4/24 dev mr0 &&
		ip -n "$NS_M" addr add $ETR4/24 dev mr0 &&
		ip -n "$NS_M" addr add $MR6/64 dev mr0 nodad
}

# The responder's rules (see lig_mr.py). Locators of the positive IPv4 reply:
# one up and local, one down and probed, different priorities.
cat >"$TMP/scenario.json" <<'EOF'
[
 {"match": "198.18.1.0/24", "reply": "positive", "ttl": 1440, "auth": true, "map_version": 3,
  "locators": [
   {"addr": "192.0.2.1", "priority": 1, "weight": 60, "mpriority": 255, "mweight": 0, "flags": "LR"},
   {"addr": "198.51.100.1", "priority": 2, "weight": 40, "mpriority": 10, "mweight": 5, "flags": "p"}]},
 {"match": "198.18.2.0/24", "reply": "negative", "act": 1, "ttl": 15, "auth": true},
 {"match": "198.18.3.0/24", "reply": "silent"},
 {"match": "198.18.4.0/24", "reply": "positive", "drop_first": 2,
  "locators": [{"addr": "192.0.2.9", "priority": 1, "weight": 100}]},
 {"match": "198.18.5.0/24", "reply": "positive", "before": ["wrong_nonce", "junk"],
  "locators": [{"addr": "192.0.2.5", "priority": 5, "weight": 50}]},
 {"match": "198.18.6.0/24", "reply": "positive", "delay": 0.6,
  "locators": [{"addr": "192.0.2.6", "priority": 1, "weight": 100}]},
 {"match": "198.18.7.0/24", "iid": 7, "reply": "positive", "auth": false,
  "locators": [{"addr": "203.0.113.7", "priority": 1, "weight": 100}]},
 {"match": "198.18.8.0/24", "reply": "positive",
  "locators": [{"addr": "192.0.2.1", "priority": 1, "weight": 100}]},
 {"match": "198.18.9.0/24", "reply": "positive",
  "locators": [{"addr": "203.0.113.9", "priority": 1, "weight": 100}]},
 {"match": "2001:db8:e1d:1::/64", "reply": "positive", "ttl": 60,
  "locators": [
   {"addr": "2001:db8:0:1::1", "priority": 1, "weight": 100, "flags": "R"},
   {"addr": "192.0.2.1", "priority": 2, "weight": 100, "flags": "R"}]},
 {"match": "198.18.10.0/24", "reply": "positive", "from": "192.0.2.253",
  "locators": [{"addr": "192.0.2.253", "priority": 1, "weight": 100}]},
 {"match": "2001:db8:e1d:8::/64", "reply": "positive",
  "locators": [{"addr": "2001:db8:0:1::1", "priority": 1, "weight": 100}]}
]
EOF

mr_start() {
	ip netns exec "$NS_M" python3 tests/e2e/lig_mr.py --listen $MR4 --listen $MR6 --listen $ETR4 \
		--scenario "$TMP/scenario.json" --log "$LOG" --ready "$TMP/ready" \
		2>"$TMP/mr.err" &
	MR_PID=$!
	local i
	for i in $(seq 1 50); do
		[ -e "$TMP/ready" ] && return 0
		sleep 0.1
	done
	cat "$TMP/mr.err" >&2
	return 1
}

# lig in the client namespace; stdout in $OUT, status in $RC.
run_lig() {
	OUT=$(in_c "$LIG" "$@" 2>"$TMP/lig.err")
	RC=$?
	ERR=$(cat "$TMP/lig.err")
}

# eq "description" ACTUAL EXPECTED: an ok/not ok line, both values shown on failure.
eq() {
	[ "$2" = "$3" ]
	_tap_report $? "$1"
	[ "$2" = "$3" ] || diag "got [$2], expected [$3]"
}

# Field of the JSON object in $OUT: jf 'd["records"][0]["ttl"]'
# One expression prints as is, several as a Python tuple.
PYSHOW='v = (EXPR,); print(v[0] if len(v) == 1 else repr(v))'
jf() { printf '%s' "$OUT" | python3 -c "import json,sys; d=json.load(sys.stdin); ${PYSHOW/EXPR/$1}"; }

# Requests the responder logged for an EID, and a field of the last one.
reqs_for() { grep -c "\"eid\": \"$1\"" "$LOG"; }
last_req() {
	grep "\"eid\": \"$1\"" "$LOG" | tail -1 |
		python3 -c "import json,sys; d=json.loads(sys.stdin.read()); ${PYSHOW/EXPR/$2}"
}

ok "two namespaces joined by a veth" net_up
ok "scripted map-resolver listens on $MR4 and $MR6" mr_start

# --- positive reply, text output --------------------------------------------------
run_lig -m $MR4 -t 1 198.18.1.10
check "positive: exit 0 (rc=$RC, err=$ERR)" "[ $RC -eq 0 ]"
check "positive: request line names the MR and the EID" \
	"printf '%s\n' \"\$OUT\" | grep -q '^Send map-request to $MR4 for 198.18.1.10/32 (try 1 of 3'"
check "positive: says who answered, with an rtt in ms" \
	"printf '%s\n' \"\$OUT\" | grep -Eq '^Received map-reply from $MR4 with rtt [0-9]+\.[0-9]{3} ms'"
check "positive: record line with prefix, TTL, auth and map-version" \
	"printf '%s\n' \"\$OUT\" | grep -q '^198.18.1.0/24, record ttl: 1440 min, auth, map-version: 3$'"
check "positive: first locator up, 1/60, 255/0, L" \
	"printf '%s\n' \"\$OUT\" | grep -Eq '^  192\.0\.2\.1 +up +1/60 +255/0 +L$'"
check "positive: second locator down, 2/40, 10/5, p" \
	"printf '%s\n' \"\$OUT\" | grep -Eq '^  198\.51\.100\.1 +down +2/40 +10/5 +p$'"
check "positive: one request sent" "[ \$(reqs_for 198.18.1.10) -eq 1 ]"

# What the map-resolver received, decoded by the script, not by our codec.
eq "request: inner IPv4 header and UDP checksums correct" \
	"$(last_req 198.18.1.10 'd["inner_ip_ok"] and d["inner_udp_ok"]')" True
eq "request: inner 192.0.2.1 -> 198.18.1.10, dport 4342, sport = outer sport" \
	"$(last_req 198.18.1.10 'd["inner_src"], d["inner_dst"], d["inner_dport"], d["inner_sport"] == d["outer_sport"]')" "('192.0.2.1', '198.18.1.10', 4342, True)"
eq "request: one record /32, source EID AFI 0, ITR-RLOC = outer source, nothing after" \
	"$(last_req 198.18.1.10 'd["records"], d["plen"], d["source_eid"], d["itr_rlocs"] == [d["outer_src"]], d["trailing"]')" "(1, 32, 'None', True, 0)"

# --- the same in JSON --------------------------------------------------------------
run_lig -m $MR4 -t 1 -j 198.18.1.11
check "json: exit status 0" "[ $RC -eq 0 ]"
eq "json: a single JSON object, answered, from the MR" \
	"$(jf 'd["answered"], d["reply_from"], d["map_resolver"], d["eid"]')" "(True, '$MR4', '$MR4', '198.18.1.11/32')"
check "json: rtt_ms is a number >= 0" "jf 'd[\"rtt_ms\"]' | grep -Eq '^[0-9]+\.[0-9]+$'"
eq "json: record prefix, ttl, authoritative, not negative" \
	"$(jf '[(r["eid_prefix"], r["ttl"], r["authoritative"], r["negative"], r["action"]) for r in d["records"]]')" "[('198.18.1.0/24', 1440, True, False, 'no-action')]"
eq "json: locators with state, priorities and flags" \
	"$(jf '[(l["address"], l["state"], l["priority"], l["weight"], l["mpriority"], l["mweight"], l["local"], l["probed"]) for l in d["records"][0]["locators"]]')" "[('192.0.2.1', 'up', 1, 60, 255, 0, True, False), ('198.51.100.1', 'down', 2, 40, 10, 5, False, True)]"
eq "json: the nonce reported is the one the MR saw" \
	"$(jf 'd["nonce"]')" "$(last_req 198.18.1.11 'd["nonce"]')"

# --- the answer comes from an ETR, not from the map-resolver ----------------------
run_lig -m $MR4 -t 1 198.18.10.1
check "etr answers: exit status 0" "[ $RC -eq 0 ]"
check "etr answers: 'Received map-reply from $ETR4'" \
	"printf '%s\n' \"\$OUT\" | grep -q '^Received map-reply from $ETR4 with rtt'"

# --- negative reply ------------------------------------------------------------------
run_lig -m $MR4 -t 1 198.18.2.1
check "negative: exit 0 (an answer is an answer)" "[ $RC -eq 0 ]"
check "negative: prefix, TTL and action shown" \
	"printf '%s\n' \"\$OUT\" | grep -q '^198.18.2.0/24, record ttl: 15 min, auth, map-version: 0, negative: natively-forward$'"
run_lig -m $MR4 -t 1 -j 198.18.2.2
eq "negative json: negative, action, no locators" \
	"$(jf '[(r["eid_prefix"], r["negative"], r["action"], r["ttl"], r["locators"]) for r in d["records"]]')" "[('198.18.2.0/24', True, 'natively-forward', 15, [])]"

# --- no answer: every try sent, new nonce each time, exit 1 ---------------------------
start=$(date +%s%N)
run_lig -m $MR4 -c 2 -t 0.3 198.18.3.1
elapsed=$((($(date +%s%N) - start) / 1000000))
check "silent: exit status 1" "[ $RC -eq 1 ]"
check "silent: 2 requests reached the MR" "[ \$(reqs_for 198.18.3.1) -eq 2 ]"
check "silent: each try has its own nonce" \
	"[ \$(grep '\"eid\": \"198.18.3.1\"' '$LOG' | grep -o '\"nonce\": \"[^\"]*\"' | sort -u | wc -l) -eq 2 ]"
check "silent: two send lines and a no-reply line" \
	"[ \$(printf '%s\n' \"\$OUT\" | grep -c '^Send map-request') -eq 2 ] && printf '%s\n' \"\$OUT\" | grep -q '^\*\*\* No map-reply from $MR4 for 198.18.3.1/32 after 2 tries'"
check "silent: waited about 2 x 0.3 s (${elapsed} ms)" "[ $elapsed -ge 550 ] && [ $elapsed -lt 3000 ]"
run_lig -m $MR4 -c 1 -t 0.2 -j 198.18.3.2
check "silent json: exit status 1" "[ $RC -eq 1 ]"
eq "silent json: answered false, rtt null, no records" \
	"$(jf 'd["answered"], d["rtt_ms"], d["records"], d["tries"]')" '(False, None, [], 1)'

# --- retries: the MR ignores the first two requests -----------------------------------
run_lig -m $MR4 -c 3 -t 0.3 -j 198.18.4.1
check "retries: exit status 0" "[ $RC -eq 0 ]"
eq "retries: answered on the third try" \
	"$(jf 'd["answered_try"], d["tries"]')" '(3, 3)'
check "retries: the MR saw 3 requests" "[ \$(reqs_for 198.18.4.1) -eq 3 ]"

# --- a reply with a wrong nonce and an unreadable one come first ----------------------
run_lig -m $MR4 -t 1 -j 198.18.5.1
check "wrong nonce: exit status 0" "[ $RC -eq 0 ]"
eq "wrong nonce: the right reply is taken, 2 others ignored" \
	"$(jf 'd["ignored"], d["records"][0]["locators"][0]["address"]')" "(2, '192.0.2.5')"

# --- a late reply to the first try, arriving during the second -----------------------
run_lig -m $MR4 -c 3 -t 0.4 -j 198.18.6.1
check "late reply: exit status 0" "[ $RC -eq 0 ]"
eq "late reply: accepted for try 1, rtt >= 600 ms" \
	"$(jf 'd["answered_try"], d["rtt_ms"] >= 600, d["rtt_ms"]')" "(1, True, $(jf 'd["rtt_ms"]'))"

# --- instance-id -----------------------------------------------------------------------
run_lig -m $MR4 -t 1 -j '[7]198.18.7.1'
eq "iid: IID LCAF in the request (iid 7 seen by the MR)" \
	"$(last_req 198.18.7.1 'd["iid"]')" 7
check "iid: exit status 0" "[ $RC -eq 0 ]"
eq "iid: reply record [7]198.18.7.0/24, not authoritative" \
	"$(jf 'd["records"][0]["eid_prefix"], d["records"][0]["iid"], d["records"][0]["authoritative"]')" "('[7]198.18.7.0/24', 7, False)"
run_lig -m $MR4 -t 0.3 -c 1 '[8]198.18.7.1'
check "iid: another instance-id does not match (no answer)" "[ $RC -eq 1 ]"

# --- IPv6 map-resolver and IPv6 EID ---------------------------------------------------
run_lig -m $MR6 -t 1 -j 2001:db8:e1d:1::5
check "ipv6: exit status 0" "[ $RC -eq 0 ]"
eq "ipv6: answered by $MR6" \
	"$(jf 'd["reply_from"], d["source"]')" "('$MR6', '2001:db8:0:1::1')"
eq "ipv6: record and both locators" \
	"$(jf 'd["records"][0]["eid_prefix"], [l["address"] for l in d["records"][0]["locators"]]')" "('2001:db8:e1d:1::/64', ['2001:db8:0:1::1', '192.0.2.1'])"
eq "ipv6: request /128, inner IPv6 UDP checksum correct, ITR-RLOC IPv6" \
	"$(last_req 2001:db8:e1d:1::5 'd["plen"], d["inner_udp_ok"], d["itr_rlocs"]')" "(128, True, ['2001:db8:0:1::1'])"
run_lig -m $MR6 -t 1 -j 198.18.1.12
check "ipv6 MR, IPv4 EID: exit status 0" "[ $RC -eq 0 ]"
eq "ipv6 MR, IPv4 EID: answered, inner source 0.0.0.0 (no IPv4 source of ours)" \
	"$(last_req 198.18.1.12 'd["inner_src"], d["outer_src"]')" "('0.0.0.0', '2001:db8:0:1::1')"
run_lig -m $MR4 -t 1 -j 2001:db8:e1d:1::6
check "ipv4 MR, IPv6 EID: exit status 0" "[ $RC -eq 0 ]"
eq "ipv4 MR, IPv6 EID: answered, inner source ::" \
	"$(last_req 2001:db8:e1d:1::6 'd["inner_src"]')" '::'

# --- -s chooses the source / ITR-RLOC ---------------------------------------------------
run_lig -m $MR4 -s 192.0.2.2 -t 1 -j 198.18.1.13
check "-s: exit status 0" "[ $RC -eq 0 ]"
eq "-s: outer source, ITR-RLOC and inner source are 192.0.2.2" \
	"$(last_req 198.18.1.13 'd["outer_src"], d["itr_rlocs"], d["inner_src"]')" "('192.0.2.2', ['192.0.2.2'], '192.0.2.2')"
run_lig -m $MR4 -s 203.0.113.50 -t 0.2 -c 1 198.18.1.14
check "-s with an address not ours: exit 1 with a clear error" \
	"[ $RC -eq 1 ] && printf '%s' \"\$ERR\" | grep -q 'cannot use source 203.0.113.50'"

# --- -p: the map-resolver's port ----------------------------------------------------------
run_lig -m $MR4 -p 4343 -t 0.2 -c 1 198.18.1.15
check "-p 4343 (nobody there): exit 1" "[ $RC -eq 1 ] && [ \$(reqs_for 198.18.1.15) -eq 0 ]"

# --- usage errors: exit 2, nothing sent -----------------------------------------------
before=$(wc -l <"$LOG")
for args in "" "-m $MR4" "-m 192.0.2 198.18.1.1" "-m $MR4 -c 0 198.18.1.1" \
	"-m $MR4 -c 101 198.18.1.1" "-m $MR4 -t 0 198.18.1.1" "-m $MR4 -t abc 198.18.1.1" \
	"-m $MR4 -p 0 198.18.1.1" "-m $MR4 -p 70000 198.18.1.1" "-m $MR4 198.18.1.0/33" \
	"-m $MR4 not-an-eid" "-m $MR4 198.18.1.1 198.18.1.2" "-m $MR4 -s $MR6 198.18.1.1" \
	"-m $MR4 -x 198.18.1.1" "self -m $MR4 198.18.1.1"; do
	# shellcheck disable=SC2086
	run_lig $args
	check "usage error exits 2: lig $args (rc=$RC)" "[ $RC -eq 2 ] && [ -n \"\$ERR\" ]"
done
check "usage errors sent nothing" "[ \$(wc -l <'$LOG') -eq $before ]"

# --- default map-resolver from the configuration ----------------------------------------
cat >"$TMP/lispd.conf" <<EOF
map-resolver = { $MR4 }
map-server {
    address = $MR4
    key-type = 1
    key = doc-only-key
}
database-mapping {
    eid-prefix = 198.18.8.1/32
    rloc-address {
        address = 192.0.2.1
        priority = 1
        weight = 100
    }
}
database-mapping {
    eid-prefix = 2001:db8:e1d:8::1/128
    rloc-iface {
        interface = eth0
        ip_version = 6
    }
}
EOF
run_lig -f "$TMP/lispd.conf" -t 1 -j 198.18.1.16
check "-f: exit status 0" "[ $RC -eq 0 ]"
eq "-f: map-resolver taken from the config" \
	"$(jf 'd["map_resolver"]')" $MR4
printf 'map-resolver = {\n' >"$TMP/broken.conf"
run_lig -f "$TMP/broken.conf" 198.18.1.17
check "-f with a broken config and no -m: exit 2, error names the file" \
	"[ $RC -eq 2 ] && printf '%s' \"\$ERR\" | grep -q 'broken.conf'"
run_lig -f "$TMP/missing.conf" 198.18.1.17
check "no config and no -m: exit 2, says to use -m" \
	"[ $RC -eq 2 ] && printf '%s' \"\$ERR\" | grep -q -- '-m'"

# --- lig self ------------------------------------------------------------------------------
run_lig self -f "$TMP/lispd.conf" -t 1
check "self: all registered -> exit 0 (rc=$RC, err=$ERR)" "[ $RC -eq 0 ]"
check "self: IPv4 EID registered with 192.0.2.1" \
	"printf '%s\n' \"\$OUT\" | grep -q '^198.18.8.1/32: registered (192.0.2.1)'"
check "self: IPv6 EID registered with eth0's address" \
	"printf '%s\n' \"\$OUT\" | grep -q '^2001:db8:e1d:8::1/128: registered (2001:db8:0:1::1)'"

sed -i 's#198.18.8.1/32#198.18.9.1/32#' "$TMP/lispd.conf"
run_lig self -f "$TMP/lispd.conf" -t 1
check "self: a mapping registered with other RLOCs -> exit 1" "[ $RC -eq 1 ]"
check "self: 'not registered (got 203.0.113.9; expected 192.0.2.1)'" \
	"printf '%s\n' \"\$OUT\" | grep -q '^198.18.9.1/32: not registered (got 203.0.113.9; expected 192.0.2.1)'"

sed -i 's#198.18.9.1/32#198.18.2.1/32#' "$TMP/lispd.conf"
run_lig self -f "$TMP/lispd.conf" -t 1 -j
check "self json: exit status 1" "[ $RC -eq 1 ]"
eq "self json: negative answer is not registered; the other one is" \
	"$(jf '[(r["eid"], r["registered"], r["answered"]) for r in d["results"]], d["registered"], d["total"]')" "([('198.18.2.1/32', False, True), ('2001:db8:e1d:8::1/128', True, True)], 1, 2)"

sed -i 's#198.18.2.1/32#198.18.3.1/32#' "$TMP/lispd.conf"
run_lig self -f "$TMP/lispd.conf" -t 0.2 -c 1
check "self: no answer -> 'not registered (no answer after 1 tries)'" \
	"[ $RC -eq 1 ] && printf '%s\n' \"\$OUT\" | grep -q '^198.18.3.1/32: not registered (no answer after 1 tries)'"

run_lig self -f "$TMP/lispd.conf" -m $MR6 -s 2001:db8:0:1::1 -t 0.5 -c 1 -j
eq "self -s: expected RLOC is -s; through the IPv6 MR" \
	"$(jf 'd["map_resolver"], [(r["eid"], r["expected"], r["registered"]) for r in d["results"]]')" "('$MR6', [('198.18.3.1/32', ['2001:db8:0:1::1'], False), ('2001:db8:e1d:8::1/128', ['2001:db8:0:1::1'], True)])"

check "responder logged no undecodable request" "! grep -q '\"error\"' '$LOG'"

tap_done
