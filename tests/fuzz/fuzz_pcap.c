/* libFuzzer target: any bytes as a capture file for lib/pcap_file (lispdump
 * and the tests read captures with it). Every record it hands out must lie
 * inside the input, and frame parsing must keep the payload inside the frame. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "pcap_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int inside(const uint8_t *p, size_t n, const uint8_t *base, size_t len)
{
	return p >= base && (size_t)(p - base) <= len && n <= len - (size_t)(p - base);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcap_reader r;
	struct pcap_record rec;
	unsigned n = 0;

	if (pcap_reader_init(&r, data, size, NULL) != 0)
		return 0;
	while (pcap_reader_next(&r, &rec, NULL) == 1) {
		struct pcap_udp u;

		if (!inside(rec.data, rec.cap_len, data, size) || ++n > size)
			abort();  /* out of bounds, or no progress */
		if (pcap_frame_udp(rec.linktype, rec.data, rec.cap_len, &u, NULL) == 0) {
			if (!inside(u.payload, u.payload_len, rec.data, rec.cap_len) ||
			    !inside(u.ip, u.ip_len, rec.data, rec.cap_len))
				abort();
			pcap_udp_checksum_ok(&u);
		}
	}
	return 0;
}
