# Starting, asking and stopping the lab's lispd daemons, and tearing the
# whole instance down (sourced by lab.sh after topo.sh).
#
# Node NODE keeps everything under $LAB_RUN/NODE: lispd.conf, lispd.log,
# lispd.pid, the state directory state/, the control socket lispd.sock and
# a bpffs instance mounted at bpf/ (pins in bpf/lispd). The mount is made in
# the root mount namespace: `ip netns exec` gives each command a fresh /sys
# (hiding /sys/fs/bpf) but keeps other mounts, so the node's lispd, bpftool
# and lispd-bpf all reach the pins through the same path.

node_dir() { echo "$LAB_RUN/$1"; }
node_pin() { echo "$LAB_RUN/$1/bpf/lispd"; }
node_sock() { echo "$LAB_RUN/$1/lispd.sock"; }
node_log() { echo "$LAB_RUN/$1/lispd.log"; }

# node_q NODE REQUEST: the daemon's JSON answer on its control socket.
node_q() { in_node "$1" "$LISPD" -C "$(node_sock "$1")" -q "$2"; }

node_pid() {
	local p
	p=$(cat "$(node_dir "$1")/lispd.pid" 2>/dev/null) || return 1
	# Only a process inside this node's namespace is ours (the pid file
	# may be older than a reboot or a crash).
	[ -n "$p" ] && [ "$(ip netns identify "$p" 2>/dev/null)" = "$(ns_of "$1")" ] && echo "$p"
}

node_running() { node_pid "$1" >/dev/null; }

_bpffs() {   # node
	local d
	d=$(node_dir "$1")/bpf
	mkdir -p "$d" || return 1
	mountpoint -q "$d" || mount -t bpf bpf "$d"
}

# node_start NODE: lispd in the foreground of its own session (a Ctrl-C
# meant for the caller does not reach it; lab teardown stops it), its pid
# written by the shell that becomes it. Returns once the control socket
# answers, or 1 (the log's tail on stderr) if lispd exits first.
node_start() {
	local n=$1 d i
	d=$(node_dir "$n")
	_bpffs "$n" || return 1
	rm -f "$d/lispd.pid"
	setsid sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$d/lispd.pid" \
		ip netns exec "$(ns_of "$n")" "$LISPD" -n -d "${LAB_DEBUG:-1}" -f "$d/lispd.conf" \
		-S "$d/state" -C "$d/lispd.sock" -p "$d/bpf/lispd" \
		</dev/null >>"$d/lispd.log" 2>&1 &
	for i in $(seq 1 100); do
		if [ -S "$d/lispd.sock" ] && node_q "$n" status >/dev/null 2>&1; then
			return 0
		fi
		if [ -s "$d/lispd.pid" ] && ! kill -0 "$(cat "$d/lispd.pid")" 2>/dev/null; then
			echo "lab: $n: lispd exited at start; the end of $d/lispd.log:" >&2
			tail -5 "$d/lispd.log" | sed 's/^/lab:   /' >&2
			return 1
		fi
		sleep 0.1
	done
	echo "lab: $n: lispd did not answer on $d/lispd.sock within 10 s" >&2
	return 1
}

# Ends the given pids (TERM, then KILL after 5 s) and waits for them to be
# gone (5 s more at most).
_end_pids() {
	local p i left
	[ -n "$*" ] || return 0
	for p in "$@"; do kill -TERM "$p" 2>/dev/null; done
	for i in $(seq 1 100); do
		left=""
		for p in "$@"; do kill -0 "$p" 2>/dev/null && left="$left $p"; done
		[ -z "$left" ] && return 0
		if [ "$i" = 50 ]; then
			for p in $left; do kill -KILL "$p" 2>/dev/null; done
		fi
		sleep 0.1
	done
}

node_stop() {   # node
	local p
	p=$(node_pid "$1") || return 0
	_end_pids "$p"
	rm -f "$(node_dir "$1")/lispd.pid"
}

# lab_teardown: everything of this instance, found by its name prefix and
# run directory alone, so it also cleans up after a crashed or killed run:
# the processes inside its namespaces (lispd first, so mobile nodes restore
# their host as they are meant to), the bpffs mounts, the namespaces, and
# the run directory unless LAB_KEEP=1.
lab_teardown() {
	local ns pids="" m
	for ns in $(topo_list); do
		pids="$pids $(ip netns pids "$ns" 2>/dev/null)"
	done
	# shellcheck disable=SC2086
	_end_pids $pids
	if [ -d "$LAB_RUN" ]; then
		for m in $(findmnt -rn -o TARGET | grep "^$LAB_RUN/" | sort -r); do
			umount "$m" 2>/dev/null || umount -l "$m"
		done
	fi
	for ns in $(topo_list); do
		ip netns del "$ns"
	done
	[ "${LAB_KEEP:-0}" = 1 ] || rm -rf "$LAB_RUN"
}
