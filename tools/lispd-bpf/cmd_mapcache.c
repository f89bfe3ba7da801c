/* lispd-bpf map-cache show | add | del, on the pinned LPM trie. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "dp_config.h"
#include "dp_mcache.h"
#include "json.h"

#define DEFAULT_PRIORITY 1
#define DEFAULT_WEIGHT 100

struct show_ctx {
	struct json w;
	bool json;
};

static int show_one(const struct dp_mapping *m, void *arg)
{
	struct show_ctx *s = arg;
	char pbuf[LISP_ADDR_STRLEN], abuf[LISP_ADDR_STRLEN], act[16];
	const char *name = dp_action_name(m->action);
	struct lisp_prefix p = m->eid;
	unsigned i;

	p.addr.has_iid = false;   /* the instance-id is printed on its own */
	lisp_prefix_format(&p, pbuf, sizeof(pbuf));
	if (!name) {
		snprintf(act, sizeof(act), "%u", m->action);
		name = act;
	}
	if (s->json) {
		json_obj_begin(&s->w, NULL);
		json_uint(&s->w, "iid", p.addr.iid);
		json_str(&s->w, "prefix", pbuf);
		json_str(&s->w, "action", name);
		json_arr_begin(&s->w, "locators");
	} else {
		if (p.addr.iid)
			printf("[%u]", p.addr.iid);
		printf("%s %s\n", pbuf, name);
	}
	for (i = 0; i < m->n_loc; i++) {
		const struct dp_locator *l = &m->loc[i];

		lisp_ip_format(&l->addr, abuf, sizeof(abuf));
		if (s->json) {
			json_obj_begin(&s->w, NULL);
			json_str(&s->w, "rloc", abuf);
			json_uint(&s->w, "priority", l->priority);
			json_uint(&s->w, "weight", l->weight);
			json_bool(&s->w, "up", l->up);
			json_obj_end(&s->w);
		} else {
			printf("    rloc %s priority %u weight %u %s\n", abuf, l->priority, l->weight,
			       l->up ? "up" : "down");
		}
	}
	if (s->json) {
		json_arr_end(&s->w);
		json_uint(&s->w, "slots", m->n_slots);
		json_obj_end(&s->w);
	}
	return 0;
}

static int mc_show(struct cli *c, const struct dp_handle *dp)
{
	static struct show_ctx s;
	struct dp_err err;
	int rc;

	s.json = c->json;
	if (s.json) {
		json_init(&s.w, stdout, c->pretty);
		json_arr_begin(&s.w, NULL);
	}
	rc = dp_mcache_foreach(dp, show_one, &s, &err);
	if (s.json) {
		json_arr_end(&s.w);
		json_end(&s.w);
	}
	return rc ? cli_dp_error("map-cache show", &err) : 0;
}

/* [iid N] PREFIX: the instance-id defaults to the attached one. */
static int parse_prefix(struct cli *c, const struct dp_config *cfg, struct lisp_prefix *p)
{
	uint32_t iid = cfg->use_iid ? cfg->iid : 0;
	struct lisp_err e;
	const char *s;
	char buf[128];

	if (cli_is(c, "iid")) {
		cli_next(c);
		s = cli_value(c, "iid");
		if (!s || cli_u32(s, "instance-id", DP_IID_MAX, &iid))
			return -1;
	}
	s = cli_next(c);
	if (!s)
		return -cli_error("missing PREFIX");
	if (lisp_prefix_parse(s, p, &e))
		return -cli_error("invalid prefix \"%s\": %s", s,
				 lisp_err_format(&e, buf, sizeof(buf)));
	if (!p->addr.has_iid && iid)
		lisp_addr_set_iid(&p->addr, iid);
	if (!dp_prefix_storable(p))
		return -cli_error("prefix \"%s\" cannot be stored (instance-id above 24 bits?)", s);
	return 0;
}

static int parse_locator(struct cli *c, struct dp_mapping *m)
{
	uint32_t prio = DEFAULT_PRIORITY, weight = DEFAULT_WEIGHT;
	struct lisp_ip ip;
	const char *s = cli_value(c, "rloc");
	bool up = true;

	if (!s || cli_ip(s, "rloc", &ip))
		return -1;
	for (;;) {
		if (cli_is(c, "priority") || cli_is(c, "weight")) {
			bool is_prio = cli_is(c, "priority");
			const char *kw = cli_next(c);

			s = cli_value(c, kw);
			if (!s || cli_u32(s, kw, 255, is_prio ? &prio : &weight))
				return -1;
		} else if (cli_is(c, "down")) {
			cli_next(c);
			up = false;
		} else if (cli_is(c, "up")) {
			cli_next(c);
			up = true;
		} else {
			break;
		}
	}
	if (m->n_loc >= DP_MAX_LOCATORS)
		return -cli_error("too many locators (at most %d)", DP_MAX_LOCATORS);
	m->loc[m->n_loc++] = (struct dp_locator){
		.addr = ip, .priority = (uint8_t)prio, .weight = (uint8_t)weight, .up = up
	};
	return 0;
}

static int mc_add(struct cli *c, const struct dp_handle *dp, const struct dp_config *cfg)
{
	struct dp_mapping m;
	struct dp_err err;
	bool have_action = false;
	const char *s;
	int act;

	memset(&m, 0, sizeof(m));
	if (parse_prefix(c, cfg, &m.eid))
		return 1;
	while ((s = cli_next(c))) {
		if (!strcmp(s, "rloc")) {
			if (have_action)
				return cli_error("an entry has either locators or an action");
			if (parse_locator(c, &m))
				return 1;
		} else if (!strcmp(s, "action")) {
			if (have_action || m.n_loc)
				return cli_error("an entry has either locators or one action");
			s = cli_value(c, "action");
			if (!s)
				return 1;
			act = dp_action_parse(s);
			if (act < 0 || act == LISP_ACT_NO_ACTION)
				return cli_error("unknown action \"%s\" (drop, native-forward, "
						 "send-map-request, drop-policy, drop-auth)", s);
			m.action = (uint8_t)act;
			have_action = true;
		} else {
			return cli_error("map-cache add: unknown argument \"%s\"", s);
		}
	}
	if (!have_action && !m.n_loc)
		return cli_error("map-cache add: give rloc ADDR ... or action ACTION");
	if (dp_mcache_put(dp, &m, &err))
		return cli_dp_error("map-cache add", &err);
	return 0;
}

static int mc_del(struct cli *c, const struct dp_handle *dp, const struct dp_config *cfg)
{
	struct lisp_prefix p;
	struct dp_err err;

	if (parse_prefix(c, cfg, &p))
		return 1;
	if (cli_peek(c))
		return cli_error("map-cache del: unknown argument \"%s\"", cli_peek(c));
	if (dp_mcache_del(dp, &p, &err))
		return cli_dp_error("map-cache del", &err);
	return 0;
}

/* "pin DIR" may come anywhere; it is taken out before the rest is parsed. */
static const char *take_pin(struct cli *c)
{
	const char *pin = DP_PIN_DIR_DEFAULT;
	int i, j;

	for (i = 0; i < c->argc; i++) {
		if (strcmp(c->argv[i], "pin") || i + 1 >= c->argc)
			continue;
		pin = c->argv[i + 1];
		for (j = i; j + 2 < c->argc; j++)
			c->argv[j] = c->argv[j + 2];
		c->argc -= 2;
		break;
	}
	return pin;
}

int cmd_map_cache(struct cli *c)
{
	const char *pin = take_pin(c), *sub = cli_next(c);
	struct dp_config cfg;
	struct dp_handle dp;
	struct dp_err err;
	int rc;

	if (!sub)
		sub = "show";
	if (strcmp(sub, "show") && strcmp(sub, "list") && strcmp(sub, "add") && strcmp(sub, "del") &&
	    strcmp(sub, "delete"))
		return cli_error("map-cache: unknown command \"%s\" (show, add, del)", sub);
	if (dp_open(&dp, pin, &err))
		return cli_dp_error("map-cache", &err);
	if (dp_config_read(&dp, &cfg, &err))
		rc = cli_dp_error("map-cache", &err);
	else if (!strcmp(sub, "show") || !strcmp(sub, "list"))
		rc = cli_peek(c) ? cli_error("map-cache show: unknown argument \"%s\"", cli_peek(c))
				 : mc_show(c, &dp);
	else if (!strcmp(sub, "add"))
		rc = mc_add(c, &dp, &cfg);
	else
		rc = mc_del(c, &dp, &cfg);
	dp_close(&dp);
	return rc;
}
