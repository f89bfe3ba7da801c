# The lab's address plan, sourced by lab.sh, scripts/demo.sh and
# tests/e2e/test_lab.sh. Documentation ranges only: RLOCs in 192.0.2.0/24,
# 198.51.100.0/24, 203.0.113.0/24 and 2001:db8:0::/48; EIDs in 198.18.0.0/15
# and 2001:db8:e1d::/48.
#
#                                 core
#          .-------------.-------'  |  '-------.--------------.
#       acc-a          acc-b        ms          pxtr ---- host (non-LISP)
#      (br0)           (br0)
#        |               |
#       mn1             mn2
#
# Access networks are router namespaces with a bridge (br0) for their
# clients; a mobile node's eth0 is a veth whose other end sits on that
# bridge, so a move re-plugs the same interface into the other network.

# Access network A: clients 192.0.2.0/25, 2001:db8:0:a::/64.
ACC_A_GW4=192.0.2.1
ACC_A_GW6=2001:db8:0:a::1
ACC_A_LEN4=25
ACC_A_NET4=192.0.2.0/25
ACC_A_NET6=2001:db8:0:a::/64
# Uplink A <-> core.
ACC_A_UP4=192.0.2.254
CORE_A4=192.0.2.253
ACC_A_UP6=2001:db8:0:fa::2
CORE_A6=2001:db8:0:fa::1

# Access network B: clients 198.51.100.0/25, 2001:db8:0:b::/64.
ACC_B_GW4=198.51.100.1
ACC_B_GW6=2001:db8:0:b::1
ACC_B_LEN4=25
ACC_B_NET4=198.51.100.0/25
ACC_B_NET6=2001:db8:0:b::/64
ACC_B_UP4=198.51.100.254
CORE_B4=198.51.100.253
ACC_B_UP6=2001:db8:0:fb::2
CORE_B6=2001:db8:0:fb::1

# Map-Server / Map-Resolver, on its own link to the core.
MS4=203.0.113.2
MS6=2001:db8:0:c::2
CORE_M4=203.0.113.1
CORE_M6=2001:db8:0:c::1

# PxTR: LISP side (its RLOCs) towards the core, native side towards the
# non-LISP host's network, which the core does not route: that host is
# reached from EIDs only through the PETR, and reaches EIDs only through
# the PITR.
PXTR4=203.0.113.18
PXTR6=2001:db8:0:d::2
CORE_P4=203.0.113.17
CORE_P6=2001:db8:0:d::1
PXTR_NATIVE4=203.0.113.65
PXTR_NATIVE6=2001:db8:0:ffff::1
HOST4=203.0.113.100
HOST6=2001:db8:0:ffff::100

# Mobile nodes: EIDs, and RLOCs in each access network (host part .10/.11,
# ::10/::11 so a node that moves gets an address of its own).
MN1_EID4=198.18.0.1
MN1_EID6=2001:db8:e1d::1
MN2_EID4=198.18.0.2
MN2_EID6=2001:db8:e1d::2
EID_SPACE4=198.18.0.0/15
EID_SPACE6=2001:db8:e1d::/48

# plan_rloc NODE NET FAMILY: the node's address in access network NET.
plan_rloc() {
	local host
	case $1 in mn1) host=10 ;; mn2) host=11 ;; *) return 1 ;; esac
	case $2$3 in
	A4) echo "192.0.2.$host" ;;
	A6) echo "2001:db8:0:a::$host" ;;
	B4) echo "198.51.100.$host" ;;
	B6) echo "2001:db8:0:b::$host" ;;
	*) return 1 ;;
	esac
}

# Where each mobile node starts.
MN1_HOME=A
MN2_HOME=B
