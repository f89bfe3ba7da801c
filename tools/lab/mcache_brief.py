#!/usr/bin/env python3
"""One line per entry of a `bpftool -j map dump` of lispd_mcache (stdin).

bpftool prints each struct field by name (bpf/lispd_maps.h: lispd_mc_key,
lispd_mc_value); this only renders addresses as text and drops the unused
locator slots, so the map-cache fits a screen.
"""
import ipaddress
import json
import sys

ACTIONS = ["encap", "native-forward (to PETR)", "send-map-request", "drop",
           "drop (policy)", "drop (auth)"]
FIXED_BITS = 32  # instance-id (24) + family (8) ahead of the address


def addr(family, raw):
    if family == 1:
        return str(ipaddress.IPv4Address(bytes(raw[:4])))
    if family == 2:
        return str(ipaddress.IPv6Address(bytes(raw)))
    return "?"


def main():
    entries = json.load(sys.stdin)
    lines = []
    for e in entries:
        # -j gives the raw bytes as key/value and the BTF-typed fields
        # under "formatted".
        f = e.get("formatted", e)
        k, v = f["key"], f["value"]
        iid = int.from_bytes(bytes(k["iid"]), "big")
        prefix = "%s/%d" % (addr(k["family"], k["addr"]), k["prefixlen"] - FIXED_BITS)
        if iid:
            prefix = "[%d]%s" % (iid, prefix)
        act = v["action"]
        act = ACTIONS[act] if act < len(ACTIONS) else str(act)
        ls = v["ls"]
        locs = ["%s p%d w%d%s" % (addr(l["family"], l["addr"]), l["priority"], l["weight"],
                                  "" if l["flags"] & 1 else " down")
                for l in ls["loc"][:ls["n_locators"]]]
        lines.append("%-22s %-8s %s" % (prefix, act, ", ".join(locs) or "-"))
    for line in sorted(lines):
        print(line)
    if not lines:
        print("(empty)")


if __name__ == "__main__":
    main()
