#include "dp_attach.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp_env.h"
#include "dp_maps.h"
#include "lispd_maps.h"
#include "lispd_rtr.skel.h"

#define PROG_RTR "lispd_rtr"

#define ST_CREATED_PIN_DIR 0x01
#define STATE_VERSION 1

/* Every RLOC may sit on an interface of its own. */
#define MAX_DEVS DP_RTR_MAX_RLOCS

struct rtr_state {
	uint32_t version;
	uint32_t flags;
	uint32_t n_devs;
	struct dp_state_dev devs[MAX_DEVS];
};

static const char *const pinned_maps[] = {
	LISPD_MAP_MCACHE, LISPD_MAP_CONFIG, LISPD_MAP_LOCAL_EID, LISPD_MAP_STATS,
	LISPD_MAP_MISS_RB, LISPD_MAP_MISS_SEEN, LISPD_MAP_MISS_TB, LISPD_MAP_LOCAL_RLOC,
	LISPD_MAP_NAT, DP_RTR_STATE_MAP,
};

static int check_opts(const struct dp_rtr_opts *o, struct dp_err *err)
{
	if (o->n_rlocs == 0 || o->n_rlocs > DP_RTR_MAX_RLOCS)
		return dp_fail(err, EINVAL, "one to %d RLOCs", DP_RTR_MAX_RLOCS);
	for (unsigned i = 0; i < o->n_rlocs; i++) {
		if (o->rlocs[i].addr.afi != LISP_AFI_IPV4 && o->rlocs[i].addr.afi != LISP_AFI_IPV6)
			return dp_fail(err, EINVAL, "RLOC %u is not IPv4 or IPv6", i);
		if (!o->rlocs[i].dev || !*o->rlocs[i].dev)
			return dp_fail(err, EINVAL, "RLOC %u: no interface", i);
		for (unsigned j = 0; j < i; j++)
			if (lisp_ip_equal(&o->rlocs[i].addr, &o->rlocs[j].addr))
				return dp_fail(err, EINVAL, "RLOC %u is given twice", i);
	}
	if (o->iid > DP_IID_MAX)
		return dp_fail(err, EINVAL, "instance-id %u does not fit in 24 bits", o->iid);
	if (o->n_petrs > DP_MAX_PETRS)
		return dp_fail(err, EINVAL, "more than %d PETRs", DP_MAX_PETRS);
	if (o->miss_policy == DP_MISS_PETR && o->n_petrs == 0)
		return dp_fail(err, EINVAL, "miss policy petr needs at least one PETR");
	return 0;
}

/* The recorded interface named dev, or NULL. */
static struct dp_state_dev *dev_named(struct rtr_state *st, const char *dev)
{
	for (unsigned i = 0; i < st->n_devs && i < MAX_DEVS; i++)
		if (!strcmp(st->devs[i].name, dev))
			return &st->devs[i];
	return NULL;
}

/* The interfaces of the RLOCs, each once, in the order first named; what
 * the previous attach recorded for them is carried over. Nothing is
 * attached yet. */
static int devs_of(const struct dp_rtr_opts *o, const struct rtr_state *prev,
		   struct rtr_state *st, struct dp_err *err)
{
	for (unsigned i = 0; i < o->n_rlocs; i++) {
		struct dp_state_dev *d = &st->devs[st->n_devs];

		if (dev_named(st, o->rlocs[i].dev))
			continue;
		if (dp_ingress_dev(d, o->rlocs[i].dev, err))
			return -1;
		for (unsigned j = 0; prev && j < prev->n_devs && j < MAX_DEVS; j++) {
			if (prev->devs[j].ifindex == d->ifindex) {
				d->prog_id = prev->devs[j].prog_id;
				d->created_qdisc = prev->devs[j].created_qdisc;
			}
		}
		st->n_devs++;
	}
	return 0;
}

/* The same interfaces as prev (in any order). */
static bool same_devs(const struct rtr_state *prev, const struct rtr_state *st)
{
	if (prev->n_devs != st->n_devs)
		return false;
	for (unsigned i = 0; i < st->n_devs; i++) {
		bool found = false;

		for (unsigned j = 0; j < prev->n_devs && j < MAX_DEVS; j++)
			found |= prev->devs[j].ifindex == st->devs[i].ifindex;
		if (!found)
			return false;
	}
	return true;
}

/* The runtime config (no lmn: every packet leaves re-encapsulated) and
 * the RLOCs: each with its interface in lispd_rlocs (data to it is taken
 * in; a NATed node's packets leave by the interface of the RLOC it
 * registered through), the first of each family the source toward mapped
 * destinations. */
static int fill_maps(const struct dp_handle *h, const struct dp_rtr_opts *o,
		     struct rtr_state *st, struct dp_err *err)
{
	struct dp_config c;
	struct dp_rlocs r;

	memset(&c, 0, sizeof(c));
	c.use_iid = o->iid != 0;
	c.iid = o->iid;
	c.miss_policy = o->miss_policy;
	c.n_petrs = o->n_petrs;
	memcpy(c.petrs, o->petrs, sizeof(c.petrs));
	if (dp_config_write(h, &c, err))
		return -1;
	memset(&r, 0, sizeof(r));
	for (unsigned i = 0; i < o->n_rlocs; i++) {
		uint16_t afi = o->rlocs[i].addr.afi;
		int ifindex = dev_named(st, o->rlocs[i].dev)->ifindex;

		if (!r.has_src[afi]) {
			r.has_src[afi] = true;
			r.src[afi] = o->rlocs[i].addr;
			r.src_ifindex[afi] = ifindex;
		}
		r.local[r.n_local] = o->rlocs[i].addr;
		r.local_ifindex[r.n_local++] = ifindex;
	}
	return dp_rlocs_apply(h, &r, err);
}

/* ---- the record, detach ------------------------------------------------------------ */

static int state_read(const char *pin, struct rtr_state *st, struct dp_err *err)
{
	if (dp_record_read(pin, DP_RTR_STATE_MAP, st, NULL) || st->version != STATE_VERSION)
		return dp_fail(err, ENOENT, "no RTR data plane attached at %s", pin);
	return 0;
}

static void unpin(const char *pin, bool rm_dir)
{
	dp_unpin_all(pin, pinned_maps, sizeof(pinned_maps) / sizeof(pinned_maps[0]), rm_dir);
}

/* Our filter off every interface of st, then the pins (and the directory
 * when attach made it). Stops at a filter it cannot remove, keeping the
 * pins and the record for another try. */
static int teardown(const struct rtr_state *st, const char *pin, struct dp_err *err)
{
	for (unsigned i = 0; i < st->n_devs && i < MAX_DEVS; i++) {
		const struct dp_state_dev *d = &st->devs[i];

		if (dp_ingress_off(d->ifindex, d->name, d->prog_id, PROG_RTR, d->created_qdisc, err))
			return -1;
	}
	unpin(pin, st->flags & ST_CREATED_PIN_DIR);
	return 0;
}

int dp_rtr_detach(const char *pin_dir, struct dp_err *err)
{
	struct rtr_state st;

	if (!pin_dir)
		pin_dir = DP_RTR_PIN_DIR_DEFAULT;
	if (dp_check_privileges(err) || state_read(pin_dir, &st, err))
		return -1;
	return teardown(&st, pin_dir, err);
}

void dp_rtr_unpin_partial(const char *pin_dir)
{
	unpin(pin_dir, false);
}

/* ---- attach -------------------------------------------------------------------- */

static int load(struct lispd_rtr **out, const char *pin, struct dp_err *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = pin);
	struct lispd_rtr *skel = lispd_rtr__open_opts(&oo);

	if (!skel)
		return dp_fail(err, errno, "opening the RTR BPF object: %s", strerror(errno));
	if (dp_skel_load(skel->skeleton, "the RTR BPF program", pin, err)) {
		lispd_rtr__destroy(skel);
		return -1;
	}
	*out = skel;
	return 0;
}

/* lispd_rtr on every interface, each recorded as it goes on, so that a
 * failure part way is undone exactly. */
static int hook_devs(const struct dp_rtr_opts *o, struct lispd_rtr *skel, struct rtr_state *st,
		     struct dp_err *err)
{
	for (unsigned i = 0; i < st->n_devs; i++)
		if (dp_ingress_on(&st->devs[i], bpf_program__fd(skel->progs.lispd_rtr), PROG_RTR,
				  o->force, err))
			return -1;
	return 0;
}

/* With the object loaded: its maps filled, the program on every
 * interface, the record written. */
static int attach_loaded(const struct dp_rtr_opts *o, const char *pin, struct lispd_rtr *skel,
			 struct rtr_state *st, struct dp_err *err)
{
	struct dp_handle maps;
	int fd, rc = -1;

	if (dp_open(&maps, pin, err))
		return -1;
	fd = dp_record_open(pin, DP_RTR_STATE_MAP, sizeof(*st), err);
	if (fd >= 0 && fill_maps(&maps, o, st, err) == 0 && hook_devs(o, skel, st, err) == 0)
		rc = dp_record_write(fd, DP_RTR_STATE_MAP, st, err);
	if (fd >= 0)
		close(fd);
	dp_close(&maps);
	return rc;
}

int dp_rtr_attach(const struct dp_rtr_opts *o, struct dp_err *err)
{
	const char *pin = o->pin_dir ? o->pin_dir : DP_RTR_PIN_DIR_DEFAULT;
	struct rtr_state prev, st;
	struct lispd_rtr *skel = NULL;
	bool have_prev;
	struct stat sb;
	int rc;

	if (check_opts(o, err) || dp_check_env(pin, err))
		return -1;
	have_prev = state_read(pin, &prev, NULL) == 0;
	memset(&st, 0, sizeof(st));
	st.version = STATE_VERSION;
	if (devs_of(o, have_prev ? &prev : NULL, &st, err))
		return -1;
	if (have_prev && !same_devs(&prev, &st))
		return dp_fail(err, EBUSY, "already attached at %s to other interfaces; detach first",
			       pin);
	if (have_prev)
		st.flags = prev.flags;
	else if (stat(pin, &sb) != 0)
		st.flags |= ST_CREATED_PIN_DIR;

	rc = load(&skel, pin, err);
	if (rc == 0) {
		rc = attach_loaded(o, pin, skel, &st, err);
		lispd_rtr__destroy(skel);
	}
	/* A first attach leaves nothing behind; a failed re-attach keeps the
	 * previous filters (still in place) and their record. */
	if (rc && !have_prev)
		teardown(&st, pin, NULL);
	return rc;
}
