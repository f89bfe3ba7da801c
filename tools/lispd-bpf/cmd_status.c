/* lispd-bpf status: what is attached where, read from the pinned maps. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "cli.h"
#include "dp_attach.h"
#include "dp_mcache.h"
#include "dp_pinned.h"
#include "json.h"

struct status {
	const char *pin;
	struct dp_state st;
	struct lispd_dp_config cfg;
	uint32_t decap_now, encap_now;
	unsigned n_mc;
	unsigned n_eids;
	struct lisp_ip eids[LISPD_LOCAL_EID_MAX];
};

static int count_mc(const struct lispd_mc_key *k, const struct lispd_mc_value *v, void *ctx)
{
	(void)k;
	(void)v;
	((struct status *)ctx)->n_mc++;
	return 0;
}

static int collect_eid(const struct lispd_eid_key *k, void *ctx)
{
	struct status *s = ctx;

	if (s->n_eids < LISPD_LOCAL_EID_MAX)
		dp_ip_from_map(&s->eids[s->n_eids++], k->family, k->addr);
	return 0;
}

/* lmn's MAC as decap writes it into delivered frames; "" when not set. */
static const char *decap_mac(const struct lispd_dp_config *cfg, char *buf, size_t len)
{
	const uint8_t *m = cfg->lmn_mac;

	if (!(cfg->flags & LISPD_CFG_LMN_MAC))
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
	const struct lispd_dp_config *cfg = &s->cfg;
	char buf[LISP_ADDR_STRLEN], mac[18];
	struct lisp_ip ip;
	unsigned i;

	printf("pin %s\n", s->pin);
	printf("dev %s ifindex %d decap prog %u %s%s\n", st->phys_name, st->phys_ifindex,
	       st->decap_prog_id, s->decap_now == st->decap_prog_id ? "attached" : "NOT ATTACHED",
	       st->flags & DP_ST_CREATED_QDISC_PHYS ? " (clsact created)" : "");
	printf("lmn %s ifindex %d encap prog %u %s%s\n", st->lmn_name, st->lmn_ifindex,
	       st->encap_prog_id, s->encap_now == st->encap_prog_id ? "attached" : "NOT ATTACHED",
	       st->flags & DP_ST_CREATED_LMN ? " (created)" : "");
	if (cfg->flags & LISPD_CFG_LMN_MAC)
		printf("decap mac %s\n", decap_mac(cfg, mac, sizeof(mac)));
	if (cfg->flags & LISPD_CFG_RLOC4) {
		dp_ip_from_map(&ip, LISPD_AF_INET, cfg->rloc4);
		printf("rloc %s\n", ip_str(&ip, buf, sizeof(buf)));
	}
	if (cfg->flags & LISPD_CFG_RLOC6) {
		dp_ip_from_map(&ip, LISPD_AF_INET6, cfg->rloc6);
		printf("rloc %s\n", ip_str(&ip, buf, sizeof(buf)));
	}
	for (i = 0; i < s->n_eids; i++)
		printf("eid %s\n", ip_str(&s->eids[i], buf, sizeof(buf)));
	if (cfg->flags & LISPD_CFG_USE_IID)
		printf("iid %u\n", cfg->iid);
	printf("miss %s\n", cfg->miss_policy == LISPD_MISS_PETR ? "petr" : "drop");
	if (cfg->flags & LISPD_CFG_DECAP_SRC_CHECK)
		printf("src-check on\n");
	for (i = 0; i < cfg->petr.n_locators && i < LISPD_MAX_LOCATORS; i++) {
		dp_ip_from_map(&ip, cfg->petr.loc[i].family, cfg->petr.loc[i].addr);
		printf("petr %s\n", ip_str(&ip, buf, sizeof(buf)));
	}
	printf("map-cache %u entries\n", s->n_mc);
}

static void print_json(const struct status *s, const struct cli *c)
{
	const struct dp_state *st = &s->st;
	const struct lispd_dp_config *cfg = &s->cfg;
	char buf[LISP_ADDR_STRLEN], mac[18];
	struct lisp_ip ip;
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
	if (cfg->flags & LISPD_CFG_LMN_MAC)
		json_str(&w, "decap_mac", decap_mac(cfg, mac, sizeof(mac)));
	else
		json_null(&w, "decap_mac");
	json_obj_end(&w);
	json_arr_begin(&w, "rlocs");
	if (cfg->flags & LISPD_CFG_RLOC4) {
		dp_ip_from_map(&ip, LISPD_AF_INET, cfg->rloc4);
		json_str(&w, NULL, ip_str(&ip, buf, sizeof(buf)));
	}
	if (cfg->flags & LISPD_CFG_RLOC6) {
		dp_ip_from_map(&ip, LISPD_AF_INET6, cfg->rloc6);
		json_str(&w, NULL, ip_str(&ip, buf, sizeof(buf)));
	}
	json_arr_end(&w);
	json_arr_begin(&w, "eids");
	for (i = 0; i < s->n_eids; i++)
		json_str(&w, NULL, ip_str(&s->eids[i], buf, sizeof(buf)));
	json_arr_end(&w);
	if (cfg->flags & LISPD_CFG_USE_IID)
		json_uint(&w, "iid", cfg->iid);
	else
		json_null(&w, "iid");
	json_str(&w, "miss", cfg->miss_policy == LISPD_MISS_PETR ? "petr" : "drop");
	json_bool(&w, "src_check", cfg->flags & LISPD_CFG_DECAP_SRC_CHECK);
	json_arr_begin(&w, "petrs");
	for (i = 0; i < cfg->petr.n_locators && i < LISPD_MAX_LOCATORS; i++) {
		dp_ip_from_map(&ip, cfg->petr.loc[i].family, cfg->petr.loc[i].addr);
		json_str(&w, NULL, ip_str(&ip, buf, sizeof(buf)));
	}
	json_arr_end(&w);
	json_uint(&w, "map_cache_entries", s->n_mc);
	json_obj_end(&w);
	json_end(&w);
}

int cmd_status(struct cli *c)
{
	static struct status s;
	struct dp_err err;
	const char *a;
	int fd;

	s.pin = LISPD_PIN_DIR_DEFAULT;
	while ((a = cli_next(c))) {
		if (!strcmp(a, "pin")) {
			if (!(s.pin = cli_value(c, a)))
				return 1;
		} else {
			return cli_error("status: unknown argument \"%s\"", a);
		}
	}
	if (dp_state_read(s.pin, &s.st, &err) || dp_config_read(s.pin, &s.cfg, &err))
		return cli_dp_error("status", &err);
	if (dp_tc_prog_at(s.st.phys_ifindex, true, &s.decap_now, &err) ||
	    dp_tc_prog_at(s.st.lmn_ifindex, false, &s.encap_now, &err))
		return cli_dp_error("status", &err);
	if (dp_eids_foreach(s.pin, collect_eid, &s, &err))
		return cli_dp_error("status", &err);
	fd = dp_pinned_open(s.pin, LISPD_MAP_MCACHE, &err);
	if (fd < 0)
		return cli_dp_error("status", &err);
	if (dp_mcache_foreach(fd, count_mc, &s, &err)) {
		close(fd);
		return cli_dp_error("status", &err);
	}
	close(fd);
	if (c->json)
		print_json(&s, c);
	else
		print_text(&s);
	return 0;
}
