#!/bin/bash
# dist/lispd.service.in, the systemd unit `make install` installs:
#  - rendered as make renders it, `systemd-analyze verify` accepts it;
#  - lispd accepts the options of its ExecStartPre and ExecStart lines;
#  - each role (MN, PxTR, MS), started with exactly ExecStart's options
#    (daemonized, pid file) in the lab of roles_lab.sh, run through start,
#    registration, resolution, SIGHUP and SIGTERM under strace, makes only
#    system calls the unit's SystemCallFilter allows and opens only sockets
#    of the families RestrictAddressFamilies allows.
# The namespace options (ProtectSystem=, PrivateTmp=, ...) need systemd as
# PID 1 and are not exercised here; the unit's CapabilityBoundingSet is
# (tests/e2e/test_privs.sh).
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
BUILD=${BUILD:-$PWD/build}
. tests/e2e/lab.sh
. tests/e2e/lispd_lib.sh
. tests/e2e/roles_lab.sh

UNIT_IN=dist/lispd.service.in
UNIT=$LAB_TMP/lispd.service
trap roles_cleanup EXIT
trap 'exit 1' INT TERM HUP

# As the Makefile renders it, with lispd where this build has it.
ok "make renders the unit" make -s --no-print-directory BUILD="$LAB_TMP/b" PREFIX=/usr \
	"$LAB_TMP/b/lispd.service"
sed "s|@SBINDIR@|$(dirname "$LISPD")|g" "$UNIT_IN" >"$UNIT"
check "... with lispd in PREFIX/sbin and nothing left to fill in" \
	"grep -q '^ExecStart=/usr/sbin/lispd ' '$LAB_TMP/b/lispd.service' && ! grep -q @SBINDIR@ '$LAB_TMP/b/lispd.service'"

if command -v systemd-analyze >/dev/null; then
	# --man=no: the man page is checked by the build, not installed here.
	ok "systemd-analyze verify accepts the unit" eval "systemd-analyze verify --man=no '$UNIT' 2>&1 | sed 's/^/# /'; [ \${PIPESTATUS[0]} -eq 0 ]"
else
	echo "ok $((_tap_n + 1)) # SKIP systemd-analyze verify: systemd-analyze is not installed"
	_tap_n=$((_tap_n + 1))
fi

# The command lines of the unit, words after the program, with the paths
# a test may not touch (/etc/lispd.conf, /run/lispd.pid) replaced.
unit_args() {   # key conf pidfile
	sed -n "s|^$1=[^ ]*/lispd ||p" "$UNIT" | sed "s|/etc/lispd.conf|$2|g; s|/run/lispd.pid|$3|g"
}
roles_ms_conf >"$LAB_TMP/ms.conf"
pre=$(unit_args ExecStartPre "$LAB_TMP/ms.conf" "$LAB_TMP/x.pid")
start=$(unit_args ExecStart "$LAB_TMP/ms.conf" "$LAB_TMP/x.pid")
check "ExecStartPre checks the configuration: lispd $pre" \
	"'$LISPD' $pre | grep -q 'configuration OK'"
check "ExecStart's options are lispd's (lispd $start -t)" \
	"'$LISPD' $start -t | grep -q 'configuration OK'"
echo "operating-mode = Nope" >"$LAB_TMP/bad.conf"
check "ExecStartPre refuses a broken configuration (the unit does not start)" \
	"! '$LISPD' $(unit_args ExecStartPre "$LAB_TMP/bad.conf" x) >/dev/null 2>&1"

if [ "$(id -u)" -ne 0 ] || ! command -v strace >/dev/null || ! command -v systemd-analyze >/dev/null; then
	echo "ok $((_tap_n + 1)) # SKIP system calls under the unit's filter: needs root, strace and systemd-analyze"
	_tap_n=$((_tap_n + 1))
	tap_done
fi

# ---- system calls and address families of a whole life ---------------------------------------
# The unit's allow list, its groups expanded (systemd always allows @default).
allowed_syscalls() {
	systemd-analyze syscall-filter 2>/dev/null | python3 -c '
import sys
groups, cur = {}, None
for line in sys.stdin:
    if line.startswith("@"):
        cur = line.split()[0]; groups[cur] = []
    elif cur and line.strip() and not line.strip().startswith("#"):
        groups[cur].append(line.split()[0])
def expand(name, seen):
    if not name.startswith("@"):
        return {name}
    if name in seen:
        return set()
    seen.add(name)
    out = set()
    for m in groups.get(name, []):
        out |= expand(m, seen)
    return out
words = ["@default"] + sys.argv[1].split()
allowed = set()
for w in words:
    allowed |= expand(w, set())
print("\n".join(sorted(allowed)))' "$(sed -n 's/^SystemCallFilter=//p' "$UNIT")"
}
allowed_syscalls >"$LAB_TMP/allowed"
check "the unit's SystemCallFilter expands to a list ($(wc -l <"$LAB_TMP/allowed") calls, bpf among them)" \
	"grep -qx bpf '$LAB_TMP/allowed' && grep -qx capset '$LAB_TMP/allowed'"

ok "lab: MN, PxTR, MS and a non-LISP host" roles_lab_up
roles_pxtr_conf >"$LAB_TMP/pxtr.conf"
roles_mn_conf >"$LAB_TMP/mn.conf"

# lispd as the unit runs it (daemonized, pid file), under strace -f; the
# strace process is recorded in STRACE[node], the daemon's pid in PID[node].
declare -A STRACE
traced_start() {   # node config
	local n=$1 pidf=$LAB_TMP/lispd-$1.pid i
	# shellcheck disable=SC2046
	bg_in_ns "$(ns_of "$n")" strace -f -qq -s 0 -o "$LAB_TMP/strace-$n" \
		"$LISPD" $(unit_args ExecStart "$2" "$pidf") -S "$LAB_TMP/state-$n" -C "$(ctl_of "$n")" \
		-p "$(pin_of "$n")" >>"$(log_of "$n")" 2>&1
	STRACE[$n]=$LAST_PID
	for i in $(seq 1 150); do
		if [ -s "$pidf" ] && q "$n" status >/dev/null 2>&1; then
			PID[$n]=$(cat "$pidf")
			return 0
		fi
		sleep 0.1
	done
	return 1
}
traced_stop() {   # node
	local n=$1 rc
	kill -TERM "${PID[$n]}" || return 1
	wait "${STRACE[$n]}"
	rc=$?
	LAB_PIDS=${LAB_PIDS/ ${STRACE[$n]}/}
	[ "$rc" -eq 0 ] || diag "strace of $n: exit status $rc"
	# Gone, or a zombie not yet reaped by init (whose child it became).
	[ ! -e "/proc/${PID[$n]}" ] || [ "$(awk '{ print $3 }' "/proc/${PID[$n]}/stat" 2>/dev/null)" = Z ]
}
ok "MS started as the unit starts it (under strace)" traced_start s "$LAB_TMP/ms.conf"
ok "PxTR started as the unit starts it (under strace)" traced_start p "$LAB_TMP/pxtr.conf"
ok "MN started as the unit starts it (under strace)" traced_start m "$LAB_TMP/mn.conf"
ok "the MN registers" wait_json m registrations "d[0]['state'] == 'registered'" 75
ok "the host reaches the MN's EID through the PITR (resolved through the MS)" \
	eval "in_ns '$NS_H' ping -q -c 3 -i 0.3 -W 1 -w 10 '$MN_EID' >/dev/null"
ok "the MN reaches the host through the PETR" \
	eval "in_ns '$NS_M' ping -q -c 2 -i 0.3 -W 2 -w 10 -I '$MN_EID' '$HOST' >/dev/null"
kill -HUP "${PID[s]}" "${PID[p]}" "${PID[m]}"
for n in s p m; do
	ok "$n reloads on SIGHUP" wait_json "$n" status "d['daemon']['reloads'] == 1 and d['daemon']['reload_errors'] == 0" 25
done
for n in m p s; do
	ok "$n stops on SIGTERM" traced_stop "$n"
done

# "PID name(" at the start of a line; resumed and signal lines have none.
syscalls_of() { sed -n 's/^[0-9]\+ \+\([a-z0-9_]\+\)(.*/\1/p' "$@" | sort -u; }
syscalls_of "$LAB_TMP"/strace-? >"$LAB_TMP/used"
not_allowed=$(comm -23 "$LAB_TMP/used" "$LAB_TMP/allowed" | tr '\n' ' ')
check "every system call lispd made ($(wc -l <"$LAB_TMP/used") kinds) is in the unit's SystemCallFilter${not_allowed:+ (not: $not_allowed)}" \
	"[ -s '$LAB_TMP/used' ] && [ -z '$not_allowed' ]"
fams=$(sed -n 's/^[0-9]\+ \+socket(\(AF_[A-Z0-9]\+\).*/\1/p' "$LAB_TMP"/strace-? | sort -u | tr '\n' ' ')
want_fams=$(sed -n 's/^RestrictAddressFamilies=//p' "$UNIT")
stray=""
for f in $fams; do
	case " $want_fams " in *" $f "*) ;; *) stray="$stray $f" ;; esac
done
check "every socket it opened ($fams) is of a family RestrictAddressFamilies allows${stray:+ (not:$stray)}" \
	"[ -n '$fams' ] && [ -z '$stray' ]"

tap_done
