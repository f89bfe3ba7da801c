/* The Map-Server's side of NAT traversal for registrations (docs/NAT.md
 * 3.4, 4.3): the RTRs it knows (ms-rtr-node), what Info-Replies offer
 * (ms-advertised-rtrs-set), Map-Registers relayed by an RTR, and the
 * Map-Notify that goes back through it.
 *
 * An RTR is known by its address only: the draft gives a relayed register
 * no RTR authentication of its own, and the register itself must still
 * verify with its site's key. An ECM with N from any other address is
 * dropped, so the MS relays nothing for strangers. The MS-RTR MAC is
 * HMAC-SHA-1 with the RTR's key, as Open Overlay Router's RTR expects
 * (ms-rtr-node has no key-type). */
#include "ms/ms_priv.h"

#include <stdlib.h>
#include <string.h>

#include "lisp_auth.h"
#include "log.h"

#define MS_MAX_PKT 1500
#define RTR_AUTH_ALG LISP_AUTH_HMAC_SHA1_96
/* Info-Reply TTL when no set is advertised: the node asks again this soon
 * and learns of RTRs added by a reload (docs/NAT.md 4.1 caps its own
 * interval at 10 minutes too). */
#define NO_RTR_TTL_MIN 10

void ms_rtrs_free(struct ms_rtrs *t)
{
	for (unsigned i = 0; i < t->n; i++) {
		explicit_bzero(t->rtr[i].key, t->rtr[i].key_len);
		free(t->rtr[i].key);
	}
	free(t->rtr);
	memset(t, 0, sizeof(*t));
}

static void build_offer(struct ms_rtrs *t, const struct lispd_config *cfg)
{
	const struct lispd_cfg_rtr_set *s = &cfg->rtr_sets[cfg->advertised_rtr_set];

	t->ttl_min = s->ttl_min;
	for (unsigned i = 0; i < s->n_rtrs && t->n_offer < LISP_MAX_RTRS; i++)
		lisp_addr_from_ip(&t->offer[t->n_offer++], &cfg->ms_rtrs[s->rtrs[i]].addr);
	if (s->n_rtrs > LISP_MAX_RTRS)
		log_warn("ms: ms-rtrs-set %s: Info-Replies offer its first %u RTRs of %u", s->name,
			 LISP_MAX_RTRS, s->n_rtrs);
}

int ms_rtrs_build(struct ms_rtrs *t, const struct lispd_config *cfg)
{
	memset(t, 0, sizeof(*t));
	t->ttl_min = NO_RTR_TTL_MIN;
	if (cfg->n_ms_rtrs) {
		t->rtr = calloc(cfg->n_ms_rtrs, sizeof(*t->rtr));
		if (!t->rtr)
			return -1;
	}
	for (unsigned i = 0; i < cfg->n_ms_rtrs; i++) {
		const struct lispd_cfg_ms_rtr *c = &cfg->ms_rtrs[i];
		struct ms_rtr *r = &t->rtr[i];

		memcpy(r->name, c->name, sizeof(r->name));
		r->addr = c->addr;
		r->key = malloc(c->key_len ? c->key_len : 1);
		if (!r->key) {
			ms_rtrs_free(t);
			return -1;
		}
		memcpy(r->key, c->key, c->key_len);
		r->key_len = c->key_len;
		t->n++;
	}
	if (cfg->advertise_rtrs)
		build_offer(t, cfg);
	return 0;
}

const struct ms_rtr *ms_rtr_find(const struct ms *ms, const struct lisp_ip *addr)
{
	for (unsigned i = 0; i < ms->rtrs.n; i++)
		if (lisp_ip_equal(&ms->rtrs.rtr[i].addr, addr))
			return &ms->rtrs.rtr[i];
	return NULL;
}

void ms_handle_relayed(struct ms *ms, const struct lisp_ip *src, uint16_t sport,
		       const struct lisp_ip *dst, const struct lisp_ecm *ecm)
{
	struct ms_via via = { ms_rtr_find(ms, src), ecm };
	char a[LISP_ADDR_STRLEN];

	ms->ctr.rx_relayed++;
	if (!via.rtr) {
		ms->ctr.drop_relay_unknown_rtr++;
		lispd_log_rl(LISPD_LOG_WARN, "ms: relayed Map-Register (ECM N) from %s: no "
			     "ms-rtr-node has that address: dropped",
			     lisp_ip_format(src, a, sizeof(a)));
		return;
	}
	if (lisp_msg_type(ecm->payload, ecm->payload_len) != LISP_MAP_REGISTER) {
		ms->ctr.drop_relay_not_register++;
		return;
	}
	ms_handle_register(ms, src, sport, dst, ecm->payload, ecm->payload_len, &via);
}

/* OLD: the notify with R and, after the trailer, the RTR's MAC over it all. */
static int encode_old(uint8_t *out, size_t *len, struct lisp_map_register *notify,
		      const struct ms_site *site, const struct ms_rtr *rtr)
{
	notify->rtr = true;
	notify->has_rtr_auth = true;
	memset(&notify->rtr_auth, 0, sizeof(notify->rtr_auth));
	notify->rtr_auth.alg_id = RTR_AUTH_ALG;
	notify->rtr_auth.len = (uint16_t)lisp_auth_digest_len(RTR_AUTH_ALG);
	if (lisp_map_register_encode(out, MS_MAX_PKT, len, notify, site->key, site->key_len, NULL))
		return -1;
	return lisp_auth_sign_at(out, *len, lisp_map_notify_rtr_auth_off(notify, *len), rtr->key,
				 rtr->key_len, NULL);
}

/* NEW: an ECM with R and the MS-RTR MAC, its inner packet answering the
 * relayed one (map-server -> the node's private RLOC, 4342 -> 4342). */
static int encode_new(uint8_t *out, size_t *len, const struct lisp_map_register *notify,
		      const struct ms_site *site, const struct ms_via *via)
{
	uint8_t inner[MS_MAX_PKT];
	struct lisp_ecm ecm;
	size_t inner_len;

	if (lisp_map_register_encode(inner, sizeof(inner), &inner_len, notify, site->key,
				     site->key_len, NULL))
		return -1;
	memset(&ecm, 0, sizeof(ecm));
	ecm.rtr = true;
	ecm.inner_src = via->ecm->inner_dst;
	ecm.inner_dst = via->ecm->inner_src;
	ecm.inner_ttl = 255;
	ecm.inner_df = true;
	ecm.inner_sport = LISP_CONTROL_PORT;
	ecm.inner_dport = LISP_CONTROL_PORT;
	ecm.payload = inner;
	ecm.payload_len = inner_len;
	ecm.rtr_auth.alg_id = RTR_AUTH_ALG;
	if (lisp_ecm_rtr_auth_sign(&ecm, via->rtr->key, via->rtr->key_len, NULL))
		return -1;
	return lisp_ecm_encode(out, MS_MAX_PKT, len, &ecm, NULL);
}

void ms_notify_via_rtr(struct ms *ms, const struct ms_via *via, struct lisp_map_register *notify,
		       const struct ms_site *site, const struct lisp_ip *src, uint16_t sport,
		       const struct lisp_ip *dst)
{
	uint8_t out[MS_MAX_PKT];
	size_t len;
	int rc = via->ecm ? encode_new(out, &len, notify, site, via)
			  : encode_old(out, &len, notify, site, via->rtr);

	if (rc) {
		ms->ctr.encode_failed++;
		return;
	}
	if (ms_send(ms, dst, src, sport, out, len) == 0) {
		ms->ctr.notifies_sent++;
		ms->ctr.notifies_via_rtr++;
	}
}
