#!/bin/bash
# lispd's privileges after set-up (ctl/core/privs.c), every role in the lab of
# roles_lab.sh (MN, PxTR, MS, RTR, a non-LISP host):
#  - once running, /proc/PID/status shows exactly the role's capabilities in
#    CapEff, CapPrm and CapBnd (MN, PxTR and RTR: cap_net_admin, cap_bpf;
#    MS: none), nothing inheritable or ambient, and NoNewPrivs 1;
#  - with only those, each role still does its work: the MN registers, the
#    MN and the PxTR resolve through the MS (traffic both ways through the
#    PETR and the PITR), a node registers through the RTR (committed into
#    its BPF NAT table), SIGHUP reloads every role (a new site, new static
#    entries reaching the BPF map-caches), and SIGTERM restores the MN's,
#    the PxTR's and the RTR's namespaces exactly;
#  - the MS needs no capability at all, even to start;
#  - started the way dist/lispd.service.in starts it (only the unit's
#    CapabilityBoundingSet), each role comes up and drops the same way.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
BUILD=${BUILD:-$PWD/build}
. tests/e2e/lab.sh
. tests/e2e/lispd_lib.sh
. tests/e2e/roles_lab.sh

tap_require_root "network namespaces, BPF"
trap roles_cleanup EXIT
trap 'exit 1' INT TERM HUP

CAP_NET_ADMIN=12
CAP_BPF=39
# What each role keeps (caps_kept of its entry in the role table), as /proc prints it.
want_caps() {   # node
	case $1 in
	m | p | t) printf '%016x' $(((1 << CAP_NET_ADMIN) | (1 << CAP_BPF))) ;;
	s) printf '%016x' 0 ;;
	esac
}

status_field() {   # pid field
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

# The five capability sets and NoNewPrivs of node's lispd, as expected.
caps_are() {   # node
	local pid=${PID[$1]} want f got bad=0
	want=$(want_caps "$1")
	for f in CapEff CapPrm CapBnd; do
		got=$(status_field "$pid" $f)
		[ "$got" = "$want" ] || { diag "$1: $f $got, want $want"; bad=1; }
	done
	for f in CapInh CapAmb; do
		got=$(status_field "$pid" $f)
		[ "$got" = 0000000000000000 ] || { diag "$1: $f $got, want 0"; bad=1; }
	done
	got=$(status_field "$pid" NoNewPrivs)
	[ "$got" = 1 ] || { diag "$1: NoNewPrivs $got"; bad=1; }
	return $bad
}

ok "lab: MN, PxTR, MS, RTR and a non-LISP host" eval 'roles_lab_up && roles_rtr_up'
{ roles_ms_conf; roles_ms_rtr_conf; } >"$LAB_TMP/ms.conf"
roles_pxtr_conf >"$LAB_TMP/pxtr.conf"
roles_mn_conf >"$LAB_TMP/mn.conf"
roles_rtr_conf >"$LAB_TMP/rtr.conf"
roles_snapshot m "$LAB_TMP/before-m"
roles_snapshot p "$LAB_TMP/before-p"
roles_snapshot t "$LAB_TMP/before-t"

# ---- each role after start --------------------------------------------------------------
ok "lispd starts as MS" node_start s "$LAB_TMP/ms.conf"
ok "lispd starts as PxTR" node_start p "$LAB_TMP/pxtr.conf"
ok "lispd starts as MN" node_start m "$LAB_TMP/mn.conf"
ok "lispd starts as RTR" node_start t "$LAB_TMP/rtr.conf"
for n in m p s t; do
	role=$(case $n in m) echo MN ;; p) echo PxTR ;; s) echo MS ;; t) echo RTR ;; esac)
	ok "$role: CapEff = CapPrm = CapBnd = $(want_caps $n), CapInh = CapAmb = 0, NoNewPrivs 1" \
		caps_are $n
done
check "MN, PxTR and RTR say what they keep" \
	"grep -q 'privileges: keeping cap_net_admin,cap_bpf; no_new_privs set' '$(log_of m)' &&
	 grep -q 'privileges: keeping cap_net_admin,cap_bpf; no_new_privs set' '$(log_of p)' &&
	 grep -q 'privileges: keeping cap_net_admin,cap_bpf; no_new_privs set' '$(log_of t)'"
check "the MS keeps none" "grep -q 'privileges: keeping none; no_new_privs set' '$(log_of s)'"

# ---- their work, with only that -----------------------------------------------------------
ok "the MN registers with the MS" wait_json m registrations "d[0]['state'] == 'registered'" 50
ok "the host reaches the MN's EID: the PxTR resolved it through the MS (PITR)" \
	eval "in_ns '$NS_H' ping -q -c 3 -i 0.3 -W 1 -w 10 '$MN_EID' >/dev/null"
check "... the PITR's BPF map-cache has it" \
	"in_ns '$NS_P' '$LISPD_BPF' map-cache show pin '$PIN_P' | grep -q '$MN_EID/32'"
ok "the MN reaches the host: resolved (native-forward) and sent through the PETR" \
	eval "in_ns '$NS_M' ping -q -c 2 -i 0.3 -W 2 -w 10 -I '$MN_EID' '$HOST' >/dev/null"
check "... the MN learnt it from the MS" \
	"q m map-cache | json_get \"any(e['action'] == 'native-forward' for e in d)\" | grep -qx True"
ok "a node registers through the RTR: relayed, confirmed, in the RTR's BPF NAT table" \
	roles_rtr_register 1

# ---- SIGHUP ----------------------------------------------------------------------------------
reloaded() {   # node
	wait_json "$1" status "d['daemon']['reloads'] == 1 and d['daemon']['reload_errors'] == 0" 25
}
in_bpf_mcache() {   # node prefix
	in_ns "$(ns_of "$1")" "$LISPD_BPF" map-cache show pin "$(pin_of "$1")" | grep -q "$2"
}
{ roles_ms_conf 198.19.0.0/24; roles_ms_rtr_conf; } >"$LAB_TMP/ms.conf"
roles_pxtr_conf 198.19.254.0/24 >"$LAB_TMP/pxtr.conf"
roles_mn_conf 198.19.253.0/24 >"$LAB_TMP/mn.conf"
{ roles_rtr_conf; roles_static 198.19.252.0/24; } >"$LAB_TMP/rtr.conf"
kill -HUP "${PID[s]}" "${PID[p]}" "${PID[m]}" "${PID[t]}"
ok "SIGHUP: the MS reloaded" reloaded s
check "... and serves the new site" "q s sites | json_get 'len(d[\"sites\"])' | grep -qx 3"
ok "SIGHUP: the PxTR reloaded" reloaded p
check "... its new static entry is in the PITR's BPF map-cache" "in_bpf_mcache p 198.19.254.0/24"
ok "SIGHUP: the MN reloaded" reloaded m
check "... its new static entry is in its BPF map-cache" "in_bpf_mcache m 198.19.253.0/24"
ok "the MN registers again after the reload" \
	wait_json m registrations "d[0]['state'] == 'registered' and d[0]['notifies'] >= 2" 50
ok "SIGHUP: the RTR reloaded" reloaded t
check "... its new static entry is in its BPF map-cache" "in_bpf_mcache t 198.19.252.0/24"
for n in m p s t; do
	check "$n: capabilities unchanged by the reload" "caps_are $n"
done

# ---- SIGTERM ---------------------------------------------------------------------------------
node_stop m TERM
check "SIGTERM: the MN exits 0" "[ '$NODE_RC' -eq 0 ]"
ok "... its namespace is exactly as before (lmn0, routes, rules, filters, pins)" \
	roles_same_as m "$LAB_TMP/before-m"
node_stop p TERM
check "SIGTERM: the PxTR exits 0" "[ '$NODE_RC' -eq 0 ]"
ok "... its namespace is exactly as before (filters, qdiscs, pins)" \
	roles_same_as p "$LAB_TMP/before-p"
node_stop t TERM
check "SIGTERM: the RTR exits 0" "[ '$NODE_RC' -eq 0 ]"
ok "... its namespace is exactly as before (filters, qdiscs, pins)" \
	roles_same_as t "$LAB_TMP/before-t"
node_stop s TERM
check "SIGTERM: the MS exits 0" "[ '$NODE_RC' -eq 0 ]"
check "no error restoring in any log" \
	"! grep -q 'restoring the host' '$(log_of m)' '$(log_of p)' '$(log_of t)'"

# ---- the MS needs nothing -------------------------------------------------------------------
# setpriv as root: every capability set emptied before lispd runs.
start_ms_unprivileged() {
	local i
	bg_in_ns "$NS_S" setpriv --inh-caps=-all --ambient-caps=-all --bounding-set=-all -- \
		"$LISPD" -n -d 1 -f "$LAB_TMP/ms.conf" -S "$LAB_TMP/state-s" -C "$(ctl_of s)" \
		>>"$(log_of s)" 2>&1
	PID[s]=$LAST_PID
	for i in $(seq 1 100); do
		q s status >/dev/null 2>&1 && return 0
		kill -0 "${PID[s]}" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
: >"$(log_of s)"
ok "the MS starts with no capability at all" start_ms_unprivileged
check "... and keeps none" "caps_are s"
check "... serves its sites" "q s sites | json_get 'len(d[\"sites\"])' | grep -qx 3"
node_stop s TERM
check "... and exits 0 on SIGTERM" "[ '$NODE_RC' -eq 0 ]"

# ---- as the systemd unit starts it ------------------------------------------------------------
# The unit's CapabilityBoundingSet, as setpriv's --bounding-set list.
unit_bounding() {
	sed -n 's/^CapabilityBoundingSet=//p' dist/lispd.service.in | tr 'A-Z' 'a-z' |
		sed 's/cap_//g; s/ *$//; s/ \+/,+/g; s/^/-all,+/'
}
BSET=$(unit_bounding)
check "dist/lispd.service.in names a CapabilityBoundingSet ($BSET)" "[ -n '$BSET' ] && [ '$BSET' != '-all,+' ]"
unit_start() {   # node config
	local n=$1 i
	bg_in_ns "$(ns_of "$n")" setpriv --bounding-set="$BSET" -- "$LISPD" -n -d 1 -f "$2" \
		-S "$LAB_TMP/state-$n" -C "$(ctl_of "$n")" -p "$(pin_of "$n")" >>"$(log_of "$n")" 2>&1
	PID[$n]=$LAST_PID
	for i in $(seq 1 100); do
		q "$n" status >/dev/null 2>&1 && return 0
		if ! kill -0 "${PID[$n]}" 2>/dev/null; then
			sed 's/^/#   /' "$(log_of "$n")" | tail -5
			return 1
		fi
		sleep 0.1
	done
	return 1
}
for n in s p m t; do : >"$(log_of $n)"; done
ok "with the unit's bounding set: the MS starts" unit_start s "$LAB_TMP/ms.conf"
ok "with the unit's bounding set: the PxTR starts (BPF programs loaded, attached)" \
	unit_start p "$LAB_TMP/pxtr.conf"
ok "with the unit's bounding set: the MN starts (lmn0, data plane, routes)" \
	unit_start m "$LAB_TMP/mn.conf"
ok "with the unit's bounding set: the RTR starts (BPF program loaded, attached)" \
	unit_start t "$LAB_TMP/rtr.conf"
for n in m p s t; do
	check "$n: the same capabilities after set-up" "caps_are $n"
done
check "no capability was left in the bounding set (the unit gives CAP_SETPCAP)" \
	"! grep -q 'no CAP_SETPCAP' '$(log_of m)' '$(log_of p)' '$(log_of s)' '$(log_of t)'"
ok "the MN registers" wait_json m registrations "d[0]['state'] == 'registered'" 50
ok "a node registers through the RTR" roles_rtr_register 2
node_stop m TERM
check "SIGTERM: the MN exits 0" "[ '$NODE_RC' -eq 0 ]"
ok "... its namespace is exactly as before" roles_same_as m "$LAB_TMP/before-m"
node_stop p TERM
check "SIGTERM: the PxTR exits 0" "[ '$NODE_RC' -eq 0 ]"
ok "... its namespace is exactly as before" roles_same_as p "$LAB_TMP/before-p"
node_stop t TERM
check "SIGTERM: the RTR exits 0" "[ '$NODE_RC' -eq 0 ]"
ok "... its namespace is exactly as before" roles_same_as t "$LAB_TMP/before-t"
node_stop s TERM
check "SIGTERM: the MS exits 0" "[ '$NODE_RC' -eq 0 ]"
check "no key in any log" "! grep -q -e '$KEY' -e '$KEY_RTR' '$(log_of m)' '$(log_of p)' '$(log_of s)' '$(log_of t)'"

tap_done
