#!/usr/bin/env python3
"""Sends COUNT small UDP datagrams from SRC, each to the next address of
198.18.0.0/15 (skipping SKIP; after the last one it starts over), for at
most SECONDS: a scan of unknown destinations that misses the map-cache at
every packet.

    missflood.py SRC COUNT SECONDS SKIP...

Prints a JSON object: datagrams sent and seconds taken.
"""
import json
import socket
import sys
import time


def main():
    src, count, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    skip = set(sys.argv[4:])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    s.setblocking(False)
    base = int.from_bytes(socket.inet_aton("198.18.0.0"), "big")
    t0 = time.monotonic()
    end = t0 + seconds
    sent = 0
    i = 0
    while sent < count:
        if (sent & 1023) == 0 and time.monotonic() >= end:
            break
        i = i % ((1 << 17) - 2) + 1
        dst = socket.inet_ntoa((base + i).to_bytes(4, "big"))
        if dst in skip:
            continue
        try:
            s.sendto(b"x", (dst, 9))
            sent += 1
        except (BlockingIOError, OSError):
            pass
    print(json.dumps({"sent": sent, "seconds": round(time.monotonic() - t0, 2)}))


if __name__ == "__main__":
    main()
