/* lispd-bpf status: what is attached where, read from the pinned maps. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "dp_attach.h"
#include "json.h"

#define MAX_EIDS 64

struct status {
	const char *pin;
	struct dp_state st;
	struct dp_config cfg;
	uint32_t decap_now, encap_now;
	unsigned n_mc;
	unsigned n_eids;
	struct lisp_ip eids[MAX_EIDS];
};

static int count_mc(const struct dp_mapping *m, void *ctx)
{
	(void)m;
	((struct status *)ctx)->n_mc++;
	return 0;
}

static int collect_eid(uint32_t iid, const struct lisp_ip *eid, void *ctx)
{
	struct status *s = ctx;

	(void)iid;
	if (s->n_eids < MAX_EIDS)
		s->eids[s->n_eids++] = *eid;
	return 0;
}

/* lmn's MAC as decap writes it into delivered frames; "" when not set. */
static const char *decap_mac(const struct dp_config *cfg, char *buf, size_t len)
{
	const uint8_t *m = cfg->lmn_mac;

	if (!cfg->has_lmn_mac)
		return "";
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}

static const char *ip_str(const struct lisp_ip *ip, char *buf, size_t len)
{
	return lisp_ip_format(ip, buf, len);
}

static void print_text(const struct status *s)
{
	const struct dp_state *st = &s->st;
	const struct dp_config *cfg = &s->cfg;
	char buf[LISP_ADDR_STRLEN], mac[18];
	unsigned i;

	printf("pin %s\n", s->pin);
	printf("dev %s ifindex %d decap prog %u %s%s\n", st->phys_name, st->phys_ifindex,
	       st->decap_prog_id, s->decap_now == st->decap_prog_id ? "attached" : "NOT ATTACHED",
	       st->flags & DP_ST_CREATED_QDISC_PHYS ? " (clsact created)" : "");
	printf("lmn %s ifindex %d encap prog %u %s%s\n", st->lmn_name, st->lmn_ifindex,
	       st->encap_prog_id, s->encap_now == st->encap_prog_id ? "attached" : "NOT ATTACHED",
	       st->flags & DP_ST_CREATED_LMN ? " (created)" : "");
	if (cfg->has_lmn_mac)
		printf("decap mac %s\n", decap_mac(cfg, mac, sizeof(mac)));
	for (i = 0; i < cfg->n_rlocs; i++)
		printf("rloc %s\n", ip_str(&cfg->rlocs[i], buf, sizeof(buf)));
	for (i = 0; i < s->n_eids; i++)
		printf("eid %s\n", ip_str(&s->eids[i], buf, sizeof(buf)));
	if (cfg->use_iid)
		printf("iid %u\n", cfg->iid);
	printf("miss %s\n", cfg->miss_policy == DP_MISS_PETR ? "petr" : "drop");
	if (cfg->decap_src_check)
		printf("src-check on\n");
	for (i = 0; i < cfg->n_petrs; i++)
		printf("petr %s\n", ip_str(&cfg->petrs[i], buf, sizeof(buf)));
	printf("map-cache %u entries\n", s->n_mc);
}

static void print_json(const struct status *s, const struct cli *c)
{
	const struct dp_state *st = &s->st;
	const struct dp_config *cfg = &s->cfg;
	char buf[LISP_ADDR_STRLEN], mac[18];
	struct json w;
	unsigned i;

	json_init(&w, stdout, c->pretty);
	json_obj_begin(&w, NULL);
	json_str(&w, "pin", s->pin);
	json_obj_begin(&w, "dev");
	json_str(&w, "name", st->phys_name);
	json_uint(&w, "ifindex", (uint64_t)st->phys_ifindex);
	json_uint(&w, "prog_id", st->decap_prog_id);
	json_bool(&w, "attached", s->decap_now == st->decap_prog_id);
	json_bool(&w, "qdisc_created", st->flags & DP_ST_CREATED_QDISC_PHYS);
	json_obj_end(&w);
	json_obj_begin(&w, "lmn");
	json_str(&w, "name", st->lmn_name);
	json_uint(&w, "ifindex", (uint64_t)st->lmn_ifindex);
	json_uint(&w, "prog_id", st->encap_prog_id);
	json_bool(&w, "attached", s->encap_now == st->encap_prog_id);
	json_bool(&w, "created", st->flags & DP_ST_CREATED_LMN);
	if (cfg->has_lmn_mac)
		json_str(&w, "decap_mac", decap_mac(cfg, mac, sizeof(mac)));
	else
		json_null(&w, "decap_mac");
	json_obj_end(&w);
	json_arr_begin(&w, "rlocs");
	for (i = 0; i < cfg->n_rlocs; i++)
		json_str(&w, NULL, ip_str(&cfg->rlocs[i], buf, sizeof(buf)));
	json_arr_end(&w);
	json_arr_begin(&w, "eids");
	for (i = 0; i < s->n_eids; i++)
		json_str(&w, NULL, ip_str(&s->eids[i], buf, sizeof(buf)));
	json_arr_end(&w);
	if (cfg->use_iid)
		json_uint(&w, "iid", cfg->iid);
	else
		json_null(&w, "iid");
	json_str(&w, "miss", cfg->miss_policy == DP_MISS_PETR ? "petr" : "drop");
	json_bool(&w, "src_check", cfg->decap_src_check);
	json_arr_begin(&w, "petrs");
	for (i = 0; i < cfg->n_petrs; i++)
		json_str(&w, NULL, ip_str(&cfg->petrs[i], buf, sizeof(buf)));
	json_arr_end(&w);
	json_uint(&w, "map_cache_entries", s->n_mc);
	json_obj_end(&w);
	json_end(&w);
}

/* Reads what status shows through the opened maps. 0, or -1 with err. */
static int collect(struct status *s, const struct dp_handle *dp, struct dp_err *err)
{
	if (dp_config_read(dp, &s->cfg, err) ||
	    dp_tc_prog_at(s->st.phys_ifindex, true, &s->decap_now, err) ||
	    dp_tc_prog_at(s->st.lmn_ifindex, false, &s->encap_now, err))
		return -1;
	dp_eids_foreach(dp, collect_eid, s);
	return dp_mcache_foreach(dp, count_mc, s, err);
}

int cmd_status(struct cli *c)
{
	static struct status s;
	struct dp_handle dp;
	struct dp_err err;
	const char *a;
	int rc;

	s.pin = DP_PIN_DIR_DEFAULT;
	while ((a = cli_next(c))) {
		if (!strcmp(a, "pin")) {
			if (!(s.pin = cli_value(c, a)))
				return 1;
		} else {
			return cli_error("status: unknown argument \"%s\"", a);
		}
	}
	if (dp_state_read(s.pin, &s.st, &err) || dp_open(&dp, s.pin, &err))
		return cli_dp_error("status", &err);
	rc = collect(&s, &dp, &err);
	dp_close(&dp);
	if (rc)
		return cli_dp_error("status", &err);
	if (c->json)
		print_json(&s, c);
	else
		print_text(&s);
	return 0;
}
