#!/usr/bin/env python3
"""Replays the LISP data packets of a classic pcap toward one RLOC.

    replay.py PCAP IFACE DST_MAC RLOC

Every IPv4 UDP packet to RLOC port 4341 in PCAP (Ethernet link type) is sent
out of IFACE through an AF_PACKET socket, byte for byte from its IP header
on, in a new Ethernet header (destination DST_MAC, source IFACE's MAC). Prints
the number of frames sent. No scapy: the pcap and IP headers are read here.
"""
import socket
import struct
import sys

LINKTYPE_ETHERNET = 1
ETH_P_IP = 0x0800


def records(data):
    magic = struct.unpack("<I", data[:4])[0]
    if magic == 0xA1B2C3D4:
        endian = "<"
    elif magic == 0xD4C3B2A1:
        endian = ">"
    else:
        sys.exit("not a classic pcap file")
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    if linktype != LINKTYPE_ETHERNET:
        sys.exit("link type %d, expected Ethernet" % linktype)
    off = 24
    while off + 16 <= len(data):
        cap_len = struct.unpack(endian + "I", data[off + 8:off + 12])[0]
        off += 16
        if off + cap_len > len(data):
            sys.exit("truncated record")
        yield data[off:off + cap_len]
        off += cap_len


def lisp_to(frame, rloc):
    """The IP packet of frame when it is IPv4 UDP to rloc:4341, else None."""
    if len(frame) < 14 + 20 or struct.unpack("!H", frame[12:14])[0] != ETH_P_IP:
        return None
    ip = frame[14:]
    ihl = (ip[0] & 0x0F) * 4
    if ip[0] >> 4 != 4 or ip[9] != 17 or ip[16:20] != rloc or len(ip) < ihl + 16:
        return None
    total = struct.unpack("!H", ip[2:4])[0]
    if struct.unpack("!H", ip[ihl + 2:ihl + 4])[0] != 4341 or total > len(ip):
        return None
    return ip[:total]


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    path, iface, dst_mac, rloc = sys.argv[1:]
    dst = bytes.fromhex(dst_mac.replace(":", ""))
    with open(path, "rb") as f:
        data = f.read()
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    src = s.getsockname()[4]
    sent = 0
    for frame in records(data):
        ip = lisp_to(frame, socket.inet_aton(rloc))
        if ip is None:
            continue
        s.send(dst + src + struct.pack("!H", ETH_P_IP) + ip)
        sent += 1
    s.close()
    print(sent)


if __name__ == "__main__":
    main()
