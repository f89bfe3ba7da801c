#include "core/nl_route.h"

#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <netlink/cache.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>
#include <string.h>
#include <sys/socket.h>

#include "core/nl.h"

static int family_of(uint16_t afi)
{
	return afi == LISP_AFI_IPV4 ? AF_INET : AF_INET6;
}

static struct rtnl_route *route_build(const struct nl_droute *r)
{
	struct rtnl_route *rt = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct lisp_ip any = { .afi = r->afi };
	struct nl_addr *dst = nl_addr_of(&any, 0);

	if (!rt || !nh || !dst)
		goto fail;
	rtnl_route_set_family(rt, (uint8_t)family_of(r->afi));
	rtnl_route_set_table(rt, r->table);
	rtnl_route_set_type(rt, RTN_UNICAST);
	rtnl_route_set_protocol(rt, r->proto);
	rtnl_route_set_scope(rt, r->scope);
	rtnl_route_set_priority(rt, r->metric);
	if (rtnl_route_set_dst(rt, dst))
		goto fail;
	nl_addr_put(dst);
	dst = NULL;
	rtnl_route_nh_set_ifindex(nh, r->oif);
	if (r->nh_flags)
		rtnl_route_nh_set_flags(nh, r->nh_flags);
	if (r->has_gw) {
		struct nl_addr *gw = nl_addr_of(&r->gw, lisp_afi_bits(r->afi));

		if (!gw)
			goto fail;
		rtnl_route_nh_set_gateway(nh, gw);
		nl_addr_put(gw);
	}
	rtnl_route_add_nexthop(rt, nh);
	return rt;
fail:
	if (dst)
		nl_addr_put(dst);
	if (nh)
		rtnl_route_nh_free(nh);
	if (rt)
		rtnl_route_put(rt);
	return NULL;
}

int nl_droute_op(struct nl_sock *sk, const struct nl_droute *r, bool add)
{
	struct rtnl_route *rt = route_build(r);
	int rc;

	if (!rt)
		return -ENOMEM;
	rc = add ? rtnl_route_add(sk, rt, NLM_F_EXCL) : rtnl_route_delete(sk, rt, 0);
	rtnl_route_put(rt);
	return rc ? -nl_errno(rc) : 0;
}

bool nl_gone(int rc)
{
	return rc == -ENOENT || rc == -ESRCH || rc == -ENODEV;
}

int nl_droutes_find(struct nl_sock *sk, struct nl_droutes *d)
{
	struct nl_cache *cache = NULL;
	int rc = rtnl_route_alloc_cache(sk, family_of(d->afi), 0, &cache);

	d->n = 0;
	if (rc)
		return -nl_errno(rc);
	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_route *rt = (struct rtnl_route *)o;
		struct rtnl_nexthop *nh;
		struct nl_droute *r;

		if (rtnl_route_get_table(rt) != d->table ||
		    rtnl_route_get_type(rt) != RTN_UNICAST ||
		    nl_addr_get_prefixlen(rtnl_route_get_dst(rt)) != 0 ||
		    rtnl_route_get_nnexthops(rt) != 1)
			continue;
		nh = rtnl_route_nexthop_n(rt, 0);
		if (rtnl_route_nh_get_ifindex(nh) != d->oif || d->n == NL_DROUTES_MAX)
			continue;
		r = &d->found[d->n++];
		memset(r, 0, sizeof(*r));
		r->afi = d->afi;
		r->table = d->table;
		r->metric = rtnl_route_get_priority(rt);
		r->proto = rtnl_route_get_protocol(rt);
		r->scope = rtnl_route_get_scope(rt);
		r->oif = d->oif;
		r->nh_flags = rtnl_route_nh_get_flags(nh) & RTNH_F_ONLINK;
		r->has_gw = nl_addr_to_ip(rtnl_route_nh_get_gateway(nh), &r->gw) == 0;
	}
	nl_cache_free(cache);
	return 0;
}

int nl_rule_op(struct nl_sock *sk, const struct lisp_ip *src, uint32_t prio, uint32_t table,
	       bool add)
{
	struct rtnl_rule *rule = rtnl_rule_alloc();
	struct nl_addr *a = nl_addr_of(src, lisp_afi_bits(src->afi));
	int rc = -ENOMEM;

	if (!rule || !a)
		goto out;
	rtnl_rule_set_family(rule, family_of(src->afi));
	rtnl_rule_set_prio(rule, prio);
	rtnl_rule_set_table(rule, table);
	rtnl_rule_set_action(rule, FR_ACT_TO_TBL);
	if (rtnl_rule_set_src(rule, a))
		goto out;
	rc = add ? rtnl_rule_add(sk, rule, NLM_F_EXCL) : rtnl_rule_delete(sk, rule, 0);
	rc = rc ? -nl_errno(rc) : 0;
out:
	if (a)
		nl_addr_put(a);
	if (rule)
		rtnl_rule_put(rule);
	return rc;
}
