#!/usr/bin/env python3
"""Checksum-verified TCP transfer between two EIDs (no nc/socat needed).

  xfer.py recv BIND_ADDR PORT          prints "<bytes> <sha256>" of what arrived
  xfer.py send SRC_ADDR DST_ADDR PORT FILE
"""
import hashlib
import socket
import sys


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def recv(bind, port):
    s = socket.socket(family(bind), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((bind, port))
    s.listen(1)
    s.settimeout(60)
    c, _ = s.accept()
    c.settimeout(60)
    h = hashlib.sha256()
    n = 0
    while True:
        d = c.recv(1 << 16)
        if not d:
            break
        h.update(d)
        n += len(d)
    print(n, h.hexdigest(), flush=True)


def send(src, dst, port, path):
    s = socket.socket(family(dst), socket.SOCK_STREAM)
    s.bind((src, 0))
    s.settimeout(60)
    s.connect((dst, port))
    with open(path, "rb") as f:
        # Large writes so the sender builds GSO super-packets.
        while True:
            d = f.read(1 << 20)
            if not d:
                break
            s.sendall(d)
    s.shutdown(socket.SHUT_WR)
    s.recv(1)
    s.close()


if __name__ == "__main__":
    if sys.argv[1] == "recv":
        recv(sys.argv[2], int(sys.argv[3]))
    else:
        send(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
