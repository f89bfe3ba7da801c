# Every lispd role in one small lab, for tests that run each role through a
# whole life (start, register, resolve, reload, stop): source after tap.sh,
# lab.sh and lispd_lib.sh.
#
#   MN ($NS_M)                        PxTR ($NS_P)                         host ($NS_H)
#   eth0 192.0.2.1/25  -------  eth0 192.0.2.2/25     eth1 203.0.113.1/24  -------  eth0 203.0.113.50/24
#   lmn0 EID 198.18.0.1         (rloc-iface: PETR)    (native-iface: PITR)           route 198.18.0.0/15
#                               eth2 192.0.2.130/25                                  via 203.0.113.1
#                                        |
#                               MS ($NS_S) eth0 192.0.2.129/25
#
# Nodes: m (MN), p (PxTR), s (MS); node_start, node_stop, q, wait_json from
# lispd_lib.sh. The MN's proxy-etr is the PxTR, the MS its map-server and
# everybody's map-resolver. roles_cleanup removes everything.
#
# With roles_rtr_up, an RTR too (node t, $NS_T): eth0 198.51.100.66/24 on a
# link of its own to the PxTR's eth3 (198.51.100.254, forwarding), the MS
# its map-resolver and the map-server it relays to, the host routed to it;
# a node "behind a NAT" registers through it from the host
# (roles_rtr_register).
#
# A test may set, before it calls the functions below:
#   ROLES_MN_EIDS      the MN's EID prefixes (default $MN_EID/32): a
#                      database-mapping each, and a site each at the MS
#   ROLES_HOST_ROUTES  prefixes the host routes via the PITR (default the
#                      PxTR's eid-space, 198.18.0.0/15)

NS_M=$LAB_ID-rm
NS_P=$LAB_ID-rp
NS_H=$LAB_ID-rh
NS_S=$LAB_ID-rs
PIN_M=$LAB_TMP/bpf-m/lispd
PIN_P=$LAB_TMP/bpf-p/pxtr
NS_T=$LAB_ID-rt
PIN_T=$LAB_TMP/bpf-t/rtr

MN_RLOC=192.0.2.1
PX_RLOC=192.0.2.2
PX_MS_SIDE=192.0.2.130
MS=192.0.2.129
PX_NATIVE=203.0.113.1
HOST=203.0.113.50
MN_EID=198.18.0.1
KEY="e2e-roles-key-never-logged"
RTR_RLOC=198.51.100.66
PX_RTR_SIDE=198.51.100.254
RTR_NODE_EID=198.18.0.9
KEY_RTR="e2e-roles-rtr-key-never-logged"
ROLES_MN_EIDS="$MN_EID/32"
ROLES_HOST_ROUTES="198.18.0.0/15"

ns_of() {
	case $1 in m) echo "$NS_M" ;; p) echo "$NS_P" ;; s) echo "$NS_S" ;; h) echo "$NS_H" ;;
	t) echo "$NS_T" ;; esac
}
pin_of() {
	case $1 in m) echo "$PIN_M" ;; p) echo "$PIN_P" ;; s) echo "$LAB_TMP/bpf-s/lispd" ;;
	t) echo "$PIN_T" ;; esac
}

roles_cleanup() {
	lab_cleanup
	ip netns del "$NS_M" 2>/dev/null
	ip netns del "$NS_P" 2>/dev/null
	ip netns del "$NS_H" 2>/dev/null
	ip netns del "$NS_S" 2>/dev/null
	ip netns del "$NS_T" 2>/dev/null
}

# MS: a site per EID of the MN; with an argument, one more site (proxy-
# replied).
roles_ms_conf() {   # [extra site prefix]
	local e
	conf_ms
	for e in $ROLES_MN_EIDS; do
		conf_site "$e" 2 "$KEY" off false
	done
	if [ -n "${1:-}" ]; then conf_site "$1" 2 "$KEY" on false; fi
}

# PxTR (and MN): a static-map-cache entry to nowhere for each prefix.
roles_static() {   # [prefix...]
	local p
	for p in "$@"; do
		conf_static_mapping "$p" 192.0.2.99
	done
}

roles_pxtr_conf() {   # [static prefix...]
	conf_pxtr "$MS" "$PX_RLOC" 198.18.0.0/15
	roles_static "$@"
}

roles_mn_conf() {   # [static prefix...]
	local e
	conf_mn "$MS"
	conf_map_server "$MS" 2 "$KEY" off
	conf_proxy_etr "$PX_RLOC"
	for e in $ROLES_MN_EIDS; do
		conf_mapping_on "$e" eth0
	done
	roles_static "$@"
}

roles_lab_up() {
	local ns r
	for ns in "$NS_M" "$NS_P" "$NS_H" "$NS_S"; do
		ip netns add "$ns" || return 1
		ip -n "$ns" link set lo up
		in_ns "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
			net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	done
	ip -n "$NS_M" link add eth0 type veth peer name eth0 netns "$NS_P" || return 1
	ip -n "$NS_P" link add eth1 type veth peer name eth0 netns "$NS_H" || return 1
	ip -n "$NS_P" link add eth2 type veth peer name eth0 netns "$NS_S" || return 1
	ip -n "$NS_M" link set eth0 up
	ip -n "$NS_P" link set eth0 up
	ip -n "$NS_P" link set eth1 up
	ip -n "$NS_P" link set eth2 up
	ip -n "$NS_H" link set eth0 up
	ip -n "$NS_S" link set eth0 up
	ip -n "$NS_M" addr add "$MN_RLOC/25" dev eth0
	ip -n "$NS_M" route add default via "$PX_RLOC"
	ip -n "$NS_P" addr add "$PX_RLOC/25" dev eth0
	ip -n "$NS_P" addr add "$PX_NATIVE/24" dev eth1
	ip -n "$NS_P" addr add "$PX_MS_SIDE/25" dev eth2
	ip -n "$NS_S" addr add "$MS/25" dev eth0
	ip -n "$NS_S" route add default via "$PX_MS_SIDE"
	ip -n "$NS_H" addr add "$HOST/24" dev eth0
	# The PITR announces the EID space to the non-LISP side; here, routes.
	for r in $ROLES_HOST_ROUTES; do
		ip -n "$NS_H" route add "$r" via "$PX_NATIVE" || return 1
	done
	# Forwarding is the router's policy: lispd checks it, never sets it.
	in_ns "$NS_P" sysctl -qw net.ipv4.ip_forward=1 || return 1
	mkdir -p "$LAB_TMP/bpf-m" "$LAB_TMP/bpf-p" "$LAB_TMP/bpf-s" || return 1
	mount -t bpf bpf "$LAB_TMP/bpf-m" && LAB_MOUNTS="$LAB_MOUNTS $LAB_TMP/bpf-m" || return 1
	mount -t bpf bpf "$LAB_TMP/bpf-p" && LAB_MOUNTS="$LAB_MOUNTS $LAB_TMP/bpf-p" || return 1
	in_ns "$NS_M" ping -c1 -W2 "$MS" >/dev/null && in_ns "$NS_H" ping -c1 -W2 "$PX_NATIVE" >/dev/null
}

# What SIGTERM must give back, per node (m, p; the MS changes nothing).
roles_snapshot() {   # node file
	lab_snapshot "$(ns_of "$1")" "$(pin_of "$1")" >"$2"
}

roles_same_as() {   # node file
	roles_snapshot "$1" "$LAB_TMP/now-$1"
	diff "$2" "$LAB_TMP/now-$1" >"$LAB_TMP/diff-$1" && return 0
	diag "namespace of $1 differs:"
	sed 's/^/#   /' "$LAB_TMP/diff-$1"
	return 1
}

# ---- the RTR ---------------------------------------------------------------------------------

roles_rtr_up() {
	ip netns add "$NS_T" || return 1
	ip -n "$NS_T" link set lo up
	in_ns "$NS_T" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	ip -n "$NS_P" link add eth3 type veth peer name eth0 netns "$NS_T" || return 1
	ip -n "$NS_P" link set eth3 up && ip -n "$NS_T" link set eth0 up &&
		ip -n "$NS_P" addr add "$PX_RTR_SIDE/24" dev eth3 &&
		ip -n "$NS_T" addr add "$RTR_RLOC/24" dev eth0 &&
		ip -n "$NS_T" route add default via "$PX_RTR_SIDE" &&
		ip -n "$NS_H" route add "$RTR_RLOC/32" via "$PX_NATIVE" || return 1
	mkdir -p "$LAB_TMP/bpf-t" || return 1
	mount -t bpf bpf "$LAB_TMP/bpf-t" && LAB_MOUNTS="$LAB_MOUNTS $LAB_TMP/bpf-t" || return 1
	in_ns "$NS_T" ping -c1 -W2 "$MS" >/dev/null && in_ns "$NS_H" ping -c1 -W2 "$RTR_RLOC" >/dev/null
}

roles_rtr_conf() {
	conf_rtr "$MS" eth0
	conf_rtr_ms "$MS" "$KEY_RTR"
}

# The MS's part for the RTR: it knows it, and the site of the node that
# registers through it.
roles_ms_rtr_conf() {
	conf_site "$RTR_NODE_EID/32" 2 "$KEY" on false
	conf_ms_rtr roles-rtr "$RTR_RLOC" "$KEY_RTR"
}

# The node registers through the RTR from the host (tests/e2e/ms_reg.py
# via-rtr): true once the Data-Map-Notify came back and the RTR holds the
# node in its data plane's NAT table.
roles_rtr_register() {   # nonce
	local out
	out=$(in_ns "$NS_H" python3 tests/e2e/ms_reg.py via-rtr --src "$HOST" --rtr "$RTR_RLOC" \
		--ms "$MS" --key "$KEY" --alg 2 --nonce "$1" --proxy --xtr-id 0123456789abcdef0123456789abcdef \
		--record "$RTR_NODE_EID/32,3,$RTR_RLOC/1/100/1,$HOST/1/100/4" --wait 3)
	echo "$out" | json_get "d['notify'] is not None and d['notify']['auth_ok']" | grep -qx True &&
		q t nat | json_get "[(n['eid'], n['dataplane']['global']) for n in d]" |
		grep -qxF "[('$RTR_NODE_EID/32', '$HOST:4341')]" || { diag "via-rtr: $out"; return 1; }
}
