/* The map-server's answer to a register we relayed (docs/NAT.md 3.4):
 * authenticated with the key we share with that map-server, in its
 * dialect's form, for a register still waiting and the same xTR-ID. Only
 * then are the node's EID prefixes committed, and the Map-Notify goes on
 * to the node as a Data-Map-Notify (3.5): from the RLOC its register
 * reached, port 4342, to the NAT's address and port it came from, the one
 * binding its NAT lets in. */
#include "rtr/rtr_priv.h"

#include <errno.h>
#include <string.h>

#include "lisp_auth.h"
#include "log.h"

/* The OLD dialect's field once emptied: KeyID, AlgID and a zero length
 * stay, as Open Overlay Router's RTR leaves them (its node drops them). */
#define OLD_EMPTY_FIELD_LEN 4

static struct rtr_ms *answering_ms(struct rtr *r, const struct lisp_ip *src,
				   enum lispd_cfg_nat_draft draft)
{
	struct rtr_ms *ms = rtr_ms_find(r, src);
	char a[LISP_ADDR_STRLEN];

	r->ctr.answers_received++;
	if (!ms) {
		r->ctr.drop_answer_unknown_ms++;
		lispd_log_rl(LISPD_LOG_WARN, "rtr: Map-Notify from %s, not a map-server of ours "
			     "(rtr-ms-node): dropped", lisp_ip_format(src, a, sizeof(a)));
		return NULL;
	}
	if (ms->draft != draft) {
		r->ctr.drop_answer_dialect++;
		return NULL;
	}
	return ms;
}

/* The Data-Map-Notify: the map-server's inner packet rebuilt (map-server
 * -> the node's private RLOC, 4342 -> 4342) around notify. */
static void send_dmn(struct rtr *r, const struct rtr_pending *p, const uint8_t *notify,
		     size_t notify_len)
{
	struct lisp_data_map_notify m;
	char a[LISP_ADDR_STRLEN];
	size_t len;

	memset(&m, 0, sizeof(m));
	m.hdr.i = true;
	m.hdr.iid = LISP_IID_DATA_MAP_NOTIFY;
	m.inner.inner_src = p->ms;
	m.inner.inner_dst = p->private_rloc;
	m.inner.inner_ttl = 255;
	m.inner.inner_df = true;
	m.inner.inner_sport = LISP_CONTROL_PORT;
	m.inner.inner_dport = LISP_CONTROL_PORT;
	m.inner.payload = notify;
	m.inner.payload_len = notify_len;
	if (lisp_data_map_notify_encode(r->tx, sizeof(r->tx), &len, &m, NULL)) {
		r->ctr.dmn_send_errors++;   /* a Map-Notify too long for one datagram */
		return;
	}
	if (cp_io_send(r->io, &p->rloc, &p->global, p->global_port, r->tx, len)) {
		const char *why = strerror(errno);

		r->ctr.dmn_send_errors++;
		lispd_log_rl(LISPD_LOG_WARN, "rtr: Data-Map-Notify to %s:%u: %s",
			     lisp_ip_format(&p->global, a, sizeof(a)), p->global_port, why);
		return;
	}
	r->ctr.dmn_sent++;
}

/* r->rx.u.reg holds the decoded notify; notify[0..len) goes to the node. */
static void confirmed(struct rtr *r, struct rtr_ms *ms, const uint8_t *notify, size_t len)
{
	const struct lisp_map_register *n = &r->rx.u.reg;
	struct rtr_pending *p = rtr_pending_find(r, n->nonce, &ms->addr);

	if (!p) {
		r->ctr.drop_answer_unknown_nonce++;
		return;
	}
	if (!n->xtr_id_present || memcmp(n->xtr_id, p->xtr_id, sizeof(p->xtr_id))) {
		r->ctr.drop_answer_xtr_id++;
		return;
	}
	ms->confirmed++;
	/* A node we could not commit is not told it is registered through
	 * us: it retransmits, and the next answer tries again. */
	if (rtr_nat_commit(r, p, n) == 0)
		send_dmn(r, p, notify, len);
	rtr_pending_release(p);
}

void rtr_answer_new(struct rtr *r, const struct lisp_ip *src, const struct lisp_ecm *ecm)
{
	struct rtr_ms *ms = answering_ms(r, src, LISPD_NAT_DRAFT_NEW);
	struct lisp_err err = { 0 };

	if (!ms)
		return;
	/* Open Overlay Router's RTR takes S=0 too; the draft (5.3) does not. */
	if (!ecm->security || ecm->ad_type != LISP_ECM_AD_RTR) {
		r->ctr.drop_answer_unsigned++;
		return;
	}
	if (lisp_ecm_rtr_auth_verify(ecm, ms->key, ms->key_len, NULL)) {
		r->ctr.drop_answer_auth++;
		return;
	}
	if (lisp_map_register_decode(ecm->payload, ecm->payload_len, &r->rx.u.reg, &err)) {
		rtr_rx_malformed(r, &err);
		return;
	}
	confirmed(r, ms, ecm->payload, ecm->payload_len);
}

void rtr_answer_old(struct rtr *r, const struct lisp_ip *src, const uint8_t *buf, size_t len)
{
	struct rtr_ms *ms = answering_ms(r, src, LISPD_NAT_DRAFT_OLD);
	const struct lisp_map_register *n = &r->rx.u.reg;
	uint8_t notify[RTR_TX_MAX];
	struct lisp_err err = { 0 };
	size_t off;

	if (!ms)
		return;
	if (lisp_map_register_decode(buf, len, &r->rx.u.reg, &err)) {
		rtr_rx_malformed(r, &err);
		return;
	}
	if (!n->rtr || !n->has_rtr_auth || n->rtr_auth.alg_id == LISP_AUTH_NONE) {
		r->ctr.drop_answer_unsigned++;
		return;
	}
	off = lisp_map_notify_rtr_auth_off(n, len);
	if (lisp_auth_verify_at(buf, len, off, ms->key, ms->key_len, NULL)) {
		r->ctr.drop_answer_auth++;
		return;
	}
	/* The node gets the map-server's message with our field emptied: the
	 * site's MAC covers the bytes before it. */
	if (off + OLD_EMPTY_FIELD_LEN > sizeof(notify)) {
		r->ctr.dmn_send_errors++;
		return;
	}
	memcpy(notify, buf, off);
	memset(notify + off, 0, OLD_EMPTY_FIELD_LEN);
	confirmed(r, ms, notify, off + OLD_EMPTY_FIELD_LEN);
}
