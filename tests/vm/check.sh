#!/bin/bash
# The test set of one VM run, started inside the guest by tests/vm/run.sh:
#   smoke  the BPF tests (BPF_PROG_TEST_RUN, ICMP through the stack) and one
#          end-to-end lab scenario (static mapping: ping, TCP, iperf3, tshark)
#   bpf    the BPF tests only
#   full   tests/run.sh unit bpf e2e
# Logs go to $BUILD/vm/logs/<kernel release>/, apart from the host's.
set -u
cd "$(dirname "$0")/../.."
export LOGDIR=${BUILD:-$PWD/build}/vm/logs/$(uname -r)
case "${1:-smoke}" in
smoke) TEST_FILTER='/test_bpf_|/test_static_mapping\.sh$' exec tests/run.sh bpf e2e ;;
bpf) exec tests/run.sh bpf ;;
full) exec tests/run.sh unit bpf e2e ;;
*) echo "usage: $0 smoke|bpf|full" >&2; exit 2 ;;
esac
