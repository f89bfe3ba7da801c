# Helpers for the lispd end-to-end tests; source after tap.sh and lab.sh.
# lispd always runs inside host A's namespace ($NS_A) with its own state
# directory, control socket and pin directory under $LAB_TMP, never in the
# root network namespace.

LISPD=${LISPD:-$BUILD/lispd}
STATE_A=$LAB_TMP/state-a
CTL_A=$LAB_TMP/lispd-a.sock
LOG_A=$LAB_TMP/lispd-a.log

# A valid mobile-node configuration for host A: both EIDs on eth0, a
# map-server and a resolver that do not answer (registration and resolution
# need a map-server: later tests).
lispd_conf_a() {
	cat <<EOC
operating-mode = MN
map-request-retries = 2
map-resolver = 198.51.100.250
map-server {
    address = 198.51.100.251
    key-type = 2
    key = "e2e-secret-never-logged"
    proxy-reply = on
}
proxy-etr {
    address = 203.0.113.5
    priority = 1
    weight = 100
}
database-mapping {
    eid-prefix = $EID4_A/32
    iid = 0
    interface = eth0
    priority = 1
    weight = 100
}
database-mapping {
    eid-prefix = $EID6_A/128
    iid = 0
    interface = eth0
    priority = 1
    weight = 100
}
EOC
}

# Starts lispd in the foreground in $NS_A (background job, PID in LISPD_PID
# and LAB_PIDS) and waits until its control socket answers.
lispd_start() {   # config [extra args...]
	local conf=$1
	shift
	bg_in_ns "$NS_A" "$LISPD" -n -d 1 -f "$conf" -S "$STATE_A" -C "$CTL_A" -p "$PIN_A" "$@" \
		>>"$LOG_A" 2>&1
	LISPD_PID=$LAST_PID
	lispd_wait_ready
}

lispd_wait_ready() {
	local i
	for i in $(seq 1 100); do
		if [ -S "$CTL_A" ] && lispd_query status >/dev/null 2>&1; then
			return 0
		fi
		if [ -n "${LISPD_PID:-}" ] && ! kill -0 "$LISPD_PID" 2>/dev/null; then
			diag "lispd exited; log:"
			sed 's/^/#   /' "$LOG_A"
			return 1
		fi
		sleep 0.1
	done
	diag "lispd did not answer on $CTL_A"
	return 1
}

lispd_query() {
	in_ns "$NS_A" "$LISPD" -C "$CTL_A" -q "$1"
}

# Sends sig to LISPD_PID and waits for its exit status (in LISPD_RC).
lispd_stop() {   # signal
	kill -"$1" "$LISPD_PID"
	wait "$LISPD_PID"
	LISPD_RC=$?
	LAB_PIDS=${LAB_PIDS/ $LISPD_PID/}
}

# Waits until a process that is not our child is gone.
wait_gone() {   # pid
	local i
	for i in $(seq 1 100); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

# JSON field of a document on stdin, by a Python expression on `d`.
json_get() {   # expr
	python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}
