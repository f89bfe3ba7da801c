#!/bin/bash
# lispd under valgrind (memcheck) through a whole life, in the lab of
# roles_lab.sh: the MS, the PxTR, the RTR and the MN start under valgrind,
# the MN registers, the PxTR and the MN resolve through the MS (pings both
# ways through the PITR and the PETR), a node registers through the RTR,
# every role reloads on SIGHUP, and SIGTERM stops them (restoring the
# hosts). Asserted: each exits 0, valgrind counts
# no error, and no memory is definitely or indirectly lost.
# tests/e2e/valgrind.supp holds the few false positives (each explained);
# valgrind's logs are copied next to the test's log.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
BUILD=${BUILD:-$PWD/build}
. tests/e2e/lab.sh
. tests/e2e/lispd_lib.sh
. tests/e2e/roles_lab.sh

tap_require_root "network namespaces, BPF"
if ! command -v valgrind >/dev/null; then
	echo "ok 1 # SKIP valgrind is not installed (scripts/deps.sh installs it)"
	tap_done
fi
trap roles_cleanup EXIT
trap 'exit 1' INT TERM HUP

VG_ERR=99   # valgrind's exit status when it found errors or leaks
vg_log() { echo "$LAB_TMP/valgrind-$1.log"; }

vg_start() {   # node config
	local n=$1 i
	bg_in_ns "$(ns_of "$n")" valgrind --tool=memcheck --leak-check=full \
		--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
		--error-exitcode=$VG_ERR --suppressions=tests/e2e/valgrind.supp \
		--log-file="$(vg_log "$n")" \
		"$LISPD" -n -d 1 -f "$2" -S "$LAB_TMP/state-$n" -C "$(ctl_of "$n")" \
		-p "$(pin_of "$n")" >>"$(log_of "$n")" 2>&1
	PID[$n]=$LAST_PID
	for i in $(seq 1 600); do
		q "$n" status >/dev/null 2>&1 && return 0
		if ! kill -0 "${PID[$n]}" 2>/dev/null; then
			sed 's/^/#   /' "$(log_of "$n")" | tail -10
			return 1
		fi
		sleep 0.1
	done
	diag "$n did not answer within 60 s under valgrind"
	return 1
}

# valgrind's verdict for node: exit status 0 (not VG_ERR), "0 errors", and
# nothing definitely or indirectly lost.
vg_clean() {   # node
	local log
	log=$(vg_log "$1")
	cp "$log" "${LOGDIR:-$BUILD/test-logs}/e2e-test_valgrind-$1.log" 2>/dev/null
	if [ "$NODE_RC" -ne 0 ] || ! grep -q 'ERROR SUMMARY: 0 errors' "$log" ||
		grep -qE '(definitely|indirectly) lost: [1-9]' "$log"; then
		diag "$1: exit status $NODE_RC; valgrind says:"
		grep -vE '^==[0-9]+== *$' "$log" | head -60 | sed 's/^/#   /'
		return 1
	fi
}

ok "lab: MN, PxTR, MS, RTR and a non-LISP host" eval 'roles_lab_up && roles_rtr_up'
{ roles_ms_conf; roles_ms_rtr_conf; } >"$LAB_TMP/ms.conf"
roles_pxtr_conf >"$LAB_TMP/pxtr.conf"
roles_mn_conf >"$LAB_TMP/mn.conf"
roles_rtr_conf >"$LAB_TMP/rtr.conf"
roles_snapshot m "$LAB_TMP/before-m"
roles_snapshot p "$LAB_TMP/before-p"
roles_snapshot t "$LAB_TMP/before-t"

ok "MS starts under valgrind" vg_start s "$LAB_TMP/ms.conf"
ok "PxTR starts under valgrind" vg_start p "$LAB_TMP/pxtr.conf"
ok "MN starts under valgrind" vg_start m "$LAB_TMP/mn.conf"
ok "RTR starts under valgrind" vg_start t "$LAB_TMP/rtr.conf"
ok "the MN registers" wait_json m registrations "d[0]['state'] == 'registered'" 100
ok "the host reaches the MN's EID through the PITR (resolved through the MS)" \
	eval "in_ns '$NS_H' ping -q -c 3 -i 0.5 -W 2 -w 20 '$MN_EID' >/dev/null"
ok "the MN reaches the host through the PETR (resolved: native-forward)" \
	eval "in_ns '$NS_M' ping -q -c 2 -i 0.5 -W 2 -w 20 -I '$MN_EID' '$HOST' >/dev/null"
ok "a node registers through the RTR" roles_rtr_register 1
{ roles_ms_conf 198.19.0.0/24; roles_ms_rtr_conf; } >"$LAB_TMP/ms.conf"
roles_pxtr_conf 198.19.254.0/24 >"$LAB_TMP/pxtr.conf"
roles_mn_conf 198.19.253.0/24 >"$LAB_TMP/mn.conf"
{ roles_rtr_conf; roles_static 198.19.252.0/24; } >"$LAB_TMP/rtr.conf"
kill -HUP "${PID[s]}" "${PID[p]}" "${PID[m]}" "${PID[t]}"
for n in s p m t; do
	ok "$n reloads on SIGHUP" wait_json "$n" status \
		"d['daemon']['reloads'] == 1 and d['daemon']['reload_errors'] == 0" 50
done
for n in m p t s; do
	node_stop "$n" TERM
	ok "$n: SIGTERM, exit 0, no valgrind error, nothing definitely or indirectly lost" vg_clean "$n"
done
ok "the MN's namespace is exactly as before" roles_same_as m "$LAB_TMP/before-m"
ok "the PxTR's namespace is exactly as before" roles_same_as p "$LAB_TMP/before-p"
ok "the RTR's namespace is exactly as before" roles_same_as t "$LAB_TMP/before-t"

tap_done
