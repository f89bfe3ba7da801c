#include "dp_attach.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp_env.h"
#include "dp_link.h"
#include "dp_maps.h"
#include "lispd_maps.h"
#include "lispd_pxtr.skel.h"

#define PROG_PETR "lispd_petr_deca"   /* kernel program names stop at 15 chars */
#define PROG_PITR "lispd_pitr_enca"

#define ST_CREATED_QDISC_RLOC 0x01
#define ST_CREATED_QDISC_NATIVE 0x02
#define ST_CREATED_PIN_DIR 0x04
#define STATE_VERSION 1

struct pxtr_state {
	uint32_t version;
	uint32_t flags;
	int32_t rloc_ifindex, native_ifindex;
	char rloc_name[16], native_name[16];
	uint32_t petr_prog_id, pitr_prog_id;
};

static const char *const pinned_maps[] = {
	LISPD_MAP_MCACHE, LISPD_MAP_CONFIG, LISPD_MAP_LOCAL_EID, LISPD_MAP_STATS,
	LISPD_MAP_MISS_RB, LISPD_MAP_MISS_SEEN, LISPD_MAP_MISS_TB, LISPD_MAP_EID_SPACE,
	LISPD_MAP_LOCAL_RLOC, DP_PXTR_STATE_MAP,
};

/* The runtime config (no lmn: decapsulated packets go to the stack, not to
 * an interface) and the EID space. */
static int fill_maps(const struct dp_handle *h, const struct dp_pxtr_opts *o,
		     const struct pxtr_state *st, struct dp_err *err)
{
	struct dp_config c;

	memset(&c, 0, sizeof(c));
	c.n_rlocs = o->n_rlocs;
	memcpy(c.rlocs, o->rlocs, sizeof(c.rlocs));
	c.use_iid = o->iid != 0;
	c.iid = o->iid;
	c.phys_ifindex = st->rloc_ifindex;
	c.miss_policy = DP_MISS_DROP;
	if (dp_config_write(h, &c, err))
		return -1;
	return dp_eid_space_set(h, o->iid, o->n_eid_space, o->eid_space, err);
}

static int check_opts(const struct dp_pxtr_opts *o, struct dp_err *err)
{
	if (!o->rloc_dev || !*o->rloc_dev || !o->native_dev || !*o->native_dev)
		return dp_fail(err, EINVAL, "both the RLOC and the native interface are needed");
	if (strcmp(o->rloc_dev, o->native_dev) == 0)
		return dp_fail(err, EINVAL, "the RLOC and the native interface must differ");
	if (o->n_rlocs == 0 || o->n_rlocs > 2)
		return dp_fail(err, EINVAL, "one or two RLOCs, one per family");
	for (unsigned i = 0; i < o->n_rlocs; i++)
		if (o->rlocs[i].afi != LISP_AFI_IPV4 && o->rlocs[i].afi != LISP_AFI_IPV6)
			return dp_fail(err, EINVAL, "RLOC %u is not IPv4 or IPv6", i);
	if (o->n_rlocs == 2 && o->rlocs[0].afi == o->rlocs[1].afi)
		return dp_fail(err, EINVAL, "at most one RLOC per address family");
	if (o->iid > DP_IID_MAX)
		return dp_fail(err, EINVAL, "instance-id %u does not fit in 24 bits", o->iid);
	if (o->n_eid_space == 0 || !o->eid_space)
		return dp_fail(err, EINVAL, "no EID space: the PETR would forward nothing");
	if (o->n_eid_space > LISPD_EID_SPACE_MAX)
		return dp_fail(err, EINVAL, "more than %u EID-space prefixes", LISPD_EID_SPACE_MAX);
	return 0;
}

/* ---- state ------------------------------------------------------------------- */

static int state_read(const char *pin, struct pxtr_state *st, struct dp_err *err)
{
	if (dp_record_read(pin, DP_PXTR_STATE_MAP, st, NULL) || st->version != STATE_VERSION)
		return dp_fail(err, ENOENT, "no PxTR data plane attached at %s", pin);
	return 0;
}

static int teardown(const struct pxtr_state *st, const char *pin, struct dp_err *err)
{
	if (dp_ingress_off(st->rloc_ifindex, st->rloc_name, st->petr_prog_id, PROG_PETR,
			   st->flags & ST_CREATED_QDISC_RLOC, err) ||
	    dp_ingress_off(st->native_ifindex, st->native_name, st->pitr_prog_id, PROG_PITR,
			   st->flags & ST_CREATED_QDISC_NATIVE, err))
		return -1;
	dp_unpin_all(pin, pinned_maps, sizeof(pinned_maps) / sizeof(pinned_maps[0]),
		     st->flags & ST_CREATED_PIN_DIR);
	return 0;
}

int dp_pxtr_detach(const char *pin_dir, struct dp_err *err)
{
	const char *pin = pin_dir ? pin_dir : DP_PXTR_PIN_DIR_DEFAULT;
	struct pxtr_state st;

	if (dp_check_privileges(err) || state_read(pin, &st, err))
		return -1;
	return teardown(&st, pin, err);
}

void dp_pxtr_unpin_partial(const char *pin_dir)
{
	dp_unpin_all(pin_dir, pinned_maps, sizeof(pinned_maps) / sizeof(pinned_maps[0]), false);
}

/* ---- attach -------------------------------------------------------------------- */

static int load(struct lispd_pxtr **out, const char *pin, struct dp_err *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = pin);
	struct lispd_pxtr *skel = lispd_pxtr__open_opts(&oo);

	if (!skel)
		return dp_fail(err, errno, "opening the PxTR BPF object: %s", strerror(errno));
	if (dp_skel_load(skel->skeleton, "the PxTR BPF programs", pin, err)) {
		lispd_pxtr__destroy(skel);
		return -1;
	}
	*out = skel;
	return 0;
}

int dp_pxtr_attach(const struct dp_pxtr_opts *o, struct dp_err *err)
{
	const char *pin = o->pin_dir ? o->pin_dir : DP_PXTR_PIN_DIR_DEFAULT;
	struct dp_link_info rl, nl;
	struct pxtr_state prev, st;
	struct lispd_pxtr *skel = NULL;
	struct dp_handle maps;
	bool have_prev, created = false;
	struct stat sb;
	int state_fd = -1, rc = -1;

	dp_handle_init(&maps);
	if (check_opts(o, err) || dp_check_env(pin, err))
		return -1;
	if (dp_link_get(o->rloc_dev, &rl))
		return dp_fail(err, ENODEV, "interface %s not found", o->rloc_dev);
	if (dp_link_get(o->native_dev, &nl))
		return dp_fail(err, ENODEV, "interface %s not found", o->native_dev);
	have_prev = state_read(pin, &prev, NULL) == 0;
	if (have_prev && (prev.rloc_ifindex != rl.ifindex || prev.native_ifindex != nl.ifindex))
		return dp_fail(err, EBUSY, "already attached at %s to %s and %s; detach first", pin,
			       prev.rloc_name, prev.native_name);
	memset(&st, 0, sizeof(st));
	st.version = STATE_VERSION;
	st.rloc_ifindex = rl.ifindex;
	st.native_ifindex = nl.ifindex;
	snprintf(st.rloc_name, sizeof(st.rloc_name), "%s", o->rloc_dev);
	snprintf(st.native_name, sizeof(st.native_name), "%s", o->native_dev);
	if (have_prev) {
		st.flags = prev.flags;
		st.petr_prog_id = prev.petr_prog_id;
		st.pitr_prog_id = prev.pitr_prog_id;
	} else if (stat(pin, &sb) != 0) {
		st.flags |= ST_CREATED_PIN_DIR;
	}

	if (load(&skel, pin, err) || dp_open(&maps, pin, err))
		goto fail;
	state_fd = dp_record_open(pin, DP_PXTR_STATE_MAP, sizeof(struct pxtr_state), err);
	if (state_fd < 0 || fill_maps(&maps, o, &st, err))
		goto fail;
	if (dp_tc_attach(rl.ifindex, o->rloc_dev, true,
			 bpf_program__fd(skel->progs.lispd_petr_decap), PROG_PETR, st.petr_prog_id,
			 o->force, &created, &st.petr_prog_id, err))
		goto fail;
	if (created)
		st.flags |= ST_CREATED_QDISC_RLOC;
	if (dp_tc_attach(nl.ifindex, o->native_dev, true,
			 bpf_program__fd(skel->progs.lispd_pitr_encap), PROG_PITR, st.pitr_prog_id,
			 o->force, &created, &st.pitr_prog_id, err))
		goto fail;
	if (created)
		st.flags |= ST_CREATED_QDISC_NATIVE;
	if (dp_record_write(state_fd, DP_PXTR_STATE_MAP, &st, err))
		goto fail;
	rc = 0;
	goto out;
fail:
	/* A first attach leaves nothing behind; a failed re-attach keeps the
	 * previous filters (still in place) and their record. */
	if (!have_prev)
		teardown(&st, pin, NULL);
out:
	if (state_fd >= 0)
		close(state_fd);
	dp_close(&maps);
	lispd_pxtr__destroy(skel);
	return rc;
}
