# TAP helpers for shell tests; source this file.
#   ok "description" command args...   runs the command, records ok / not ok
#   check "description" CONDITION      same, for a shell condition string
#   tap_done                            prints the plan; exits 1 if anything failed
#   tap_require_root "what for"         ends the test as skipped unless root
#   tap_require_cmd COMMAND             ends the test as skipped without COMMAND
#   wait_until SECONDS command args...  polls the command until it succeeds
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

# Runs the command every 0.1 s until it succeeds; after SECONDS (whole
# seconds) says what it waited for and returns 1. A loaded machine may take
# seconds to deliver a signal, a packet or a timer: tests wait for what they
# check, with a generous deadline, never for a fixed time.
wait_until() {   # seconds command args...
	local end=$((${EPOCHREALTIME//[!0-9]/} + $1 * 1000000))
	shift
	until "$@"; do
		if [ "${EPOCHREALTIME//[!0-9]/}" -ge "$end" ]; then
			diag "still not true after the deadline: $*"
			return 1
		fi
		sleep 0.1
	done
}

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
