#include "dp_attach_pxtr.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp_attach.h"
#include "dp_env.h"
#include "dp_link.h"
#include "dp_mcache.h"
#include "dp_pinned.h"
#include "lispd_maps.h"
#include "lispd_pxtr.skel.h"

#define PROG_PETR "lispd_petr_deca"   /* kernel program names stop at 15 chars */
#define PROG_PITR "lispd_pitr_enca"

/* A PITR learns mappings on demand: the same miss-event pacing as the MN. */
#define MISS_INTERVAL_MS 1000
#define MISS_RATE 100
#define MISS_BURST 100

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
	DP_PXTR_STATE_MAP,
};

/* ---- TC filters at our handle/prio (dp_attach.h's) ----------------------- */

static void hook_init(struct bpf_tc_hook *h, int ifindex)
{
	memset(h, 0, sizeof(*h));
	h->sz = sizeof(*h);
	h->ifindex = ifindex;
	h->attach_point = BPF_TC_INGRESS;
}

static void tc_opts(struct bpf_tc_opts *o, int prog_fd)
{
	memset(o, 0, sizeof(*o));
	o->sz = sizeof(*o);
	o->handle = DP_TC_HANDLE;
	o->priority = DP_TC_PRIO;
	o->prog_fd = prog_fd;
}

static bool prog_named(uint32_t id, const char *name)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id);
	bool same = false;

	if (fd < 0)
		return false;
	memset(&info, 0, sizeof(info));
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		same = !strcmp(info.name, name);
	close(fd);
	return same;
}

static int ingress_attach(int ifindex, const char *dev, int prog_fd, const char *name,
			  uint32_t prev_id, bool force, bool *created_qdisc, uint32_t *new_id,
			  struct dp_err *err)
{
	struct bpf_tc_hook h;
	struct bpf_tc_opts o;
	uint32_t cur;
	int rc;

	hook_init(&h, ifindex);
	*created_qdisc = false;
	rc = dp_link_has_clsact(ifindex);
	if (rc < 0)
		return dp_fail(err, rc, "listing qdiscs of %s: %s", dev, strerror(-rc));
	if (rc == 0) {
		rc = bpf_tc_hook_create(&h);
		if (rc && rc != -EEXIST)
			return dp_fail(err, rc, "creating clsact qdisc on %s: %s", dev,
				       strerror(-rc));
		*created_qdisc = rc == 0;
	}
	/* A qdisc just made holds no filter (and asking makes the kernel log
	 * a complaint through libbpf). */
	cur = 0;
	if (!*created_qdisc && dp_tc_prog_at(ifindex, true, &cur, err))
		return -1;
	if (cur && cur != prev_id && !prog_named(cur, name) && !force)
		return dp_fail(err, EBUSY, "another BPF program (id %u) is attached at ingress of "
			       "%s (handle 0x%x priority 0x%x); use force to replace it", cur, dev,
			       DP_TC_HANDLE, DP_TC_PRIO);
	tc_opts(&o, prog_fd);
	o.flags = cur ? BPF_TC_F_REPLACE : 0;
	rc = bpf_tc_attach(&h, &o);
	if (rc)
		return dp_fail(err, rc, "attaching %s at ingress of %s: %s", name, dev,
			       strerror(-rc));
	*new_id = o.prog_id;
	return 0;
}

static int ingress_detach(int ifindex, const char *dev, uint32_t our_id, const char *name,
			  bool destroy_qdisc, struct dp_err *err)
{
	char ifname[IF_NAMESIZE];
	struct bpf_tc_hook h;
	struct bpf_tc_opts o;
	uint32_t cur;
	int rc;

	if (ifindex <= 0 || !if_indextoname((unsigned)ifindex, ifname))
		return 0;   /* the interface is gone, and our filter with it */
	if (dp_tc_prog_at(ifindex, true, &cur, err))
		return -1;
	hook_init(&h, ifindex);
	if (cur && (cur == our_id || prog_named(cur, name))) {
		tc_opts(&o, 0);
		rc = bpf_tc_detach(&h, &o);
		if (rc && rc != -ENOENT)
			return dp_fail(err, rc, "removing %s from %s: %s", name, dev, strerror(-rc));
	}
	if (destroy_qdisc) {
		h.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&h);
	}
	return 0;
}

/* ---- maps ------------------------------------------------------------------ */

int dp_pxtr_set_eid_space(int fd, uint32_t iid, unsigned n, const struct lisp_prefix *p,
			  struct dp_err *err)
{
	struct lispd_eid_space_val val = { 0 };
	struct lispd_mc_key *want, key, next;

	want = calloc(n ? n : 1, sizeof(*want));
	if (!want)
		return dp_fail(err, ENOMEM, "out of memory");
	for (unsigned i = 0; i < n; i++) {
		if (dp_mc_key_of(&want[i], iid, &p[i])) {
			free(want);
			return dp_fail(err, EINVAL, "eid-space prefix %u is not IPv4 or IPv6", i);
		}
		if (bpf_map_update_elem(fd, &want[i], &val, BPF_ANY)) {
			int e = errno;

			free(want);
			return dp_fail(err, e, "writing %s: %s", LISPD_MAP_EID_SPACE, strerror(e));
		}
	}
	/* Then the stale ones: the keys are collected first, since a walk
	 * that deletes as it goes has no stable "next" in an LPM trie. */
	{
		struct lispd_mc_key *have = calloc(LISPD_EID_SPACE_MAX, sizeof(*have));
		unsigned nh = 0;
		int more;

		if (!have) {
			free(want);
			return dp_fail(err, ENOMEM, "out of memory");
		}
		more = bpf_map_get_next_key(fd, NULL, &next) == 0;
		while (more && nh < LISPD_EID_SPACE_MAX) {
			have[nh++] = next;
			key = next;
			more = bpf_map_get_next_key(fd, &key, &next) == 0;
		}
		for (unsigned h = 0; h < nh; h++) {
			bool keep = false;

			for (unsigned i = 0; i < n && !keep; i++)
				keep = memcmp(&want[i], &have[h], sizeof(have[h])) == 0;
			if (!keep)
				bpf_map_delete_elem(fd, &have[h]);
		}
		free(have);
	}
	free(want);
	return 0;
}

static int fill_config(int fd, const struct dp_pxtr_opts *o, const struct pxtr_state *st,
		       struct dp_err *err)
{
	struct lispd_dp_config cfg;
	uint32_t zero = 0;

	memset(&cfg, 0, sizeof(cfg));
	for (unsigned i = 0; i < o->n_rlocs; i++) {
		if (o->rlocs[i].afi == LISP_AFI_IPV4) {
			cfg.flags |= LISPD_CFG_RLOC4;
			memcpy(cfg.rloc4, o->rlocs[i].bytes, 4);
		} else {
			cfg.flags |= LISPD_CFG_RLOC6;
			memcpy(cfg.rloc6, o->rlocs[i].bytes, 16);
		}
	}
	if (o->iid) {
		cfg.flags |= LISPD_CFG_USE_IID;
		cfg.iid = o->iid;
	}
	/* No lmn: decapsulated packets go to the stack, not to an interface. */
	cfg.phys_ifindex = (uint32_t)st->rloc_ifindex;
	cfg.miss_policy = LISPD_MISS_DROP;
	cfg.miss_interval_ms = MISS_INTERVAL_MS;
	cfg.miss_rate = MISS_RATE;
	cfg.miss_burst = MISS_BURST;
	if (bpf_map_update_elem(fd, &zero, &cfg, BPF_ANY))
		return dp_fail(err, errno, "writing %s: %s", LISPD_MAP_CONFIG, strerror(errno));
	return 0;
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
	if (o->iid > LISPD_IID_MASK)
		return dp_fail(err, EINVAL, "instance-id %u does not fit in 24 bits", o->iid);
	if (o->n_eid_space == 0 || !o->eid_space)
		return dp_fail(err, EINVAL, "no EID space: the PETR would forward nothing");
	if (o->n_eid_space > LISPD_EID_SPACE_MAX)
		return dp_fail(err, EINVAL, "more than %u EID-space prefixes", LISPD_EID_SPACE_MAX);
	return 0;
}

/* ---- state ------------------------------------------------------------------- */

static int state_open(const char *pin, bool create, struct dp_err *err)
{
	char path[4096];
	int fd;

	dp_pin_path(path, sizeof(path), pin, DP_PXTR_STATE_MAP);
	fd = bpf_obj_get(path);
	if (fd >= 0 || !create)
		return fd >= 0 ? fd : dp_fail(err, ENOENT, "no PxTR data plane attached at %s", pin);
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, DP_PXTR_STATE_MAP, sizeof(uint32_t),
			    sizeof(struct pxtr_state), 1, NULL);
	if (fd < 0)
		return dp_fail(err, errno, "creating map %s: %s", DP_PXTR_STATE_MAP, strerror(errno));
	if (bpf_obj_pin(fd, path)) {
		int e = errno;

		close(fd);
		return dp_fail(err, e, "pinning %s: %s", path, strerror(e));
	}
	return fd;
}

static int state_read(const char *pin, struct pxtr_state *st, struct dp_err *err)
{
	uint32_t zero = 0;
	int fd = state_open(pin, false, err), rc;

	if (fd < 0)
		return -1;
	rc = bpf_map_lookup_elem(fd, &zero, st);
	close(fd);
	if (rc || st->version != STATE_VERSION)
		return dp_fail(err, ENOENT, "no PxTR data plane attached at %s", pin);
	return 0;
}

static void unpin_all(const char *pin, bool rm_dir)
{
	char path[4096];

	for (size_t i = 0; i < sizeof(pinned_maps) / sizeof(pinned_maps[0]); i++) {
		dp_pin_path(path, sizeof(path), pin, pinned_maps[i]);
		unlink(path);
	}
	if (rm_dir)
		rmdir(pin);
}

static int teardown(const struct pxtr_state *st, const char *pin, struct dp_err *err)
{
	if (ingress_detach(st->rloc_ifindex, st->rloc_name, st->petr_prog_id, PROG_PETR,
			   st->flags & ST_CREATED_QDISC_RLOC, err) ||
	    ingress_detach(st->native_ifindex, st->native_name, st->pitr_prog_id, PROG_PITR,
			   st->flags & ST_CREATED_QDISC_NATIVE, err))
		return -1;
	unpin_all(pin, st->flags & ST_CREATED_PIN_DIR);
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

/* ---- attach -------------------------------------------------------------------- */

static int load(struct lispd_pxtr **out, const char *pin, struct dp_err *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = pin);
	struct lispd_pxtr *skel = lispd_pxtr__open_opts(&oo);
	int rc;

	if (!skel)
		return dp_fail(err, errno, "opening the PxTR BPF object: %s", strerror(errno));
	rc = lispd_pxtr__load(skel);
	if (rc) {
		lispd_pxtr__destroy(skel);
		return dp_fail(err, rc, "loading the PxTR BPF programs failed: %s (pinned maps "
			       "under %s from another build? detach first)", strerror(-rc), pin);
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
	bool have_prev, created = false;
	struct stat sb;
	int state_fd = -1, rc = -1;

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

	if (load(&skel, pin, err))
		goto fail;
	state_fd = state_open(pin, true, err);
	if (state_fd < 0 || fill_config(bpf_map__fd(skel->maps.lispd_cfg), o, &st, err) ||
	    dp_pxtr_set_eid_space(bpf_map__fd(skel->maps.lispd_eid_space), o->iid, o->n_eid_space,
				  o->eid_space, err))
		goto fail;
	if (ingress_attach(rl.ifindex, o->rloc_dev, bpf_program__fd(skel->progs.lispd_petr_decap),
			   PROG_PETR, st.petr_prog_id, o->force, &created, &st.petr_prog_id, err))
		goto fail;
	if (created)
		st.flags |= ST_CREATED_QDISC_RLOC;
	created = false;
	if (ingress_attach(nl.ifindex, o->native_dev, bpf_program__fd(skel->progs.lispd_pitr_encap),
			   PROG_PITR, st.pitr_prog_id, o->force, &created, &st.pitr_prog_id, err))
		goto fail;
	if (created)
		st.flags |= ST_CREATED_QDISC_NATIVE;
	{
		uint32_t zero = 0;

		if (bpf_map_update_elem(state_fd, &zero, &st, BPF_ANY)) {
			dp_fail(err, errno, "writing %s: %s", DP_PXTR_STATE_MAP, strerror(errno));
			goto fail;
		}
	}
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
	lispd_pxtr__destroy(skel);
	return rc;
}
