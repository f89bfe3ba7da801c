# NAT lab for the end-to-end tests: a home NAT, and a home NAT behind a
# carrier-grade NAT, on a public network, built with tools/lab/nat.sh.
# Source after tap.sh, lab.sh and lispd_lib.sh.
#
#   c1  eth0 198.51.100.130 --.    home1 (masquerade)              world
#   mn  eth0 198.51.100.131 --+-- br0 198.51.100.129/25 wan .10 --+-- br0 198.51.100.1/25, .3
#                                                                   |   UDP echo server .1:5000
#                                                   ms eth0 .2 ----+
#   c2  eth0 198.51.100.130 ---- home2 (masquerade)    cgn (masquerade random)  |
#                               br0 198.51.100.129/25  br0 203.0.113.129/25     |
#                               wan 203.0.113.130 ---'  wan 198.51.100.20 ------'
#
# The public network is 198.51.100.0/25; both homes use 198.51.100.128/25
# inside (private space repeats from home to home), the CGN 203.0.113.128/25.
# No route leads to an inside network: only the NATs reach out. The echo
# server answers every datagram with the source address:port it saw, from
# the address and port it was sent to. c1 and c2 are plain hosts; mn and ms
# are for lispd (nodes "mn" and "ms" of node_start, q, wait_json).
# nat_lab_cleanup removes everything.

. tools/lab/nat.sh

NS_WORLD=$LAB_ID-world
NS_HOME1=$LAB_ID-home1
NS_HOME2=$LAB_ID-home2
NS_CGN=$LAB_ID-cgn
NS_C1=$LAB_ID-c1
NS_C2=$LAB_ID-c2
NS_NAT_MN=$LAB_ID-mn
NS_NAT_MS=$LAB_ID-ms
NAT_LAB_NS="$NS_WORLD $NS_HOME1 $NS_HOME2 $NS_CGN $NS_C1 $NS_C2 $NS_NAT_MN $NS_NAT_MS"

WORLD4=198.51.100.1        # the echo server, the public network's router
STRANGER4=198.51.100.3     # another public host (on the world namespace)
NAT_MS4=198.51.100.2
HOME1_PUB4=198.51.100.10
CGN_PUB4=198.51.100.20
HOME2_PUB4=203.0.113.130   # home2's uplink, inside the CGN
INSIDE_NET4=198.51.100.128/25
INSIDE_GW4=198.51.100.129
C1_4=198.51.100.130
C2_4=198.51.100.130
NAT_MN4=198.51.100.131
ECHO_PORT=5000

ns_of() { case $1 in mn) echo "$NS_NAT_MN" ;; ms) echo "$NS_NAT_MS" ;; esac; }
pin_of() { echo "$LAB_TMP/bpf-$1/lispd"; }

nat_lab_cleanup() {
	local ns
	lab_cleanup
	for ns in $NAT_LAB_NS; do
		ip netns del "$ns" 2>/dev/null
	done
}

nat_lab_up() {
	local ns
	for ns in $NAT_LAB_NS; do
		ip netns add "$ns" && ip -n "$ns" link set lo up || return 1
	done
	nat_lan "$NS_WORLD" "$WORLD4/25" && ip -n "$NS_WORLD" addr add "$STRANGER4/25" dev br0 &&
		nat_plug "$NS_WORLD" ms "$NS_NAT_MS" eth0 "$NAT_MS4/25" || return 1

	nat_plug "$NS_WORLD" home1 "$NS_HOME1" wan "$HOME1_PUB4/25" &&
		nat_box "$NS_HOME1" wan "$INSIDE_GW4/25" &&
		nat_plug "$NS_HOME1" c1 "$NS_C1" eth0 "$C1_4/25" &&
		nat_plug "$NS_HOME1" mn "$NS_NAT_MN" eth0 "$NAT_MN4/25" || return 1

	nat_plug "$NS_WORLD" cgn "$NS_CGN" wan "$CGN_PUB4/25" &&
		nat_box "$NS_CGN" wan 203.0.113.129/25 random &&
		nat_plug "$NS_CGN" home2 "$NS_HOME2" wan "$HOME2_PUB4/25" &&
		nat_box "$NS_HOME2" wan "$INSIDE_GW4/25" &&
		nat_plug "$NS_HOME2" c2 "$NS_C2" eth0 "$C2_4/25" || return 1

	mkdir -p "$LAB_TMP/bpf-mn" || return 1
	mount -t bpf bpf "$LAB_TMP/bpf-mn" && LAB_MOUNTS="$LAB_MOUNTS $LAB_TMP/bpf-mn" || return 1
	# The shell reads the datagram before it answers (socat fails writing it
	# to a shell gone already) and escapes ':' (socat's field separator).
	bg_in_ns "$NS_WORLD" socat UDP4-RECVFROM:$ECHO_PORT,bind=$WORLD4,reuseaddr,fork,shut-null \
		SYSTEM:'read -r _; echo $SOCAT_PEERADDR\:$SOCAT_PEERPORT'
	udp_wait_bound "$NS_WORLD" $ECHO_PORT
}

# ---- UDP through the NATs (socat) ---------------------------------------------------------
# Every socket is bound with SO_REUSEADDR, so a listener and a client share
# a port as one application's socket would (the connected one gets the
# answers of its peer, the listener the rest).

udp_wait_bound() {   # ns port
	local i
	for i in $(seq 1 50); do
		[ -n "$(ip netns exec "$1" ss -Hunl "sport = :$2")" ] && return 0
		sleep 0.1
	done
	diag "nothing bound to UDP port $2 in $1"
	return 1
}

# One datagram from port sport to the echo server; prints its answer (the
# source address:port the server saw), nothing if none came within 3 s.
# The server's empty datagram after the answer ends socat (null-eof).
udp_ask() {   # ns sport
	echo ask | ip netns exec "$1" socat -t3 - \
		UDP4:$WORLD4:$ECHO_PORT,sourceport="$2",reuseaddr,null-eof
}

udp_send() {   # ns src-addr:port dst-addr dst-port text
	echo "$5" | ip netns exec "$1" socat -u - UDP4:"$3":"$4",bind="$2",reuseaddr
}

# A receiver in the background appending what reaches port to file.
udp_listen() {   # ns port file
	bg_in_ns "$1" socat -u UDP4-RECV:"$2",reuseaddr OPEN:"$3",creat,append
	udp_wait_bound "$1" "$2"
}

# Waits until at least n packets were dropped as unsolicited.
nat_wait_dropped() {   # ns n
	local i
	for i in $(seq 1 50); do
		[ "$(nat_dropped "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	diag "$1 dropped $(nat_dropped "$1") as unsolicited, want $2"
	return 1
}
