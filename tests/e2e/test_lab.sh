#!/bin/bash
# The lab (tools/lab) end to end: `lab.sh up` builds the namespaces and
# starts the map-server, the PxTR (when lispd serves that mode) and two
# mobile nodes; checked: both nodes registered (lispd's view, lig self
# through the map-resolver, the map-server's registrations), EID-to-EID
# pings both ways over IPv4 and IPv6 EIDs, a mobile node and the non-LISP
# host reaching each other through the PETR and the PITR with the PxTR's
# counters moving, the BPF map-cache bpftool shows, a second lab instance
# beside the first, a move of mn1 from network A to B while its lispd runs
# (the map-server gets the new RLOCs, mn2 re-resolves after the SMRs, caches
# mn1's whole new locator set and reaches mn1's EIDs; a restart then
# registers without a replay refusal), and `down` after a crash (lispd
# killed with SIGKILL) and after an interrupted `up`, each leaving no
# namespace, mount, process or file behind; last, the README's demo
# command (scripts/demo.sh) passes every check of its report and exits 0.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
BUILD=${BUILD:-$PWD/build}
export BUILD

tap_require_root "network namespaces, BPF"

. tools/lab/plan.sh
NAME=e2e$$
NAME2=e2e${$}b
NAME3=e2e${$}c
NAME4=e2e${$}d
RUN_BASE=$(mktemp -d /tmp/lispd-e2e-lab.XXXXXX)
export LAB_RUN_BASE=$RUN_BASE
lab() { tools/lab/lab.sh -n "$NAME" "$@"; }

cleanup() {
	local n
	for n in "$NAME" "$NAME2" "$NAME3" "$NAME4"; do tools/lab/lab.sh -n "$n" down 2>/dev/null; done
	rm -rf "$RUN_BASE"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# Nothing of instance NAME: no namespace, no mount under its run directory,
# no run directory, none of the given pids alive.
nothing_left() {   # name pids...
	local n=$1 p
	shift
	if ip netns list | grep -q "^lispdlab-$n-"; then
		diag "namespaces left: $(ip netns list | grep "^lispdlab-$n-" | tr '\n' ' ')"
		return 1
	fi
	if findmnt -rn -o TARGET | grep -q "^$RUN_BASE/$n/"; then
		diag "mounts left: $(findmnt -rn -o TARGET | grep "^$RUN_BASE/$n/" | tr '\n' ' ')"
		return 1
	fi
	[ ! -e "$RUN_BASE/$n" ] || { diag "$RUN_BASE/$n left"; return 1; }
	for p in "$@"; do
		kill -0 "$p" 2>/dev/null && { diag "process $p left"; return 1; }
	done
	return 0
}

daemon_pids() {   # name
	cat "$RUN_BASE/$1"/*/lispd.pid 2>/dev/null
}

# lab up's summary as TAP comments.
lab_up() {
	lab up | sed 's/^/# /'
	return "${PIPESTATUS[0]}"
}
ok "lab up" lab_up
check "eight namespaces lispdlab-$NAME-*" "[ \$(ip netns list | grep -c '^lispdlab-$NAME-') = 8 ]"
PXTR=$(sed -n 's/^LAB_PXTR=//p' "$RUN_BASE/$NAME/lab.env")
[ "$PXTR" = 1 ] || diag "lispd refused operating-mode = PxTR: PETR/PITR checks skipped"

# ---- registration -----------------------------------------------------------------
for n in mn1 mn2; do
	check "$n: lispd reports its registration done" \
		"lab q $n registrations | grep -q '\"state\":\"registered\"'"
	check "$n: lig self through the map-resolver: every EID registered" \
		"lab lig $n self -c 3 -t 1 >/dev/null"
done
ms_locators() {   # eid: the locators the map-server has for it
	lab q ms registrations | python3 -c 'import json,sys
d = json.load(sys.stdin)["registrations"]
print(" ".join(sorted(l["address"] for r in d if r["eid-prefix"] == sys.argv[1] for x in r["xtrs"] for l in x["locators"])))' "$1"
}
for e in "$MN1_EID4/32 mn1 A" "$MN1_EID6/128 mn1 A" "$MN2_EID4/32 mn2 B" "$MN2_EID6/128 mn2 B"; do
	set -- $e
	want="$(plan_rloc "$2" "$3" 4) $(plan_rloc "$2" "$3" 6)"
	got=$(ms_locators "$1")
	check "map-server: $1 -> $want ($got)" "[ '$got' = '$want' ]"
done

# ---- EID to EID ----------------------------------------------------------------------
ping_ok() {   # node src dst
	lab exec "$1" ping -q -c 1 -W 1 -w 6 -I "$2" "$3" >/dev/null
}
ok "ping IPv4 EID mn1 -> mn2" ping_ok mn1 "$MN1_EID4" "$MN2_EID4"
ok "ping IPv4 EID mn2 -> mn1" ping_ok mn2 "$MN2_EID4" "$MN1_EID4"
ok "ping IPv6 EID mn1 -> mn2" ping_ok mn1 "$MN1_EID6" "$MN2_EID6"
ok "ping IPv6 EID mn2 -> mn1" ping_ok mn2 "$MN2_EID6" "$MN1_EID6"
mc=$(lab mcache mn1 brief)
check "bpftool shows mn2's EIDs in mn1's BPF map-cache, encapsulated to mn2's RLOCs" \
	"echo \"\$mc\" | grep -qE '^$MN2_EID4/32 +encap +$(plan_rloc mn2 B 4) ' &&
	 echo \"\$mc\" | grep -qE '^$MN2_EID6/128 +encap +$(plan_rloc mn2 B 4) '"

# ---- non-LISP host through the PxTR ------------------------------------------------------
pxstat() { lab exec pxtr "$BUILD/lispd-bpf" stats pin "$RUN_BASE/$NAME/pxtr/bpf/lispd" |
	awk -v n="$1" '$1 == n { print $2 }'; }
if [ "$PXTR" = 1 ]; then
	petr0=$(pxstat petr_decap_ok)
	pitr0=$(pxstat encap_ok)
	ok "mn1 -> non-LISP host, IPv4 (PETR)" ping_ok mn1 "$MN1_EID4" "$HOST4"
	ok "mn1 -> non-LISP host, IPv6 (PETR)" ping_ok mn1 "$MN1_EID6" "$HOST6"
	ok "non-LISP host -> mn1's IPv4 EID (PITR)" ping_ok host "$HOST4" "$MN1_EID4"
	ok "non-LISP host -> mn1's IPv6 EID (PITR)" ping_ok host "$HOST6" "$MN1_EID6"
	petr1=$(pxstat petr_decap_ok)
	pitr1=$(pxstat encap_ok)
	check "the PETR decapsulated ($petr0 -> $petr1) and the PITR encapsulated ($pitr0 -> $pitr1)" \
		"[ '${petr1:-0}' -ge $((${petr0:-0} + 4)) ] && [ '${pitr1:-0}' -ge $((${pitr0:-0} + 4)) ]"
	check "the core has no route to the host: only LISP reaches it" \
		"! lab exec core ip route get $HOST4 >/dev/null 2>&1"
else
	echo "ok $((_tap_n + 1)) # SKIP lispd refused operating-mode = PxTR: no PETR/PITR path"
	_tap_n=$((_tap_n + 1))
fi

# ---- a second instance beside the first ---------------------------------------------------
ok "a second lab instance comes up beside the first" eval 'tools/lab/lab.sh -n "$NAME2" up >/dev/null'
check "... with its own eight namespaces" "[ \$(ip netns list | grep -c '^lispdlab-$NAME2-') = 8 ]"
pids2=$(daemon_pids "$NAME2")
ok "... and goes down" tools/lab/lab.sh -n "$NAME2" down
ok "nothing of the second instance is left" nothing_left "$NAME2" $pids2
check "the first instance still works (ping IPv4 EID mn2 -> mn1)" "ping_ok mn2 $MN2_EID4 $MN1_EID4"

# ---- move ----------------------------------------------------------------------------------
# mn1 roams to network B while its lispd runs: lispd sees it over netlink,
# re-registers its new RLOCs and sends SMRs; mn2, which has mn1's old RLOC
# cached (record TTL 1 min), re-resolves through the map-server.
mn2_locs_of_mn1() {   # [eid]: mn2's map-cache locators for mn1's EID (IPv4 by default)
	lab q mn2 map-cache | python3 -c 'import json,sys
print(" ".join(sorted(l["rloc"] for e in json.load(sys.stdin) if e["eid"] == sys.argv[1] for l in e["locators"])))' "${1:-$MN1_EID4/32}"
}
mn2_ctr() { lab q mn2 counters | python3 -c 'import json,sys; print(json.load(sys.stdin)["mn"][sys.argv[1]])' "$1"; }
ms_ctr() { lab q ms counters | python3 -c 'import json,sys; print(json.load(sys.stdin)["ms"][sys.argv[1]])' "$1"; }
old_locs=$(mn2_locs_of_mn1)
check "before the move mn2 caches mn1's RLOCs in A ($old_locs)" \
	"[ '$old_locs' = '$(plan_rloc mn1 A 4) $(plan_rloc mn1 A 6)' ]"
mn1_pid=$(cat "$RUN_BASE/$NAME/mn1/lispd.pid")
smr0=$(mn2_ctr smr_invoked_sent)
ok "move mn1 to network B (lispd keeps running)" lab move mn1 B
check "mn1's eth0: the B address, not the A one" \
	"lab exec mn1 ip -o addr show dev eth0 | grep -q ' $(plan_rloc mn1 B 4)/' &&
	 ! lab exec mn1 ip -o addr show dev eth0 | grep -q ' $(plan_rloc mn1 A 4)/'"
check "mn1's link now sits on B's bridge" "lab exec acc-b ip -o link show master br0 | grep -q ' mn1@'"
check "mn1 reaches B's gateway" "lab exec mn1 ping -c1 -W2 -I $(plan_rloc mn1 B 4) $ACC_B_GW4 >/dev/null"
registered_at_b() {
	local i want
	want="$(plan_rloc mn1 B 4) $(plan_rloc mn1 B 6)"
	for i in $(seq 1 50); do
		[ "$(ms_locators "$MN1_EID4/32")" = "$want" ] && return 0
		sleep 0.2
	done
	diag "map-server has $(ms_locators "$MN1_EID4/32")"
	return 1
}
ok "the map-server has mn1's new RLOCs (re-registered without a restart)" registered_at_b
check "the same lispd process ($mn1_pid), which reports its RLOCs in B" \
	"[ \"\$(cat '$RUN_BASE/$NAME/mn1/lispd.pid')\" = '$mn1_pid' ] && kill -0 $mn1_pid &&
	 lab q mn1 status | grep -qF '\"rlocs\":[\"$(plan_rloc mn1 B 4)\",\"$(plan_rloc mn1 B 6)\"]'"
# The SMR makes mn2 ask again: well before the 1-minute TTL would refresh
# them, its entries for both of mn1's EIDs hold mn1's whole new locator set,
# IPv4 and IPv6, and nothing of A. mn1 sees its IPv4 and IPv6 addresses come
# back as two changes and may SMR after each: mn2's first request may be
# answered with the IPv4 locator alone, and the second SMR, inside mn2's
# 3 s interval, must not be lost but bring one trailing request at the
# interval's end (itr_on_smr), so this takes up to ~3 s.
smr_updated() {
	local i want got4 got6
	want="$(plan_rloc mn1 B 4) $(plan_rloc mn1 B 6)"
	for i in $(seq 1 50); do
		got4=$(mn2_locs_of_mn1 "$MN1_EID4/32")
		got6=$(mn2_locs_of_mn1 "$MN1_EID6/128")
		[ "$got4" = "$want" ] && [ "$got6" = "$want" ] && return 0
		sleep 0.2
	done
	diag "mn2 caches $got4 for $MN1_EID4, $got6 for $MN1_EID6; want $want"
	return 1
}
t0=$(date +%s%N)
ok "mn2 re-resolved mn1's EIDs after its SMRs: both new RLOCs cached, old ones gone" smr_updated
diag "mn2: whole set after $((($(date +%s%N) - t0) / 1000000)) ms; smr_received $(mn2_ctr smr_received), smr_rate_limited $(mn2_ctr smr_rate_limited), smr_deferred $(mn2_ctr smr_deferred)"
check "mn2 sent SMR-invoked Map-Requests ($smr0 -> $(mn2_ctr smr_invoked_sent))" \
	"[ $(mn2_ctr smr_invoked_sent) -gt $smr0 ]"
# What lispd caches is what the data plane uses: mn2's BPF entries for mn1's
# EIDs encapsulate to both new RLOCs, both up.
bpf_has_both() {   # eid...
	local mc line e
	mc=$(lab mcache mn2 brief)
	for e in "$@"; do
		line=$(echo "$mc" | grep -E "^$e +encap ") &&
			case "$line" in *" down"*) false ;; esac &&
			case "$line" in *" $(plan_rloc mn1 B 4) "*) ;; *) false ;; esac &&
			case "$line" in *" $(plan_rloc mn1 B 6) "*) ;; *) false ;; esac ||
			{ diag "mn2's BPF map-cache: $mc"; return 1; }
	done
}
ok "mn2's BPF map-cache: mn1's EIDs encapsulated to both of its new RLOCs" \
	bpf_has_both "$MN1_EID4/32" "$MN1_EID6/128"
ok "ping IPv4 EID mn2 -> mn1 after the move" ping_ok mn2 "$MN2_EID4" "$MN1_EID4"
ok "ping IPv6 EID mn2 -> mn1 after the move" ping_ok mn2 "$MN2_EID6" "$MN1_EID6"
# mn1's ETR answers mn2's RLOC once per 3 s (RFC 9301's Map-Reply rate),
# and mn2's lispd has just asked from that RLOC: lig's tries must span
# more than 3 s, as its defaults (3 of 2 s) do.
lig_new_rloc() {
	local out
	out=$(lab exec mn2 "$BUILD/lig" -m "$MS4" -s "$(plan_rloc mn2 B 4)" -c 5 -t 1 -j "$MN1_EID4")
	echo "$out" | grep -q "\"address\":\"$(plan_rloc mn1 B 4)\"" ||
		{ diag "lig: $out"; return 1; }
}
ok "lig from mn2 gets mn1's new RLOC" lig_new_rloc
# A restarted lispd keeps its nonce counter (state directory): the
# map-server, which refuses a Map-Register whose nonce is not above the
# xTR's last, accepts the restarted node's.
replay0=$(ms_ctr drop-replay)
accepted0=$(ms_ctr registers-accepted)
ok "restart mn1's lispd in network B" lab restart mn1
registered_again() {
	local i
	for i in $(seq 1 50); do
		lab q mn1 registrations | grep -q '"state":"registered"' &&
			[ "$(ms_ctr registers-accepted)" -gt "$accepted0" ] && break
		sleep 0.2
	done
	[ "$(ms_ctr drop-replay)" = "$replay0" ] || { diag "drop-replay $replay0 -> $(ms_ctr drop-replay)"; return 1; }
	lab q mn1 registrations | grep -q '"state":"registered"' && registered_at_b
}
ok "mn1 registered again after the restart, no register refused as a replay" registered_again

# ---- down after a crash ---------------------------------------------------------------------
pids=$(daemon_pids "$NAME")
check "four daemons ran ($(echo $pids | wc -w) pid files)" "[ $(echo $pids | wc -w) -ge $((3 + PXTR)) ]"
kill -KILL "$(cat "$RUN_BASE/$NAME/mn2/lispd.pid")" "$(cat "$RUN_BASE/$NAME/ms/lispd.pid")"
ok "down after mn2's and the map-server's lispd were SIGKILLed" lab down
ok "nothing left: namespaces, mounts, processes, files" nothing_left "$NAME" $pids

# ---- an interrupted up -------------------------------------------------------------------------
# SIGTERM (a background job of a script ignores SIGINT; `up` traps both).
# Half-way: the namespaces are built and the map-server's lispd runs.
tools/lab/lab.sh -n "$NAME3" up >/dev/null 2>&1 &
UP=$!
ms_running() { [ -S "$RUN_BASE/$NAME3/ms/lispd.sock" ]; }
wait_until 20 ms_running
ms3=$(cat "$RUN_BASE/$NAME3/ms/lispd.pid" 2>/dev/null)
kill -TERM "$UP"
wait "$UP"
rc=$?
check "an up interrupted half-way fails ($rc)" "[ $rc -ne 0 ]"
ok "... and removed what it had built, the map-server's lispd included" nothing_left "$NAME3" $ms3

# ---- the README's demo command -----------------------------------------------------------------
# Its exit status is the verdict of its checks (a user or a script runs it
# as `scripts/demo.sh && ...`); the report ends with that verdict.
# It runs this test's build ($BUILD: plain or sanitizers), never its own.
DEMO_NO_BUILD=1 DEMO_LAB=$NAME4 DEMO_LOG=$RUN_BASE/demo.log scripts/demo.sh >"$RUN_BASE/demo.out" 2>&1
rc=$?
demo_passed() {
	[ "$rc" -eq 0 ] && grep -q '^  every check passed$' "$RUN_BASE/demo.out" ||
		{ diag "exit $rc; report:"; sed 's/^/#   /' "$RUN_BASE/demo.out"; return 1; }
}
ok "scripts/demo.sh: exit 0, every check passed" demo_passed
check "... the handover recovered by lispd alone" "grep -q 'recovered by lispd alone' '$RUN_BASE/demo.out'"
check "... the map-server reported 4 registered EID prefixes" "grep -q 'map-server: 4 EID prefixes registered' '$RUN_BASE/demo.out'"
ok "... and removed its lab" nothing_left "$NAME4"
tap_done
