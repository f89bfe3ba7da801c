/* The Map-Server against real traffic: the Map-Registers and ECM
 * Map-Requests that Open Overlay Router's xTRs and mobile node sent to its
 * Map-Server (tests/interop/data/final-c-ms.pcap), replayed into our MS
 * configured like that lab. Every register must be accepted and answered
 * with a Map-Notify that verifies with the site key (and equals OOR's own
 * Map-Notify byte for byte); each request must get the answer the lab's
 * layout calls for. */
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

static uint8_t *read_capture(size_t *len)
{
	const char *dir = getenv("LISPD_SRCDIR");
	char path[4096];
	FILE *fp;
	uint8_t *buf;

	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : ".", CAPTURE);
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

static void test_capture(void **state)
{
	struct msfx *f = msfx_new(LAB_CFG);
	static struct pcap_udp all[128];
	static struct lisp_map_register reg;
	struct lisp_ip lab_ms = msfx_ip(LAB_MS);
	struct pcap_reader r;
	struct pcap_record rec;
	unsigned n = 0, n_reg = 0, n_ecm = 0;
	size_t len;
	uint8_t *buf = read_capture(&len);

	(void)state;
	assert_int_equal(pcap_reader_init(&r, buf, len, NULL), 0);
	while (pcap_reader_next(&r, &rec, NULL) == 1) {
		if (n < 128 && pcap_frame_udp(rec.linktype, rec.data, rec.cap_len, &all[n], NULL) == 0)
			n++;
	}
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
