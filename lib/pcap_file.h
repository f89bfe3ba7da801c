/* Capture files read from and written to memory buffers (read: classic pcap
 * and pcapng; write: classic pcap), and the IPv4/IPv6 + UDP layers of a
 * captured frame. No I/O here: the caller
 * reads or writes the file. Used by the interop and wire tests, the fuzz seed
 * extractor and the lispdump tool.
 *
 * Every length a capture states (record length, IP header and total length,
 * UDP length) is checked against the bytes actually present before it is used;
 * errors are reported through struct lisp_err as in the codec. */
#ifndef PCAP_FILE_H
#define PCAP_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lisp_err.h"

#define PCAP_LINKTYPE_ETHERNET 1
#define PCAP_LINKTYPE_RAW 101        /* bare IPv4/IPv6 packet */
#define PCAP_LINKTYPE_LINUX_SLL 113  /* "any" device captures */

#define PCAP_FILE_HDR_LEN 24
#define PCAP_REC_HDR_LEN 16
/* Larger snap lengths are nonsense (libpcap caps at 256 KiB); refusing them
 * keeps a corrupt header from passing for a valid one. */
#define PCAP_MAX_SNAPLEN 262144

#define PCAP_MAX_IFACES 16

struct pcap_iface {
	uint32_t linktype;
	uint32_t snaplen;
	uint64_t ts_units;   /* timestamp ticks per second (pcapng if_tsresol) */
};

struct pcap_reader {
	const uint8_t *buf;
	size_t len;
	size_t off;          /* next record header / block */
	bool ng;             /* pcapng */
	bool swapped;        /* written on a host of the other byte order */
	bool nsec;           /* classic: timestamps in nanoseconds */
	uint32_t linktype;   /* classic: the file's; pcapng: the first interface's */
	uint32_t snaplen;
	unsigned n_ifaces;   /* pcapng: interfaces of the current section */
	struct pcap_iface ifaces[PCAP_MAX_IFACES];
};

struct pcap_record {
	uint32_t ts_sec;
	uint32_t ts_usec;
	uint32_t linktype;     /* of the interface the packet was captured on */
	uint32_t orig_len;     /* length on the wire */
	const uint8_t *data;   /* points into the reader's buffer */
	size_t cap_len;
};

/* Checks the file header (classic magic, version 2.x, snap length; or a
 * pcapng Section Header Block and the Interface Description Blocks right
 * after it). Returns 0 or -1. */
int pcap_reader_init(struct pcap_reader *r, const uint8_t *buf, size_t len,
		     struct lisp_err *err);
/* Returns 1 with the next packet, 0 at a clean end of file, -1 when a record
 * or block is cut short, lies about its length, claims more than the snap
 * length or names an unknown interface. pcapng blocks other than Enhanced
 * Packet and Interface Description Blocks are skipped (the rare Simple Packet
 * Block included). */
int pcap_reader_next(struct pcap_reader *r, struct pcap_record *rec, struct lisp_err *err);

/* Writers: little-endian, microsecond timestamps. Each returns 0 and advances
 * *off, or -1 (LISP_ERR_TOO_LONG) without writing when buf lacks room. */
int pcap_write_header(uint8_t *buf, size_t cap, size_t *off, uint32_t linktype,
		      uint32_t snaplen, struct lisp_err *err);
int pcap_write_record(uint8_t *buf, size_t cap, size_t *off, uint32_t ts_sec,
		      uint32_t ts_usec, const uint8_t *frame, size_t frame_len,
		      struct lisp_err *err);

/* A UDP datagram found in a frame. Addresses use the first 4 bytes for IPv4. */
struct pcap_udp {
	uint8_t ip_version;    /* 4 or 6 */
	uint8_t src[16];
	uint8_t dst[16];
	uint8_t ttl;           /* TTL / hop limit */
	uint16_t sport;
	uint16_t dport;
	uint16_t checksum;     /* as carried; 0 = none (IPv4) */
	const uint8_t *ip;     /* start of the IP header, inside the frame */
	size_t ip_len;         /* IP total length (link padding excluded) */
	const uint8_t *payload;
	size_t payload_len;
};

/* Finds the UDP datagram in a frame of the given link type. Fails with
 * LISP_ERR_BAD_TYPE for a frame that is not unfragmented IPv4/IPv6 + UDP
 * (ARP, TCP, IPv6 extension headers, fragments), LISP_ERR_TRUNCATED or
 * LISP_ERR_BAD_IP when a header or length does not fit the frame. */
int pcap_frame_udp(uint32_t linktype, const uint8_t *frame, size_t len,
		   struct pcap_udp *out, struct lisp_err *err);

/* True when the datagram's UDP checksum is present and correct (IPv4 or IPv6
 * pseudo-header). A zero checksum returns false. */
bool pcap_udp_checksum_ok(const struct pcap_udp *u);

/* Builds an Ethernet II + IPv4 or IPv6 + UDP frame around payload, with the
 * IPv4 header checksum and the UDP checksum computed. ip_version 4 uses the
 * first 4 bytes of src/dst. MAC addresses are fixed locally administered ones.
 * Returns 0 and the frame length in *frame_len, or -1. */
int pcap_build_udp_frame(uint8_t *buf, size_t cap, size_t *frame_len, uint8_t ip_version,
			 const uint8_t *src, const uint8_t *dst, uint16_t sport,
			 uint16_t dport, const uint8_t *payload, size_t payload_len,
			 struct lisp_err *err);

#endif
