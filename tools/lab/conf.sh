# The daemons' configurations, OOR 1.3 style (sourced by lab.sh after
# plan.sh). Keys are made per lab instance and live only in these files.

lab_key() { od -An -N12 -tx1 /dev/urandom | tr -d ' \n'; }

# A site per EID: MN1's Map-Requests are forwarded to its own ETR, MN2's
# are answered by the map-server (proxy-reply), so the lab shows both.
_site() {   # eid key proxy-reply
	cat <<EOC
lisp-site {
    eid-prefix            = $1
    key-type              = 2
    key                   = "$2"
    accept-more-specifics = false
    proxy-reply           = $3
}
EOC
}

conf_ms() {   # key-mn1 key-mn2
	cat <<EOC
# lab map-server / map-resolver
operating-mode = MS
control-iface  = eth0
EOC
	_site "$MN1_EID4/32" "$1" off
	_site "$MN1_EID6/128" "$1" off
	_site "$MN2_EID4/32" "$2" on
	_site "$MN2_EID6/128" "$2" on
}

_rloc_ifaces() {
	cat <<EOC
    rloc-iface {
        interface  = eth0
        ip_version = 4
        priority   = 1
        weight     = 100
    }
    rloc-iface {
        interface  = eth0
        ip_version = 6
        priority   = 2
        weight     = 100
    }
EOC
}

# The record TTL is 1 minute (the smallest): how long a peer that missed our
# SMRs after a move may keep a stale locator.
conf_mn() {   # eid4 eid6 key with-petr(0|1)
	cat <<EOC
# lab mobile node
operating-mode      = MN
map-request-retries = 2
map-resolver        = { $MS4 }
map-server {
    address     = $MS4
    key-type    = 2
    key         = "$3"
    proxy-reply = off
}
EOC
	[ "$4" = 1 ] && cat <<EOC
proxy-etr {
    address  = $PXTR4
    priority = 1
    weight   = 100
}
EOC
	printf 'database-mapping {\n    eid-prefix = %s/32\n    iid        = 0\n    ttl        = 1\n' "$1"
	_rloc_ifaces
	printf '}\ndatabase-mapping {\n    eid-prefix = %s/128\n    iid        = 0\n    ttl        = 1\n' "$2"
	_rloc_ifaces
	echo '}'
}

conf_pxtr() {
	cat <<EOC
# lab proxy ITR / proxy ETR
operating-mode      = PxTR
map-request-retries = 2
map-resolver        = { $MS4 }
pxtr {
    rloc-iface   = eth0
    native-iface = eth1
    rloc-address = { $PXTR4, $PXTR6 }
    eid-space    = { $EID_SPACE4, $EID_SPACE6 }
}
EOC
}
