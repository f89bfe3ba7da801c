#!/bin/bash
# lispd-bpf attach/detach/status/map-cache on one host namespace, without
# traffic: errors that name their cause, idempotent re-attach, refusing to
# clobber a foreign TC program (and replacing it with force), taking over an
# existing lmn and restoring it, the default pin directory under a bpffs
# mounted inside `ip netns exec`, map-cache input checking, bpftool reading
# the pinned map-cache with field names.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
BUILD=${BUILD:-$PWD/build}
. tests/e2e/lab.sh

tap_require_root "network namespaces, BPF"
trap lab_cleanup EXIT
ok "lab of three namespaces is up" lab_up

A() { in_ns "$NS_A" "$LISPD_BPF" "$@"; }
ATTACH_ARGS=(dev eth0 eid "$EID4_A" eid "$EID6_A" rloc "$RLOC4_A" pin "$PIN_A")

# Fails, and its stderr matches the pattern.
fails_with() {   # pattern cmd...
	local pat=$1 out
	shift
	out=$("$@" 2>&1) && { diag "succeeded: $out"; return 1; }
	echo "$out" | grep -qE "$pat" || { diag "message: $out"; return 1; }
}

# ---- errors naming the cause -------------------------------------------------
mkdir -p "$LAB_TMP/plain"
ok "pin dir outside bpffs: says bpffs is not mounted" \
	fails_with "bpffs not mounted at $LAB_TMP/plain" \
	A attach dev eth0 eid "$EID4_A" rloc "$RLOC4_A" pin "$LAB_TMP/plain/lispd"
ok "missing interface: names it" \
	fails_with "interface nosuch0 not found" A attach dev nosuch0 eid "$EID4_A" rloc "$RLOC4_A" pin "$PIN_A"
ok "not root: says so" \
	fails_with "not permitted" setpriv --reuid=65534 --regid=65534 --clear-groups \
	--inh-caps=-all --bounding-set=-all ip netns exec "$NS_A" "$LISPD_BPF" attach "${ATTACH_ARGS[@]}"
ok "no RLOC: refused" fails_with "no RLOC" A attach dev eth0 eid "$EID4_A" pin "$PIN_A"
ok "two IPv4 RLOCs: refused" \
	fails_with "one RLOC per address family" A attach dev eth0 rloc 192.0.2.1 rloc 192.0.2.2 pin "$PIN_A"
ok "iid beyond 24 bits: refused" fails_with "invalid instance-id" A attach "${ATTACH_ARGS[@]}" iid 16777216
ok "miss petr without a PETR: refused" fails_with "needs at least one petr" A attach "${ATTACH_ARGS[@]}" miss petr
ok "bad address: refused" fails_with "invalid eid" A attach dev eth0 eid 198.18.0.300 rloc "$RLOC4_A" pin "$PIN_A"
ok "status before attach: nothing attached" fails_with "nothing attached" A status pin "$PIN_A"
ok "stats before attach: nothing attached" fails_with "nothing attached" A stats pin "$PIN_A"
ok "detach before attach: nothing attached" fails_with "nothing attached" A detach pin "$PIN_A"
check "failed attaches left no lmn0 and no pins" \
	"! ip -n '$NS_A' link show lmn0 >/dev/null 2>&1 && [ ! -e '$PIN_A' ]"

# ---- attach, idempotent re-attach ---------------------------------------------
lab_snapshot "$NS_A" "$PIN_A" >"$LAB_TMP/before"
ok "attach" A attach "${ATTACH_ARGS[@]}"
mtu=$(ip -n "$NS_A" -o link show lmn0 | sed -n 's/.* mtu \([0-9]*\).*/\1/p')
check "lmn0 MTU 1464 with IPv4 RLOCs only (got $mtu)" "[ '$mtu' = 1464 ]"
mac_eth=$(ip -n "$NS_A" -o link show eth0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
mac_lmn=$(ip -n "$NS_A" -o link show lmn0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
check "lmn0 keeps a MAC of its own ($mac_lmn, eth0 $mac_eth)" "[ -n '$mac_lmn' ] && [ '$mac_eth' != '$mac_lmn' ]"
mac_cfg=$(A -j status pin "$PIN_A" | python3 -c 'import json,sys; print(json.load(sys.stdin)["lmn"]["decap_mac"])')
check "decap addresses delivered frames to lmn0's MAC (config: $mac_cfg)" "[ '$mac_cfg' = '$mac_lmn' ]"
ok "map-cache add (two locators, weights)" A map-cache add 198.18.2.0/24 rloc 198.51.100.1 \
	priority 1 weight 30 rloc 198.51.100.2 priority 1 weight 70 rloc 203.0.113.9 priority 2 down pin "$PIN_A"
ok "map-cache add negative entry" A map-cache add 198.18.3.0/24 action drop pin "$PIN_A"
ok "map-cache add IPv6 in iid 7" A map-cache add iid 7 2001:db8:e1d:5::/64 rloc 2001:db8:0:2::1 pin "$PIN_A"
ifi1=$(ip -n "$NS_A" -o link show lmn0 | cut -d: -f1)
id1=$(A -j status pin "$PIN_A" | python3 -c 'import json,sys; print(json.load(sys.stdin)["lmn"]["prog_id"])')
ok "attach again (same options): accepted" A attach "${ATTACH_ARGS[@]}"
ifi2=$(ip -n "$NS_A" -o link show lmn0 | cut -d: -f1)
check "re-attach kept lmn0 ($ifi1 -> $ifi2)" "[ '$ifi1' = '$ifi2' ]"
st=$(A -j status pin "$PIN_A")
check "re-attach replaced our programs in place, both attached" "echo '$st' | python3 -c '
import json, sys
s = json.load(sys.stdin)
sys.exit(not (s[\"lmn\"][\"attached\"] and s[\"dev\"][\"attached\"] and s[\"lmn\"][\"prog_id\"] != $id1))'"
check "re-attach kept the map-cache (3 entries)" \
	"echo '$st' | python3 -c 'import json,sys; sys.exit(json.load(sys.stdin)[\"map_cache_entries\"] != 3)'"
n_filters=$(in_ns "$NS_A" tc filter show dev eth0 ingress | grep -c 'handle 0x4c15')
check "one filter on eth0 ingress after two attaches ($n_filters)" "[ '$n_filters' = 1 ]"

show=$(A map-cache show pin "$PIN_A")
check "map-cache show lists the weighted entry" \
	"echo '$show' | grep -q '^198.18.2.0/24 encap' && echo '$show' | grep -q 'rloc 198.51.100.2 priority 1 weight 70 up' &&
	 echo '$show' | grep -q 'rloc 203.0.113.9 priority 2 weight 100 down'"
check "map-cache show lists the negative and the iid entries" \
	"echo '$show' | grep -q '^198.18.3.0/24 drop' && echo '$show' | grep -q '^\[7\]2001:db8:e1d:5::/64 encap'"
slots_ok() {
	A -j map-cache show pin "$PIN_A" | python3 -c '
import json, sys
e = {x["prefix"]: x for x in json.load(sys.stdin)}
w = e["198.18.2.0/24"]
sys.exit(not (w["slots"] == 64 and len(w["locators"]) == 3 and e["198.18.3.0/24"]["slots"] == 0
              and e["2001:db8:e1d:5::/64"]["iid"] == 7))'
}
ok "map-cache -j: slot table built, iid and action reported" slots_ok
ok "bpftool dumps the pinned map-cache with field names" \
	sh -c "bpftool map dump pinned '$PIN_A/lispd_mcache' | grep -q '\"prefixlen\": 56'"
ok "map-cache del" A map-cache del 198.18.3.0/24 pin "$PIN_A"
ok "map-cache del of a missing entry: no such entry" \
	fails_with "no such entry" A map-cache del 198.18.3.0/24 pin "$PIN_A"
ok "map-cache add with host bits set: refused" \
	fails_with "invalid prefix" A map-cache add 198.18.2.1/24 rloc 198.51.100.1 pin "$PIN_A"
ok "map-cache add with unknown action: refused" \
	fails_with "unknown action" A map-cache add 198.18.4.0/24 action explode pin "$PIN_A"
ok "map-cache add with both rloc and action: refused" \
	fails_with "either locators or" A map-cache add 198.18.4.0/24 rloc 198.51.100.1 action drop pin "$PIN_A"
ok "map-cache add with weight 256: refused" \
	fails_with "invalid weight" A map-cache add 198.18.4.0/24 rloc 198.51.100.1 weight 256 pin "$PIN_A"
ok "map-cache add with nine locators: refused" \
	fails_with "too many locators" A map-cache add 198.18.4.0/24 $(for i in 1 2 3 4 5 6 7 8 9; do echo rloc 198.51.100.$i; done) pin "$PIN_A"
ok "attached to another device at the same pin: refused" \
	fails_with "already attached" A attach dev lo eid "$EID4_A" rloc "$RLOC4_A" pin "$PIN_A"
ok "detach" A detach pin "$PIN_A"
lab_snapshot "$NS_A" "$PIN_A" >"$LAB_TMP/after"
ok "detach restored links, addresses, routes, rules, tc and pins" diff -u "$LAB_TMP/before" "$LAB_TMP/after"

# ---- a foreign program at our handle/priority ----------------------------------
# tc here has no ELF loader: bpftool loads and pins, tc attaches the pin.
cat >"$LAB_TMP/other.bpf.c" <<'BPF'
struct __sk_buff;
__attribute__((section("tc"), used)) int other_prog(struct __sk_buff *skb) { return 0; }
char _license[] __attribute__((section("license"), used)) = "GPL";
BPF
clang -O2 -target bpf -c "$LAB_TMP/other.bpf.c" -o "$LAB_TMP/other.bpf.o" &&
	bpftool prog load "$LAB_TMP/other.bpf.o" "$LAB_TMP/bpf-b/other" type classifier
in_ns "$NS_A" tc qdisc add dev eth0 clsact
ok "a foreign program sits at handle 0x4c15 prio 0x4c15 on eth0 ingress" \
	in_ns "$NS_A" tc filter add dev eth0 ingress prio 0x4c15 handle 0x4c15 bpf da pinned "$LAB_TMP/bpf-b/other"
lab_snapshot "$NS_A" "$PIN_A" >"$LAB_TMP/before2"
ok "attach refuses to clobber it and names it" \
	fails_with "another BPF program \(id [0-9]+\) is attached at ingress of eth0.*force" A attach "${ATTACH_ARGS[@]}"
lab_snapshot "$NS_A" "$PIN_A" >"$LAB_TMP/after2"
ok "the refused attach left everything as it was" diff -u "$LAB_TMP/before2" "$LAB_TMP/after2"
ok "attach force replaces it" A attach "${ATTACH_ARGS[@]}" force
check "our decap program now holds the slot" \
	"in_ns '$NS_A' tc filter show dev eth0 ingress | grep -q 'lispd_decap'"
ok "detach" A detach pin "$PIN_A"
check "detach removed our filter, kept the clsact qdisc it did not create" \
	"! in_ns '$NS_A' tc filter show dev eth0 ingress | grep -q bpf && in_ns '$NS_A' tc qdisc show dev eth0 | grep -q clsact"
in_ns "$NS_A" tc qdisc del dev eth0 clsact

# ---- an lmn that existed before -------------------------------------------------
ip -n "$NS_A" link add mylmn mtu 1500 type veth peer name mylmnp
ip -n "$NS_A" link set mylmnp up
ip -n "$NS_A" link set mylmn up
lab_snapshot "$NS_A" "$PIN_A" >"$LAB_TMP/before3"
ok "attach on an existing lmn" A attach "${ATTACH_ARGS[@]}" lmn mylmn
check "it got the EID, the tunnel MTU and NOARP" \
	"ip -n '$NS_A' addr show mylmn | grep -q 'inet $EID4_A/32' && ip -n '$NS_A' link show mylmn | grep -q 'NOARP,UP.* mtu 1464'"
ok "detach" A detach pin "$PIN_A"
lab_snapshot "$NS_A" "$PIN_A" >"$LAB_TMP/after3"
ok "existing lmn kept, its MTU, MAC, flags restored, EIDs removed" diff -u "$LAB_TMP/before3" "$LAB_TMP/after3"
ip -n "$NS_A" link del mylmn

# ---- default pin directory ------------------------------------------------------
# ip netns exec mounts a fresh /sys in a private mount namespace: mount bpffs
# there and use the default /sys/fs/bpf/lispd, all within one process tree.
# (A fresh bpffs already holds the kernel's maps.debug and progs.debug.)
default_pin() {
	in_ns "$NS_A" sh -c '
		mount -t bpf bpf /sys/fs/bpf || exit 1
		before=$(ls -A /sys/fs/bpf)
		"$0" attach dev eth0 eid "$1" rloc "$2" || exit 2
		[ -e /sys/fs/bpf/lispd/lispd_mcache ] || exit 3
		"$0" map-cache add 198.18.9.0/24 action drop || exit 4
		"$0" status | grep -q "^pin /sys/fs/bpf/lispd$" || exit 5
		"$0" stats >/dev/null || exit 6
		"$0" detach || exit 7
		[ "$(ls -A /sys/fs/bpf)" = "$before" ] || exit 8' "$LISPD_BPF" "$EID4_A" "$RLOC4_A"
}
ok "default pin dir /sys/fs/bpf/lispd: attach, map-cache, status, stats, detach, nothing left" default_pin
tap_done
