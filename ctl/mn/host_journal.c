/* The mobile node's journal entries (core/journal.h): the routes, rules
 * and MTU its host setup and updates put on the host, written before each
 * change, and their undo, replayed at exit and after a crash. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/nl.h"
#include "dp_attach.h"
#include "dp_link.h"
#include "mn/host_priv.h"

static int ip_parse(const char *s, struct lisp_ip *ip)
{
	uint8_t b[16];

	if (inet_pton(AF_INET, s, b) == 1)
		return lisp_ip_from_bytes(ip, LISP_AFI_IPV4, b);
	if (inet_pton(AF_INET6, s, b) == 1)
		return lisp_ip_from_bytes(ip, LISP_AFI_IPV6, b);
	return -1;
}

int host_journal_route(struct journal *j, const char *kw, const struct nl_droute *r,
		       uint32_t extra, char *errbuf, size_t errlen)
{
	char gw[64] = "-";

	if (r->has_gw)
		nl_ip_str(&r->gw, gw, sizeof(gw));
	if (journal_append(j, "%s %u %" PRIu32 " %" PRIu32 " %u %u %d %" PRIu32 " %s %" PRIu32,
			   kw, r->afi, r->table, r->metric, r->proto, r->scope, r->oif, r->nh_flags,
			   gw, extra))
		return host_fail(errbuf, errlen, "journal: %s", strerror(errno));
	return 0;
}

int host_parse_route(const char *args, struct nl_droute *r, uint32_t *extra)
{
	char gw[64];
	unsigned afi, proto, scope;

	memset(r, 0, sizeof(*r));
	if (sscanf(args, "%u %" SCNu32 " %" SCNu32 " %u %u %d %" SCNu32 " %63s %" SCNu32, &afi,
		   &r->table, &r->metric, &proto, &scope, &r->oif, &r->nh_flags, gw, extra) != 9)
		return -1;
	if (afi != LISP_AFI_IPV4 && afi != LISP_AFI_IPV6)
		return -1;
	r->afi = (uint16_t)afi;
	r->proto = (uint8_t)proto;
	r->scope = (uint8_t)scope;
	if (strcmp(gw, "-")) {
		if (ip_parse(gw, &r->gw) || r->gw.afi != r->afi)
			return -1;
		r->has_gw = true;
	}
	return 0;
}

void host_rule_entry(char *buf, size_t len, const struct lisp_ip *src, uint32_t table)
{
	char txt[64];

	snprintf(buf, len, "rule %s %u %" PRIu32, nl_ip_str(src, txt, sizeof(txt)),
		 MN_HOST_RULE_PRIO, table);
}

int host_journal_rule(struct journal *j, const struct lisp_ip *src, uint32_t table,
		      char *errbuf, size_t errlen)
{
	char entry[128];

	host_rule_entry(entry, sizeof(entry), src, table);
	if (journal_append(j, "%s", entry))
		return host_fail(errbuf, errlen, "journal: %s", strerror(errno));
	return 0;
}

static int undo_attach(const char *pin_dir, char *err, size_t errlen)
{
	struct dp_err e;

	if (dp_detach(pin_dir, &e) == 0)
		return 0;
	if (e.errnum == ENOENT) {   /* attach cut short: no state record */
		dp_unpin_partial(pin_dir);
		return 0;
	}
	return host_fail(err, errlen, "detaching the data plane: %s", e.msg);
}

static int undo_demote(struct nl_sock *sk, const struct nl_droute *r, uint32_t metric,
		       char *err, size_t errlen)
{
	struct nl_droute moved = *r;
	int rc;

	/* The original first, so the host is never without a default. */
	rc = nl_droute_op(sk, r, true);
	/* The node moved and that gateway is no longer on its link (the
	 * kernel's ENETUNREACH, which libnl reports as a generic failure):
	 * the network's current default is the host's. */
	if (rc && rc != -EEXIST && rc != -ENODEV && rc != -ENETUNREACH && rc != -EIO)
		return host_fail(err, errlen, "restoring the physical default route: %s",
				 strerror(-rc));
	moved.metric = metric;
	rc = nl_droute_op(sk, &moved, false);
	if (rc && !nl_gone(rc))
		return host_fail(err, errlen, "deleting the demoted default route: %s",
				 strerror(-rc));
	return 0;
}

/* Undoes one entry of ours; an entry we cannot read is left. */
static int undo_entry(void *ctx, const char *kw, char *args, char *err, size_t errlen)
{
	struct nl_sock *sk = ctx;
	struct nl_droute r;
	uint32_t extra;
	int rc;

	if (!strcmp(kw, "attach"))
		return undo_attach(args, err, errlen);
	if (!strcmp(kw, "route")) {
		if (host_parse_route(args, &r, &extra))
			return 0;
		rc = nl_droute_op(sk, &r, false);
		if (rc && !nl_gone(rc))
			return host_fail(err, errlen, "deleting a default route (table %" PRIu32
					 "): %s", r.table, strerror(-rc));
	} else if (!strcmp(kw, "demote")) {
		if (host_parse_route(args, &r, &extra))
			return 0;
		return undo_demote(sk, &r, extra, err, errlen);
	} else if (!strcmp(kw, "mtu")) {
		char name[IF_NAMESIZE];
		struct dp_link_info li;
		unsigned mtu;

		/* lmn's MTU as attach left it; gone with lmn is done. */
		if (sscanf(args, "%15s %u", name, &mtu) != 2 || dp_link_get(name, &li))
			return 0;
		rc = dp_link_configure(li.ifindex, mtu, NULL, false);
		if (rc && !nl_gone(rc))
			return host_fail(err, errlen, "restoring the MTU of %s: %s", name,
					 strerror(-rc));
	} else if (!strcmp(kw, "rule")) {
		char src[64];
		struct lisp_ip ip;
		uint32_t prio, table;

		if (sscanf(args, "%63s %" SCNu32 " %" SCNu32, src, &prio, &table) != 3 ||
		    ip_parse(src, &ip))
			return 0;
		rc = nl_rule_op(sk, &ip, prio, table, false);
		if (rc && !nl_gone(rc))
			return host_fail(err, errlen, "deleting rule from %s: %s", src, strerror(-rc));
	}
	return 0;
}

int host_restore(const char *state_dir, char *errbuf, size_t errlen)
{
	struct journal j;
	struct nl_sock *sk;
	int rc;

	journal_init(&j, state_dir, HOST_JOURNAL);
	if (!journal_exists(&j))
		return 0;
	sk = nl_route_open();
	if (!sk)
		return host_fail(errbuf, errlen, "netlink: %s", strerror(errno));
	rc = journal_replay(&j, undo_entry, sk, errbuf, errlen);
	nl_route_close(sk);
	return rc;
}

int host_cleanup_stale(const char *state_dir, char *errbuf, size_t errlen)
{
	struct journal j;

	journal_init(&j, state_dir, HOST_JOURNAL);
	if (!journal_exists(&j))
		return 0;
	return host_restore(state_dir, errbuf, errlen) ? -1 : 1;
}
