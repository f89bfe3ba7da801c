#!/usr/bin/env python3
"""Floods a LISP control port with malformed or spoofed messages.

    flood.py SRC DST SECONDS malformed
    flood.py SRC DST SECONDS spoof SMR_EID
    flood.py SRC DST 0 each ROLE
    flood.py SRC DST SECONDS requests EID

Sends from SRC (bound, port 4342 unless taken) to DST:4342 for SECONDS,
cycling through a fixed catalogue, then prints one JSON object: the total
sent and the count per kind. No scapy: every message is built here.

malformed: every message type truncated, lying record/locator/ITR-RLOC
counts, unknown AFIs and LCAF types, LCAF lengths that lie, prefixes longer
than their address, ECMs whose inner IP header is short, lies or is not
IP, auth fields longer than the message, message types a receiver never
takes, and datagrams larger than any LISP message (9300 bytes).

spoof: Map-Replies with nonces nobody asked for, Map-Notifies with a
random nonce and a wrong HMAC, and SMRs (Map-Requests with S=1) whose
source EID is SMR_EID, from a sender that is no peer of the receiver.

each: every malformed kind once, spaced so that no receive buffer fills,
and "expect": how many of them ROLE (mn or pxtr) must count under each
counter (rx_malformed_<reason>, rx_unexpected, and the daemon's
control_rx_oversized), from EXPECT below.

requests: valid ECM-wrapped Map-Requests for EID with SRC as ITR-RLOC and
our port as the inner source port, as fast as we can, reading the answers
as they come; "answered" is how many Map-Replies came back.
"""
import json
import os
import socket
import struct
import sys
import time

AFI_IP, AFI_IP6, AFI_LCAF = 1, 2, 16387


def ip4(a):
    return struct.pack("!H", AFI_IP) + socket.inet_aton(a)


def ip6(a):
    return struct.pack("!H", AFI_IP6) + socket.inet_pton(socket.AF_INET6, a)


def nonce():
    return os.urandom(8)


def reply_record(eid="198.18.77.0", plen=24, n_loc=0, afi_bytes=None, act=1):
    eid_bytes = afi_bytes if afi_bytes is not None else ip4(eid)
    return struct.pack("!IBBHH", 15, n_loc, plen, act << 13, 0) + eid_bytes


def map_reply(records, count=None):
    count = len(records) if count is None else count
    return struct.pack("!BBBB", 0x20, 0, 0, count) + nonce() + b"".join(records)


def map_request(src_eid, itr_rlocs, recs, irc=None, count=None, smr=False):
    irc = len(itr_rlocs) - 1 if irc is None else irc
    count = len(recs) if count is None else count
    flags = 0x10 | (0x01 if smr else 0)            # type 1, S bit
    return (struct.pack("!BBBB", flags, 0, irc & 0x1F, count) + nonce() + src_eid +
            b"".join(itr_rlocs) + b"".join(struct.pack("!BB", 0, p) + a for p, a in recs))


def register_like(t, auth_len=20, auth=None, records=b"", count=1):
    # Map-Register (3) / Map-Notify (4): key-id 1 (HMAC-SHA-1-96), auth data.
    auth = os.urandom(auth_len) if auth is None else auth
    return (struct.pack("!BBBB", t << 4, 0, 0, count) + nonce() +
            struct.pack("!HH", 1, auth_len) + auth + records)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ecm(inner_payload, ip_total=None, version=4, ihl=5, truncate_ip=None):
    src, dst = socket.inet_aton("198.18.0.99"), socket.inet_aton("198.18.0.1")
    udp_len = 8 + len(inner_payload)
    pseudo = src + dst + struct.pack("!BBH", 0, 17, udp_len)
    udp = struct.pack("!HHHH", 4342, 4342, udp_len, 0) + inner_payload
    udp = udp[:6] + struct.pack("!H", csum(pseudo + udp) or 0xFFFF) + udp[8:]
    total = 20 + udp_len if ip_total is None else ip_total
    hdr = struct.pack("!BBHHHBBH4s4s", version << 4 | ihl, 0, total, 0, 0, 64, 17, 0, src, dst)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    inner = hdr + udp
    if truncate_ip is not None:
        inner = inner[:truncate_ip]
    return struct.pack("!BBBB", 0x80, 0, 0, 0) + inner


def malformed_catalogue():
    good_req = map_request(ip4("198.18.0.99"), [ip4("192.0.2.200")], [(32, ip4("198.18.0.1"))])
    cat = {"empty": b""}
    for t in range(16):
        cat["one-byte-type-%d" % t] = bytes([t << 4])
        cat["header-only-type-%d" % t] = bytes([t << 4, 0, 0, 1])
    cat.update({
        "reply-record-count-lies": map_reply([reply_record()], count=255),
        "reply-locator-count-lies": map_reply([reply_record(n_loc=255)]),
        "reply-unknown-afi": map_reply([reply_record(afi_bytes=struct.pack("!H", 0x4242) + bytes(4))]),
        "reply-lcaf-length-lies": map_reply([reply_record(
            afi_bytes=struct.pack("!HBBBBH", AFI_LCAF, 0, 0, 2, 0, 200) + bytes(4))]),
        "reply-unknown-lcaf": map_reply([reply_record(
            afi_bytes=struct.pack("!HBBBBH", AFI_LCAF, 0, 0, 200, 0, 6) + ip4("198.18.77.0"))]),
        "reply-prefix-too-long": map_reply([reply_record(plen=40)]),
        "reply-truncated-record": map_reply([reply_record()])[:-3],
        "request-itr-count-lies": map_request(ip4("198.18.0.99"), [ip4("192.0.2.200")],
                                              [(32, ip4("198.18.0.1"))], irc=31),
        "request-record-count-lies": map_request(ip4("198.18.0.99"), [ip4("192.0.2.200")],
                                                 [(32, ip4("198.18.0.1"))], count=200),
        "request-unknown-afi": map_request(struct.pack("!H", 0x7777) + bytes(4),
                                           [ip4("192.0.2.200")], [(32, ip4("198.18.0.1"))]),
        "request-itr-unknown-afi": map_request(ip4("198.18.0.99"),
                                               [struct.pack("!H", 0x7777) + bytes(4)],
                                               [(32, ip4("198.18.0.1"))]),
        "request-truncated": good_req[:-2],
        "ecm-short-ip": ecm(good_req, truncate_ip=10),
        "ecm-ip-length-lies": ecm(good_req, ip_total=1400),
        "ecm-not-ip": ecm(good_req, version=5),
        "ecm-ihl-lies": ecm(good_req, ihl=15),
        "ecm-inner-truncated": ecm(good_req[:-2]),
        "ecm-inner-garbage": ecm(bytes([0x10]) + bytes(40)),
        "notify-auth-longer-than-message": register_like(4, auth_len=20, auth=bytes(4)),
        "notify-auth-length-lies": register_like(4, auth_len=1000, auth=bytes(20)),
        "register-auth-length-lies": register_like(3, auth_len=1000, auth=bytes(20)),
        "register-record-count-lies": register_like(3, count=200,
                                                    records=reply_record("198.18.99.0")),
        "oversized": bytes([0x20]) + bytes(9299),
    })
    return cat


# What each malformed kind is, as the codec must see it, and so the counter
# a role puts it under. Types a role never takes are rx_unexpected however
# short; datagrams above the largest LISP message never reach a role.
# Kinds not listed: types other than Map-Request (1), Map-Reply (2),
# Map-Notify (4), Info (7: NAT detection's replies, the MN only) and ECM
# (8), rx_unexpected everywhere.
EXPECT = {
    "empty": "truncated",
    "one-byte-type-1": "truncated", "header-only-type-1": "truncated",
    "one-byte-type-2": "truncated", "header-only-type-2": "truncated",
    "one-byte-type-4": "truncated", "header-only-type-4": "truncated",
    "one-byte-type-7": "truncated", "header-only-type-7": "truncated",
    "one-byte-type-8": "truncated", "header-only-type-8": "truncated",
    "reply-record-count-lies": "bad_count",       # 255 > 32 records
    "reply-locator-count-lies": "bad_count",      # 255 > 16 locators
    "reply-unknown-afi": "bad_afi",
    "reply-lcaf-length-lies": "truncated",        # LCAF longer than the message
    "reply-unknown-lcaf": "bad_lcaf",
    "reply-prefix-too-long": "bad_prefix",        # /40 of an IPv4 address
    "reply-truncated-record": "truncated",
    "request-itr-count-lies": "bad_afi",          # the source EID read as ITR-RLOCs
    "request-record-count-lies": "bad_count",
    "request-unknown-afi": "bad_afi",
    "request-itr-unknown-afi": "bad_afi",
    "request-truncated": "truncated",
    "ecm-short-ip": "truncated",
    "ecm-ip-length-lies": "truncated",            # IP total length past the end
    "ecm-not-ip": "bad_ip",
    "ecm-ihl-lies": "bad_ip",
    "ecm-inner-truncated": "truncated",
    "ecm-inner-garbage": "bad_count",             # a Map-Request of 0 records
    "notify-auth-longer-than-message": "truncated",
    "notify-auth-length-lies": "bad_auth",
    "oversized": "oversized",
}
TAKES = {"mn": (1, 2, 4, 7, 8), "pxtr": (1, 2)}


def expected_counter(role, kind, msg):
    reason = EXPECT.get(kind, "unexpected")
    if reason == "oversized":
        return "control_rx_oversized"
    if msg and msg[0] >> 4 not in TAKES[role]:
        return "rx_unexpected"
    return "rx_unexpected" if reason == "unexpected" else "rx_malformed_" + reason


def send_each(s, dst, role):
    cat = malformed_catalogue()
    expect = {}
    for name, msg in cat.items():
        s.sendto(msg, (dst, 4342))
        c = expected_counter(role, name, msg)
        expect[c] = expect.get(c, 0) + 1
        time.sleep(0.002)
    print(json.dumps({"sent": len(cat), "expect": expect}))


def flood_requests(s, dst, src, seconds, eid):
    port = s.getsockname()[1]
    req = map_request(ip4(src), [ip4(src)], [(32, ip4(eid))])
    sent = answered = 0
    s.setblocking(False)
    end = time.monotonic() + seconds
    while True:
        now = time.monotonic()
        if now < end:
            for _ in range(50):
                try:
                    s.sendto(ecm_from(req, src, eid, port), (dst, 4342))
                    sent += 1
                except BlockingIOError:
                    break
        elif now > end + 1:   # answers to the backlog the MS still reads
            break
        else:
            time.sleep(0.01)
        while True:
            try:
                data = s.recv(2048)
            except BlockingIOError:
                break
            answered += bool(data) and data[0] >> 4 == 2
    print(json.dumps({"sent": sent, "answered": answered}))


def ecm_from(inner_payload, src, dst, sport):
    # As ecm(), with the inner IP source and UDP source port the MS answers.
    s4, d4 = socket.inet_aton(src), socket.inet_aton(dst)
    udp_len = 8 + len(inner_payload)
    pseudo = s4 + d4 + struct.pack("!BBH", 0, 17, udp_len)
    udp = struct.pack("!HHHH", sport, 4342, udp_len, 0) + inner_payload
    udp = udp[:6] + struct.pack("!H", csum(pseudo + udp) or 0xFFFF) + udp[8:]
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, 0, 0, 64, 17, 0, s4, d4)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return struct.pack("!BBBB", 0x80, 0, 0, 0) + hdr + udp


def spoof_catalogue(smr_eid):
    fam = ip6 if ":" in smr_eid else ip4
    return {
        "reply-unknown-nonce": map_reply([reply_record(n_loc=1) +
                                          struct.pack("!BBBBH", 1, 100, 255, 0, 0x0005) +
                                          ip4("203.0.113.66")]),
        "notify-bad-hmac": register_like(4, records=reply_record("198.18.0.1", 32)),
        "smr-from-stranger": map_request(fam(smr_eid), [ip4("192.0.2.200")],
                                         [(32, ip4("198.18.0.1"))], smr=True),
    }


def main():
    src, dst, seconds, mode = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
    s = socket.socket(socket.AF_INET6 if ":" in dst else socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind((src, 4342))
    except OSError:
        s.bind((src, 0))
    if mode == "each":
        return send_each(s, dst, sys.argv[5])
    if mode == "requests":
        return flood_requests(s, dst, src, seconds, sys.argv[5])
    cat = malformed_catalogue() if mode == "malformed" else spoof_catalogue(sys.argv[5])
    sent = {k: 0 for k in cat}
    items = list(cat.items())
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for _ in range(20):
            for name, msg in items:
                # Nonces differ per datagram only where they matter (spoof).
                if mode == "spoof" and name != "smr-from-stranger":
                    msg = msg[:4] + nonce() + msg[12:]
                try:
                    s.sendto(msg, (dst, 4342))
                except BlockingIOError:
                    continue
                sent[name] += 1
    print(json.dumps({"sent": sum(sent.values()), "kinds": sent}))


if __name__ == "__main__":
    main()
