#include "dp_attach.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp_env.h"
#include "dp_layout.h"
#include "dp_link.h"
#include "dp_maps.h"
#include "lispd_tc.skel.h"

#define PROG_ENCAP "lispd_encap"
#define PROG_DECAP "lispd_decap"

_Static_assert(DP_OVERHEAD4 == LISPD_OVERHEAD4 && DP_OVERHEAD6 == LISPD_OVERHEAD6,
	       "the outer header");

static const char *const pinned_maps[] = {
	LISPD_MAP_MCACHE, LISPD_MAP_CONFIG, LISPD_MAP_LOCAL_EID, LISPD_MAP_STATS,
	LISPD_MAP_MISS_RB, LISPD_MAP_MISS_SEEN, LISPD_MAP_MISS_TB, LISPD_MAP_LOCAL_RLOC,
	DP_STATE_MAP,
};

void dp_attach_opts_init(struct dp_attach_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->miss_policy = DP_MISS_DROP;
}

unsigned dp_lmn_mtu(unsigned phys_mtu, const struct lisp_ip *rlocs, unsigned n_rlocs)
{
	unsigned overhead = DP_OVERHEAD4, i;

	for (i = 0; i < n_rlocs; i++)
		if (rlocs[i].afi == LISP_AFI_IPV6)
			overhead = DP_OVERHEAD6;
	return phys_mtu > overhead ? phys_mtu - overhead : 0;
}

/* ---- state record ------------------------------------------------------- */

int dp_state_read(const char *pin_dir, struct dp_state *st, struct dp_err *err)
{
	if (dp_record_read(pin_dir, DP_STATE_MAP, st, err))
		return -1;
	if (st->version != DP_STATE_VERSION)
		return dp_fail(err, ENOENT, "nothing attached at %s (no state record)", pin_dir);
	return 0;
}

/* ---- teardown (detach, and undo of a failed first attach) ---------------- */

static bool ifindex_alive(int ifindex)
{
	char name[IF_NAMESIZE];

	return ifindex > 0 && if_indextoname((unsigned)ifindex, name) != NULL;
}

/* Best effort: undoes everything it can and reports the first failure. */
static int teardown(const struct dp_state *st, const char *pin_dir, struct dp_err *err)
{
	struct dp_err first = { 0 }, e;
	unsigned i;
	int rc;

#define KEEP_FIRST(expr) \
	do { \
		if ((expr) && !first.errnum) \
			first = e; \
	} while (0)

	if (ifindex_alive(st->phys_ifindex)) {
		KEEP_FIRST(dp_tc_detach(st->phys_ifindex, st->phys_name, true,
					st->decap_prog_id, PROG_DECAP, &e));
		if (st->flags & DP_ST_CREATED_QDISC_PHYS) {
			rc = dp_tc_qdisc_destroy(st->phys_ifindex);
			KEEP_FIRST(rc && rc != -ENOENT &&
				   dp_fail(&e, rc, "removing clsact from %s: %s", st->phys_name,
					   strerror(-rc)));
		}
	}
	for (i = 0; i < st->n_decap && i < DP_MAX_DECAP_DEVS; i++) {
		const struct dp_state_dev *d = &st->decap[i];

		if (!ifindex_alive(d->ifindex))
			continue;
		KEEP_FIRST(dp_tc_detach(d->ifindex, d->name, true, d->prog_id, PROG_DECAP, &e));
		if (d->created_qdisc) {
			rc = dp_tc_qdisc_destroy(d->ifindex);
			KEEP_FIRST(rc && rc != -ENOENT &&
				   dp_fail(&e, rc, "removing clsact from %s: %s", d->name,
					   strerror(-rc)));
		}
	}
	if (ifindex_alive(st->lmn_ifindex)) {
		if (st->flags & DP_ST_CREATED_LMN) {
			/* Takes its qdisc, addresses and routes along. */
			rc = dp_link_delete(st->lmn_ifindex);
			KEEP_FIRST(rc && rc != -ENODEV &&
				   dp_fail(&e, rc, "deleting %s: %s", st->lmn_name, strerror(-rc)));
		} else {
			KEEP_FIRST(dp_tc_detach(st->lmn_ifindex, st->lmn_name, false,
						st->encap_prog_id, PROG_ENCAP, &e));
			if (st->flags & DP_ST_CREATED_QDISC_LMN)
				dp_tc_qdisc_destroy(st->lmn_ifindex);
			for (i = 0; i < st->n_added && i < DP_MAX_EIDS; i++)
				dp_addr_del(st->lmn_ifindex, &st->added[i]);
			if (st->flags & DP_ST_LMN_FLAGS_SAVED) {
				dp_link_configure(st->lmn_ifindex, st->lmn_old_mtu, st->lmn_old_mac,
						  false);
				dp_link_set_flags(st->lmn_ifindex, st->lmn_old_flags,
						  IFF_UP | IFF_NOARP);
			}
		}
	}
#undef KEEP_FIRST
	if (first.errnum) {
		/* Keep the pins and the state so detach can be run again. */
		if (err)
			*err = first;
		return -1;
	}
	dp_unpin_all(pin_dir, pinned_maps, sizeof(pinned_maps) / sizeof(pinned_maps[0]),
		     st->flags & DP_ST_CREATED_PIN_DIR);
	return 0;
}

void dp_unpin_partial(const char *pin_dir)
{
	dp_unpin_all(pin_dir, pinned_maps, sizeof(pinned_maps) / sizeof(pinned_maps[0]), false);
}

int dp_detach(const char *pin_dir, struct dp_err *err)
{
	struct dp_state st;

	if (!pin_dir)
		pin_dir = DP_PIN_DIR_DEFAULT;
	if (dp_check_privileges(err) || dp_state_read(pin_dir, &st, err))
		return -1;
	return teardown(&st, pin_dir, err);
}

/* ---- attach -------------------------------------------------------------- */

static int check_opts(const struct dp_attach_opts *o, struct dp_err *err)
{
	unsigned i, n4 = 0, n6 = 0;

	if (!o->phys_dev || !*o->phys_dev)
		return dp_fail(err, EINVAL, "no physical interface given (dev IFACE)");
	if (o->n_rlocs == 0)
		return dp_fail(err, EINVAL, "no RLOC given (rloc ADDR)");
	if (o->n_rlocs > 2 || o->n_eids > DP_MAX_EIDS || o->n_petrs > DP_MAX_PETRS)
		return dp_fail(err, EINVAL, "too many addresses");
	if (o->n_decap_devs > DP_MAX_DECAP_DEVS)
		return dp_fail(err, EINVAL, "more than %d further RLOC interfaces",
			       DP_MAX_DECAP_DEVS);
	for (i = 0; i < o->n_decap_devs; i++)
		if (!o->decap_devs[i] || !strcmp(o->decap_devs[i], o->phys_dev))
			return dp_fail(err, EINVAL, "RLOC interface %u: missing or the same as %s", i,
				       o->phys_dev);
	for (i = 0; i < o->n_rlocs; i++) {
		n4 += o->rlocs[i].afi == LISP_AFI_IPV4;
		n6 += o->rlocs[i].afi == LISP_AFI_IPV6;
	}
	if (n4 > 1 || n6 > 1 || n4 + n6 != o->n_rlocs)
		return dp_fail(err, EINVAL, "at most one RLOC per address family");
	for (i = 0; i < o->n_eids; i++)
		if (!dp_family_of_afi(o->eids[i].afi))
			return dp_fail(err, EINVAL, "EID %u is not an IPv4 or IPv6 address", i);
	if (o->use_iid && o->iid > DP_IID_MAX)
		return dp_fail(err, EINVAL, "instance-id %u does not fit in 24 bits", o->iid);
	if (o->miss_policy == DP_MISS_PETR && o->n_petrs == 0)
		return dp_fail(err, EINVAL, "miss policy petr needs at least one petr ADDR");
	if (o->lmn_dev && strlen(o->lmn_dev) > IF_NAMESIZE - 2)
		return dp_fail(err, EINVAL, "lmn name too long (at most %d characters)",
			       IF_NAMESIZE - 2);
	return 0;
}

/* The runtime config, and the local EIDs replaced by the configured ones. */
static int fill_maps(const struct dp_handle *h, const struct dp_attach_opts *o,
		     const struct dp_state *st, const struct dp_link_info *lmn, struct dp_err *err)
{
	struct dp_config c;

	memset(&c, 0, sizeof(c));
	c.n_rlocs = o->n_rlocs;
	memcpy(c.rlocs, o->rlocs, sizeof(c.rlocs));
	c.use_iid = o->use_iid;
	c.iid = o->iid;
	c.lmn_ifindex = st->lmn_ifindex;
	c.phys_ifindex = st->phys_ifindex;
	c.has_lmn_mac = lmn->has_mac;
	memcpy(c.lmn_mac, lmn->mac, sizeof(c.lmn_mac));
	c.miss_policy = o->miss_policy;
	c.decap_src_check = o->decap_src_check;
	c.n_petrs = o->n_petrs;
	memcpy(c.petrs, o->petrs, sizeof(c.petrs));
	if (dp_config_write(h, &c, err))
		return -1;
	return dp_eids_set(h, o->use_iid ? o->iid : 0, o->n_eids, o->eids, err);
}

/* Creates lmn or takes over an existing one, remembering what to restore. */
static int setup_lmn(const struct dp_attach_opts *o, const char *lmn, const struct dp_state *prev,
		     const struct dp_link_info *phys, struct dp_state *st, struct dp_link_info *out,
		     struct dp_err *err)
{
	unsigned mtu = dp_lmn_mtu(phys->mtu, o->rlocs, o->n_rlocs);
	char peer[IF_NAMESIZE];
	struct dp_link_info li;
	unsigned i;
	int rc;

	if (mtu < 576)
		return dp_fail(err, EINVAL, "MTU of %s (%u) leaves no room for the tunnel",
			       o->phys_dev, phys->mtu);
	for (i = 0; i < o->n_eids; i++)
		if (o->eids[i].afi == LISP_AFI_IPV6 && mtu < 1280)
			return dp_fail(err, EINVAL, "IPv6 EIDs need an MTU of 1280 on %s, %s "
				       "leaves %u", lmn, o->phys_dev, mtu);
	/* lmn keeps its own MAC: decap addresses the frames it delivers to it
	 * (lmn_mac in the config, filled from what is read back here). */
	rc = dp_link_get(lmn, &li);
	if (rc == -ENODEV) {
		snprintf(peer, sizeof(peer), "%sp", lmn);
		rc = dp_link_create_lmn(lmn, peer, mtu, NULL);
		if (rc == -EOPNOTSUPP)
			return dp_fail(err, -rc, "kernel lacks feature: veth interfaces (CONFIG_VETH)");
		if (rc)
			return dp_fail(err, rc, "creating %s (veth, peer %s): %s", lmn, peer,
				       strerror(-rc));
		st->flags |= DP_ST_CREATED_LMN;
		rc = dp_link_get(lmn, &li);
	} else if (rc == 0) {
		if (prev && prev->lmn_ifindex == li.ifindex) {
			st->flags |= prev->flags & (DP_ST_CREATED_LMN | DP_ST_LMN_FLAGS_SAVED);
			memcpy(st->lmn_old_mac, prev->lmn_old_mac, 6);
			st->lmn_old_mtu = prev->lmn_old_mtu;
			st->lmn_old_flags = prev->lmn_old_flags;
			st->n_added = prev->n_added;
			memcpy(st->added, prev->added, sizeof(st->added));
		} else {
			st->flags |= DP_ST_LMN_FLAGS_SAVED;
			st->lmn_old_mtu = li.mtu;
			st->lmn_old_flags = li.flags;
			memcpy(st->lmn_old_mac, li.mac, 6);
		}
		rc = dp_link_configure(li.ifindex, mtu, NULL, true);
		if (rc)
			return dp_fail(err, rc, "configuring %s: %s", lmn, strerror(-rc));
	}
	if (rc)
		return dp_fail(err, rc, "%s: %s", lmn, strerror(-rc));
	*out = li;
	st->lmn_ifindex = li.ifindex;
	snprintf(st->lmn_name, sizeof(st->lmn_name), "%s", lmn);

	for (i = 0; i < o->n_eids; i++) {
		rc = dp_addr_add(li.ifindex, &o->eids[i]);
		if (rc < 0)
			return dp_fail(err, rc, "adding EID address %u to %s: %s", i, lmn,
				       strerror(-rc));
		if (rc == 0 && !(st->flags & DP_ST_CREATED_LMN) && st->n_added < DP_MAX_EIDS)
			st->added[st->n_added++] = o->eids[i];
	}
	return 0;
}

static int load_skel(struct lispd_tc **out, const char *pin_dir, struct dp_err *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = pin_dir);
	struct lispd_tc *skel = lispd_tc__open_opts(&oo);

	if (!skel)
		return dp_fail(err, errno, "opening the BPF object: %s", strerror(errno));
	if (dp_skel_load(skel->skeleton, "the BPF programs", pin_dir, err)) {
		lispd_tc__destroy(skel);
		return -1;
	}
	*out = skel;
	return 0;
}

/* The id our decap program had on ifindex in the previous attach (0). */
static const struct dp_state_dev *prev_decap(const struct dp_state *prev, int ifindex)
{
	for (unsigned i = 0; prev && i < prev->n_decap && i < DP_MAX_DECAP_DEVS; i++)
		if (prev->decap[i].ifindex == ifindex)
			return &prev->decap[i];
	return NULL;
}

/* Decap on every further RLOC interface, each recorded as soon as it is on
 * (st->n_decap) so a failure part way is undone exactly. */
static int attach_decap_devs(const struct dp_attach_opts *o, const struct dp_state *prev,
			     struct lispd_tc *skel, struct dp_state *st, struct dp_err *err)
{
	for (unsigned i = 0; i < o->n_decap_devs; i++) {
		struct dp_state_dev *d = &st->decap[st->n_decap];
		const struct dp_state_dev *pd;

		if (dp_ingress_dev(d, o->decap_devs[i], err))
			return -1;
		pd = prev_decap(prev, d->ifindex);
		if (pd) {
			d->prog_id = pd->prog_id;
			d->created_qdisc = pd->created_qdisc;
		}
		if (dp_ingress_on(d, bpf_program__fd(skel->progs.lispd_decap), PROG_DECAP, o->force,
				  err))
			return -1;
		st->n_decap++;
	}
	return 0;
}

int dp_attach(const struct dp_attach_opts *o, struct dp_err *err)
{
	const char *pin = o->pin_dir ? o->pin_dir : DP_PIN_DIR_DEFAULT;
	const char *lmn = o->lmn_dev ? o->lmn_dev : DP_LMN_DEFAULT;
	struct dp_state prev, st;
	struct dp_link_info phys, lmn_info = { 0 };
	struct lispd_tc *skel = NULL;
	struct dp_handle maps;
	bool have_prev, created_q = false;
	struct stat sb;
	int state_fd = -1, rc = -1;

	dp_handle_init(&maps);
	if (check_opts(o, err) || dp_check_env(pin, err))
		return -1;
	rc = dp_link_get(o->phys_dev, &phys);
	if (rc == -ENODEV)
		return dp_fail(err, ENODEV, "interface %s not found", o->phys_dev);
	if (rc)
		return dp_fail(err, rc, "%s: %s", o->phys_dev, strerror(-rc));
	have_prev = dp_state_read(pin, &prev, NULL) == 0;
	if (have_prev && (prev.phys_ifindex != phys.ifindex || strcmp(prev.lmn_name, lmn)))
		return dp_fail(err, EBUSY, "already attached at %s to dev %s lmn %s; detach first",
			       pin, prev.phys_name, prev.lmn_name);

	memset(&st, 0, sizeof(st));
	st.version = DP_STATE_VERSION;
	st.phys_ifindex = phys.ifindex;
	snprintf(st.phys_name, sizeof(st.phys_name), "%s", o->phys_dev);
	if (have_prev) {
		st.decap_prog_id = prev.decap_prog_id;
		st.encap_prog_id = prev.encap_prog_id;
	}
	if (have_prev)
		st.flags = prev.flags & (DP_ST_CREATED_PIN_DIR | DP_ST_CREATED_QDISC_PHYS |
					 DP_ST_CREATED_QDISC_LMN);
	else if (stat(pin, &sb) != 0)
		st.flags |= DP_ST_CREATED_PIN_DIR;

	rc = -1;
	if (load_skel(&skel, pin, err) || dp_open(&maps, pin, err))
		goto fail;
	state_fd = dp_record_open(pin, DP_STATE_MAP, sizeof(struct dp_state), err);
	if (state_fd < 0)
		goto fail;
	if (setup_lmn(o, lmn, have_prev ? &prev : NULL, &phys, &st, &lmn_info, err))
		goto fail;
	if (fill_maps(&maps, o, &st, &lmn_info, err))
		goto fail;

	if (dp_tc_attach(st.phys_ifindex, o->phys_dev, true,
			 bpf_program__fd(skel->progs.lispd_decap), PROG_DECAP,
			 have_prev ? prev.decap_prog_id : 0, o->force, &created_q,
			 &st.decap_prog_id, err))
		goto fail;
	if (created_q)
		st.flags |= DP_ST_CREATED_QDISC_PHYS;
	if (attach_decap_devs(o, have_prev ? &prev : NULL, skel, &st, err))
		goto fail;
	if (dp_tc_attach(st.lmn_ifindex, lmn, false, bpf_program__fd(skel->progs.lispd_encap),
			 PROG_ENCAP, have_prev ? prev.encap_prog_id : 0, o->force, &created_q,
			 &st.encap_prog_id, err))
		goto fail;
	if (created_q)
		st.flags |= DP_ST_CREATED_QDISC_LMN;
	if (dp_record_write(state_fd, DP_STATE_MAP, &st, err))
		goto fail;
	if (o->decap_fd_out)
		*o->decap_fd_out = fcntl(bpf_program__fd(skel->progs.lispd_decap),
					 F_DUPFD_CLOEXEC, 0);
	rc = 0;
	goto out;

fail:
	/* A first attach leaves nothing behind; a failed re-attach keeps what
	 * the previous one set up (its filters are still in place). */
	if (!have_prev) {
		if (state_fd >= 0) {
			close(state_fd);
			state_fd = -1;
		}
		teardown(&st, pin, NULL);
	} else if (state_fd >= 0) {
		prev.decap_prog_id = st.decap_prog_id;
		prev.encap_prog_id = st.encap_prog_id;
		prev.flags |= st.flags & (DP_ST_CREATED_QDISC_PHYS | DP_ST_CREATED_QDISC_LMN);
		dp_record_write(state_fd, DP_STATE_MAP, &prev, NULL);
	}
out:
	if (state_fd >= 0)
		close(state_fd);
	dp_close(&maps);
	lispd_tc__destroy(skel);
	return rc;
}

int dp_attach_decap_dev(const char *pin_dir, int prog_fd, const char *dev, struct dp_err *err)
{
	const char *pin = pin_dir ? pin_dir : DP_PIN_DIR_DEFAULT;
	struct dp_state st;
	struct dp_state_dev *d;
	struct dp_link_info li;
	bool created_q = false;
	int fd, rc;

	if (dp_state_read(pin, &st, err))
		return -1;
	rc = dp_link_get(dev, &li);
	if (rc)
		return dp_fail(err, -rc, "%s: %s", dev, strerror(-rc));
	if (li.ifindex == st.phys_ifindex || prev_decap(&st, li.ifindex))
		return 0;
	if (st.n_decap >= DP_MAX_DECAP_DEVS)
		return dp_fail(err, ENOSPC, "more than %d RLOC interfaces", DP_MAX_DECAP_DEVS + 1);
	fd = dp_record_open(pin, DP_STATE_MAP, sizeof(st), err);
	if (fd < 0)
		return -1;
	d = &st.decap[st.n_decap];
	memset(d, 0, sizeof(*d));
	d->ifindex = li.ifindex;
	snprintf(d->name, sizeof(d->name), "%s", dev);
	rc = dp_tc_attach(li.ifindex, dev, true, prog_fd, PROG_DECAP, 0, false, &created_q,
			  &d->prog_id, err);
	if (rc == 0) {
		d->created_qdisc = created_q;
		st.n_decap++;
		rc = dp_record_write(fd, DP_STATE_MAP, &st, err);
	}
	close(fd);
	return rc;
}
