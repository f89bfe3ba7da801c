/* The Map-Server against real traffic: the Map-Registers and ECM
 * Map-Requests that Open Overlay Router's xTRs and mobile node sent to its
 * Map-Server (tests/interop/data/final-c-ms.pcap), replayed into our MS
 * configured like that lab. Every register must be accepted and answered
 * with a Map-Notify that verifies with the site key (and equals OOR's own
 * Map-Notify byte for byte); each request must get the answer the lab's
 * layout calls for. Then what OOR's map-server saw of a mobile node behind
 * a NAT (oor-nat-mn-outside.pcap): its Info-Request, and its register as
 * its RTR relays it; our answers must equal OOR's. */
#include "test_ms_util.h"

#include <stdio.h>

#include "pcap_file.h"

#define CAPTURE "tests/interop/data/final-c-ms.pcap"
#define LAB_MS "192.0.2.2"

#define LAB_CFG                                                              \
	"operating-mode = MS\n"                                              \
	"lisp-site {\n eid-prefix = 10.1.1.0/24\n key-type = 1\n key = key-xtr1\n}\n" \
	"lisp-site {\n eid-prefix = 2001:db8:1:1::/64\n key-type = 1\n key = key-xtr1\n}\n" \
	"lisp-site {\n eid-prefix = 10.2.2.0/24\n key-type = 1\n key = key-xtr2\n}\n" \
	"lisp-site {\n eid-prefix = 2001:db8:2:2::/64\n key-type = 1\n key = key-xtr2\n}\n" \
	"lisp-site {\n eid-prefix = 10.3.3.0/24\n key-type = 1\n key = key-mn\n"   \
	" accept-more-specifics = on\n proxy-reply = on\n}\n"

static uint8_t *read_capture(const char *name, size_t *len)
{
	const char *dir = getenv("LISPD_SRCDIR");
	char path[4096];
	FILE *fp;
	uint8_t *buf;

	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : ".", name);
	fp = fopen(path, "rb");
	if (!fp)
		fail_msg("cannot open %s", path);
	buf = malloc(1 << 20);
	assert_non_null(buf);
	*len = fread(buf, 1, 1 << 20, fp);
	fclose(fp);
	return buf;
}

static struct lisp_ip ip_of(const struct pcap_udp *u, const uint8_t *bytes)
{
	struct lisp_ip ip;

	assert_int_equal(lisp_ip_from_bytes(&ip, u->ip_version == 4 ? LISP_AFI_IPV4 : LISP_AFI_IPV6,
					    bytes), 0);
	return ip;
}

/* OOR's Map-Notify for a nonce, from the capture. */
static const struct pcap_udp *find_notify(const struct pcap_udp *all, unsigned n, uint64_t nonce)
{
	for (unsigned i = 0; i < n; i++) {
		struct lisp_map_register m;

		if (lisp_msg_type(all[i].payload, all[i].payload_len) == LISP_MAP_NOTIFY &&
		    lisp_map_register_decode(all[i].payload, all[i].payload_len, &m, NULL) == 0 &&
		    m.nonce == nonce)
			return &all[i];
	}
	return NULL;
}

static const char *key_of(const struct lisp_prefix *eid)
{
	char a[LISP_ADDR_STRLEN];

	lisp_prefix_format(eid, a, sizeof(a));
	if (strstr(a, "10.1.1.") || strstr(a, "2001:db8:1:1:"))
		return "key-xtr1";
	if (strstr(a, "10.2.2.") || strstr(a, "2001:db8:2:2:"))
		return "key-xtr2";
	return "key-mn";
}

/* The UDP datagrams of a capture, in order (at most cap); buf holds them. */
static unsigned read_udp(const char *name, uint8_t **buf, struct pcap_udp *all, unsigned cap)
{
	struct pcap_reader r;
	struct pcap_record rec;
	unsigned n = 0;
	size_t len;

	*buf = read_capture(name, &len);
	assert_int_equal(pcap_reader_init(&r, *buf, len, NULL), 0);
	while (pcap_reader_next(&r, &rec, NULL) == 1) {
		if (n < cap && pcap_frame_udp(rec.linktype, rec.data, rec.cap_len, &all[n], NULL) == 0)
			n++;
	}
	return n;
}

static void test_capture(void **state)
{
	struct msfx *f = msfx_new(LAB_CFG);
	static struct pcap_udp all[128];
	static struct lisp_map_register reg;
	struct lisp_ip lab_ms = msfx_ip(LAB_MS);
	unsigned n_reg = 0, n_ecm = 0;
	uint8_t *buf;
	unsigned n = read_udp(CAPTURE, &buf, all, 128);

	(void)state;
	for (unsigned i = 0; i < n; i++) {
		const struct pcap_udp *u = &all[i];
		struct lisp_ip src = ip_of(u, u->src), dst = ip_of(u, u->dst);
		int type = lisp_msg_type(u->payload, u->payload_len);
		unsigned before = f->n;

		/* Only what was sent to the Map-Server. */
		if (!lisp_ip_equal(&dst, &lab_ms))
			continue;
		if (type == LISP_MAP_REGISTER) {
			const struct pcap_udp *oor;

			n_reg++;
			assert_int_equal(lisp_map_register_decode(u->payload, u->payload_len, &reg,
								  NULL), 0);
			ms_on_control(f->ms, &src, u->sport, &dst, u->payload, u->payload_len);
			assert_int_equal(f->n, before + 1);
			assert_true(lisp_ip_equal(&f->pkt[before].dst, &src));
			assert_int_equal(f->pkt[before].dport, u->sport);
			const struct lisp_map_register *nt =
				msfx_notify(f, before, key_of(&reg.rec[0].eid));

			assert_int_equal(nt->nonce, reg.nonce);
			/* The register's record, its locators no longer marked local. */
			for (unsigned j = 0; j < reg.rec[0].n_loc; j++)
				reg.rec[0].loc[j].local = false;
			tu_assert_record_equal(&nt->rec[0], &reg.rec[0]);
			oor = find_notify(all, n, reg.nonce);
			assert_non_null(oor);
			tu_assert_bytes(f->pkt[before].buf, f->pkt[before].len, oor->payload,
					oor->payload_len);
		} else if (type == LISP_ECM) {
			n_ecm++;
			ms_on_control(f->ms, &src, u->sport, &dst, u->payload, u->payload_len);
			assert_int_equal(f->n, before + 1);
		}
	}
	assert_int_equal(n_reg, 5);
	assert_int_equal(msfx_counter(f, "registers-accepted"), 5);
	assert_int_equal(msfx_counter(f, "drop-replay"), 0);
	assert_true(n_ecm >= 10);
	/* What the lab's layout calls for: forwards to xtr1/xtr2 (no proxy-reply
	 * there), proxy replies for the mobile node, one negative reply for
	 * 10.9.9.9 (10.8.0.0/13: 10.9 = 00001010.00001001 leaves the sites'
	 * 10.0.0.0/14 at bit 12; OOR answered 11.8.0.0/13). */
	assert_int_equal(msfx_counter(f, "map-replies-negative"), 1);
	assert_int_equal(msfx_counter(f, "map-replies-proxy"), 3);
	assert_int_equal(msfx_counter(f, "map-requests-forwarded"), (long long)n_ecm - 4);
	for (unsigned i = 0; i < f->n; i++) {
		if (lisp_msg_type(f->pkt[i].buf, f->pkt[i].len) != LISP_MAP_REPLY)
			continue;
		const struct lisp_map_reply *rep = msfx_reply(f, i);

		if (rep->rec[0].n_loc == 0) {
			assert_prefix_is(&rep->rec[0].eid, "10.8.0.0/13");
			assert_int_equal(rep->rec[0].ttl, 15);
		} else {
			assert_prefix_is(&rep->rec[0].eid, "10.3.3.3/32");
			assert_ip_is(&rep->rec[0].loc[0].addr.ip, "192.0.2.66");
		}
	}
	free(buf);
	msfx_free(f);
}

/* The NAT lab (tests/interop/data/README.md): node 198.18.1.1/32 behind
 * the NAT 198.51.100.2 (private RLOC 198.51.100.130), key k-mn; the RTR
 * 192.0.2.66, key k-rtr, offered for 160 minutes. */
#define NAT_CAPTURE "tests/interop/data/oor-nat-mn-outside.pcap"
#define NAT_RTR "192.0.2.66"
#define NAT_CFG                                                                      \
	"operating-mode = MS\n"                                                      \
	"lisp-site {\n eid-prefix = 198.18.1.0/24\n key-type = 1\n key = k-mn\n"     \
	" accept-more-specifics = on\n}\n"                                           \
	"ms-rtr-node {\n name = rtr\n address = " NAT_RTR "\n key = k-rtr\n}\n"      \
	"ms-rtrs-set {\n name = lab\n ttl = 160\n rtrs = { rtr }\n}\n"                \
	"ms-advertised-rtrs-set = lab\n"

/* Frame 1 (Info-Request) in; our Info-Reply must be frame 2, OOR's, field
 * by field and so byte for byte. */
static void nat_info(struct msfx *f, const struct pcap_udp *req, const struct pcap_udp *oor)
{
	struct lisp_ip src = ip_of(req, req->src), dst = ip_of(req, req->dst);
	struct lisp_info want, got;

	assert_int_equal(lisp_msg_type(req->payload, req->payload_len), LISP_INFO);
	ms_on_control(f->ms, &src, req->sport, &dst, req->payload, req->payload_len);
	assert_int_equal(f->n, 1);
	assert_true(lisp_ip_equal(&f->pkt[0].src, &dst));
	assert_true(lisp_ip_equal(&f->pkt[0].dst, &src));
	assert_int_equal(f->pkt[0].dport, req->sport);
	assert_int_equal(oor->dport, req->sport);
	assert_int_equal(lisp_info_decode(oor->payload, oor->payload_len, &want, NULL), 0);
	assert_int_equal(lisp_info_decode(f->pkt[0].buf, f->pkt[0].len, &got, NULL), 0);
	assert_true(got.reply && want.reply);
	assert_true(got.nonce == want.nonce);
	assert_int_equal(got.auth.key_id, want.auth.key_id);
	assert_int_equal(got.auth.alg_id, want.auth.alg_id);
	assert_int_equal(got.auth.len, want.auth.len);
	assert_memory_equal(got.auth.data, want.auth.data, want.auth.len);
	assert_int_equal(got.ttl, want.ttl);
	tu_assert_prefix_equal(&got.eid, &want.eid);
	assert_int_equal(got.ms_port, want.ms_port);
	assert_int_equal(got.etr_port, want.etr_port);
	assert_true(lisp_addr_equal(&got.global_etr, &want.global_etr));
	assert_true(lisp_addr_equal(&got.ms, &want.ms));
	assert_true(lisp_addr_equal(&got.private_etr, &want.private_etr));
	assert_int_equal(got.n_rtr, want.n_rtr);
	for (unsigned i = 0; i < want.n_rtr; i++)
		assert_true(lisp_addr_equal(&got.rtr[i], &want.rtr[i]));
	tu_assert_bytes(f->pkt[0].buf, f->pkt[0].len, oor->payload, oor->payload_len);
}

/* Frame 3 is the node's ECM to the RTR; the RTR (NEW) sends its inner
 * packet on in an ECM with N. Our ECM back to the RTR must carry the inner
 * packet and Map-Notify that reached the node in frame 5. */
static void nat_register(struct msfx *f, const struct pcap_udp *to_rtr,
			 const struct pcap_udp *dmn)
{
	struct lisp_ip rtr = msfx_ip(NAT_RTR), ms = msfx_ip(LAB_MS);
	struct lisp_data_map_notify want;
	struct lisp_ecm ecm;
	uint8_t relayed[1500];
	size_t len;

	assert_int_equal(lisp_ecm_decode(to_rtr->payload, to_rtr->payload_len, &ecm, NULL), 0);
	assert_true(ecm.rtr);
	ecm.rtr = false;
	ecm.nat = true;
	assert_int_equal(lisp_ecm_encode(relayed, sizeof(relayed), &len, &ecm, NULL), 0);
	ms_on_control(f->ms, &rtr, LISP_CONTROL_PORT, &ms, relayed, len);
	assert_int_equal(f->n, 2);
	assert_true(lisp_ip_equal(&f->pkt[1].dst, &rtr));
	assert_int_equal(lisp_ecm_decode(f->pkt[1].buf, f->pkt[1].len, &f->ecm, NULL), 0);
	assert_int_equal(lisp_ecm_rtr_auth_verify(&f->ecm, (const uint8_t *)"k-rtr", 5, NULL), 0);
	assert_int_equal(lisp_data_map_notify_decode(dmn->payload, dmn->payload_len, &want, NULL),
			 0);
	assert_true(lisp_ip_equal(&f->ecm.inner_src, &want.inner.inner_src));
	assert_true(lisp_ip_equal(&f->ecm.inner_dst, &want.inner.inner_dst));
	assert_int_equal(f->ecm.inner_ttl, want.inner.inner_ttl);
	assert_int_equal(f->ecm.inner_df, want.inner.inner_df);
	assert_int_equal(f->ecm.inner_sport, want.inner.inner_sport);
	assert_int_equal(f->ecm.inner_dport, want.inner.inner_dport);
	tu_assert_bytes(f->ecm.payload, f->ecm.payload_len, want.inner.payload,
			want.inner.payload_len);
}

static void test_nat_capture(void **state)
{
	struct msfx *f = msfx_new_lifetime(NAT_CFG, 60000);
	static struct pcap_udp all[64];
	uint8_t *buf;
	unsigned n = read_udp(NAT_CAPTURE, &buf, all, 64);

	(void)state;
	assert_true(n >= 5);
	nat_info(f, &all[0], &all[1]);
	nat_register(f, &all[2], &all[4]);
	assert_int_equal(msfx_counter(f, "info-replies-sent"), 1);
	assert_int_equal(msfx_counter(f, "registers-via-rtr"), 1);
	free(buf);
	msfx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture),
		cmocka_unit_test(test_nat_capture),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
