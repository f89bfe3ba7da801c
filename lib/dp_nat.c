#include "dp_nat.h"

#include <errno.h>
#include <string.h>

#include <bpf/bpf.h>

#include "dp_layout.h"

static uint32_t prefix_iid(const struct lisp_prefix *p)
{
	return p->addr.has_iid ? p->addr.iid : 0;
}

static int key_of(struct lispd_mc_key *key, const struct lisp_prefix *eid, struct dp_err *err)
{
	char p[LISP_ADDR_STRLEN];

	if (dp_mc_key_of(key, prefix_iid(eid), eid))
		return dp_fail(err, EINVAL, "NAT entry: %s cannot be stored",
			       lisp_prefix_format(eid, p, sizeof(p)));
	return 0;
}

/* R must be ours: the data plane sends from it out of the interface
 * lispd_rlocs names, and drops what it cannot send. */
static int rtr_rloc_known(const struct dp_handle *h, const struct lisp_ip *r, struct dp_err *err)
{
	struct lispd_rloc_key k = { .family = LISPD_AF_INET };
	struct lispd_local_rloc v;
	char a[LISP_ADDR_STRLEN];

	memcpy(k.addr, r->bytes, 4);
	if (bpf_map_lookup_elem(h->local_rlocs_fd, &k, &v) == 0)
		return 0;
	return dp_fail(err, EADDRNOTAVAIL, "NAT entry: %s is not an RLOC of this RTR",
		       lisp_ip_format(r, a, sizeof(a)));
}

int dp_nat_put(const struct dp_handle *h, const struct dp_nat_entry *e, struct dp_err *err)
{
	struct lispd_nat_entry v;
	struct lispd_mc_key key;

	if (key_of(&key, &e->eid, err))
		return -1;
	if (e->global.afi != LISP_AFI_IPV4 || e->rtr_rloc.afi != LISP_AFI_IPV4 ||
	    (e->private_rloc.afi != LISP_AFI_IPV4 && e->private_rloc.afi != LISP_AFI_NONE))
		return dp_fail(err, EINVAL, "NAT entry: the global, RTR and private RLOCs must be "
			       "IPv4 (NAT traversal is IPv4 only)");
	if (e->global_port == 0)
		return dp_fail(err, EINVAL, "NAT entry: global port 0");
	if (rtr_rloc_known(h, &e->rtr_rloc, err))
		return -1;
	memset(&v, 0, sizeof(v));
	memcpy(v.global_addr, e->global.bytes, 4);
	v.global_port = e->global_port;
	memcpy(v.rtr_rloc, e->rtr_rloc.bytes, 4);
	if (e->private_rloc.afi == LISP_AFI_IPV4)
		memcpy(v.private_rloc, e->private_rloc.bytes, 4);
	if (bpf_map_update_elem(h->nat_fd, &key, &v, BPF_ANY))
		return dp_fail(err, errno, "%s update: %s%s", LISPD_MAP_NAT, strerror(errno),
			       errno == E2BIG || errno == ENOMEM ? " (table full)" : "");
	return 0;
}

int dp_nat_del(const struct dp_handle *h, const struct lisp_prefix *eid, struct dp_err *err)
{
	struct lispd_mc_key key;

	if (key_of(&key, eid, err))
		return -1;
	if (bpf_map_delete_elem(h->nat_fd, &key))
		return dp_fail(err, errno, "%s delete: %s", LISPD_MAP_NAT,
			       errno == ENOENT ? "no such entry" : strerror(errno));
	return 0;
}

struct nat_walk {
	dp_nat_cb cb;
	void *ctx;
};

static int nat_visit(const struct lispd_mc_key *key, const void *value, void *ctx)
{
	const struct lispd_nat_entry *v = value;
	struct nat_walk *w = ctx;
	struct dp_nat_entry e;

	memset(&e, 0, sizeof(e));
	dp_mc_key_to_prefix(key, &e.eid);
	dp_ip_from_map(&e.global, LISPD_AF_INET, v->global_addr);
	e.global_port = v->global_port;
	dp_ip_from_map(&e.rtr_rloc, LISPD_AF_INET, v->rtr_rloc);
	if (memcmp(v->private_rloc, "\0\0\0\0", 4))
		dp_ip_from_map(&e.private_rloc, LISPD_AF_INET, v->private_rloc);
	return w->cb(&e, w->ctx);
}

int dp_nat_foreach(const struct dp_handle *h, dp_nat_cb cb, void *ctx, struct dp_err *err)
{
	struct nat_walk w = { cb, ctx };
	struct lispd_nat_entry v;

	return dp_prefix_walk(h->nat_fd, &v, nat_visit, &w, LISPD_MAP_NAT, err);
}
