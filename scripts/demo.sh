#!/bin/bash
# The demo. The full lab (map-server, PxTR, two mobile nodes, handover) comes
# with the lab issue; until then this shows, honestly, what exists today:
#   1. the configuration checker on the shipped example,
#   2. the LISP codec decoding and authenticating captures of a real
#      implementation (Open Overlay Router 1.3).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
make -j2 all >/dev/null

echo "== lispd -t: check the example configuration"
build/lispd -t -f lispd.conf.example
echo
echo "== lispdump: a mobile node registering, resolving and sending (OOR 1.3 capture)"
build/lispdump -k key-mn tests/interop/data/final-c-mn.pcap
echo
echo "== lispdump: the map-server's view, with every site's key"
build/lispdump -k key-xtr1 -k key-xtr2 -k key-mn tests/interop/data/final-c-ms.pcap
