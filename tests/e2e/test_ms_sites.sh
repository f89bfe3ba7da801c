#!/bin/bash
# The Map-Server's sites end to end: lispd in MS mode in its own namespace,
# xTRs played by tests/e2e/ms_reg.py (Map-Registers built by hand from the
# RFC layout, signed with the site keys) from host A's and host B's RLOCs,
# lig asking through the map-resolver.
#
#   A ($NS_A) 192.0.2.1, 2001:db8:0:1::1 --- router --- B ($NS_B) 198.51.100.1, 2001:db8:0:2::1
#                                              |
#                                     MS ($NS_M) 203.0.113.1, 2001:db8:0:3::1
#
# Checked: registration of IPv4 and IPv6 EIDs with IPv4 and IPv6 RLOCs
# (Map-Notify verified), lig's answers equal to the registered mappings,
# negative replies for hand-computed prefixes around several site layouts,
# refusals (wrong key, replayed and older Map-Registers, a more-specific
# prefix where the site does not accept them, no site, wrong algorithm, a
# static site, a message half refusable) each counted under its reason,
# logged, unanswered and leaving the registrations as they were; a SIGHUP
# that changes a site's key or its accept-more-specifics drops the
# registrations made under the old site and keeps the others; a
# registration with the T bit and a 1-minute TTL expiring once its xTR
# stops (set up first, checked last: the test's wait). NAT traversal, B
# playing an RTR the MS knows: an Info-Request answered with what the MS
# saw and the RTR it offers (a bad MAC unanswered), a register relayed by
# B answered through B (ECM R, S with the MS-RTR MAC), the same from A
# (no RTR) dropped, and lig answered by proxy with the relayed set.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
BUILD=${BUILD:-$PWD/build}
. tests/e2e/lab.sh
. tests/e2e/lispd_lib.sh
LIG=${LIG:-$BUILD/lig}

tap_require_root "network namespaces"

trap lab_ms_cleanup EXIT
trap 'exit 1' INT TERM HUP

K1="ms-sites-key-one-never-logged"
K2="ms-sites-key-two-never-logged"
K1_NEW="ms-sites-key-one-renewed-never-logged"
K5="ms-sites-key-five-never-logged"
KR="ms-sites-rtr-key-never-logged"
X1=0123456789abcdef0123456789abcdef   # A's xTR-ID
X2=fedcba9876543210fedcba9876543210   # B's xTR-ID

# S1 198.18.1.0/24 (no more-specifics, HMAC-SHA-1), S2 198.18.16.0/20
# (more-specifics, HMAC-SHA-256), S3 2001:db8:e1d:100::/56 (more-specifics),
# S4 2001:db8:e1d::7/128 (HMAC-SHA-1), a static site 198.18.64.0/18, S5
# 198.18.8.0/24 (more-specifics, no proxy-reply: nodes behind a NAT ask for
# it) which changes none of the negative replies below; B's RLOC is an RTR.
ms_sites_conf() {   # key-of-S1 more-specifics-in-S2
	conf_ms
	conf_site 198.18.1.0/24 1 "$1" on false
	conf_site 198.18.16.0/20 2 "$K2" on "$2"
	conf_site 2001:db8:e1d:100::/56 2 "$K2" on true
	conf_site 2001:db8:e1d::7/128 1 "$K1" on false
	conf_static_site 198.18.64.0/18 203.0.113.9 3 40
	conf_site 198.18.8.0/24 1 "$K5" off true
	conf_ms_rtr rtr-b "$RLOC4_B" "$KR"
	conf_ms_rtrs_set lab 30 rtr-b
}

# ms_reg NODE SRC [ms_reg.py send arguments]: one Map-Register from SRC in
# NODE's namespace to the MS (over the family of SRC); its JSON result.
ms_reg() {
	local n=$1 src=$2 ms=$MS4
	shift 2
	case $src in *:*) ms=$MS6 ;; esac
	in_ns "$(ns_of "$n")" python3 tests/e2e/ms_reg.py send --src "$src" --ms "$ms" "$@"
}
# What a Map-Notify must show: verified with key, the nonce sent.
notified() {   # result-json nonce
	echo "$1" | json_get "d['notify'] is not None and d['notify']['auth_ok'] and d['notify']['nonce'] == $2" |
		grep -qx True || { diag "got $1"; return 1; }
}
ctr() { q m counters | json_get "d['ms']['$1']"; }
# The MS's registrations without the ever-changing time left, sorted.
ms_state() {
	q m registrations | json_get "json.dumps(sorted([r['eid-prefix'], r['site'], sorted(json.dumps({k: v for k, v in x.items() if k != 'expires-in-s'}, sort_keys=True) for x in r['xtrs'])] for r in d['registrations']))"
}
# The locators the MS has for a prefix, as "address/priority/weight ...".
ms_locs() {   # prefix
	q m registrations | json_get "' '.join(sorted('%s/%d/%d' % (l['address'], l['priority'], l['weight']) for r in d['registrations'] if r['eid-prefix'] == '$1' for x in r['xtrs'] for l in x['locators']))"
}
# "a,b,c" as the sorted "a b c".
sorted_locs() { python3 -c 'import sys; print(" ".join(sorted(sys.argv[1].split(","))))' "$1"; }
# lig from B through the map-resolver: "prefix ttl negative locators".
lig_b() {   # eid [map-resolver]
	local src=$RLOC4_B
	case ${2:-} in *:*) src=$RLOC6_B ;; esac
	in_ns "$NS_B" "$LIG" -m "${2:-$MS4}" -s "$src" -c 3 -t 1 -j "$1" |
		json_get "' '.join(['%s %d %s' % (r['eid_prefix'], r['ttl'], r['negative']) + ''.join(' ' + x for x in sorted('%s/%d/%d' % (l['address'], l['priority'], l['weight']) for l in r['locators'])) for r in d['records']])"
}

ok "namespaces: A, B, router, map-server" eval 'lab_up && ms_ns_up'
ms_sites_conf "$K1" true >"$LAB_TMP/ms.conf"
mkdir -p "$LAB_TMP/bpf-m"
ok "lispd starts in MS mode" node_start m "$LAB_TMP/ms.conf"

# ---- B's IPv6 registration, TTL 1 min, without the T bit (3-min lifetime) ------------------------
# It gets the T bit only before the expiry check: started here, its minute
# could run out in the middle of checks that want no counter to move.
out=$(ms_reg b "$RLOC6_B" --key "$K1" --alg 1 --nonce 7 --xtr-id $X2 --site-id 2 \
	--record "2001:db8:e1d::7/128,1,$RLOC6_B/1/100")
ok "B registers 2001:db8:e1d::7/128 over IPv6, TTL 1 min, no T bit: Map-Notify" notified "$out" 7
check "MS: 2001:db8:e1d::7/128 registered from $RLOC6_B, TTL 1, the 3-min lifetime" "q m registrations |
	json_get \"[(x['from'], x['ttl'], 60 < x['expires-in-s'] <= 180) for r in d['registrations'] if r['eid-prefix'] == '2001:db8:e1d::7/128' for x in r['xtrs']]\" |
	grep -qxF \"[('$RLOC6_B', 1, True)]\""

# ---- registration: IPv4 and IPv6 EIDs, IPv4 and IPv6 RLOCs ------------------------------------
R1_LOCS="$RLOC4_A/1/100,$RLOC6_A/2/50"
out=$(ms_reg a "$RLOC4_A" --key "$K1" --alg 1 --nonce 100 --xtr-id $X1 --site-id 1 \
	--save "$LAB_TMP/r1.bin" --record "198.18.1.0/24,5,$R1_LOCS")
ok "A registers 198.18.1.0/24 (HMAC-SHA-1, xTR-ID) over IPv4: Map-Notify" notified "$out" 100
check "... the Map-Notify echoes the record and the xTR-ID" "echo '$out' | json_get \
	\"d['notify']['xtr_id'] == '$X1' and [(r['eid'], r['ttl'], sorted('%s/%d/%d' % (l['address'], l['priority'], l['weight']) for l in r['locators'])) for r in d['notify']['records']] == [('198.18.1.0/24', 5, sorted('$R1_LOCS'.split(',')))]\" | grep -qx True"
R2_LOCS="$RLOC6_A/1/100,$RLOC4_A/2/100"
out=$(ms_reg a "$RLOC6_A" --key "$K2" --alg 2 --truncated --nonce 101 --xtr-id $X1 --site-id 1 \
	--record "2001:db8:e1d:100::/64,5,$R2_LOCS")
ok "A registers 2001:db8:e1d:100::/64 inside a /56 site (HMAC-SHA-256-128) over IPv6: Map-Notify" \
	notified "$out" 101
R3_LOCS="$RLOC4_B/1/100"
out=$(ms_reg b "$RLOC4_B" --key "$K2" --alg 2 --nonce 0x5eed --save "$LAB_TMP/r3.bin" \
	--record "198.18.20.0/24,5,$R3_LOCS")
ok "B registers 198.18.20.0/24 inside the /20 site that accepts more-specifics (no xTR-ID)" \
	notified "$out" 0x5eed
want_regs="2001:db8:e1d:100::/64 $RLOC6_A 2001:db8:e1d:100::/56|198.18.1.0/24 $RLOC4_A 198.18.1.0/24|198.18.20.0/24 $RLOC4_B 198.18.16.0/20|198.18.64.0/18 static 198.18.64.0/18|2001:db8:e1d::7/128 $RLOC6_B 2001:db8:e1d::7/128"
got_regs=$(q m registrations | json_get "'|'.join(sorted('%s %s %s' % (r['eid-prefix'], x.get('from', 'static'), r['site']) for r in d['registrations'] for x in r['xtrs']))")
check "MS: every registration under its site, from its RLOC ($got_regs)" \
	"[ \"\$got_regs\" = \"\$(python3 -c 'import sys; print(\"|\".join(sorted(sys.argv[1].split(\"|\"))))' '$want_regs')\" ]"
for e in "198.18.1.0/24 $R1_LOCS" "2001:db8:e1d:100::/64 $R2_LOCS" "198.18.20.0/24 $R3_LOCS"; do
	set -- $e
	want=$(sorted_locs "$2")
	got=$(ms_locs "$1")
	check "MS: $1 -> $want ($got)" "[ '$got' = '$want' ]"
done

# ---- lig: the registered mappings ---------------------------------------------------------------
lig_is() {   # eid want [map-resolver]
	local got
	got=$(lig_b "$1" "${3:-$MS4}")
	[ "$got" = "$2" ] || { diag "lig $1: '$got', want '$2'"; return 1; }
}
ok "lig 198.18.1.77: 198.18.1.0/24, TTL 5, A's locators as registered" \
	lig_is 198.18.1.77 "198.18.1.0/24 5 False $(ms_locs 198.18.1.0/24)"
ok "lig 2001:db8:e1d:100::5 (via the MS's IPv6 address): A's locators as registered" \
	lig_is 2001:db8:e1d:100::5 "2001:db8:e1d:100::/64 5 False $(ms_locs 2001:db8:e1d:100::/64)" "$MS6"
ok "lig 198.18.20.9: the more-specific 198.18.20.0/24, B's locator" \
	lig_is 198.18.20.9 "198.18.20.0/24 5 False $(sorted_locs "$R3_LOCS")"
ok "lig 198.18.100.1: the static site's mapping" lig_is 198.18.100.1 "198.18.64.0/18 10 False 203.0.113.9/3/40"

# ---- negative replies: the least-specific prefix holding no site or registration ------------------
# Computed by hand from the layout: S1 198.18.1.0/24, S2 198.18.16.0/20
# holding 198.18.20.0/24, static 198.18.64.0/18, S3 2001:db8:e1d:100::/56
# holding 2001:db8:e1d:100::/64, S4 2001:db8:e1d::7/128. TTL 15 min outside
# every site, 1 min inside one.
while read -r eid want ttl; do
	ok "negative reply for $eid: $want, TTL $ttl" lig_is "$eid" "$want $ttl True"
done <<'EOT'
198.18.0.7 198.18.0.0/24 15
198.18.2.1 198.18.2.0/23 15
198.18.40.1 198.18.32.0/19 15
198.18.130.1 198.18.128.0/17 15
198.19.0.1 198.19.0.0/16 15
198.18.21.5 198.18.21.0/24 1
198.18.30.1 198.18.24.0/21 1
198.18.17.1 198.18.16.0/22 1
2001:db8:e1d:200::1 2001:db8:e1d:200::/55 15
2001:db8:e1d:8000::1 2001:db8:e1d:8000::/49 15
2001:db8:e1d:0:1::1 2001:db8:e1d:0:1::/80 15
2001:db8:e1d::6 2001:db8:e1d::6/128 15
2001:db8:e1d:1ff::1 2001:db8:e1d:180::/57 1
2001:db8:e1d:140::1 2001:db8:e1d:140::/58 1
EOT

# ---- refusals: counted under their reason, unanswered, nothing changed --------------------------
# refused COUNTER RESULT-JSON: the counter went up by one, no other drop
# and no accepted register, no Map-Notify came back, the registrations are
# as they were.
ms_state >"$LAB_TMP/state0"
counters0=$(q m counters)
refused() {   # counter result-json
	local c1
	c1=$(q m counters)
	echo "$2" | json_get "d['notify'] is None" | grep -qx True || { diag "answered: $2"; return 1; }
	python3 - "$1" "$counters0" "$c1" <<'EOP' || return 1
import json, sys
name, a, b = sys.argv[1], json.loads(sys.argv[2])["ms"], json.loads(sys.argv[3])["ms"]
moved = {k: b[k] - a[k] for k in a if isinstance(a[k], int) and b[k] != a[k]}
want = {"rx-packets": 1, "rx-map-register": 1, name: 1}
if moved != want:
    print("# counters moved: %s, want %s" % (moved, want))
    sys.exit(1)
EOP
	ms_state >"$LAB_TMP/state1"
	cmp -s "$LAB_TMP/state0" "$LAB_TMP/state1" || { diag "registrations changed: $(cat "$LAB_TMP/state1")"; return 1; }
	counters0=$c1
}
out=$(ms_reg a "$RLOC4_A" --key "not-the-site-key" --alg 1 --nonce 200 --xtr-id $X1 --site-id 1 \
	--record "198.18.1.0/24,5,$RLOC4_A/1/100")
ok "wrong key for 198.18.1.0/24: refused (drop-auth)" refused drop-auth "$out"
check "... counted for the site too (auth-failures 1)" "q m sites | json_get \
	\"[s['auth-failures'] for s in d['sites'] if s['eid-prefix'] == '198.18.1.0/24']\" | grep -qxF '[1]'"
out=$(in_ns "$NS_A" python3 tests/e2e/ms_reg.py resend "$LAB_TMP/r1.bin" --src "$RLOC4_A" --ms "$MS4")
ok "A's first Map-Register replayed byte for byte (xTR-ID): refused (drop-replay)" refused drop-replay "$out"
out=$(in_ns "$NS_B" python3 tests/e2e/ms_reg.py resend "$LAB_TMP/r3.bin" --src "$RLOC4_B" --ms "$MS4")
ok "B's Map-Register replayed byte for byte (no xTR-ID): refused (drop-replay)" refused drop-replay "$out"
out=$(ms_reg a "$RLOC4_A" --key "$K1" --alg 1 --nonce 99 --xtr-id $X1 --site-id 1 \
	--record "198.18.1.0/24,5,$RLOC4_A/1/100")
ok "a new, well-signed Map-Register with a nonce below A's last: refused (drop-replay)" \
	refused drop-replay "$out"
out=$(ms_reg a "$RLOC4_A" --key "$K1" --alg 1 --nonce 300 --xtr-id $X1 --site-id 1 \
	--record "198.18.1.128/25,5,$RLOC4_A/1/100")
ok "198.18.1.128/25 in 198.18.1.0/24, which takes no more-specifics: refused (drop-more-specific)" \
	refused drop-more-specific "$out"
out=$(ms_reg a "$RLOC4_A" --key "$K1" --alg 1 --nonce 301 --xtr-id $X1 --site-id 1 \
	--record "198.18.1.0/24,5,$RLOC4_B/1/100" --record "198.18.1.128/25,5,$RLOC4_A/1/100")
ok "a valid record beside that more-specific: the whole message refused, 198.18.1.0/24 unchanged" \
	refused drop-more-specific "$out"
out=$(ms_reg a "$RLOC4_A" --key "$K1" --alg 1 --nonce 302 --xtr-id $X1 --site-id 1 \
	--record "198.19.0.0/24,5,$RLOC4_A/1/100")
ok "198.19.0.0/24, in no site: refused (drop-no-site)" refused drop-no-site "$out"
out=$(ms_reg b "$RLOC4_B" --key "$K2" --alg 1 --nonce 303 --xtr-id $X2 --site-id 2 \
	--record "198.18.20.0/24,5,$RLOC4_B/1/100")
ok "HMAC-SHA-1 for the HMAC-SHA-256 site: refused (drop-alg-mismatch)" refused drop-alg-mismatch "$out"
out=$(ms_reg b "$RLOC4_B" --key "$K2" --alg 2 --nonce 304 --xtr-id $X2 --site-id 2 \
	--record "198.18.64.0/18,5,$RLOC4_B/1/100")
ok "the static site's prefix: refused (drop-static-site)" refused drop-static-site "$out"
out=$(ms_reg a "$RLOC4_A" --key "$K1" --alg 1 --nonce 305 --xtr-id $X1 --site-id 1 \
	--record "198.18.1.0/24,5,$R1_LOCS")
ok "A refreshes 198.18.1.0/24 with a greater nonce: accepted" notified "$out" 305
check "... and its mapping is the same" "[ '$(ms_locs 198.18.1.0/24)' = '$(sorted_locs "$R1_LOCS")' ]"
check "the MS logged each refusal with its reason" "grep -q 'authentication failed for site 198.18.1.0/24' '$(log_of m)' &&
	[ \$(grep -c 'replays an accepted one' '$(log_of m)') = 3 ] &&
	grep -q '198.18.1.128/25: more specific than its site' '$(log_of m)' &&
	grep -q '198.19.0.0/24: no such site' '$(log_of m)' &&
	grep -q 'algorithm 1, the site uses key-type 2' '$(log_of m)' &&
	grep -q '198.18.64.0/18: the prefix is a static registered site' '$(log_of m)'"

# ---- expiry: B registers with the T bit, then sends nothing for its minute --------------------------
# The others refresh first, so their 3 minutes outlast the wait even on a
# slow run (the reload below counts on them).
out=$(ms_reg a "$RLOC6_A" --key "$K2" --alg 2 --truncated --nonce 102 --xtr-id $X1 --site-id 1 \
	--record "2001:db8:e1d:100::/64,5,$R2_LOCS")
ok "A refreshes 2001:db8:e1d:100::/64: Map-Notify" notified "$out" 102
out=$(ms_reg b "$RLOC4_B" --key "$K2" --alg 2 --nonce 0x5eee --record "198.18.20.0/24,5,$R3_LOCS")
ok "B refreshes 198.18.20.0/24: Map-Notify" notified "$out" 0x5eee
out=$(ms_reg b "$RLOC6_B" --key "$K1" --alg 1 --nonce 8 --xtr-id $X2 --site-id 2 --ttl-expire \
	--record "2001:db8:e1d::7/128,1,$RLOC6_B/1/100")
T0=$(date +%s)
ok "B registers 2001:db8:e1d::7/128 again, T bit, TTL 1 min: Map-Notify" notified "$out" 8
check "MS: 2001:db8:e1d::7/128 registered from $RLOC6_B, TTL 1, to expire within 60 s" "q m registrations |
	json_get \"[(x['from'], x['ttl'], 0 < x['expires-in-s'] <= 60) for r in d['registrations'] if r['eid-prefix'] == '2001:db8:e1d::7/128' for x in r['xtrs']]\" |
	grep -qxF \"[('$RLOC6_B', 1, True)]\""
expired0=$(ctr registrations-expired) regs0=$(ctr registrations)
check "2001:db8:e1d::7/128 still registered $(($(date +%s) - T0)) s after its register" \
	"[ \"\$(ms_locs 2001:db8:e1d::7/128)\" = '$RLOC6_B/1/100' ]"
left=$((T0 + 62 - $(date +%s)))
# A fixed wait on purpose: the registration's minute runs out (then polled).
[ $left -gt 0 ] && sleep $left
ok "2001:db8:e1d::7/128 expired after its minute (registrations-expired +1)" \
	wait_json m counters "d['ms']['registrations-expired'] == $expired0 + 1 and d['ms']['registrations'] == $regs0 - 1" 50
check "... gone from the MS's registrations and its site" "q m registrations | json_get \
	\"'2001:db8:e1d::7/128' not in [r['eid-prefix'] for r in d['registrations']]\" | grep -qx True &&
	q m sites | json_get \"[s['registrations'] for s in d['sites'] if s['eid-prefix'] == '2001:db8:e1d::7/128']\" | grep -qxF '[0]'"
ok "lig 2001:db8:e1d::7: negative, the /128 site, TTL 1" lig_is 2001:db8:e1d::7 "2001:db8:e1d::7/128 1 True"
check "the registrations without the T bit are still there" \
	"[ \"\$(ms_locs 2001:db8:e1d:100::/64)\" = '$(sorted_locs "$R2_LOCS")' ]"


# ---- SIGHUP: new key for S1, S2 no longer takes more-specifics ------------------------------------
ms_state >"$LAB_TMP/state0"
reloads0=$(q m status | json_get "d['daemon']['reloads']")
ms_sites_conf "$K1_NEW" false >"$LAB_TMP/ms.conf"
kill -HUP "${PID[m]}"
ok "SIGHUP: S1 with a new key, S2 without more-specifics" \
	wait_json m status "d['daemon']['reloads'] == $reloads0 + 1 and d['daemon']['reload_errors'] == 0" 25
ms_prefixes() { q m registrations | json_get "' '.join(sorted(r['eid-prefix'] for r in d['registrations']))"; }
check "two registrations dropped (counted): 198.18.1.0/24 (old key), 198.18.20.0/24 (more-specific)" \
	"[ \"\$(ctr registrations-dropped-on-reload)\" = 2 ] &&
	 [ \"\$(ms_prefixes)\" = '198.18.64.0/18 2001:db8:e1d:100::/64' ]"
check "... each logged with its reason" "grep -q 'registration of 198.18.1.0/24 dropped: its site.s key changed' '$(log_of m)' &&
	grep -q 'registration of 198.18.20.0/24 dropped: its site no longer accepts more-specifics' '$(log_of m)'"
check "the other registrations unchanged" "ms_state | python3 -c 'import json, sys
old = {r[0]: r for r in json.load(open(sys.argv[1]))}
new = json.load(sys.stdin)
sys.exit(not new or any(r != old.get(r[0]) for r in new))' '$LAB_TMP/state0'"
ok "lig 198.18.1.77: negative now, the site itself, TTL 1" lig_is 198.18.1.77 "198.18.1.0/24 1 True"
ok "lig 198.18.21.5: negative, the whole /20 site now, TTL 1" lig_is 198.18.21.5 "198.18.16.0/20 1 True"
ms_state >"$LAB_TMP/state0"
counters0=$(q m counters)
out=$(ms_reg a "$RLOC4_A" --key "$K1" --alg 1 --nonce 400 --xtr-id $X1 --site-id 1 \
	--record "198.18.1.0/24,5,$R1_LOCS")
ok "the old key no longer registers 198.18.1.0/24 (drop-auth)" refused drop-auth "$out"
out=$(ms_reg a "$RLOC4_A" --key "$K1_NEW" --alg 1 --nonce 401 --xtr-id $X1 --site-id 1 \
	--record "198.18.1.0/24,5,$R1_LOCS")
ok "the new key does (Map-Notify)" notified "$out" 401
ok "lig 198.18.1.77: A's locators again" lig_is 198.18.1.77 "198.18.1.0/24 5 False $(sorted_locs "$R1_LOCS")"

# ---- NAT traversal: Info-Request, a register relayed by the RTR B ---------------------------------
PRIV=198.51.100.130   # the node's RLOC behind its NAT: only ever in the inner header
out=$(in_ns "$NS_A" python3 tests/e2e/ms_reg.py info --src "$RLOC4_A" --ms "$MS4" --key "$K5" \
	--alg 1 --nonce 0x1f0 --eid 198.18.8.5/32)
check "Info-Request from A for 198.18.8.5/32: the Info-Reply names A's address and port, the MS, the RTR for 30 min" \
	"echo '$out' | json_get \"(r := d['reply']) is not None and r['auth_ok'] and r['length_ok'] and
	r['nonce'] == 0x1f0 and r['ttl'] == 30 and r['eid'] == '198.18.8.5/32' and
	(r['global'], r['etr_port'], r['ms'], r['ms_port'], r['private'], r['rtrs']) ==
	('$RLOC4_A', d['sport'], '$MS4', 4342, None, ['$RLOC4_B'])\" | grep -qx True"
out=$(in_ns "$NS_A" python3 tests/e2e/ms_reg.py info --src "$RLOC4_A" --ms "$MS4" --key "$K1" \
	--alg 1 --nonce 0x1f1 --eid 198.18.8.5/32)
check "... signed with another site's key: unanswered (drop-info-auth 1)" \
	"echo '$out' | json_get \"d['reply'] is None\" | grep -qx True && [ \"\$(ctr drop-info-auth)\" = 1 ]"
NAT_LOCS="198.18.8.5/32,1,$RLOC4_B/1/100/1,$PRIV/1/100/4"
relay() {   # node src [ms_reg.py relay arguments]
	local n=$1 src=$2
	shift 2
	in_ns "$(ns_of "$n")" python3 tests/e2e/ms_reg.py relay --src "$src" --ms "$MS4" \
		--key "$K5" --alg 1 --rtr-key "$KR" --private "$PRIV" --proxy \
		--xtr-id $X1 --site-id 5 --record "$NAT_LOCS" "$@"
}
out=$(relay b "$RLOC4_B" --nonce 500)
check "B relays the node's register (ECM N): Map-Notify back through B, ECM R+S, MS-RTR MAC with B's key" \
	"echo '$out' | json_get \"(n := d['notify']) is not None and n['auth_ok'] and n['nonce'] == 500 and
	n['xtr_id'] == '$X1' and n['ecm'] == {'rtr': True, 'mac_ok': True, 'inner_src': '$MS4',
	'inner_dst': '$PRIV', 'sport': 4342, 'dport': 4342}\" | grep -qx True"
check "MS: 198.18.8.5/32 relayed by rtr-b, the private RLOC unreachable" "q m registrations | json_get \
	\"[(x['relayed-by'], x['relay-dialect'], sorted((l['address'], l['reachable']) for l in x['locators']))
	for r in d['registrations'] if r['eid-prefix'] == '198.18.8.5/32' for x in r['xtrs']]\" |
	grep -qxF \"[('rtr-b', 'NEW', [('$RLOC4_B', True), ('$PRIV', False)])]\""
out=$(relay a "$RLOC4_A" --nonce 501)
check "the same relayed by A, no RTR: unanswered (drop-relay-unknown-rtr 1)" \
	"echo '$out' | json_get \"d['notify'] is None\" | grep -qx True &&
	[ \"\$(ctr drop-relay-unknown-rtr)\" = 1 ] && [ \"\$(ctr registers-via-rtr)\" = 1 ]"
check "lig 198.18.8.5: answered by the MS (the register's P), the RTR up, the private RLOC down" \
	"in_ns '$NS_B' '$LIG' -m '$MS4' -s '$RLOC4_B' -c 3 -t 1 -j 198.18.8.5 | json_get \
	\"sorted((l['address'], l['state']) for r in d['records'] for l in r['locators'])\" |
	grep -qxF \"[('$RLOC4_B', 'up'), ('$PRIV', 'down')]\""

ok "MS: SIGTERM" node_stop m TERM
check "MS exit status 0 ($NODE_RC)" "[ '$NODE_RC' = 0 ]"
check "no key in the MS's log" "! grep -q -e '$K1' -e '$K2' -e '$K1_NEW' -e '$K5' -e '$KR' '$(log_of m)'"
tap_done
