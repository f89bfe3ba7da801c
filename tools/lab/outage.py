#!/usr/bin/env python3
"""The outage of a ping stream around an event, from `ping -D` output.

  outage.py PING_OUTPUT EVENT_EPOCH

Prints "gap_s gap_start gap_end lost last_reply": the longest time without
a reply that ends after the event (between two consecutive replies, the
first possibly before the event), its start and end (epoch seconds), the
echo requests in it that got no reply (by icmp_seq), and the time of the
last reply seen. The stream's interval is the resolution. A gap still open
(no reply since) is not counted: compare last_reply with the clock for
that. Without any reply after the event: "none none none none last_reply".
"""
import re
import sys

LINE = re.compile(r"^\[(\d+\.\d+)\] .* icmp_seq=(\d+) ")


def main():
    path, event = sys.argv[1], float(sys.argv[2])
    prev = None
    best = None
    with open(path, errors="replace") as f:
        for line in f:
            m = LINE.match(line)
            if not m:
                continue
            ts, seq = float(m.group(1)), int(m.group(2))
            if ts >= event and prev is not None:
                gap = ts - prev[0]
                if best is None or gap > best[0]:
                    # icmp_seq is 16 bits: a long stream at 1 ms wraps.
                    best = (gap, prev[0], ts, (seq - prev[1] - 1) % 65536)
            prev = (ts, seq)
    last = "%.6f" % prev[0] if prev else "none"
    if best is None:
        print("none none none none", last)
    else:
        print("%.3f %.6f %.6f %d %s" % (best + (last,)))


if __name__ == "__main__":
    main()
