#!/bin/bash
# lispd on a host namespace, without a map-server: an invalid configuration
# changes nothing; a valid one sets up lmn0, the data plane, routes and rules
# as the LISPmob README describes; the control socket answers; SIGHUP
# reloads (and a broken file is refused without harm); SIGTERM and SIGINT
# restore the namespace exactly; kill -9 leaves stale state that the next
# start cleans; the daemonized form writes its pid file and returns only once
# the host is set up; a data plane attached by someone else is left alone.
# Registration and resolution need a map-server: later tests.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
BUILD=${BUILD:-$PWD/build}
. tests/e2e/lab.sh
. tests/e2e/lispd_lib.sh

tap_require_root "network namespaces, BPF"
trap lab_cleanup EXIT
ok "lab of three namespaces is up" lab_up

CONF=$LAB_TMP/a.conf
lispd_conf_a >"$CONF"
lab_snapshot "$NS_A" "$PIN_A" >"$LAB_TMP/before"
same_as_before() {   # what
	lab_snapshot "$NS_A" "$PIN_A" >"$LAB_TMP/now"
	diff "$LAB_TMP/before" "$LAB_TMP/now" >"$LAB_TMP/diff" && return 0
	diag "$1 differs:"
	sed 's/^/#   /' "$LAB_TMP/diff"
	return 1
}

# ---- invalid configurations change nothing ---------------------------------------
bad_conf() {   # name pattern-of-message file-contents
	local name=$1 pat=$2 out rc
	printf '%s\n' "$3" >"$LAB_TMP/$name.conf"
	out=$(in_ns "$NS_A" "$LISPD" -n -f "$LAB_TMP/$name.conf" -S "$LAB_TMP/state-bad" \
		-C "$LAB_TMP/bad.sock" -p "$PIN_A" 2>&1)
	rc=$?
	echo "$out" >"$LAB_TMP/$name.log"
	[ $rc -eq 1 ] || { diag "exit $rc: $out"; return 1; }
	echo "$out" | grep -qE "$pat" || { diag "message: $out"; return 1; }
	same_as_before "host after $name" || return 1
	[ ! -e "$LAB_TMP/bad.sock" ] || { diag "control socket left"; return 1; }
}
ok "unknown key: refused, names file:line:key, host unchanged" bad_conf unknown \
	"unknown.conf:2: .*frobnicate" "$(printf 'operating-mode = MN\nfrobnicate = 1\n')"
ok "syntax error: refused, host unchanged" bad_conf syntax "syntax.conf:[0-9]+" \
	"$(lispd_conf_a | sed 's/^map-server {/map-server {{/')"
ok "bad key-type: refused, host unchanged" bad_conf keytype "keytype.conf:[0-9]+: .*key-type" \
	"$(lispd_conf_a | sed 's/key-type *= 2/key-type = 7/')"
ok "database-mapping interface without addresses: refused, host unchanged" bad_conf noiface \
	"no database-mapping interface has a usable address" \
	"$(lispd_conf_a | sed 's/interface *= eth0/interface = nosuch0/')"
check "no key in any message" "! grep -rq 'e2e-secret-never-logged' '$LAB_TMP'/*.log 2>/dev/null"
missing_file() {
	local out
	out=$(in_ns "$NS_A" "$LISPD" -n -f "$LAB_TMP/nosuch.conf" -S "$LAB_TMP/state-bad" \
		-C "$LAB_TMP/bad.sock" -p "$PIN_A" 2>&1) && { diag "started: $out"; return 1; }
	echo "$out" | grep -q "nosuch.conf" || { diag "message: $out"; return 1; }
	same_as_before "host after a missing file"
}
ok "missing file: refused and named, host unchanged" missing_file
check "state directory not created by a refused configuration" "[ ! -e '$LAB_TMP/state-bad' ]"

# ---- start: lmn0, data plane, routes, rules ----------------------------------------
ok "lispd starts with a valid configuration" lispd_start "$CONF"
check "lmn0 exists, up, NOARP" "ip -n '$NS_A' -o link show lmn0 | grep -q 'NOARP.*UP\|UP.*NOARP'"
mtu=$(ip -n "$NS_A" -o link show lmn0 | sed -n 's/.* mtu \([0-9]*\).*/\1/p')
check "lmn0 MTU = 1500 - 56 (IPv6 RLOC present) (got $mtu)" "[ '$mtu' = 1444 ]"
check "EIDs on lmn0" "ip -n '$NS_A' -o addr show dev lmn0 | grep -q ' $EID4_A/32' &&
	ip -n '$NS_A' -o addr show dev lmn0 | grep -q ' $EID6_A/128'"
check "IPv4 default via lmn0 with metric 0" \
	"ip -n '$NS_A' route show default | grep -qx 'default dev lmn0 proto static scope link *'"
check "physical IPv4 default demoted to metric 100" \
	"ip -n '$NS_A' route show default | grep -q 'default via 192.0.2.254 dev eth0 metric 100'"
check "IPv6 default via lmn0 with metric 1 (IPv6's lowest)" \
	"ip -n '$NS_A' -6 route show default | grep -q 'default dev lmn0 proto static metric 1 '"
check "rule from the IPv4 RLOC lookup 4342" \
	"ip -n '$NS_A' rule show | grep -q '^4342:.*from $RLOC4_A lookup 4342'"
check "rule from the IPv6 RLOC lookup 4342" \
	"ip -n '$NS_A' -6 rule show | grep -q '^4342:.*from $RLOC6_A lookup 4342'"
check "table 4342: default via the physical gateways" \
	"ip -n '$NS_A' route show table 4342 | grep -q 'default via 192.0.2.254 dev eth0' &&
	ip -n '$NS_A' -6 route show table 4342 | grep -q 'default via 2001:db8:0:1::fe dev eth0'"
check "the kernel routes EID traffic into lmn0 and RLOC traffic out of eth0" \
	"ip -n '$NS_A' route get 198.51.100.77 | grep -q 'dev lmn0' &&
	ip -n '$NS_A' route get 198.51.100.77 from $RLOC4_A | grep -q 'via 192.0.2.254 dev eth0'"
check "TC programs on eth0 ingress and lmn0 egress" \
	"in_ns '$NS_A' tc filter show dev eth0 ingress | grep -q lispd_decap &&
	in_ns '$NS_A' tc filter show dev lmn0 egress | grep -q lispd_encap"
check "maps pinned, miss ring buffer among them" "[ -e '$PIN_A/lispd_miss_rb' ] && [ -e '$PIN_A/lispd_mcache' ]"
check "state directory: nonce and xtr-id" "[ -s '$STATE_A/nonce' ] && [ -s '$STATE_A/xtr-id' ]"

# ---- control socket -------------------------------------------------------------------
st=$(lispd_query status)
check "status: JSON with our pid, lmn0 and both RLOCs" "echo '$st' | json_get \"d['daemon']['pid'] == $LISPD_PID and d['daemon']['lmn'] == 'lmn0' and sorted(d['daemon']['rlocs']) == ['192.0.2.1', '2001:db8:0:1::1']\" | grep -qx True"
check "status: the protocol's part is there" "echo '$st' | json_get \"'mn' in d and isinstance(d['mn'], dict)\" | grep -qx True"
check "status: Map-Registers went out through the control socket" \
	"echo '$st' | json_get \"d['daemon']['control_tx'] >= 1\" | grep -qx True"
for req in counters registrations map-cache; do
	ans=$(lispd_query "$req")
	check "'$req' answers one JSON document" "echo '$ans' | python3 -c 'import json,sys; json.load(sys.stdin)'"
done
ans=$(lispd_query frobnicate)
check "unknown request: a JSON error" "echo '$ans' | json_get \"'error' in d\" | grep -qx True"
check "control socket is root-only (0600)" "[ \"\$(stat -c %a '$CTL_A')\" = 600 ]"
lab_snapshot "$NS_A" "$PIN_A" >"$LAB_TMP/running"
out=$(in_ns "$NS_A" "$LISPD" -n -f "$CONF" -S "$LAB_TMP/state-2" -C "$CTL_A" -p "$LAB_TMP/bpf-a/other" 2>&1)
check "a second lispd on the same control socket is refused" \
	"echo '$out' | grep -q 'another lispd answers there'"
lab_snapshot "$NS_A" "$PIN_A" >"$LAB_TMP/now"
check "... before touching the host" "diff '$LAB_TMP/running' '$LAB_TMP/now' >/dev/null"
check "... and the first still answers" "lispd_query status >/dev/null"

# ---- SIGHUP ---------------------------------------------------------------------------
# The daemon's reload counters, once they reach want (up to 5 s): a loaded
# machine may take a while to deliver the signal.
reload_counts() {   # want
	local i st
	for i in $(seq 1 50); do
		st=$(lispd_query status)
		echo "$st" | json_get "(d['daemon']['reloads'], d['daemon']['reload_errors'])" |
			grep -qx "$1" && return 0
		sleep 0.1
	done
	diag "reload counters: $(echo "$st" | json_get "(d['daemon']['reloads'], d['daemon']['reload_errors'])")"
	return 1
}
kill -HUP "$LISPD_PID"
ok "SIGHUP reloads a valid file" reload_counts '(1, 0)'
cp "$CONF" "$CONF.good"
echo "frobnicate = 1" >>"$CONF"
kill -HUP "$LISPD_PID"
ok "SIGHUP with a broken file: refused, still running" reload_counts '(2, 1)'
check "... lmn0 still up" "ip -n '$NS_A' -o link show lmn0 | grep -q UP"
cp "$CONF.good" "$CONF"

# ---- SIGTERM restores exactly ------------------------------------------------------------
lispd_stop TERM
check "SIGTERM: exit status 0" "[ '$LISPD_RC' = 0 ]"
ok "SIGTERM: namespace exactly as before start" same_as_before "after SIGTERM"
check "SIGTERM: control socket removed" "[ ! -e '$CTL_A' ]"
check "SIGTERM: no journal left" "[ ! -e '$STATE_A/host.state' ]"

# ---- SIGINT, and nonces increase across restarts -------------------------------------------
n1=$(cat "$STATE_A/nonce")
ok "lispd starts again" lispd_start "$CONF"
n2=$(cat "$STATE_A/nonce")
check "nonce reservation moved forward across the restart ($n1 -> $n2)" "[ '$n2' -gt '$n1' ]"
x1=$(cat "$STATE_A/xtr-id")
lispd_stop INT
check "SIGINT: exit status 0" "[ '$LISPD_RC' = 0 ]"
ok "SIGINT: namespace exactly as before start" same_as_before "after SIGINT"
check "xTR-ID kept" "[ \"\$(cat '$STATE_A/xtr-id')\" = '$x1' ]"

# ---- kill -9, then restart -------------------------------------------------------------------
ok "lispd starts" lispd_start "$CONF"
lispd_stop KILL
check "kill -9 leaves lmn0, the rule and the journal behind" \
	"ip -n '$NS_A' link show lmn0 >/dev/null 2>&1 && ip -n '$NS_A' rule show | grep -q 'lookup 4342' &&
	[ -e '$STATE_A/host.state' ]"
ok "restart after kill -9 comes up" lispd_start "$CONF"
check "restart says it cleaned an earlier run" "grep -q 'did not exit cleanly' '$LOG_A'"
check "exactly one IPv4 default via lmn0 and one demoted physical default" \
	"[ \"\$(ip -n '$NS_A' route show default | grep -c 'dev lmn0')\" = 1 ] &&
	[ \"\$(ip -n '$NS_A' route show default | grep -c 'dev eth0 metric 100')\" = 1 ] &&
	[ \"\$(ip -n '$NS_A' route show default | wc -l)\" = 2 ]"
check "exactly one rule per RLOC" "[ \"\$(ip -n '$NS_A' rule show | grep -c 'lookup 4342')\" = 1 ]"
check "status answers after the restart" "lispd_query status >/dev/null"
lispd_stop TERM
ok "after kill -9 and restart, SIGTERM restores exactly" same_as_before "after kill -9 + restart"

# ---- daemonized -------------------------------------------------------------------------------
PIDF=$LAB_TMP/lispd-a.pid
ok "daemonized lispd returns once set up" in_ns "$NS_A" "$LISPD" -f "$CONF" -S "$STATE_A" \
	-C "$CTL_A" -p "$PIN_A" -P "$PIDF" 2>>"$LOG_A"
dpid=$(cat "$PIDF" 2>/dev/null)
check "pid file names a running lispd" "[ -n '$dpid' ] && [ \"\$(cat /proc/$dpid/comm)\" = lispd ]"
check "lmn0 is up when the command returns" "ip -n '$NS_A' -o link show lmn0 | grep -q UP"
check "daemon answers status" "lispd_query status | json_get \"d['daemon']['pid']\" | grep -qx '$dpid'"
kill -TERM "$dpid"
ok "daemon exits on SIGTERM" wait_gone "$dpid"
check "pid file removed" "[ ! -e '$PIDF' ]"
ok "daemon restored the namespace exactly" same_as_before "after the daemon"
daemon_fails() {
	local out
	out=$(in_ns "$NS_A" "$LISPD" -f "$LAB_TMP/noiface.conf" -S "$STATE_A" -C "$CTL_A" \
		-p "$PIN_A" -P "$PIDF" 2>&1) && { diag "succeeded"; return 1; }
	echo "$out" | grep -q "no database-mapping interface" || { diag "message: $out"; return 1; }
	same_as_before "after a failed daemon start"
}
ok "daemon failing after detaching: the command fails, says why, host unchanged" daemon_fails

# ---- a data plane that is not ours ----------------------------------------------------------
ok "lispd-bpf attaches by hand" in_ns "$NS_A" "$LISPD_BPF" attach dev eth0 eid "$EID4_A" \
	rloc "$RLOC4_A" pin "$PIN_A"
lab_snapshot "$NS_A" "$PIN_A" >"$LAB_TMP/manual"
out=$(in_ns "$NS_A" "$LISPD" -n -f "$CONF" -S "$STATE_A" -C "$CTL_A" -p "$PIN_A" 2>&1)
check "lispd refuses a data plane attached by someone else" "echo '$out' | grep -q 'already attached'"
lab_snapshot "$NS_A" "$PIN_A" >"$LAB_TMP/now"
check "... and leaves it alone" "diff '$LAB_TMP/manual' '$LAB_TMP/now' >/dev/null"
ok "lispd-bpf detaches" in_ns "$NS_A" "$LISPD_BPF" detach pin "$PIN_A"

check "the key never reached the log" "! grep -q 'e2e-secret-never-logged' '$LOG_A'"
tap_done
