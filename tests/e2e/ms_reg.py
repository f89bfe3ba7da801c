#!/usr/bin/env python3
"""An xTR that registers by hand, for the Map-Server tests: Map-Registers
built from the RFC 9301 layout (so the MS is checked against an encoder that
is not this project's codec), signed with HMAC-SHA-1 or HMAC-SHA-256 over
the whole message, sent over UDP; the Map-Notify that answers is verified
and decoded.

    ms_reg.py send --src ADDR --ms ADDR --key KEY --alg 1|2 --nonce N
                   [--xtr-id HEX32 --site-id N] [--ttl-expire] [--no-notify]
                   [--proxy] [--truncated] [--save FILE] [--wait S]
                   --record PREFIX,TTL[,LOC/PRIORITY/WEIGHT...] [--record ...]
    ms_reg.py resend FILE --src ADDR --ms ADDR [--wait S]
    ms_reg.py relay --rtr-key KEY --private ADDR [send arguments]
    ms_reg.py info --src ADDR --ms ADDR --key KEY --alg 1|2 --nonce N --eid PREFIX
    ms_reg.py via-rtr --rtr ADDR [send arguments]
    ms_reg.py rtr-data --src ADDR --rtr ADDR --src-eid EID --dst-eid EID
                       [--tries N] [--wait S]

Prints one JSON line: {"sent": bytes, "notify": null or {"nonce", "auth_ok",
"xtr_id", "records": [{"eid", "ttl", "locators": [{"address", "priority",
"weight", "reachable", "local"}]}]}}. `resend` sends a saved message byte
for byte (a replay). `relay` plays an RTR (NAT traversal, docs/NAT.md 3.4
NEW): the register, R set, as a node behind a NAT at --private would send
it, in an ECM with N from --src; the answer must be an ECM with R and S
whose MS-RTR MAC (HMAC-SHA-1, --rtr-key) covers the Map-Notify:
"notify" also holds "ecm": {"rtr", "mac_ok", "inner_src", "inner_dst",
"sport", "dport"}. `info` sends an Info-Request (docs/NAT.md 3.1) and
prints {"sent", "sport", "reply": null or {"nonce", "auth_ok", "ttl", "eid",
"ms_port", "etr_port", "global", "ms", "private", "rtrs"}}. `via-rtr` plays
a node behind a NAT (docs/NAT.md 3.3-3.5): the register, R set, in an ECM
with R from --src port 4341 (the data port) to the RTR's 4342, addressed
inside to --ms; the answer is the RTR's Data-Map-Notify on the same
socket: "notify" also holds "dmn": {"from", "iid", "inner_src",
"inner_dst", "sport", "dport"} (auth_ok over the bytes before an OLD
map-server's emptied RTR field). `rtr-data` sends that node's traffic: an
ICMP echo request --src-eid -> --dst-eid in LISP data from --src port 4341
to the RTR's 4341, one try every --wait seconds, until the echo reply
comes back as LISP data on that socket; prints {"sent", "replies", "from",
"inner_src", "inner_dst"}. Only the standard library.
"""
import argparse
import hashlib
import hmac
import ipaddress
import json
import socket
import struct
import sys

AFI_IPV4, AFI_IPV6 = 1, 2
ALGS = {1: (hashlib.sha1, 20, 12), 2: (hashlib.sha256, 32, 16)}


def bit(n):
    return 1 << (31 - n)


REG_P, REG_I, REG_R, REG_T, REG_M = bit(4), bit(6), bit(7), bit(20), bit(23)
ECM_S, ECM_R, ECM_N = bit(4), bit(9), bit(10)


def put_addr(addr):
    a = ipaddress.ip_address(addr)
    return struct.pack("!H", AFI_IPV4 if a.version == 4 else AFI_IPV6) + a.packed


def get_addr(buf, off):
    afi = struct.unpack_from("!H", buf, off)[0]
    if afi == 0:
        return None, off + 2
    n = {AFI_IPV4: 4, AFI_IPV6: 16}.get(afi)
    if n is None:
        raise ValueError("AFI %d" % afi)
    return ipaddress.ip_address(buf[off + 2:off + 2 + n]), off + 2 + n


def record(spec):
    """PREFIX,TTL[,LOC/PRIO/WEIGHT[/FLAGS]...] -> an EID record (RFC 9301
    5.4). FLAGS: the locator's L(4) p(2) R(1) bits; by default L and R, as a
    registering xTR sets them for its own RLOCs."""
    parts = spec.split(",")
    net = ipaddress.ip_network(parts[0])
    locs = [p.split("/") for p in parts[2:]]
    rec = struct.pack("!IBBHH", int(parts[1]), len(locs), net.prefixlen, 0x1000, 0)
    rec += put_addr(net.network_address)
    for loc in locs:
        addr, prio, weight = loc[:3]
        flags = int(loc[3], 0) if len(loc) > 3 else 0x0005
        rec += struct.pack("!BBBBH", int(prio), int(weight), 255, 0, flags) + put_addr(addr)
    return rec


def sign(msg, key, alg, auth_off, auth_len):
    digest = hmac.new(key.encode(), msg, ALGS[alg][0]).digest()[:auth_len]
    return msg[:auth_off] + digest + msg[auth_off + auth_len:]


def build(a):
    hashfn, full, short = ALGS[a.alg]
    auth_len = short if a.truncated else full
    w0 = (3 << 28) | len(a.record)
    w0 |= (REG_M if not a.no_notify else 0) | (REG_P if a.proxy else 0)
    w0 |= (REG_T if a.ttl_expire else 0) | (REG_I if a.xtr_id else 0)
    w0 |= REG_R if a.cmd in ("relay", "via-rtr") else 0
    msg = struct.pack("!IQBBH", w0, a.nonce, 0, a.alg, auth_len) + bytes(auth_len)
    for spec in a.record:
        msg += record(spec)
    if a.xtr_id:
        msg += bytes.fromhex(a.xtr_id) + struct.pack("!Q", a.site_id)
    return sign(msg, a.key, a.alg, 16, auth_len)


def decode_notify(buf, key):
    w0, nonce, _, alg, auth_len = struct.unpack_from("!IQBBH", buf, 0)
    if w0 >> 28 != 4:
        raise ValueError("type %d, not a Map-Notify" % (w0 >> 28))
    auth = buf[16:16 + auth_len]
    zeroed = buf[:16] + bytes(auth_len) + buf[16 + auth_len:]
    want = hmac.new(key.encode(), zeroed, ALGS[alg][0]).digest()[:auth_len] if alg in ALGS else b""
    out = {"nonce": nonce, "auth_ok": bool(want) and hmac.compare_digest(auth, want),
           "alg": alg, "records": []}
    off = 16 + auth_len
    for _ in range(w0 & 0xFF):
        ttl, nloc, plen, _, _ = struct.unpack_from("!IBBHH", buf, off)
        eid, off = get_addr(buf, off + 10)
        rec = {"eid": "%s/%d" % (eid, plen), "ttl": ttl, "locators": []}
        for _ in range(nloc):
            prio, weight, _, _, flags = struct.unpack_from("!BBBBH", buf, off)
            addr, off = get_addr(buf, off + 6)
            rec["locators"].append({"address": str(addr), "priority": prio, "weight": weight,
                                    "reachable": bool(flags & 1), "local": bool(flags & 4)})
        out["records"].append(rec)
    if w0 & bit(4):  # I: the xTR-ID trailer
        out["xtr_id"] = buf[off:off + 16].hex()
        off += 24
    if w0 & bit(5) and off < len(buf):
        # R and the OLD dialect's RTR field: the site's MAC covers what precedes it.
        zeroed = zeroed[:off]
        out["auth_ok"] = bool(want) and hmac.compare_digest(auth, hmac.new(
            key.encode(), zeroed, ALGS[alg][0]).digest()[:auth_len])
    return out


def mac_ok(key, alg, msg, mac):
    want = hmac.new(key.encode(), msg, ALGS[alg][0]).digest()[:len(mac)] if alg in ALGS else b""
    return bool(want) and hmac.compare_digest(mac, want)


def ipv4_udp(src, dst, payload):
    """An inner IPv4 + UDP header (UDP checksum 0, as IPv4 allows)."""
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28 + len(payload), 0, 0x4000, 255, 17, 0,
                      ipaddress.ip_address(src).packed, ipaddress.ip_address(dst).packed)
    words = sum(struct.unpack("!10H", hdr))
    while words >> 16:
        words = (words & 0xFFFF) + (words >> 16)
    hdr = hdr[:10] + struct.pack("!H", ~words & 0xFFFF) + hdr[12:]
    return hdr + struct.pack("!HHHH", 4342, 4342, 8 + len(payload), 0) + payload


def udp_of_ipv4(ip):
    """An IPv4 + UDP packet: (src, dst, sport, dport, payload)."""
    ihl = (ip[0] & 0x0F) * 4
    sport, dport = struct.unpack_from("!HH", ip, ihl)
    return (str(ipaddress.ip_address(ip[12:16])), str(ipaddress.ip_address(ip[16:20])),
            sport, dport, ip[ihl + 8:])


def decode_dmn(buf, key, peer):
    """The RTR's Data-Map-Notify (docs/NAT.md 3.5): a LISP data header with
    I and instance-id 0xFFFFFF, an inner IPv4 + UDP packet, the Map-Notify."""
    if not buf[0] & 0x08:
        raise ValueError("no instance-id: not a Data-Map-Notify")
    src, dst, sport, dport, payload = udp_of_ipv4(buf[8:])
    out = decode_notify(payload, key)
    out["dmn"] = {"from": "%s:%d" % peer, "iid": int.from_bytes(buf[4:7], "big"),
                  "inner_src": src, "inner_dst": dst, "sport": sport, "dport": dport}
    return out


def rtr_ecm(a, register):
    """The node's ECM to its RTR: R set, inner IPv4 + UDP to the map-server."""
    return struct.pack("!I", (8 << 28) | ECM_R) + ipv4_udp(a.src, a.ms, register)


def checksum(data):
    data += bytes(len(data) % 2)
    words = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while words >> 16:
        words = (words & 0xFFFF) + (words >> 16)
    return ~words & 0xFFFF


def lisp_echo(src_eid, dst_eid, seq):
    """LISP data (N and a nonce) around an IPv4 ICMP echo request."""
    icmp = struct.pack("!BBHHH", 8, 0, 0, 0x4c50, seq) + b"lispd-rtr-e2e"
    icmp = icmp[:2] + struct.pack("!H", checksum(icmp)) + icmp[4:]
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), seq, 0, 64, 1, 0,
                      ipaddress.ip_address(src_eid).packed, ipaddress.ip_address(dst_eid).packed)
    hdr = hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]
    return struct.pack("!II", 0x80000000 | seq, 0) + hdr + icmp


def rtr_data(a):
    """Echo requests to the RTR until a reply comes back through it."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((a.src, 4341))
    s.settimeout(a.wait)
    result = {"sent": 0, "replies": 0, "from": None, "inner_src": None, "inner_dst": None}
    for seq in range(1, a.tries + 1):
        s.sendto(lisp_echo(a.src_eid, a.dst_eid, seq), (a.rtr, 4341))
        result["sent"] += 1
        try:
            while True:
                buf, peer = s.recvfrom(65535)
                ip = buf[8:]
                if len(ip) < 28 or ip[9] != 1 or ip[20] != 0:
                    continue
                result["replies"] = 1
                result["from"] = "%s:%d" % peer
                result["inner_src"] = str(ipaddress.ip_address(ip[12:16]))
                result["inner_dst"] = str(ipaddress.ip_address(ip[16:20]))
                print(json.dumps(result))
                return
        except socket.timeout:
            pass
    print(json.dumps(result))


def relay_ecm(a, register):
    return struct.pack("!I", (8 << 28) | ECM_N) + ipv4_udp(a.private, a.ms, register)


def decode_ecm_notify(buf, key, rtr_key):
    """The map-server's answer to an RTR: ECM R, S, AD Type 2, then an inner
    IPv4 + UDP packet carrying the Map-Notify."""
    w0, ad_type, key_id, mac_len = struct.unpack_from("!IB3xHH", buf, 0)
    if w0 >> 28 != 8 or ad_type != 2:
        raise ValueError("not an ECM with MS-RTR authentication data")
    mac = buf[12:12 + mac_len]
    ip = buf[12 + mac_len:]
    ihl = (ip[0] & 0x0F) * 4
    sport, dport = struct.unpack_from("!HH", ip, ihl)
    payload = ip[ihl + 8:]
    out = decode_notify(payload, key)
    out["ecm"] = {"rtr": bool(w0 & ECM_R) and bool(w0 & ECM_S) and not w0 & ECM_N,
                  "mac_ok": mac_ok(rtr_key, key_id & 0xFF, payload, mac),
                  "inner_src": str(ipaddress.ip_address(ip[12:16])),
                  "inner_dst": str(ipaddress.ip_address(ip[16:20])),
                  "sport": sport, "dport": dport}
    return out


def build_info(a):
    """Info-Request (draft-ermagan-lisp-nat-traversal 4.1): nonce, auth as a
    Map-Register's, TTL 0, the EID prefix, AFI 0."""
    hashfn, full, _ = ALGS[a.alg]
    net = ipaddress.ip_network(a.eid)
    msg = struct.pack("!IQBBH", 7 << 28, a.nonce, 0, a.alg, full) + bytes(full)
    msg += struct.pack("!IBB", 0, 0, net.prefixlen) + put_addr(net.network_address)
    msg += struct.pack("!H", 0)
    return sign(msg, a.key, a.alg, 16, full)


def decode_info_reply(buf, key):
    w0, nonce, _, alg, auth_len = struct.unpack_from("!IQBBH", buf, 0)
    if w0 >> 28 != 7 or not w0 & bit(4):
        raise ValueError("not an Info-Reply")
    auth = buf[16:16 + auth_len]
    zeroed = buf[:16] + bytes(auth_len) + buf[16 + auth_len:]
    off = 16 + auth_len
    ttl, _, plen = struct.unpack_from("!IBB", buf, off)
    eid, off = get_addr(buf, off + 6)
    afi, _, _, lcaf_type, _, length = struct.unpack_from("!HBBBBH", buf, off)
    if afi != 16387 or lcaf_type != 7:
        raise ValueError("no NAT-Traversal LCAF")
    end = off + 8 + length
    ms_port, etr_port = struct.unpack_from("!HH", buf, off + 8)
    off += 12
    glob, off = get_addr(buf, off)
    ms, off = get_addr(buf, off)
    private, off = get_addr(buf, off)
    rtrs = []
    while off < end:
        rtr, off = get_addr(buf, off)
        rtrs.append(str(rtr))
    return {"nonce": nonce, "auth_ok": mac_ok(key, alg, zeroed, auth), "ttl": ttl,
            "eid": "%s/%d" % (eid, plen), "ms_port": ms_port, "etr_port": etr_port,
            "global": str(glob), "ms": str(ms), "private": private and str(private),
            "rtrs": rtrs, "length_ok": end == len(buf)}


def exchange(msg, src, ms, wait, decode, name="notify", sport=0):
    fam = socket.AF_INET6 if ":" in ms else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((src, sport))
    s.settimeout(wait)
    s.sendto(msg, (ms, 4342))
    result = {"sent": len(msg), "sport": s.getsockname()[1], name: None}
    try:
        buf, peer = s.recvfrom(65535)
        result[name] = decode(buf, peer)
    except socket.timeout:
        pass
    print(json.dumps(result))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("send")
    rl = sub.add_parser("relay")
    vr = sub.add_parser("via-rtr")
    i = sub.add_parser("info")
    for p in (s, rl, vr, i):
        p.add_argument("--key", required=True)
        p.add_argument("--alg", type=int, choices=(1, 2), required=True)
        p.add_argument("--nonce", type=lambda v: int(v, 0), required=True)
    for p in (s, rl, vr):
        p.add_argument("--xtr-id")
        p.add_argument("--site-id", type=int, default=0)
        p.add_argument("--ttl-expire", action="store_true")
        p.add_argument("--no-notify", action="store_true")
        p.add_argument("--proxy", action="store_true")
        p.add_argument("--truncated", action="store_true")
        p.add_argument("--record", action="append", required=True)
        p.add_argument("--save")
    rl.add_argument("--rtr-key", required=True)
    rl.add_argument("--private", required=True)
    vr.add_argument("--rtr", required=True)
    i.add_argument("--eid", required=True)
    r = sub.add_parser("resend")
    r.add_argument("file")
    r.add_argument("--key")
    for p in (s, rl, vr, i, r):
        p.add_argument("--src", required=True)
        p.add_argument("--ms", required=True)
        p.add_argument("--wait", type=float, default=1.0)
    d = sub.add_parser("rtr-data")
    d.add_argument("--src", required=True)
    d.add_argument("--rtr", required=True)
    d.add_argument("--src-eid", required=True)
    d.add_argument("--dst-eid", required=True)
    d.add_argument("--tries", type=int, default=10)
    d.add_argument("--wait", type=float, default=0.3)
    a = ap.parse_args()
    if a.cmd == "rtr-data":
        rtr_data(a)
        return
    if a.cmd == "info":
        exchange(build_info(a), a.src, a.ms, a.wait, lambda b, _: decode_info_reply(b, a.key),
                 "reply")
        return
    if a.cmd == "resend":
        with open(a.file, "rb") as f:
            msg = f.read()
    else:
        msg = build(a)
        if a.save:
            with open(a.save, "wb") as f:
                f.write(msg)
    if a.cmd == "relay":
        exchange(relay_ecm(a, msg), a.src, a.ms, a.wait,
                 lambda b, _: decode_ecm_notify(b, a.key, a.rtr_key))
    elif a.cmd == "via-rtr":
        exchange(rtr_ecm(a, msg), a.src, a.rtr, a.wait,
                 lambda b, peer: decode_dmn(b, a.key, peer), sport=4341)
    elif a.key is None:
        exchange(msg, a.src, a.ms, a.wait, lambda b, _: {"bytes": len(b)})
    else:
        exchange(msg, a.src, a.ms, a.wait, lambda b, _: decode_notify(b, a.key))


if __name__ == "__main__":
    sys.exit(main())
