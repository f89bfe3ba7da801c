/* `lig self`: asks the mapping system for each of our database-mappings and
 * says whether the answer lists our RLOCs, i.e. whether our registration is
 * what a remote ITR would get. */
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "json.h"
#include "lig.h"

int lig_config_map_resolver(const char *path, struct lisp_ip *out, char *errbuf, size_t errlen)
{
	struct lispd_config c;
	char e[512];

	if (lispd_config_load_file(path, &c, e, sizeof(e)) < 0) {
		snprintf(errbuf, errlen, "%s", e);
		return -1;
	}
	if (c.n_map_resolvers == 0) {
		snprintf(errbuf, errlen, "%s: no map-resolver configured", path);
		lispd_config_free(&c);
		return -1;
	}
	*out = c.map_resolvers[0];
	lispd_config_free(&c);
	return 0;
}

/* The first usable address of a family on an interface (IPv6 link-local
 * addresses are not RLOCs). Returns 0 or -1 when there is none. */
static int iface_address(const char *ifname, uint8_t ip_version, struct lisp_ip *out)
{
	struct ifaddrs *ifa, *i;
	int rc = -1;

	if (getifaddrs(&ifa) < 0)
		return -1;
	for (i = ifa; i && rc < 0; i = i->ifa_next) {
		if (!i->ifa_addr || strcmp(i->ifa_name, ifname) != 0)
			continue;
		if (ip_version == 4 && i->ifa_addr->sa_family == AF_INET) {
			lisp_ip_from_bytes(out, LISP_AFI_IPV4,
					   &((struct sockaddr_in *)i->ifa_addr)->sin_addr);
			rc = 0;
		} else if (ip_version == 6 && i->ifa_addr->sa_family == AF_INET6) {
			const struct in6_addr *a = &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;

			if (IN6_IS_ADDR_LINKLOCAL(a))
				continue;
			lisp_ip_from_bytes(out, LISP_AFI_IPV6, a);
			rc = 0;
		}
	}
	freeifaddrs(ifa);
	return rc;
}

struct expected {
	unsigned n;
	struct lisp_ip ip[LISPD_CFG_MAX_RLOCS];
	char missing[256];  /* interfaces whose address could not be found */
};

static void expected_rlocs(const struct lig_self_opts *o, const struct lispd_cfg_mapping *m,
			   struct expected *x)
{
	unsigned i;
	size_t used = 0;

	memset(x, 0, sizeof(*x));
	if (o->have_src) {
		x->ip[x->n++] = o->src;
		return;
	}
	for (i = 0; i < m->n_rlocs; i++) {
		const struct lispd_cfg_rloc *r = &m->rlocs[i];

		if (r->kind == LISPD_RLOC_ADDRESS) {
			x->ip[x->n++] = r->addr;
		} else if (iface_address(r->ifname, r->ip_version, &x->ip[x->n]) == 0) {
			x->n++;
		} else if (used < sizeof(x->missing)) {
			used += (size_t)snprintf(x->missing + used, sizeof(x->missing) - used,
						 "%s%s/IPv%u", used ? ", " : "", r->ifname,
						 r->ip_version);
		}
	}
}

/* Locators of the answer's positive records that cover the EID. */
static bool reply_has(const struct lisp_map_reply *r, const struct lisp_prefix *eid,
		      const struct lisp_ip *ip)
{
	unsigned i, j;

	for (i = 0; i < r->n_rec; i++) {
		const struct lisp_record *rec = &r->rec[i];

		if (!lisp_prefix_contains(&rec->eid, eid))
			continue;
		for (j = 0; j < rec->n_loc; j++)
			if (rec->loc[j].addr.kind == LISP_ADDR_IP &&
			    lisp_ip_equal(&rec->loc[j].addr.ip, ip))
				return true;
	}
	return false;
}

static bool is_registered(const struct lig_answer *a, const struct lisp_prefix *eid,
			  const struct expected *x)
{
	unsigned i;

	if (!a->answered || x->n == 0)
		return false;
	for (i = 0; i < x->n; i++)
		if (!reply_has(&a->reply, eid, &x->ip[i]))
			return false;
	return true;
}

/* "a, b" of every locator in the answer, or what the answer said instead. */
static void describe_got(const struct lig_answer *a, char *buf, size_t len)
{
	size_t used = 0;
	unsigned i, j;
	char s[LISP_ADDR_STRLEN], act[16];

	buf[0] = '\0';
	for (i = 0; i < a->reply.n_rec && used < len; i++) {
		const struct lisp_record *r = &a->reply.rec[i];

		if (r->n_loc == 0) {
			used += (size_t)snprintf(buf + used, len - used, "%snegative reply for %s, %s",
						 used ? "; " : "",
						 lisp_prefix_format(&r->eid, s, sizeof(s)),
						 lig_act_name(r->act, act, sizeof(act)));
			continue;
		}
		for (j = 0; j < r->n_loc && used < len; j++)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
						 lisp_addr_format(&r->loc[j].addr, s, sizeof(s)));
	}
	if (used == 0)
		snprintf(buf, len, "no record");
}

static void list_ips(char *buf, size_t len, const struct expected *x)
{
	size_t used = 0;
	unsigned i;
	char s[LISP_ADDR_STRLEN];

	buf[0] = '\0';
	for (i = 0; i < x->n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
					 lisp_ip_format(&x->ip[i], s, sizeof(s)));
}

static void print_self_text(const struct lisp_prefix *eid, const struct expected *x,
			    const struct lig_answer *a, bool ok)
{
	char p[LISP_ADDR_STRLEN], want[1024], got[2048];

	lisp_prefix_format(eid, p, sizeof(p));
	list_ips(want, sizeof(want), x);
	if (x->missing[0])
		printf("%s: warning: no address on %s\n", p, x->missing);
	if (x->n == 0) {
		printf("%s: not registered (no RLOC of ours known to check; use -s)\n", p);
		return;
	}
	if (!a->answered) {
		printf("%s: not registered (no answer after %u tries)\n", p, a->tries);
		return;
	}
	if (ok) {
		printf("%s: registered (%s), rtt %.3f ms\n", p, want, a->rtt_ms);
		return;
	}
	describe_got(a, got, sizeof(got));
	printf("%s: not registered (got %s; expected %s)\n", p, got, want);
}

static void print_self_json(struct json *j, const struct lisp_prefix *eid,
			    const struct expected *x, const struct lig_answer *a, bool ok)
{
	char s[LISP_ADDR_STRLEN];

	json_obj_begin(j, NULL);
	json_str(j, "eid", lisp_prefix_format(eid, s, sizeof(s)));
	json_bool(j, "registered", ok);
	json_bool(j, "answered", a->answered);
	json_uint(j, "tries", a->tries);
	json_arr_begin(j, "expected");
	for (unsigned i = 0; i < x->n; i++)
		lig_json_ip(j, NULL, &x->ip[i]);
	json_arr_end(j);
	if (a->answered) {
		lig_json_ip(j, "reply_from", &a->from);
		json_fixed(j, "rtt_ms", a->rtt_ms, 3);
	} else {
		json_null(j, "reply_from");
		json_null(j, "rtt_ms");
	}
	lig_json_records(j, a);
	json_obj_end(j);
}

int lig_self(const struct lig_self_opts *o)
{
	struct lispd_config c;
	struct lig_answer *a;
	struct json j;
	char e[512], s[LISP_ADDR_STRLEN];
	unsigned i, n_ok = 0;
	int rc = LIG_EXIT_ANSWERED;

	if (lispd_config_load_file(o->config, &c, e, sizeof(e)) < 0) {
		fprintf(stderr, "lig: %s\n", e);
		return LIG_EXIT_USAGE;
	}
	if (c.n_mappings == 0) {
		fprintf(stderr, "lig: %s: no database-mapping to check\n", o->config);
		lispd_config_free(&c);
		return LIG_EXIT_USAGE;
	}
	struct lig_query q = {
		.mr_port = o->mr_port,
		.count = o->count,
		.timeout_s = o->timeout_s,
	};
	if (o->have_mr) {
		q.mr = o->mr;
	} else if (c.n_map_resolvers > 0) {
		q.mr = c.map_resolvers[0];
	} else {
		fprintf(stderr, "lig: %s: no map-resolver configured; use -m\n", o->config);
		lispd_config_free(&c);
		return LIG_EXIT_USAGE;
	}
	if (o->have_src)
		q.src = o->src;
	a = malloc(sizeof(*a));
	if (!a) {
		fprintf(stderr, "lig: out of memory\n");
		lispd_config_free(&c);
		return LIG_EXIT_NO_ANSWER;
	}
	json_init(&j, stdout, false);
	if (o->json) {
		json_obj_begin(&j, NULL);
		lig_json_ip(&j, "map_resolver", &q.mr);
		json_arr_begin(&j, "results");
	} else {
		printf("Checking %u database-mapping(s) of %s through %s\n", c.n_mappings,
		       o->config, lisp_ip_format(&q.mr, s, sizeof(s)));
	}
	for (i = 0; i < c.n_mappings; i++) {
		struct expected x;
		bool ok;

		q.eid = c.mappings[i].eid;
		expected_rlocs(o, &c.mappings[i], &x);
		if (lig_run_query(&q, a, e, sizeof(e)) < 0) {
			fprintf(stderr, "lig: %s\n", e);
			rc = LIG_EXIT_NO_ANSWER;
			break;
		}
		ok = is_registered(a, &q.eid, &x);
		n_ok += ok;
		if (o->json)
			print_self_json(&j, &q.eid, &x, a, ok);
		else
			print_self_text(&q.eid, &x, a, ok);
	}
	if (o->json) {
		json_arr_end(&j);
		json_uint(&j, "registered", n_ok);
		json_uint(&j, "total", c.n_mappings);
		json_obj_end(&j);
		json_end(&j);
	}
	if (n_ok != c.n_mappings)
		rc = LIG_EXIT_NO_ANSWER;
	free(a);
	lispd_config_free(&c);
	return rc;
}
