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

Prints one JSON line: {"sent": bytes, "notify": null or {"nonce", "auth_ok",
"xtr_id", "records": [{"eid", "ttl", "locators": [{"address", "priority",
"weight", "reachable", "local"}]}]}}. `resend` sends a saved message byte
for byte (a replay). Only the standard library.
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


REG_P, REG_I, REG_T, REG_M = bit(4), bit(6), bit(20), bit(23)


def put_addr(addr):
    a = ipaddress.ip_address(addr)
    return struct.pack("!H", AFI_IPV4 if a.version == 4 else AFI_IPV6) + a.packed


def get_addr(buf, off):
    afi = struct.unpack_from("!H", buf, off)[0]
    n = {AFI_IPV4: 4, AFI_IPV6: 16}.get(afi)
    if n is None:
        raise ValueError("AFI %d" % afi)
    return ipaddress.ip_address(buf[off + 2:off + 2 + n]), off + 2 + n


def record(spec):
    """PREFIX,TTL[,LOC/PRIO/WEIGHT...] -> an EID record (RFC 9301 5.4)."""
    parts = spec.split(",")
    net = ipaddress.ip_network(parts[0])
    locs = [p.split("/") for p in parts[2:]]
    rec = struct.pack("!IBBHH", int(parts[1]), len(locs), net.prefixlen, 0x1000, 0)
    rec += put_addr(net.network_address)
    for addr, prio, weight in locs:
        # L (local) and R (reachable), as a registering xTR sets them.
        rec += struct.pack("!BBBBH", int(prio), int(weight), 255, 0, 0x0005) + put_addr(addr)
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
    return out


def exchange(msg, src, ms, wait, key):
    fam = socket.AF_INET6 if ":" in ms else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((src, 0))
    s.settimeout(wait)
    s.sendto(msg, (ms, 4342))
    result = {"sent": len(msg), "notify": None}
    try:
        buf, _ = s.recvfrom(65535)
        result["notify"] = decode_notify(buf, key) if key is not None else {"bytes": len(buf)}
    except socket.timeout:
        pass
    print(json.dumps(result))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("send")
    s.add_argument("--key", required=True)
    s.add_argument("--alg", type=int, choices=(1, 2), required=True)
    s.add_argument("--nonce", type=lambda v: int(v, 0), required=True)
    s.add_argument("--xtr-id")
    s.add_argument("--site-id", type=int, default=0)
    s.add_argument("--ttl-expire", action="store_true")
    s.add_argument("--no-notify", action="store_true")
    s.add_argument("--proxy", action="store_true")
    s.add_argument("--truncated", action="store_true")
    s.add_argument("--record", action="append", required=True)
    s.add_argument("--save")
    r = sub.add_parser("resend")
    r.add_argument("file")
    r.add_argument("--key")
    for p in (s, r):
        p.add_argument("--src", required=True)
        p.add_argument("--ms", required=True)
        p.add_argument("--wait", type=float, default=1.0)
    a = ap.parse_args()
    if a.cmd == "send":
        msg = build(a)
        if a.save:
            with open(a.save, "wb") as f:
                f.write(msg)
    else:
        with open(a.file, "rb") as f:
            msg = f.read()
    exchange(msg, a.src, a.ms, a.wait, a.key)


if __name__ == "__main__":
    sys.exit(main())
