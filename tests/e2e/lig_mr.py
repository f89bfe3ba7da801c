#!/usr/bin/env python3
"""A scripted Map-Resolver for the lig tests: plain UDP sockets, an ECM
decoder that reads just what it needs, and Map-Replies built by hand from the
RFC 9301 layout (so lig is checked against an independent encoder, not
against this project's own codec).

    lig_mr.py --listen ADDR [--listen ADDR] --scenario FILE --log FILE --ready FILE

The scenario is a JSON list of rules, first match wins, matched on the
requested EID (with its instance-id) falling in "match":
  {"match": "198.18.1.0/24", "iid": 0, "reply": "positive", "ttl": 1440,
   "auth": true, "locators": [{"addr": "192.0.2.1", "priority": 1, "weight": 60,
   "mpriority": 255, "mweight": 0, "flags": "LR"}]}
  {"match": ..., "reply": "negative", "act": 1, "ttl": 15}
  {"match": ..., "reply": "silent"}
Optional: "from": ADDR (reply from that listening address instead),
"drop_first": N (ignore the first N requests of this rule),
"delay": S (answer after S seconds), "before": ["wrong_nonce", "junk"] (send
these first). Every request seen is logged as one JSON line.
"""
import argparse
import ipaddress
import json
import select
import socket
import struct
import sys
import time

AFI_IPV4, AFI_IPV6, AFI_LCAF = 1, 2, 16387
LCAF_IID = 2


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def read_addr(buf, off):
    """AFI-tagged address at off -> (iid, ip or None, new offset)."""
    afi = struct.unpack_from("!H", buf, off)[0]
    off += 2
    if afi == 0:
        return 0, None, off
    if afi == AFI_IPV4:
        return 0, ipaddress.IPv4Address(buf[off:off + 4]), off + 4
    if afi == AFI_IPV6:
        return 0, ipaddress.IPv6Address(buf[off:off + 16]), off + 16
    if afi == AFI_LCAF:
        _, _, ltype, _, llen = struct.unpack_from("!BBBBH", buf, off)
        off += 6
        if ltype != LCAF_IID:
            raise ValueError("LCAF type %d" % ltype)
        iid = struct.unpack_from("!I", buf, off)[0]
        _, ip, end = read_addr(buf, off + 4)
        if end != off + llen:
            raise ValueError("IID LCAF length")
        return iid, ip, end
    raise ValueError("AFI %d" % afi)


def decode_ecm(buf):
    """What the tests check of an ECM-wrapped Map-Request."""
    if buf[0] >> 4 != 8:
        raise ValueError("not an ECM")
    off = 4
    ver = buf[off] >> 4
    if ver == 4:
        ihl = (buf[off] & 0xF) * 4
        hdr = buf[off:off + ihl]
        src = ipaddress.IPv4Address(hdr[12:16])
        dst = ipaddress.IPv4Address(hdr[16:20])
        ip_ok = csum(hdr) == 0xFFFF
        pseudo = hdr[12:20] + struct.pack("!BBH", 0, 17, len(buf) - off - ihl)
        off += ihl
    elif ver == 6:
        hdr = buf[off:off + 40]
        src = ipaddress.IPv6Address(hdr[8:24])
        dst = ipaddress.IPv6Address(hdr[24:40])
        ip_ok = hdr[6] == 17
        pseudo = hdr[8:40] + struct.pack("!IxxxB", len(buf) - off - 40, 17)
        off += 40
    else:
        raise ValueError("inner IP version %d" % ver)
    sport, dport, ulen, ucs = struct.unpack_from("!HHHH", buf, off)
    udp_ok = ucs != 0 and csum(pseudo + buf[off:]) == 0xFFFF and ulen == len(buf) - off
    off += 8
    m = buf[off:]
    if m[0] >> 4 != 1:
        raise ValueError("inner message type %d" % (m[0] >> 4))
    irc = m[2] & 0x1F
    nrec = m[3]
    nonce = struct.unpack_from("!Q", m, 4)[0]
    _, seid, p = read_addr(m, 12)
    itrs = []
    for _ in range(irc + 1):
        _, ip, p = read_addr(m, p)
        itrs.append(ip)
    plen = m[p + 1]
    iid, eid, p = read_addr(m, p + 2)
    return {
        "inner_src": str(src), "inner_dst": str(dst), "inner_sport": sport,
        "inner_dport": dport, "inner_ip_ok": ip_ok, "inner_udp_ok": udp_ok,
        "nonce": "0x%016x" % nonce, "nonce_int": nonce, "source_eid": str(seid),
        "itr_rlocs": [str(i) for i in itrs], "records": nrec, "iid": iid,
        "eid": str(eid), "plen": plen, "trailing": len(m) - p,
    }


def put_addr(ip, iid=0):
    ip = ipaddress.ip_address(ip)
    afi = AFI_IPV4 if ip.version == 4 else AFI_IPV6
    plain = struct.pack("!H", afi) + ip.packed
    if not iid:
        return plain
    body = struct.pack("!I", iid) + plain
    return struct.pack("!HBBBBH", AFI_LCAF, 0, 0, LCAF_IID, 32, len(body)) + body


def build_reply(nonce, rule):
    net = ipaddress.ip_network(rule["match"])
    iid = rule.get("iid", 0)
    negative = rule["reply"] == "negative"
    locs = [] if negative else rule["locators"]
    act = rule.get("act", 0)
    rec = struct.pack("!IBBHH", rule.get("ttl", 1440), len(locs), net.prefixlen,
                      (act << 13) | (0x1000 if rule.get("auth", True) else 0),
                      rule.get("map_version", 0))
    rec += put_addr(net.network_address, iid)
    for loc in locs:
        flags = loc.get("flags", "R")
        bits = (4 if "L" in flags else 0) | (2 if "p" in flags else 0) | (1 if "R" in flags else 0)
        rec += struct.pack("!BBBBH", loc["priority"], loc["weight"], loc.get("mpriority", 255),
                           loc.get("mweight", 0), bits)
        rec += put_addr(loc["addr"])
    return struct.pack("!BxxBQ", 0x20, 1, nonce) + rec


def find_rule(rules, req):
    eid = ipaddress.ip_address(req["eid"])
    for r in rules:
        net = ipaddress.ip_network(r["match"])
        if net.version == eid.version and eid in net and r.get("iid", 0) == req["iid"]:
            return r
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", action="append", required=True)
    ap.add_argument("--port", type=int, default=4342)
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--ready", required=True)
    a = ap.parse_args()
    with open(a.scenario) as f:
        rules = json.load(f)
    seen = {}
    socks = []
    for addr in a.listen:
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.bind((addr, a.port))
        socks.append(s)
    log = open(a.log, "a", buffering=1)
    open(a.ready, "w").close()
    pending = []  # (time, sock, data, dest)
    while True:
        now = time.monotonic()
        for item in [p for p in pending if p[0] <= now]:
            pending.remove(item)
            item[1].sendto(item[2], item[3])
        wait = min([p[0] for p in pending], default=now + 1) - now
        ready, _, _ = select.select(socks, [], [], max(wait, 0))
        for s in ready:
            buf, peer = s.recvfrom(65535)
            entry = {"outer_src": peer[0], "outer_sport": peer[1]}
            try:
                entry.update(decode_ecm(buf))
            except (ValueError, IndexError, struct.error) as e:
                entry["error"] = str(e)
                log.write(json.dumps(entry) + "\n")
                continue
            rule = find_rule(rules, entry)
            entry["rule"] = rule["match"] if rule else None
            log.write(json.dumps(entry) + "\n")
            if not rule or rule["reply"] == "silent":
                continue
            n = seen.get(id(rule), 0)
            seen[id(rule)] = n + 1
            if n < rule.get("drop_first", 0):
                continue
            # The reply goes where RFC 9301 says: an ITR-RLOC, at the inner source port.
            itr = entry["itr_rlocs"][0]
            fam = socket.AF_INET6 if ":" in itr else socket.AF_INET
            if "from" in rule:  # an ETR answering directly, not the MR
                out = next((x for x in socks if x.getsockname()[0] == rule["from"]), None)
            else:
                out = next((x for x in socks if x.family == fam), None)
            if out is None:
                continue
            dest = (itr, entry["inner_sport"])
            nonce = entry["nonce_int"]
            at = time.monotonic() + rule.get("delay", 0)
            for what in rule.get("before", []):
                if what == "wrong_nonce":
                    pending.append((at, out, build_reply(nonce ^ 0x5A5A, rule), dest))
                elif what == "junk":
                    pending.append((at, out, b"\x20\x00\x00\x01junk", dest))
            pending.append((at + (0.05 if rule.get("before") else 0), out,
                            build_reply(nonce, rule), dest))


if __name__ == "__main__":
    sys.exit(main())
