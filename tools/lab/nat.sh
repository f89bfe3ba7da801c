# NAT boxes in network namespaces, for the lab and the end-to-end tests:
# a namespace becomes a home router (or a carrier-grade NAT) with a LAN
# behind it. Every function takes namespace names, so the lab (ns_of NODE)
# and the tests (their own names) use them alike. Needs ip, nft, conntrack
# (scripts/deps.sh).
#
#   nat_lan NS GW/LEN              bridge br0 in NS holding GW, forwarding on
#   nat_plug NS PORT CNS DEV A/LEN a client CNS on NS's br0: veth DEV (in CNS)
#                                  <-> PORT (in br0), address A, default via GW
#   nat_box NS OUT GW/LEN [FLAGS]  NS masquerades its LAN (nat_lan GW/LEN)
#                                  onto its uplink OUT (already addressed and
#                                  routed) and drops what comes in unsolicited
#   nat_ports NS [FLAGS]           port allocation of the masquerade
#   nat_udp_timeout NS SECS [STREAM_SECS]
#   nat_flush NS                   forget every binding (a rebinding)
#   nat_mappings NS                the UDP bindings, one a line:
#                                  "inside:port -> public:port to remote:port"
#   nat_public_of NS INSIDE:PORT   the public address:port of that binding
#   nat_dropped NS                 packets dropped as unsolicited
#
# A NAT box of the lab is a router on an access network (its uplink), with
# its LAN on a bridge named br0 as the access routers have it, so a node
# moves into the NAT as into any access network. The nft table is
# "ip nat_box", IPv4 only: the box neither translates nor filters IPv6 (a
# caller wanting IPv6 beside the NAT adds addresses and forwarding).

NAT_TABLE=nat_box

nat_lan() {   # ns gw/len
	ip -n "$1" link add br0 type bridge || return 1
	ip -n "$1" link set br0 up && ip -n "$1" addr add "$2" dev br0 &&
		ip netns exec "$1" sysctl -qw net.ipv4.ip_forward=1
}

# The LAN's gateway: br0's first IPv4 address.
_nat_gw() {   # ns
	ip -n "$1" -4 -o addr show dev br0 | awk '{ sub(/\/.*/, "", $4); print $4; exit }'
}

nat_plug() {   # ns port client-ns client-dev addr/len
	local gw
	gw=$(_nat_gw "$1")
	[ -n "$gw" ] || { echo "nat_plug: no LAN (br0) in $1" >&2; return 1; }
	ip -n "$3" link add "$4" type veth peer name "$2" netns "$1" || return 1
	ip -n "$1" link set dev "$2" master br0 up && ip -n "$3" link set dev "$4" up &&
		ip -n "$3" addr add "$5" dev "$4" && ip -n "$3" route add default via "$gw"
}

# The filter is a home router's: whatever the LAN sent out may answer, the
# rest from the uplink (to the box itself or routed towards the LAN) is
# dropped and counted. What gets through is decided by conntrack alone:
# only the remote address and port a binding was made towards reach the
# inside (Linux masquerade filters by address and port).
nat_box() {   # ns out-dev gw/len [flags]
	local ns=$1 out=$2
	nat_lan "$ns" "$3" || return 1
	ip netns exec "$ns" nft -f - <<EOT || return 1
table ip $NAT_TABLE {
	counter unsolicited { }
	set uplink { type ifname; elements = { "$out" }; }
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
	}
	chain forward {
		type filter hook forward priority filter; policy accept;
		ct state established,related accept
		iifname @uplink counter name unsolicited drop
	}
	chain input {
		type filter hook input priority filter; policy accept;
		ct state established,related accept
		iifname @uplink counter name unsolicited drop
	}
}
EOT
	nat_ports "$ns" "${4:-}"
}

# FLAGS, nft's masquerade flags, comma-separated:
#   (none)        the kernel keeps the inside port when it is free on the
#                 public address (a flushed binding comes back on the same port)
#   random        a new random public port for every new binding
#   fully-random  the same, from a fully random source
#   persistent    a client keeps its public address (with several of them)
nat_ports() {   # ns [flags]
	local flags=${2:-} f
	for f in ${flags//,/ }; do
		case $f in random | fully-random | persistent) ;;
		*) echo "nat_ports: unknown flag '$f'" >&2; return 1 ;;
		esac
	done
	ip netns exec "$1" nft -f - <<EOT
flush chain ip $NAT_TABLE postrouting
add rule ip $NAT_TABLE postrouting oifname @uplink masquerade $flags
EOT
}

# How long an idle UDP binding lives: before any answer (SECS) and once
# both ways have been seen (STREAM_SECS, default SECS). Per namespace.
nat_udp_timeout() {   # ns secs [stream-secs]
	ip netns exec "$1" sysctl -qw net.netfilter.nf_conntrack_udp_timeout="$2" \
		net.netfilter.nf_conntrack_udp_timeout_stream="${3:-$2}"
}

nat_flush() {   # ns
	ip netns exec "$1" conntrack -F 2>/dev/null
}

# conntrack's original tuple comes first, the reply tuple second: the reply
# goes to the public address and port. Untranslated flows (the box's own)
# are left out.
nat_mappings() {   # ns
	ip netns exec "$1" conntrack -L -p udp 2>/dev/null | awk '{
		n = 0
		for (i = 1; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[1] == "src") n++
			if (kv[2] != "") v[n, kv[1]] = kv[2]
		}
		if (n == 2 && (v[1, "src"] != v[2, "dst"] || v[1, "sport"] != v[2, "dport"]))
			printf "%s:%s -> %s:%s to %s:%s\n", v[1, "src"], v[1, "sport"],
				v[2, "dst"], v[2, "dport"], v[1, "dst"], v[1, "dport"]
	}'
}

nat_public_of() {   # ns inside-addr:port
	nat_mappings "$1" | awk -v i="$2" '$1 == i { print $3; exit }'
}

nat_dropped() {   # ns
	ip netns exec "$1" nft list counter ip "$NAT_TABLE" unsolicited |
		awk '$1 == "packets" { print $2 }'
}
