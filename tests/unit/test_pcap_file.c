/* pcap reader/writer and the UDP frame helpers of lib/pcap_file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pcap_file.h"
#include "../common/testutil.h"

static const uint8_t v4_src[4] = { 192, 0, 2, 10 };
static const uint8_t v4_dst[4] = { 198, 51, 100, 20 };
static const uint8_t v6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0a };
static const uint8_t v6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x14 };
static const uint8_t payload[] = { 0x10, 0x00, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef, 0x42 };

static size_t build(uint8_t *frame, size_t cap, uint8_t version)
{
	size_t len = 0;

	assert_int_equal(pcap_build_udp_frame(frame, cap, &len, version,
					      version == 4 ? v4_src : v6_src,
					      version == 4 ? v4_dst : v6_dst, 61000, 4342, payload,
					      sizeof(payload), NULL),
			 0);
	return len;
}

/* Record counts as `capinfos -c` reports them for the interop captures;
 * bad_csum: outer UDP checksums tshark calls bad with
 * `tshark -o udp.check_checksum:TRUE -Y 'udp.checksum.status==0'` (frames 27,
 * 29, 31, 33 of final-c-ms.pcap, sent by the capturing host 192.0.2.1 with
 * checksum offload, so they hold only the pseudo-header sum). */
static void test_reads_interop_captures(void **state)
{
	static const struct {
		const char *path;
		unsigned packets;
		unsigned bad_csum;
	} caps[] = {
		{ "tests/interop/data/final-c-mn.pcap", 20, 0 },
		{ "tests/interop/data/final-c-ms.pcap", 34, 4 },
		{ "tests/interop/data/oor-reference-flow-xtr1-link.pcap", 45, 0 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		size_t len;
		uint8_t *buf = tu_read_file(caps[i].path, &len);
		struct pcap_reader r;
		struct pcap_record rec;
		unsigned n = 0, udp = 0, bad_csum = 0;
		int rc;

		assert_int_equal(pcap_reader_init(&r, buf, len, NULL), 0);
		assert_int_equal(r.linktype, PCAP_LINKTYPE_ETHERNET);
		while ((rc = pcap_reader_next(&r, &rec, NULL)) == 1) {
			struct pcap_udp u;

			n++;
			assert_true(rec.cap_len <= rec.orig_len);
			/* Every frame in these captures is LISP over UDP on IPv4. */
			assert_int_equal(pcap_frame_udp(rec.linktype, rec.data, rec.cap_len, &u, NULL), 0);
			assert_int_equal(u.ip_version, 4);
			assert_true(u.sport == 4341 || u.sport == 4342 || u.dport == 4341 ||
				    u.dport == 4342);
			if (!pcap_udp_checksum_ok(&u))
				bad_csum++;
			udp++;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(n, caps[i].packets);
		assert_int_equal(udp, n);
		assert_int_equal(bad_csum, caps[i].bad_csum);
		free(buf);
	}
}

static void test_write_then_read(void **state)
{
	uint8_t file[512], frame[128];
	size_t off = 0, flen;
	struct pcap_reader r;
	struct pcap_record rec;
	(void)state;

	flen = build(frame, sizeof(frame), 4);
	assert_int_equal(pcap_write_header(file, sizeof(file), &off, PCAP_LINKTYPE_ETHERNET,
					   65535, NULL),
			 0);
	assert_int_equal(off, PCAP_FILE_HDR_LEN);
	for (uint32_t i = 0; i < 3; i++)
		assert_int_equal(pcap_write_record(file, sizeof(file), &off, 1000 + i, 500 * i,
						   frame, flen - i, NULL),
				 0);
	assert_int_equal(off, PCAP_FILE_HDR_LEN + 3 * PCAP_REC_HDR_LEN + 3 * flen - 3);

	assert_int_equal(pcap_reader_init(&r, file, off, NULL), 0);
	assert_false(r.swapped);
	assert_false(r.nsec);
	assert_int_equal(r.snaplen, 65535);
	assert_int_equal(r.linktype, PCAP_LINKTYPE_ETHERNET);
	for (uint32_t i = 0; i < 3; i++) {
		assert_int_equal(pcap_reader_next(&r, &rec, NULL), 1);
		assert_int_equal(rec.ts_sec, 1000 + i);
		assert_int_equal(rec.ts_usec, 500 * i);
		assert_int_equal(rec.cap_len, flen - i);
		assert_int_equal(rec.orig_len, flen - i);
		assert_memory_equal(rec.data, frame, flen - i);
	}
	assert_int_equal(pcap_reader_next(&r, &rec, NULL), 0);
	assert_int_equal(pcap_reader_next(&r, &rec, NULL), 0);
}

static void test_writer_refuses_small_buffer(void **state)
{
	uint8_t file[64], frame[8] = { 0 };
	size_t off = 0;
	struct lisp_err err = { 0 };
	(void)state;

	assert_int_equal(pcap_write_header(file, 23, &off, 1, 100, &err), -1);
	assert_int_equal(err.code, LISP_ERR_TOO_LONG);
	assert_int_equal(off, 0);
	assert_int_equal(pcap_write_header(file, sizeof(file), &off, 1, 100, NULL), 0);
	off = sizeof(file) - PCAP_REC_HDR_LEN - 7;
	memset(&err, 0, sizeof(err));
	assert_int_equal(pcap_write_record(file, sizeof(file), &off, 0, 0, frame, 8, &err), -1);
	assert_int_equal(err.code, LISP_ERR_TOO_LONG);
	assert_int_equal(off, sizeof(file) - PCAP_REC_HDR_LEN - 7);
}

/* Hand-made big-endian nanosecond file: the other byte order and magic. */
static void test_reads_big_endian_nsec(void **state)
{
	static const uint8_t file[] = {
		0xa1, 0xb2, 0x3c, 0x4d, 0x00, 0x02, 0x00, 0x04, 0, 0, 0, 0, 0, 0, 0, 0,
		0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x65,  /* snaplen 256, RAW */
		0x00, 0x00, 0x00, 0x07, 0x3b, 0x9a, 0xc9, 0xff,  /* ts 7.999999999 */
		0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x05,  /* incl 2, orig 5 */
		0xab, 0xcd,
	};
	struct pcap_reader r;
	struct pcap_record rec;
	(void)state;

	assert_int_equal(pcap_reader_init(&r, file, sizeof(file), NULL), 0);
	assert_true(r.swapped);
	assert_true(r.nsec);
	assert_int_equal(r.snaplen, 256);
	assert_int_equal(r.linktype, PCAP_LINKTYPE_RAW);
	assert_int_equal(pcap_reader_next(&r, &rec, NULL), 1);
	assert_int_equal(rec.ts_sec, 7);
	assert_int_equal(rec.ts_usec, 999999);
	assert_int_equal(rec.cap_len, 2);
	assert_int_equal(rec.orig_len, 5);
	assert_int_equal(rec.data[0], 0xab);
	assert_int_equal(pcap_reader_next(&r, &rec, NULL), 0);
}

static void test_rejects_bad_files(void **state)
{
	uint8_t file[128], frame[100] = { 0 };
	size_t off = 0, good_len;
	struct pcap_reader r;
	struct pcap_record rec;
	struct lisp_err err;
	(void)state;

	pcap_write_header(file, sizeof(file), &off, 1, 64, NULL);
	pcap_write_record(file, sizeof(file), &off, 1, 2, frame, 40, NULL);
	good_len = off;

	/* Any cut inside the file header is refused. */
	for (size_t n = 0; n < PCAP_FILE_HDR_LEN; n++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(pcap_reader_init(&r, file, n, &err), -1);
		assert_int_equal(err.code, LISP_ERR_TRUNCATED);
	}
	/* Any cut inside the record is refused, never read past. */
	for (size_t n = PCAP_FILE_HDR_LEN + 1; n < good_len; n++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(pcap_reader_init(&r, file, n, NULL), 0);
		assert_int_equal(pcap_reader_next(&r, &rec, &err), -1);
		assert_int_equal(err.code, LISP_ERR_TRUNCATED);
	}

	file[0] ^= 0xff;  /* magic */
	memset(&err, 0, sizeof(err));
	assert_int_equal(pcap_reader_init(&r, file, good_len, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_TYPE);
	file[0] ^= 0xff;

	file[4] = 3;  /* major version */
	assert_int_equal(pcap_reader_init(&r, file, good_len, &err), -1);
	assert_int_equal(err.offset, 4);
	file[4] = 2;

	file[18] = 0x10;  /* snaplen 1 MiB + 64 */
	memset(&err, 0, sizeof(err));
	assert_int_equal(pcap_reader_init(&r, file, good_len, &err), -1);
	assert_int_equal(err.code, LISP_ERR_TOO_LONG);
	file[18] = 0;

	/* A record longer than the snap length is corrupt even if bytes follow. */
	off = 0;
	pcap_write_header(file, sizeof(file), &off, 1, 32, NULL);
	assert_int_equal(pcap_reader_init(&r, file, good_len, NULL), 0);
	memset(&err, 0, sizeof(err));
	assert_int_equal(pcap_reader_next(&r, &rec, &err), -1);
	assert_int_equal(err.code, LISP_ERR_TOO_LONG);
}

static void check_udp(const struct pcap_udp *u, uint8_t version)
{
	assert_int_equal(u->ip_version, version);
	assert_memory_equal(u->src, version == 4 ? v4_src : v6_src, version == 4 ? 4 : 16);
	assert_memory_equal(u->dst, version == 4 ? v4_dst : v6_dst, version == 4 ? 4 : 16);
	assert_int_equal(u->sport, 61000);
	assert_int_equal(u->dport, 4342);
	assert_int_equal(u->payload_len, sizeof(payload));
	assert_memory_equal(u->payload, payload, sizeof(payload));
	assert_int_equal(u->ip_len, (version == 4 ? 20 : 40) + 8 + sizeof(payload));
	assert_true(pcap_udp_checksum_ok(u));
}

static void test_build_and_parse_frames(void **state)
{
	uint8_t frame[128];
	(void)state;

	for (uint8_t version = 4; version <= 6; version += 2) {
		struct pcap_udp u;
		size_t len = build(frame, sizeof(frame), version);

		assert_int_equal(len, 14 + (version == 4 ? 20 : 40) + 8 + sizeof(payload));
		assert_int_equal(pcap_frame_udp(PCAP_LINKTYPE_ETHERNET, frame, len, &u, NULL), 0);
		check_udp(&u, version);
		if (version == 4) {
			/* Verifying sum over the IPv4 header, checksum included, is 0. */
			uint32_t sum = 0;

			for (size_t i = 14; i < 34; i += 2)
				sum += (uint32_t)((frame[i] << 8) | frame[i + 1]);
			while (sum >> 16)
				sum = (sum & 0xffff) + (sum >> 16);
			assert_int_equal(sum, 0xffff);
		}
		/* A flipped payload bit breaks the UDP checksum. */
		frame[len - 1] ^= 0x01;
		assert_int_equal(pcap_frame_udp(PCAP_LINKTYPE_ETHERNET, frame, len, &u, NULL), 0);
		assert_false(pcap_udp_checksum_ok(&u));
	}
}

static void test_other_link_types(void **state)
{
	uint8_t frame[128], alt[160];
	size_t len = build(frame, sizeof(frame), 6);
	struct pcap_udp u;
	(void)state;

	/* RAW: the IP packet alone. */
	assert_int_equal(pcap_frame_udp(PCAP_LINKTYPE_RAW, frame + 14, len - 14, &u, NULL), 0);
	check_udp(&u, 6);

	/* Linux cooked: 16-byte header, protocol in its last two bytes. */
	memset(alt, 0, 16);
	alt[14] = 0x86;
	alt[15] = 0xdd;
	memcpy(alt + 16, frame + 14, len - 14);
	assert_int_equal(pcap_frame_udp(PCAP_LINKTYPE_LINUX_SLL, alt, len + 2, &u, NULL), 0);
	check_udp(&u, 6);

	/* One 802.1Q tag. */
	memcpy(alt, frame, 12);
	alt[12] = 0x81;
	alt[13] = 0x00;
	alt[14] = 0x00;
	alt[15] = 0x07;
	memcpy(alt + 16, frame + 12, len - 12);
	assert_int_equal(pcap_frame_udp(PCAP_LINKTYPE_ETHERNET, alt, len + 4, &u, NULL), 0);
	check_udp(&u, 6);

	struct lisp_err err = { 0 };
	assert_int_equal(pcap_frame_udp(147, frame, len, &u, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_TYPE);
}

/* Ethernet pads short frames: the IP and UDP lengths, not the frame, bound the payload. */
static void test_ethernet_padding_ignored(void **state)
{
	uint8_t frame[128] = { 0 };
	size_t len = build(frame, sizeof(frame), 4);
	struct pcap_udp u;
	(void)state;

	assert_int_equal(pcap_frame_udp(PCAP_LINKTYPE_ETHERNET, frame, len + 9, &u, NULL), 0);
	check_udp(&u, 4);
}

static int parse_err(const uint8_t *frame, size_t len, struct lisp_err *err)
{
	struct pcap_udp u;

	memset(err, 0, sizeof(*err));
	return pcap_frame_udp(PCAP_LINKTYPE_ETHERNET, frame, len, &u, err);
}

static void test_rejects_bad_frames(void **state)
{
	uint8_t good[128], f[128];
	struct lisp_err err;
	(void)state;

	for (uint8_t version = 4; version <= 6; version += 2) {
		size_t len = build(good, sizeof(good), version);

		/* Every cut of a frame fails: the IP length then exceeds what is there. */
		for (size_t n = 0; n < len; n++) {
			assert_int_equal(parse_err(good, n, &err), -1);
			assert_true(err.code == LISP_ERR_TRUNCATED);
		}

		/* Not UDP: TCP / next header 6. */
		memcpy(f, good, len);
		f[version == 4 ? 14 + 9 : 14 + 6] = 6;
		assert_int_equal(parse_err(f, len, &err), -1);
		assert_int_equal(err.code, LISP_ERR_BAD_TYPE);

		/* UDP length larger than the IP payload, and smaller than its header. */
		memcpy(f, good, len);
		f[14 + (version == 4 ? 20 : 40) + 5] += 1;
		assert_int_equal(parse_err(f, len, &err), -1);
		assert_int_equal(err.code, LISP_ERR_BAD_IP);
		f[14 + (version == 4 ? 20 : 40) + 5] = 7;
		assert_int_equal(parse_err(f, len, &err), -1);
		assert_int_equal(err.code, LISP_ERR_BAD_IP);

		/* IP version 5. */
		memcpy(f, good, len);
		f[14] = (uint8_t)(0x50 | (f[14] & 0x0f));
		assert_int_equal(parse_err(f, len, &err), -1);
		assert_int_equal(err.code, LISP_ERR_BAD_IP);
	}

	size_t len = build(good, sizeof(good), 4);

	/* ARP. */
	memcpy(f, good, len);
	f[12] = 0x08;
	f[13] = 0x06;
	assert_int_equal(parse_err(f, len, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_TYPE);

	/* IHL below 5 words, and past the total length. */
	memcpy(f, good, len);
	f[14] = 0x44;
	assert_int_equal(parse_err(f, len, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_IP);
	f[14] = 0x4f;
	f[16] = 0;
	f[17] = 40;
	assert_int_equal(parse_err(f, len, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_IP);

	/* First and later fragments are not whole datagrams. */
	memcpy(f, good, len);
	f[20] = 0x20;  /* MF */
	assert_int_equal(parse_err(f, len, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_TYPE);
	f[20] = 0x00;
	f[21] = 0x10;  /* offset 16 */
	assert_int_equal(parse_err(f, len, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_TYPE);
}

static void test_zero_checksum_is_not_ok(void **state)
{
	uint8_t frame[128];
	size_t len = build(frame, sizeof(frame), 4);
	struct pcap_udp u;
	(void)state;

	frame[14 + 20 + 6] = 0;
	frame[14 + 20 + 7] = 0;
	assert_int_equal(pcap_frame_udp(PCAP_LINKTYPE_ETHERNET, frame, len, &u, NULL), 0);
	assert_int_equal(u.checksum, 0);
	assert_false(pcap_udp_checksum_ok(&u));
}

/* pcapng, written by hand (little-endian) so the reader is checked against
 * the format, not against our own writer. */
static void le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static size_t ng_block(uint8_t *p, uint32_t type, const uint8_t *body, size_t body_len)
{
	size_t blen = 12 + ((body_len + 3) & ~(size_t)3);

	memset(p, 0, blen);
	le32(p, type);
	le32(p + 4, (uint32_t)blen);
	memcpy(p + 8, body, body_len);
	le32(p + blen - 4, (uint32_t)blen);
	return blen;
}

/* SHB, IDB (RAW, if_tsresol 10^-9), a name-resolution block, an EPB of 5 bytes. */
static size_t ng_file(uint8_t *f, uint32_t epb_ifid)
{
	static const uint8_t shb[16] = { 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0,
					 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t idb[20] = { 101, 0, 0, 0, 0, 1, 0, 0,
					 9, 0, 1, 0, 9, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t nrb[4] = { 0, 0, 0, 0 };
	uint8_t epb[25] = { 0 };
	size_t off = 0;

	le32(epb, epb_ifid);
	le32(epb + 4, 0);             /* ts high */
	le32(epb + 8, 3500000001u);   /* ts low: 3.500000001 s in ns */
	le32(epb + 12, 5);
	le32(epb + 16, 60);
	memcpy(epb + 20, "\x45\x01\x02\x03\x04", 5);
	off += ng_block(f + off, 0x0a0d0d0a, shb, sizeof(shb));
	off += ng_block(f + off, 1, idb, sizeof(idb));
	off += ng_block(f + off, 4, nrb, sizeof(nrb));
	off += ng_block(f + off, 6, epb, sizeof(epb));
	return off;
}

static void test_reads_pcapng(void **state)
{
	uint8_t f[256];
	size_t len = ng_file(f, 0);
	struct pcap_reader r;
	struct pcap_record rec;
	(void)state;

	assert_int_equal(pcap_reader_init(&r, f, len, NULL), 0);
	assert_true(r.ng);
	assert_false(r.swapped);
	assert_int_equal(r.linktype, PCAP_LINKTYPE_RAW);
	assert_int_equal(r.snaplen, 256);
	assert_int_equal(pcap_reader_next(&r, &rec, NULL), 1);
	assert_int_equal(rec.linktype, PCAP_LINKTYPE_RAW);
	assert_int_equal(rec.ts_sec, 3);
	assert_int_equal(rec.ts_usec, 500000);
	assert_int_equal(rec.cap_len, 5);
	assert_int_equal(rec.orig_len, 60);
	assert_memory_equal(rec.data, "\x45\x01\x02\x03\x04", 5);
	assert_int_equal(pcap_reader_next(&r, &rec, NULL), 0);
}

static int ng_first_error(const uint8_t *f, size_t len, struct lisp_err *err)
{
	struct pcap_reader r;
	struct pcap_record rec;
	int rc;

	memset(err, 0, sizeof(*err));
	if (pcap_reader_init(&r, f, len, err))
		return -1;
	while ((rc = pcap_reader_next(&r, &rec, err)) == 1)
		;
	return rc;
}

static void test_rejects_bad_pcapng(void **state)
{
	uint8_t good[256], f[256];
	size_t len = ng_file(good, 0);
	struct lisp_err err;
	(void)state;

	/* Every cut after the section header is an error, never a short read. */
	for (size_t n = 29; n < len; n++) {
		if (n == 28 + 32 || n == 28 + 32 + 16)  /* cut exactly between blocks */
			continue;
		assert_int_equal(ng_first_error(good, n, &err), -1);
	}
	/* Packet on an interface that was never described. */
	len = ng_file(f, 1);
	assert_int_equal(ng_first_error(f, len, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_COUNT);

	/* Trailing copy of the block length disagrees. */
	memcpy(f, good, len);
	f[len - 4] = 36;
	assert_int_equal(ng_first_error(f, len, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_COUNT);

	/* Captured length beyond the block. */
	memcpy(f, good, len);
	f[28 + 32 + 16 + 20] = 17;
	assert_int_equal(ng_first_error(f, len, &err), -1);

	/* Block length not a multiple of 4, and below the minimum. */
	memcpy(f, good, len);
	f[28 + 4] = 33;
	assert_int_equal(ng_first_error(f, len, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_COUNT);
	f[28 + 4] = 8;
	assert_int_equal(ng_first_error(f, len, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_COUNT);

	/* Unknown byte-order magic. */
	memcpy(f, good, len);
	f[8] = 0;
	assert_int_equal(ng_first_error(f, len, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_TYPE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads_interop_captures),
		cmocka_unit_test(test_write_then_read),
		cmocka_unit_test(test_writer_refuses_small_buffer),
		cmocka_unit_test(test_reads_big_endian_nsec),
		cmocka_unit_test(test_rejects_bad_files),
		cmocka_unit_test(test_build_and_parse_frames),
		cmocka_unit_test(test_other_link_types),
		cmocka_unit_test(test_ethernet_padding_ignored),
		cmocka_unit_test(test_rejects_bad_frames),
		cmocka_unit_test(test_zero_checksum_is_not_ok),
		cmocka_unit_test(test_reads_pcapng),
		cmocka_unit_test(test_rejects_bad_pcapng),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
