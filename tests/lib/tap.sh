# TAP helpers for shell tests; source this file.
#   ok "description" command args...   runs the command, records ok / not ok
#   check "description" CONDITION      same, for a shell condition string
#   tap_done                            prints the plan; exits 1 if anything failed
#   tap_require_root "what for"         ends the test as skipped unless root
#   tap_require_cmd COMMAND             ends the test as skipped without COMMAND
_tap_n=0
_tap_failed=0

_tap_report() {
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_failed=$((_tap_failed + 1))
	fi
}

ok() {
	local desc=$1
	shift
	"$@"
	_tap_report $? "$desc"
}

check() {
	eval "$2"
	_tap_report $? "$1"
}

diag() { echo "# $*"; }

tap_done() {
	echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
	exit $?
}

tap_require_root() {   # what for
	[ "$(id -u)" -eq 0 ] && return 0
	echo "ok 1 # SKIP needs root ($1)"
	tap_done
}

tap_require_cmd() {   # command
	command -v "$1" >/dev/null && return 0
	echo "ok 1 # SKIP needs $1"
	tap_done
}
