#include <stdlib.h>
#include <string.h>

#include "lisp_auth.h"
#include "lisp_msg.h"
#include "print.h"

static const char *act_name(uint8_t act)
{
	static const char *const names[] = { "no-action", "natively-forward",
					     "send-map-request", "drop", "drop-policy",
					     "drop-auth" };

	return act < sizeof(names) / sizeof(names[0]) ? names[act] : "unknown";
}

static const char *alg_name(uint8_t alg)
{
	switch (alg) {
	case LISP_AUTH_NONE: return "none";
	case LISP_AUTH_HMAC_SHA1_96: return "hmac-sha1";
	case LISP_AUTH_HMAC_SHA256_128: return "hmac-sha256";
	case LISP_AUTH_HMAC_SHA256_HKDF: return "hmac-sha256-hkdf";
	default: return "unknown";
	}
}

static void addr_field(struct out *o, const char *key, const struct lisp_addr *a)
{
	char buf[LISP_ADDR_STRLEN];

	out_str(o, key, lisp_addr_format(a, buf, sizeof(buf)));
}

static void prefix_field(struct out *o, const char *key, const struct lisp_prefix *p)
{
	char buf[LISP_ADDR_STRLEN];

	out_str(o, key, lisp_prefix_format(p, buf, sizeof(buf)));
}

/* One locator; in text its flags are bare words, only those set. */
static void print_locator(struct out *o, const struct lisp_locator *l)
{
	out_obj_begin(o, NULL, "locator");
	addr_field(o, "addr", &l->addr);
	out_u64(o, "priority", l->priority);
	out_u64(o, "weight", l->weight);
	out_u64(o, "mpriority", l->mpriority);
	out_u64(o, "mweight", l->mweight);
	out_flag(o, "local", l->local);
	out_flag(o, "probed", l->probed);
	out_flag(o, "reachable", l->reachable);
	out_obj_end(o);
}

static void print_record(struct out *o, const struct lisp_record *r)
{
	out_obj_begin(o, NULL, "record");
	prefix_field(o, "eid", &r->eid);
	out_u64(o, "ttl", r->ttl);
	out_str(o, "act", act_name(r->act));
	out_bool(o, "authoritative", r->authoritative);
	out_u64(o, "map_version", r->map_version);
	out_arr_begin(o, "locators");
	for (unsigned i = 0; i < r->n_loc; i++)
		print_locator(o, &r->loc[i]);
	out_arr_end(o);
	out_obj_end(o);
}

static void print_records(struct out *o, const struct lisp_record *rec, unsigned n)
{
	out_arr_begin(o, "records");
	for (unsigned i = 0; i < n; i++)
		print_record(o, &rec[i]);
	out_arr_end(o);
}

/* The MS-RTR MAC (ECM authentication data, OLD dialect field): shown, not
 * checked (the RTR key is not the site's). */
static void print_rtr_auth(struct out *o, const struct lisp_auth_field *a)
{
	out_u64(o, "rtr_key_id", a->key_id);
	out_str(o, "rtr_alg", alg_name(a->alg_id));
	out_u64(o, "rtr_auth_len", a->len);
}

static void print_auth(struct out *o, const uint8_t *msg, size_t len,
		       const struct lisp_auth_field *a, const struct keyring *keys)
{
	struct lisp_err err = { 0 };
	const char *verdict = "failed";

	out_u64(o, "key_id", a->key_id);
	out_str(o, "alg", alg_name(a->alg_id));
	out_u64(o, "auth_len", a->len);
	if (a->alg_id == LISP_AUTH_NONE)
		return;
	if (keys->n == 0) {
		out_str(o, "auth", "unchecked");
		return;
	}
	for (int i = 0; i < keys->n; i++) {
		const char *k = keys->keys[i];

		if (lisp_auth_verify(msg, len, (const uint8_t *)k, strlen(k), &err) == 0) {
			out_str(o, "auth", "ok");
			out_u64(o, "auth_key", (uint64_t)i + 1);
			return;
		}
		if (err.code != LISP_ERR_AUTH_FAILED) {
			verdict = lisp_err_name(err.code);
			break;
		}
	}
	out_str(o, "auth", verdict);
}

static void print_request(struct out *o, const struct lisp_map_request *m)
{
	out_hex64(o, "nonce", m->nonce);
	out_flag(o, "authoritative", m->authoritative);
	out_flag(o, "map_data", m->map_data);
	out_flag(o, "probe", m->probe);
	out_flag(o, "smr", m->smr);
	out_flag(o, "pitr", m->pitr);
	out_flag(o, "smr_invoked", m->smr_invoked);
	out_flag(o, "local_rloc", m->local_rloc);
	out_flag(o, "dont_reply", m->dont_reply);
	addr_field(o, "source_eid", &m->source_eid);
	out_arr_begin(o, "itr_rlocs");
	for (unsigned i = 0; i < m->n_itr; i++) {
		out_obj_begin(o, NULL, "itr-rloc");
		addr_field(o, "addr", &m->itr[i]);
		out_obj_end(o);
	}
	out_arr_end(o);
	out_arr_begin(o, "eids");
	for (unsigned i = 0; i < m->n_eid; i++) {
		out_obj_begin(o, NULL, "eid");
		prefix_field(o, "prefix", &m->eid[i]);
		out_obj_end(o);
	}
	out_arr_end(o);
	if (m->map_data)
		print_records(o, &m->map_reply_record, 1);
}

static void print_register(struct out *o, const uint8_t *msg, size_t len,
			   const struct lisp_map_register *m, const struct keyring *keys)
{
	out_hex64(o, "nonce", m->nonce);
	out_flag(o, "proxy_reply", m->proxy_reply);
	out_flag(o, "security", m->security);
	out_flag(o, "xtr_id_present", m->xtr_id_present);
	out_flag(o, "rtr", m->rtr);
	out_flag(o, "merge_ack", m->merge_ack);
	out_flag(o, "ttl_expire", m->ttl_expire);
	out_flag(o, "merge", m->merge);
	out_flag(o, "mobile_node", m->mobile_node);
	out_flag(o, "want_notify", m->want_notify);
	/* The site's MAC stops where the OLD RTR dialect's field begins. */
	print_auth(o, msg, lisp_map_notify_rtr_auth_off(m, len), &m->auth, keys);
	if (m->xtr_id_present) {
		char hex[33];

		for (int i = 0; i < 16; i++)
			snprintf(hex + 2 * i, 3, "%02x", m->xtr_id[i]);
		out_str(o, "xtr_id", hex);
		out_hex64(o, "site_id", m->site_id);
	}
	if (m->has_rtr_auth)
		print_rtr_auth(o, &m->rtr_auth);
	print_records(o, m->rec, m->n_rec);
}

static void print_info(struct out *o, const uint8_t *msg, size_t len, const struct lisp_info *m,
		       const struct keyring *keys)
{
	out_hex64(o, "nonce", m->nonce);
	print_auth(o, msg, len, &m->auth, keys);
	out_u64(o, "ttl", m->ttl);
	prefix_field(o, "eid", &m->eid);
	if (m->hostname[0])
		out_str(o, "hostname", m->hostname);
	if (!m->reply)
		return;
	out_u64(o, "ms_port", m->ms_port);
	out_u64(o, "etr_port", m->etr_port);
	addr_field(o, "global_etr", &m->global_etr);
	addr_field(o, "ms", &m->ms);
	addr_field(o, "private_etr", &m->private_etr);
	out_arr_begin(o, "rtrs");
	for (unsigned i = 0; i < m->n_rtr; i++) {
		out_obj_begin(o, NULL, "rtr");
		addr_field(o, "addr", &m->rtr[i]);
		out_obj_end(o);
	}
	out_arr_end(o);
}

/* The inner packet of an ECM or a Data-Map-Notify and the message in it. */
static void print_inner(struct out *o, const struct lisp_inner_udp *in, const struct keyring *keys)
{
	char buf[LISP_ADDR_STRLEN];

	out_str(o, "inner_src", lisp_ip_format(&in->inner_src, buf, sizeof(buf)));
	out_str(o, "inner_dst", lisp_ip_format(&in->inner_dst, buf, sizeof(buf)));
	out_u64(o, "inner_sport", in->inner_sport);
	out_u64(o, "inner_dport", in->inner_dport);
	out_u64(o, "inner_ttl", in->inner_ttl);
	out_obj_begin(o, "inner", "inner");
	print_control(o, in->payload, in->payload_len, keys);
	out_obj_end(o);
}

static void print_ecm(struct out *o, const struct lisp_ecm *m, const struct keyring *keys)
{

	out_flag(o, "security", m->security);
	out_flag(o, "ddt", m->ddt);
	out_flag(o, "to_etr", m->to_etr);
	out_flag(o, "to_ms", m->to_ms);
	out_flag(o, "rtr", m->rtr);
	out_flag(o, "nat", m->nat);
	if (m->ad_type == LISP_ECM_AD_RTR)
		print_rtr_auth(o, &m->rtr_auth);
	print_inner(o, &m->inner, keys);
}

void print_control(struct out *o, const uint8_t *msg, size_t len, const struct keyring *keys)
{
	struct lisp_msg *m = malloc(sizeof(*m));
	struct lisp_err err = { 0 };
	char why[160];
	int type = lisp_msg_type(msg, len);

	out_str(o, "type", type < 0 ? "empty" : lisp_msg_type_name(type));
	if (!m) {
		out_str(o, "error", "out of memory");
		return;
	}
	if (lisp_msg_decode(msg, len, m, &err) != 0) {
		out_str(o, "error", lisp_err_format(&err, why, sizeof(why)));
		free(m);
		return;
	}
	switch (m->type) {
	case LISP_MAP_REQUEST:
		print_request(o, &m->u.request);
		break;
	case LISP_MAP_REPLY:
		out_hex64(o, "nonce", m->u.reply.nonce);
		out_flag(o, "probe", m->u.reply.probe);
		out_flag(o, "echo", m->u.reply.echo);
		out_flag(o, "security", m->u.reply.security);
		print_records(o, m->u.reply.rec, m->u.reply.n_rec);
		break;
	case LISP_MAP_REGISTER:
	case LISP_MAP_NOTIFY:
	case LISP_MAP_NOTIFY_ACK:
		print_register(o, msg, len, &m->u.reg, keys);
		break;
	case LISP_INFO:
		out_bool(o, "reply", m->u.info.reply);
		print_info(o, msg, len, &m->u.info, keys);
		break;
	case LISP_ECM:
		print_ecm(o, &m->u.ecm, keys);
		break;
	default:
		break;
	}
	free(m);
}

/* A Map-Notify an RTR relays as data (NAT traversal). */
static void print_data_map_notify(struct out *o, const uint8_t *pkt, size_t len,
				  const struct keyring *keys)
{
	struct lisp_data_map_notify m;
	struct lisp_err err = { 0 };
	char why[160];

	out_str(o, "type", "data-map-notify");
	if (lisp_data_map_notify_decode(pkt, len, &m, &err) != 0) {
		out_str(o, "error", lisp_err_format(&err, why, sizeof(why)));
		return;
	}
	print_inner(o, &m.inner, keys);
}

void print_data(struct out *o, const uint8_t *pkt, size_t len, const struct keyring *keys)
{
	struct lisp_data_hdr h;
	struct lisp_err err = { 0 };
	char why[160];

	if (lisp_data_hdr_decode(pkt, len, &h, NULL) == 0 && lisp_data_hdr_is_map_notify(&h)) {
		print_data_map_notify(o, pkt, len, keys);
		return;
	}
	out_str(o, "type", "data");
	if (lisp_data_hdr_decode(pkt, len, &h, &err) != 0) {
		out_str(o, "error", lisp_err_format(&err, why, sizeof(why)));
		return;
	}
	if (h.n)
		out_u64(o, "nonce", h.nonce);
	out_flag(o, "echo", h.e);
	if (h.v && !h.n) {
		out_u64(o, "src_version", h.src_version);
		out_u64(o, "dst_version", h.dst_version);
	}
	if (h.i)
		out_u64(o, "iid", h.iid);
	if (h.l)
		out_u64(o, "lsb", h.lsb);
	if (h.kk)
		out_u64(o, "key_id", h.kk);
	out_u64(o, "inner_len", len - LISP_DATA_HDR_LEN);
	if (len > LISP_DATA_HDR_LEN)
		out_u64(o, "inner_ip_version", pkt[LISP_DATA_HDR_LEN] >> 4);
}
