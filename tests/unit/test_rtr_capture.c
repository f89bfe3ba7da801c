/* Open Overlay Router's node behind a NAT against our RTR
 * (tests/interop/data/oor-nat-mn-outside.pcap, README there): its ECM
 * Map-Register (frame 3) goes to our RTR, which relays it to our
 * map-server (NEW: an ECM with N around OOR's inner packet byte for byte;
 * OLD: OOR's register), whose answer comes back through the RTR to the
 * node as the Data-Map-Notify OOR's own RTR sent (frame 5): the same
 * inner packet and Map-Notify, from the RTR's 4342 to the NAT's address
 * and port the register came from. The capture does not hold the RTR <->
 * map-server leg: that is ours on both ends. Then OOR's SMR to its RTR
 * (frame 4), the race docs/NAT.md 3.6 tells of, is ignored. */
#include "test_ms_util.h"
#include "test_rtr_util.h"

#include "pcap_file.h"

#define CAPTURE "tests/interop/data/oor-nat-mn-outside.pcap"
#define CAP_RTR RTR4                 /* 192.0.2.66, as in the capture */
#define CAP_MS MS_ADDR4              /* 192.0.2.2 */
#define CAP_RTR_CFG(draft)                                                             \
	RTR_CFG_HEAD "rtr-ms-node {\n address = " CAP_MS "\n key = k-rtr\n"              \
	" draft-version = " draft "\n}\n"
#define CAP_MS_CFG                                                                     \
	"operating-mode = MS\n"                                                        \
	"lisp-site {\n eid-prefix = 198.18.1.0/24\n key-type = 1\n key = k-mn\n"       \
	" accept-more-specifics = on\n}\n"                                             \
	"ms-rtr-node {\n name = rtr\n address = " CAP_RTR "\n key = k-rtr\n}\n"

struct capture {
	uint8_t *buf;
	unsigned n;
	struct pcap_udp udp[64];
};

static void capture_read(struct capture *c)
{
	struct pcap_reader r;
	struct pcap_record rec;
	size_t len;

	c->buf = tu_read_file(CAPTURE, &len);
	c->n = 0;
	assert_int_equal(pcap_reader_init(&r, c->buf, len, NULL), 0);
	while (pcap_reader_next(&r, &rec, NULL) == 1)
		if (c->n < 64 && pcap_frame_udp(rec.linktype, rec.data, rec.cap_len, &c->udp[c->n],
						NULL) == 0)
			c->n++;
	assert_true(c->n >= 5);
}

static struct lisp_ip ip_of(const uint8_t *bytes)
{
	struct lisp_ip ip;

	assert_int_equal(lisp_ip_from_bytes(&ip, LISP_AFI_IPV4, bytes), 0);
	return ip;
}

/* Frame u into the RTR, as it arrived at its RLOC. */
static void to_rtr(struct rfx *r, const struct pcap_udp *u)
{
	struct lisp_ip src = ip_of(u->src), dst = ip_of(u->dst);

	rtr_on_control(r->rtr, &src, u->sport, &dst, u->payload, u->payload_len);
}

/* What the RTR sent the map-server (its last packet) into our MS; its
 * answer (the MS's last packet) back into the RTR. */
static void through_ms(struct rfx *r, struct msfx *m)
{
	struct rfx_pkt *p = &r->pkt[r->n - 1];
	struct lisp_ip rtr = rfx_ip(CAP_RTR), ms = rfx_ip(CAP_MS);
	unsigned sent = m->n;

	rfx_assert_ip(&p->src, CAP_RTR);
	rfx_assert_ip(&p->dst, CAP_MS);
	ms_on_control(m->ms, &rtr, LISP_CONTROL_PORT, &ms, p->buf, p->len);
	assert_int_equal(m->n, sent + 1);
	rfx_assert_ip(&m->pkt[sent].dst, CAP_RTR);
	assert_int_equal(m->pkt[sent].dport, LISP_CONTROL_PORT);
	rtr_on_control(r->rtr, &ms, LISP_CONTROL_PORT, &rtr, m->pkt[sent].buf, m->pkt[sent].len);
}

/* The RTR's Data-Map-Notify (its last packet) against OOR's RTR's
 * (frame 5): to the NAT's address and port of frame 3, the same inner
 * addresses, ports and Map-Notify. old: ours carries the emptied field. */
static void same_dmn(struct rfx *r, const struct pcap_udp *reg, const struct pcap_udp *oor,
		     bool old)
{
	const struct rfx_pkt *p = &r->pkt[r->n - 1];
	struct lisp_data_map_notify want, got;
	struct lisp_ip nat = ip_of(reg->src);

	rfx_assert_ip(&p->src, CAP_RTR);
	assert_true(lisp_ip_equal(&p->dst, &nat));
	assert_int_equal(p->dport, reg->sport);
	assert_int_equal(oor->sport, LISP_CONTROL_PORT);
	assert_int_equal(oor->dport, reg->sport);
	assert_int_equal(lisp_data_map_notify_decode(oor->payload, oor->payload_len, &want, NULL),
			 0);
	assert_int_equal(lisp_data_map_notify_decode(p->buf, p->len, &got, NULL), 0);
	assert_int_equal(got.hdr.iid, want.hdr.iid);
	assert_true(lisp_ip_equal(&got.inner.inner_src, &want.inner.inner_src));
	assert_true(lisp_ip_equal(&got.inner.inner_dst, &want.inner.inner_dst));
	assert_int_equal(got.inner.inner_sport, want.inner.inner_sport);
	assert_int_equal(got.inner.inner_dport, want.inner.inner_dport);
	assert_int_equal(got.inner.inner_ttl, want.inner.inner_ttl);
	if (!old) {
		tu_assert_bytes(got.inner.payload, got.inner.payload_len, want.inner.payload,
				want.inner.payload_len);
		return;
	}
	/* OLD: our map-server's Map-Notify is OOR's with R, and our RTR
	 * leaves the emptied field: the same records, nonce and trailer. */
	assert_int_equal(got.inner.payload_len, want.inner.payload_len + 4);
	assert_int_equal(lisp_map_register_decode(got.inner.payload, got.inner.payload_len,
						  &r->reg, NULL), 0);
	assert_true(r->reg.rtr && r->reg.has_rtr_auth && r->reg.rtr_auth.len == 0);
	assert_int_equal(lisp_auth_verify(got.inner.payload, want.inner.payload_len,
					  (const uint8_t *)"k-mn", 4, NULL), 0);
}

static void run(const char *rtr_cfg, bool old)
{
	struct rfx *r = rfx_new(rtr_cfg, false);
	struct msfx *m = msfx_new_lifetime(CAP_MS_CFG, 60000);
	struct capture c;
	const struct pcap_udp *reg;

	capture_read(&c);
	reg = &c.udp[2];
	to_rtr(r, reg);
	assert_int_equal(r->n, 1);
	assert_int_equal(lisp_ecm_decode(reg->payload, reg->payload_len, &r->ecm, NULL), 0);
	if (old) {
		/* OOR's register as it signed it. */
		tu_assert_bytes(r->pkt[0].buf, r->pkt[0].len, r->ecm.payload, r->ecm.payload_len);
	} else {
		/* OOR's inner packet behind our header (N set, R clear). */
		assert_int_equal(r->pkt[0].len, reg->payload_len);
		assert_int_equal(r->pkt[0].buf[0], 0x80);
		assert_int_equal(r->pkt[0].buf[1], 0x20);
		tu_assert_bytes(r->pkt[0].buf + 4, r->pkt[0].len - 4, reg->payload + 4,
				reg->payload_len - 4);
	}
	through_ms(r, m);
	assert_int_equal(r->n, 2);
	same_dmn(r, reg, &c.udp[4], old);
	assert_int_equal(msfx_counter(m, "registers-via-rtr"), 1);
	assert_int_equal(rfx_counter(r, "nat_committed"), 1);
	/* Frame 4: OOR's SMR for its own EID, to its RTR. */
	assert_int_equal(lisp_msg_type(c.udp[3].payload, c.udp[3].payload_len), LISP_MAP_REQUEST);
	to_rtr(r, &c.udp[3]);
	assert_int_equal(r->n, 2);
	assert_int_equal(rfx_counter(r, "smr_refused_nat"), 1);
	free(c.buf);
	msfx_free(m);
	rfx_free(r);
}

static void test_capture_new(void **state)
{
	(void)state;
	run(CAP_RTR_CFG("NEW"), false);
}

static void test_capture_old(void **state)
{
	(void)state;
	run(CAP_RTR_CFG("OLD"), true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_new),
		cmocka_unit_test(test_capture_old),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
