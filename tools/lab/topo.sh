# The lab's namespaces and links (sourced by lab.sh after plan.sh).
# Every namespace is named $LAB_PREFIX<node>; nothing is added to the root
# network namespace.

LAB_NODES="core acc-a acc-b ms pxtr host mn1 mn2"

ns_of() { echo "$LAB_PREFIX$1"; }

# lab_ip NODE ARGS...: ip(8) inside the node's namespace.
lab_ip() {
	local n=$1
	shift
	ip -n "$(ns_of "$n")" "$@"
}

in_node() {
	local n=$1
	shift
	ip netns exec "$(ns_of "$n")" "$@"
}

_ns_add() {
	local ns
	ns=$(ns_of "$1")
	ip netns add "$ns" || return 1
	ip -n "$ns" link set lo up || return 1
	# No duplicate address detection (addresses are usable at once, a move
	# is not slowed by it) and no reverse-path filter (decapsulated packets
	# come in on an interface that does not route back to their source).
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0
}

_router() {
	in_node "$1" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
}

# _link NODE1 IF1 NODE2 IF2: a veth pair between two namespaces, both ends up.
_link() {
	lab_ip "$1" link add "$2" type veth peer name "$4" netns "$(ns_of "$3")" || return 1
	lab_ip "$1" link set "$2" up && lab_ip "$3" link set "$4" up
}

# _addr NODE IF ADDR/LEN...
_addr() {
	local n=$1 dev=$2 a
	shift 2
	for a in "$@"; do
		case $a in
		*:*) lab_ip "$n" addr add "$a" dev "$dev" nodad || return 1 ;;
		*) lab_ip "$n" addr add "$a" dev "$dev" || return 1 ;;
		esac
	done
}

_defaults() {   # node gw4 gw6
	lab_ip "$1" route add default via "$2" && lab_ip "$1" -6 route add default via "$3"
}

# An access network: a router with an uplink to the core and a bridge br0
# holding the clients' gateway addresses.
_access() {   # node upif gw4 len4 gw6 up4 up6 core4 core6
	local n=$1
	_router "$n" || return 1
	lab_ip "$n" link add br0 type bridge || return 1
	lab_ip "$n" link set br0 up || return 1
	_addr "$n" br0 "$3/$4" "$5/64" || return 1
	_addr "$n" "$2" "$6/30" "$7/64" || return 1
	_defaults "$n" "$8" "$9"
}

topo_up() {
	local n
	for n in $LAB_NODES; do
		_ns_add "$n" || return 1
	done
	_router core || return 1
	_link core ta acc-a wan && _link core tb acc-b wan &&
		_link core tm ms eth0 && _link core tp pxtr eth0 &&
		_link pxtr eth1 host eth0 || return 1

	_addr core ta "$CORE_A4/30" "$CORE_A6/64" && _addr core tb "$CORE_B4/30" "$CORE_B6/64" &&
		_addr core tm "$CORE_M4/28" "$CORE_M6/64" && _addr core tp "$CORE_P4/28" "$CORE_P6/64" ||
		return 1
	lab_ip core route add "$ACC_A_NET4" via "$ACC_A_UP4" &&
		lab_ip core route add "$ACC_A_NET6" via "$ACC_A_UP6" &&
		lab_ip core route add "$ACC_B_NET4" via "$ACC_B_UP4" &&
		lab_ip core route add "$ACC_B_NET6" via "$ACC_B_UP6" || return 1

	_access acc-a wan "$ACC_A_GW4" "$ACC_A_LEN4" "$ACC_A_GW6" "$ACC_A_UP4" "$ACC_A_UP6" \
		"$CORE_A4" "$CORE_A6" || return 1
	_access acc-b wan "$ACC_B_GW4" "$ACC_B_LEN4" "$ACC_B_GW6" "$ACC_B_UP4" "$ACC_B_UP6" \
		"$CORE_B4" "$CORE_B6" || return 1

	_addr ms eth0 "$MS4/28" "$MS6/64" && _defaults ms "$CORE_M4" "$CORE_M6" || return 1

	_router pxtr || return 1
	_addr pxtr eth0 "$PXTR4/28" "$PXTR6/64" && _defaults pxtr "$CORE_P4" "$CORE_P6" || return 1
	_addr pxtr eth1 "$PXTR_NATIVE4/26" "$PXTR_NATIVE6/64" || return 1
	# The non-LISP host's way to everything, EIDs included, is its
	# router: the PxTR (standing in for an announcement of the EID space).
	_addr host eth0 "$HOST4/26" "$HOST6/64" && _defaults host "$PXTR_NATIVE4" "$PXTR_NATIVE6" ||
		return 1

	_plug mn1 "$MN1_HOME" && _plug mn2 "$MN2_HOME"
}

_acc_of() { case $1 in A) echo acc-a ;; B) echo acc-b ;; *) return 1 ;; esac; }
_gw_of() {   # net family
	case $1$2 in A4) echo "$ACC_A_GW4" ;; A6) echo "$ACC_A_GW6" ;; B4) echo "$ACC_B_GW4" ;;
	B6) echo "$ACC_B_GW6" ;; *) return 1 ;; esac
}
_len4_of() { case $1 in A) echo "$ACC_A_LEN4" ;; B) echo "$ACC_B_LEN4" ;; esac; }

# A mobile node's first attachment: eth0 in the node, its peer (named after
# the node) on the access network's bridge.
_plug() {   # node net
	local acc
	acc=$(_acc_of "$2") || return 1
	_link "$1" eth0 "$acc" "$1" || return 1
	lab_ip "$acc" link set "$1" master br0 || return 1
	_addr "$1" eth0 "$(plan_rloc "$1" "$2" 4)/$(_len4_of "$2")" "$(plan_rloc "$1" "$2" 6)/64" &&
		_defaults "$1" "$(_gw_of "$2" 4)" "$(_gw_of "$2" 6)"
}

# topo_move NODE FROM TO: what a host sees when it roams between networks
# (and what DHCP/SLAAC then do): its address and default routes in FROM
# go away, the link goes down, comes up in TO, and the new address and
# gateway appear. The new default routes get metric 100, the metric lispd
# gives physical default routes (its own default via lmn0 has 0/1).
topo_move() {   # node from to
	local n=$1 from=$2 to=$3 f
	for f in 4 6; do
		lab_ip "$n" addr del "$(plan_rloc "$n" "$from" $f)/$([ $f = 4 ] && _len4_of "$from" || echo 64)" \
			dev eth0 || return 1
		while lab_ip "$n" -$f route del default via "$(_gw_of "$from" $f)" 2>/dev/null; do :; done
	done
	lab_ip "$(_acc_of "$from")" link set "$n" netns "$(ns_of "$(_acc_of "$to")")" || return 1
	lab_ip "$(_acc_of "$to")" link set "$n" master br0 up || return 1
	_addr "$n" eth0 "$(plan_rloc "$n" "$to" 4)/$(_len4_of "$to")" "$(plan_rloc "$n" "$to" 6)/64" ||
		return 1
	lab_ip "$n" route add default via "$(_gw_of "$to" 4)" metric 100 &&
		lab_ip "$n" -6 route add default via "$(_gw_of "$to" 6)" metric 100
}

# Namespaces of this lab instance, present now (also after a crash).
topo_list() {
	ip netns list | awk -v p="$LAB_PREFIX" 'index($1, p) == 1 { print $1 }'
}
