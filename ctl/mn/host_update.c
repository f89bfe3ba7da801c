/* Following the RLOC interfaces once the host is set up: an interface that
 * appears, the locator set in the data plane, and each interface's table,
 * rules and MTU. Every change is journaled before it is made; what a move
 * takes off the host leaves the journal once gone. */
#include <errno.h>
#include <inttypes.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>

#include "core/nl.h"
#include "dp_attach.h"
#include "dp_config.h"
#include "dp_link.h"
#include "log.h"
#include "mn/host_priv.h"

int host_add_iface(struct mn_host *host, unsigned idx, char *errbuf, size_t errlen)
{
	struct mn_host_iface *h;
	struct dp_link_info li;
	struct dp_err err;
	int rc;

	if (idx >= host->n_ifaces)
		return host_fail(errbuf, errlen, "no RLOC interface %u", idx);
	h = &host->ifs[idx];
	if (h->ifindex > 0)
		return 0;
	if (host->decap_fd < 0)
		return host_fail(errbuf, errlen, "the decap program was not kept");
	rc = dp_link_get(h->conf.name, &li);
	if (rc)
		return host_fail(errbuf, errlen, "%s: %s", h->conf.name, strerror(-rc));
	if (dp_attach_decap_dev(host->pin_dir, host->decap_fd, h->conf.name, &err))
		return host_fail(errbuf, errlen, "decap on %s: %s", h->conf.name, err.msg);
	h->ifindex = li.ifindex;
	h->mtu = li.mtu;
	return 0;
}

void host_now(const struct mn_host *host, struct mn_iface_now now[MN_MAX_IFACES])
{
	for (unsigned i = 0; i < host->n_ifaces; i++) {
		now[i].conf = &host->ifs[i].conf;
		now[i].ifindex = host->ifs[i].ifindex;
		now[i].n_rlocs = host->ifs[i].n_rlocs;
		memcpy(now[i].rlocs, host->ifs[i].rlocs, sizeof(now[i].rlocs));
		now[i].mtu = host->ifs[i].mtu;
	}
}

int host_apply_locators(struct mn_host *host, unsigned n, const struct mn_locator *locs,
			char *errbuf, size_t errlen)
{
	struct dp_rlocs r;
	struct dp_err err;

	memset(&r, 0, sizeof(r));
	if (n > MN_MAX_LOCS)
		return host_fail(errbuf, errlen, "more than %d locators", MN_MAX_LOCS);
	for (uint16_t f = LISP_AFI_IPV4; f <= LISP_AFI_IPV6; f++) {
		const struct mn_locator *b = mn_locset_best(locs, n, f);

		if (!b)
			continue;
		r.has_src[f] = true;
		r.src[f] = b->addr;
		r.src_ifindex[f] = b->ifindex;
	}
	for (unsigned i = 0; i < n; i++) {
		r.local[r.n_local] = locs[i].addr;
		r.local_ifindex[r.n_local++] = locs[i].ifindex;
	}
	if (dp_rlocs_apply(host->dp, &r, &err))
		return host_fail(errbuf, errlen, "%s", err.msg);
	host->n_rlocs = mn_locset_sources(locs, n, host->rlocs);
	host->n_locs = n;
	memcpy(host->locs, locs, sizeof(locs[0]) * n);
	return 0;
}

/* ---- an interface moved ------------------------------------------------------------ */

struct route_key {
	uint16_t afi;
	uint32_t table;
	struct lisp_ip gw;
};

/* Journal entries of what a move took off the host, dropped once every new
 * entry is appended (dropping rewrites the file, which an open append fd
 * would no longer reach). */
struct drops {
	unsigned n_rules, n_routes;
	char rules[2][128];
	struct route_key routes[2];
};

static bool same_text(const char *entry, const void *ctx)
{
	return !strcmp(entry, ctx);
}

static bool same_table_route(const char *entry, const void *ctx)
{
	const struct route_key *k = ctx;
	struct nl_droute r;
	uint32_t extra;

	return !strncmp(entry, "route ", 6) && host_parse_route(entry + 6, &r, &extra) == 0 &&
	       r.afi == k->afi && r.table == k->table && r.has_gw && lisp_ip_equal(&r.gw, &k->gw);
}

static void drops_apply(const struct journal *j, const struct drops *d)
{
	for (unsigned i = 0; i < d->n_rules; i++)
		journal_drop(j, same_text, d->rules[i]);
	for (unsigned i = 0; i < d->n_routes; i++)
		journal_drop(j, same_table_route, &d->routes[i]);
}

static const struct lisp_ip *of_afi(const struct lisp_ip *ips, unsigned n, uint16_t afi)
{
	for (unsigned i = 0; i < n; i++)
		if (ips[i].afi == afi)
			return &ips[i];
	return NULL;
}

/* `from NEW lookup T` in, `from OLD lookup T` out (journaled first, dropped
 * from the journal once gone). */
static int update_rule(struct nl_sock *sk, struct journal *j, struct drops *drops,
		       const struct lisp_ip *old, const struct lisp_ip *now, uint32_t table,
		       char *errbuf, size_t errlen)
{
	char txt[64];
	int rc;

	if (old && now && lisp_ip_equal(old, now))
		return 0;
	if (now) {
		if (host_journal_rule(j, now, table, errbuf, errlen))
			return -1;
		rc = nl_rule_op(sk, now, MN_HOST_RULE_PRIO, table, true);
		if (rc && rc != -EEXIST)
			return host_fail(errbuf, errlen, "adding rule from %s lookup %" PRIu32 ": %s",
					 nl_ip_str(now, txt, sizeof(txt)), table, strerror(-rc));
	}
	if (old) {
		rc = nl_rule_op(sk, old, MN_HOST_RULE_PRIO, table, false);
		if (rc && !nl_gone(rc))
			return host_fail(errbuf, errlen, "deleting rule from %s: %s",
					 nl_ip_str(old, txt, sizeof(txt)), strerror(-rc));
		host_rule_entry(drops->rules[drops->n_rules++], sizeof(drops->rules[0]), old, table);
	}
	return 0;
}

static void table_route(struct nl_droute *r, uint16_t afi, uint32_t table, int phys,
			const struct lisp_ip *gw)
{
	memset(r, 0, sizeof(*r));
	r->afi = afi;
	r->table = table;
	r->proto = RTPROT_STATIC;
	r->scope = RT_SCOPE_UNIVERSE;
	r->oif = phys;
	r->has_gw = true;
	r->gw = *gw;
}

/* Table T's default follows the gateway of the interface. */
static int update_table_gw(struct nl_sock *sk, struct journal *j, struct drops *drops,
			   struct mn_host_iface *host, uint16_t afi, bool has_gw,
			   const struct lisp_ip *gw, char *errbuf, size_t errlen)
{
	struct route_key *key;
	struct nl_droute r;
	char gwt[64];
	int rc;

	if (has_gw == host->has_gw[afi] && (!has_gw || lisp_ip_equal(gw, &host->gw[afi])))
		return 0;
	if (host->has_gw[afi]) {
		/* The route setup installed carries the physical route's
		 * protocol and flags: delete by destination, table and
		 * gateway, which both forms share. */
		table_route(&r, afi, host->table, host->ifindex, &host->gw[afi]);
		rc = nl_droute_op(sk, &r, false);
		if (rc && !nl_gone(rc))
			return host_fail(errbuf, errlen, "deleting the default route of table %" PRIu32
					 ": %s", host->table, strerror(-rc));
		host->has_gw[afi] = false;
		key = &drops->routes[drops->n_routes++];
		key->afi = afi;
		key->table = host->table;
		key->gw = host->gw[afi];
	}
	if (!has_gw)
		return 0;
	table_route(&r, afi, host->table, host->ifindex, gw);
	if (host_journal_route(j, "route", &r, 0, errbuf, errlen))
		return -1;
	rc = nl_droute_op(sk, &r, true);
	if (rc && rc != -EEXIST)
		return host_fail(errbuf, errlen, "adding the default route of table %" PRIu32
				 " via %s: %s", host->table, nl_ip_str(gw, gwt, sizeof(gwt)),
				 strerror(-rc));
	host->has_gw[afi] = true;
	host->gw[afi] = *gw;
	return 0;
}

/* lmn's MTU leaves room for the outer header over the interfaces in use:
 * the smallest of their MTUs less 56 bytes for one with an IPv6 RLOC, 36
 * with IPv4 only (mn_locset_lmn_mtu), so the stack sizes packets, GSO
 * segments and TCP MSS for the tunnel as it is now, whichever interface
 * carries it. The MTU attach set is journaled once, before the first
 * change: restore puts it back whatever happened in between. Without any
 * RLOC nothing changes (nothing leaves anyway). */
int host_update_lmn_mtu(struct journal *j, struct mn_host *host, char *errbuf, size_t errlen)
{
	struct mn_iface_now now[MN_MAX_IFACES];
	unsigned limit = 0, mtu, tunnel;
	int rc;

	host_now(host, now);
	mtu = tunnel = mn_locset_lmn_mtu(now, host->n_ifaces, &limit);
	if (mtu == 0 || mtu == host->lmn_mtu)
		return 0;
	/* Below 1280 the kernel takes IPv6 (our IPv6 EIDs) off lmn: stay at
	 * 1280 and let the data plane's Packet Too Big handle the rest. */
	if (mtu < 1280) {
		log_warn("%s: the tunnel leaves %u bytes; keeping %s at 1280",
			 host->ifs[limit].conf.name, mtu, host->lmn_name);
		mtu = 1280;
		if (mtu == host->lmn_mtu)
			return 0;
	}
	if (!host->lmn_mtu_journaled) {
		if (journal_append(j, "mtu %s %u", host->lmn_name, host->lmn_mtu))
			return host_fail(errbuf, errlen, "journal: %s", strerror(errno));
		host->lmn_mtu_journaled = true;
	}
	rc = dp_link_configure(host->lmn_ifindex, mtu, NULL, false);
	if (rc)
		return host_fail(errbuf, errlen, "setting the MTU of %s to %u: %s", host->lmn_name,
				 mtu, strerror(-rc));
	log_info("%s: MTU %u -> %u (%s, MTU %u, outer header over IPv%c)", host->lmn_name,
		 host->lmn_mtu, mtu, host->ifs[limit].conf.name, host->ifs[limit].mtu,
		 host->ifs[limit].mtu - tunnel > DP_OVERHEAD4 ? '6' : '4');
	host->lmn_mtu = mtu;
	return 0;
}

int host_update_iface(const char *state_dir, struct mn_host *host, unsigned idx, unsigned n,
		      const struct lisp_ip *rlocs, const bool has_gw[3],
		      const struct lisp_ip gw[3], unsigned mtu, char *errbuf, size_t errlen)
{
	struct mn_host_iface *h;
	struct drops drops = { 0 };
	struct nl_sock *sk;
	struct journal j;
	int rc = 0;

	if (idx >= host->n_ifaces || host->ifs[idx].ifindex <= 0)
		return host_fail(errbuf, errlen, "no RLOC interface %u", idx);
	if (n > 2)
		return host_fail(errbuf, errlen, "more than one RLOC per family");
	h = &host->ifs[idx];
	journal_init(&j, state_dir, HOST_JOURNAL);
	if (journal_open(&j, errbuf, errlen))
		return -1;
	sk = nl_route_open();
	if (!sk) {
		journal_close(&j);
		return host_fail(errbuf, errlen, "netlink: %s", strerror(errno));
	}
	for (uint16_t f = LISP_AFI_IPV4; f <= LISP_AFI_IPV6 && rc == 0; f++) {
		const struct lisp_ip *old = of_afi(h->rlocs, h->n_rlocs, f);
		const struct lisp_ip *now = of_afi(rlocs, n, f);

		/* A new physical default (DHCP) would outrank lmn's: demoted
		 * like the first one, and put back on restore. */
		rc = host_demote_defaults(sk, &j, f, h->ifindex, h->phys_metric, errbuf, errlen);
		if (rc == 0)
			rc = update_table_gw(sk, &j, &drops, h, f, has_gw[f], &gw[f], errbuf, errlen);
		if (rc == 0)
			rc = update_rule(sk, &j, &drops, old, now, h->table, errbuf, errlen);
	}
	h->n_rlocs = n;
	memcpy(h->rlocs, rlocs, sizeof(h->rlocs[0]) * n);
	if (mtu)
		h->mtu = mtu;
	if (rc == 0)
		rc = host_update_lmn_mtu(&j, host, errbuf, errlen);
	nl_route_close(sk);
	journal_close(&j);
	drops_apply(&j, &drops);
	return rc;
}
