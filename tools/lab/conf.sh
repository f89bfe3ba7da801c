# lispd.conf, written for the lab, the end-to-end tests and the benchmarks
# (OOR 1.3 style). One function per role head and per section, each
# printing to stdout; a configuration is a role head followed by its
# sections. The lab's own configurations are at the end (sourced by lab.sh
# after plan.sh); tests source this file through tests/e2e/lispd_lib.sh.

# ---- role heads ---------------------------------------------------------------

conf_ms() {   # [debug-level]: Map-Server/Map-Resolver; lisp-site sections follow
	[ -n "${1:-}" ] && echo "debug          = $1"
	echo "operating-mode = MS"
	echo "control-iface  = eth0"
}

_conf_list() {   # item...: { item, item }
	local out="" i
	for i in "$@"; do
		out="${out:+$out, }$i"
	done
	echo "{ $out }"
}

_conf_resolving() {   # mode map-resolver...
	echo "operating-mode      = $1"
	echo "map-request-retries = 2"
	shift
	echo "map-resolver        = $(_conf_list "$@")"
}

conf_mn() {   # map-resolver...: mobile node; map-server, proxy-etr, mappings follow
	_conf_resolving MN "$@"
}

conf_pxtr() {   # map-resolver rloc-addresses eid-space: proxy ITR/ETR on eth0 (RLOC side)
	# and eth1 (native side); static mappings may follow. Lists space-separated.
	_conf_resolving PxTR "$1"
	# shellcheck disable=SC2086 # the lists are split on purpose
	cat <<EOC
pxtr {
    rloc-iface   = eth0
    native-iface = eth1
    rloc-address = $(_conf_list $2)
    eid-space    = $(_conf_list $3)
}
EOC
}

conf_rtr() {   # map-resolver iface[/ip_version]...: NAT traversal's RTR, its RLOCs those of
	# the interfaces (IPv4 unless given); rtr-ms-node sections follow
	local f
	_conf_resolving RTR "$1"
	shift
	echo "rtr-ifaces {"
	for f in "$@"; do
		printf '    rtr-iface {\n        iface      = %s\n        ip_version = %s\n    }\n' \
			"${f%%/*}" "$([ "${f#*/}" != "$f" ] && echo "${f#*/}" || echo 4)"
	done
	echo "}"
}

# ---- sections -------------------------------------------------------------------

conf_site() {   # eid-prefix key-type key proxy-reply [accept-more-specifics]
	echo "lisp-site {"
	echo "    eid-prefix            = $1"
	echo "    key-type              = $2"
	echo "    key                   = \"$3\""
	[ -n "${5:-}" ] && echo "    accept-more-specifics = $5"
	echo "    proxy-reply           = $4"
	echo "}"
}

conf_static_site() {   # eid-prefix rloc priority weight: registered by configuration
	cat <<EOC
ms-static-registered-site {
    eid-prefix = $1
    rloc-address {
        address  = $2
        priority = $3
        weight   = $4
    }
}
EOC
}

conf_map_server() {   # address key-type key proxy-reply
	cat <<EOC
map-server {
    address     = $1
    key-type    = $2
    key         = "$3"
    proxy-reply = $4
}
EOC
}

conf_proxy_etr() {   # address
	cat <<EOC
proxy-etr {
    address  = $1
    priority = 1
    weight   = 100
}
EOC
}

# An EID of instance 0 with a record TTL in minutes and its locators, each
# given as interface/ip_version/priority/weight.
conf_mapping() {   # eid-prefix ttl locator...
	local l iface ver prio weight
	printf 'database-mapping {\n    eid-prefix = %s\n    iid        = 0\n    ttl        = %s\n' "$1" "$2"
	shift 2
	for l in "$@"; do
		IFS=/ read -r iface ver prio weight <<<"$l"
		cat <<EOC
    rloc-iface {
        interface  = $iface
        ip_version = $ver
        priority   = $prio
        weight     = $weight
    }
EOC
	done
	echo "}"
}

# The LISPmob form: an EID on every address of one interface, priority 1.
conf_mapping_on() {   # eid-prefix interface [iid]
	echo "database-mapping {"
	echo "    eid-prefix = $1"
	[ -n "${3:-}" ] && echo "    iid        = $3"
	echo "    interface  = $2"
	echo "    priority   = 1"
	echo "    weight     = 100"
	echo "}"
}

conf_static_mapping() {   # eid-prefix rloc: a static map-cache entry
	cat <<EOC
static-map-cache {
    eid-prefix = $1
    rloc-address {
        address = $2
    }
}
EOC
}

conf_ms_rtr() {   # name address key: an RTR the map-server knows (NAT traversal)
	cat <<EOC
ms-rtr-node {
    name    = $1
    address = $2
    key     = "$3"
}
EOC
}

conf_rtr_ms() {   # address key [draft-version]: a map-server the RTR relays registrations to
	cat <<EOC
rtr-ms-node {
    address       = $1
    key           = "$2"
    draft-version = ${3:-NEW}
}
EOC
}

conf_ms_rtrs_set() {   # name ttl rtr-name...: RTRs offered together, the set Info-Replies name
	local name=$1 ttl=$2
	shift 2
	printf 'ms-rtrs-set {\n    name = %s\n    ttl  = %s\n    rtrs = %s\n}\n' \
		"$name" "$ttl" "$(_conf_list "$@")"
	echo "ms-advertised-rtrs-set = $name"
}

# ---- the lab (tools/lab/plan.sh's addresses) --------------------------------------
# Keys are made per lab instance and live only in these files.

lab_key() { od -An -N12 -tx1 /dev/urandom | tr -d ' \n'; }

# A site per EID: MN1's Map-Requests are forwarded to its own ETR, MN2's
# are answered by the map-server (proxy-reply), so the lab shows both.
lab_conf_ms() {   # key-mn1 key-mn2
	echo "# lab map-server / map-resolver"
	conf_ms
	conf_site "$MN1_EID4/32" 2 "$1" off false
	conf_site "$MN1_EID6/128" 2 "$1" off false
	conf_site "$MN2_EID4/32" 2 "$2" on false
	conf_site "$MN2_EID6/128" 2 "$2" on false
}

# The record TTL is 1 minute (the smallest): how long a peer that missed our
# SMRs after a move may keep a stale locator.
lab_conf_mn() {   # eid4 eid6 key with-petr(0|1)
	echo "# lab mobile node"
	conf_mn "$MS4"
	conf_map_server "$MS4" 2 "$3" off
	if [ "$4" = 1 ]; then conf_proxy_etr "$PXTR4"; fi
	conf_mapping "$1/32" 1 eth0/4/1/100 eth0/6/2/100
	conf_mapping "$2/128" 1 eth0/4/1/100 eth0/6/2/100
}

lab_conf_pxtr() {
	echo "# lab proxy ITR / proxy ETR"
	conf_pxtr "$MS4" "$PXTR4 $PXTR6" "$EID_SPACE4 $EID_SPACE6"
}
