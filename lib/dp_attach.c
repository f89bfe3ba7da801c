#include "dp_attach.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp_env.h"
#include "dp_keys.h"
#include "dp_link.h"
#include "dp_locset.h"
#include "dp_pinned.h"
#include "lispd_tc.skel.h"

#define PROG_ENCAP "lispd_encap"
#define PROG_DECAP "lispd_decap"

/* Miss notification defaults: one event per destination per second, at most
 * 100 events per second overall. */
#define MISS_INTERVAL_MS 1000
#define MISS_RATE 100
#define MISS_BURST 100

static const char *const pinned_maps[] = {
	LISPD_MAP_MCACHE, LISPD_MAP_CONFIG, LISPD_MAP_LOCAL_EID, LISPD_MAP_STATS,
	LISPD_MAP_MISS_RB, LISPD_MAP_MISS_SEEN, LISPD_MAP_MISS_TB, DP_STATE_MAP,
};

void dp_attach_opts_init(struct dp_attach_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->miss_policy = LISPD_MISS_DROP;
}

unsigned dp_lmn_mtu(unsigned phys_mtu, const struct lisp_ip *rlocs, unsigned n_rlocs)
{
	unsigned overhead = LISPD_OVERHEAD4, i;

	for (i = 0; i < n_rlocs; i++)
		if (rlocs[i].afi == LISP_AFI_IPV6)
			overhead = LISPD_OVERHEAD6;
	return phys_mtu > overhead ? phys_mtu - overhead : 0;
}

/* ---- state record ------------------------------------------------------- */

static int state_open(const char *pin_dir, bool create, struct dp_err *err)
{
	char path[4096];
	int fd;

	dp_pin_path(path, sizeof(path), pin_dir, DP_STATE_MAP);
	fd = bpf_obj_get(path);
	if (fd >= 0 || !create)
		return fd >= 0 ? fd : dp_fail(err, errno, "nothing attached at %s", pin_dir);
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, DP_STATE_MAP, sizeof(uint32_t),
			    sizeof(struct dp_state), 1, NULL);
	if (fd < 0)
		return dp_fail(err, errno, "creating map %s: %s", DP_STATE_MAP, strerror(errno));
	if (bpf_obj_pin(fd, path)) {
		int e = errno;

		close(fd);
		return dp_fail(err, e, "pinning %s: %s", path, strerror(e));
	}
	return fd;
}

int dp_state_read(const char *pin_dir, struct dp_state *st, struct dp_err *err)
{
	uint32_t zero = 0;
	int fd = state_open(pin_dir, false, err), rc;

	if (fd < 0)
		return -1;
	rc = bpf_map_lookup_elem(fd, &zero, st);
	close(fd);
	if (rc)
		return dp_fail(err, errno, "reading %s: %s", DP_STATE_MAP, strerror(errno));
	if (st->version != DP_STATE_VERSION)
		return dp_fail(err, ENOENT, "nothing attached at %s (no state record)", pin_dir);
	return 0;
}

/* ---- TC ----------------------------------------------------------------- */

static void tc_hook_init(struct bpf_tc_hook *h, int ifindex, bool ingress)
{
	memset(h, 0, sizeof(*h));
	h->sz = sizeof(*h);
	h->ifindex = ifindex;
	h->attach_point = ingress ? BPF_TC_INGRESS : BPF_TC_EGRESS;
}

static void tc_opts_init(struct bpf_tc_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->sz = sizeof(*o);
	o->handle = DP_TC_HANDLE;
	o->priority = DP_TC_PRIO;
}

int dp_tc_prog_at(int ifindex, bool ingress, uint32_t *prog_id, struct dp_err *err)
{
	struct bpf_tc_hook h;
	struct bpf_tc_opts o;
	int rc;

	*prog_id = 0;
	/* Asking a device without clsact makes the kernel complain through
	 * libbpf's log; there is nothing to find there anyway. */
	rc = dp_link_has_clsact(ifindex);
	if (rc < 0)
		return dp_fail(err, rc, "listing qdiscs of ifindex %d: %s", ifindex, strerror(-rc));
	if (rc == 0)
		return 0;
	tc_hook_init(&h, ifindex, ingress);
	tc_opts_init(&o);
	rc = bpf_tc_query(&h, &o);
	if (rc == -ENOENT || rc == -EINVAL)   /* no filter there, or no clsact at all */
		return 0;
	if (rc)
		return dp_fail(err, rc, "querying TC filters on ifindex %d: %s", ifindex,
			       strerror(-rc));
	*prog_id = o.prog_id;
	return 0;
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

/* Attaches prog_fd at our handle/prio. A program already there is replaced
 * when it is ours (the id we recorded, or one of our programs by name, e.g.
 * after a lost state record) or when forced. */
static int tc_attach(int ifindex, const char *dev, bool ingress, int prog_fd, const char *name,
		     uint32_t prev_id, bool force, bool *created_qdisc, uint32_t *new_id,
		     struct dp_err *err)
{
	const char *where = ingress ? "ingress" : "egress";
	struct bpf_tc_hook h;
	struct bpf_tc_opts o;
	uint32_t cur;
	int rc;

	tc_hook_init(&h, ifindex, ingress);
	/* Creating only when absent keeps the kernel's "exclusivity flag on"
	 * complaint out of libbpf's log. */
	rc = dp_link_has_clsact(ifindex);
	if (rc < 0)
		return dp_fail(err, rc, "listing qdiscs of %s: %s", dev, strerror(-rc));
	rc = rc ? -EEXIST : bpf_tc_hook_create(&h);
	if (rc == 0)
		*created_qdisc = true;
	else if (rc == -EOPNOTSUPP || rc == -ENOENT)
		return dp_fail(err, rc, "kernel lacks feature: clsact qdisc on %s "
			       "(CONFIG_NET_SCH_INGRESS)", dev);
	else if (rc != -EEXIST)
		return dp_fail(err, rc, "creating clsact qdisc on %s: %s", dev, strerror(-rc));

	if (dp_tc_prog_at(ifindex, ingress, &cur, err))
		return -1;
	if (cur && cur != prev_id && !prog_named(cur, name) && !force)
		return dp_fail(err, EBUSY, "another BPF program (id %u) is attached at %s of %s "
			       "(handle 0x%x priority 0x%x); use force to replace it",
			       cur, where, dev, DP_TC_HANDLE, DP_TC_PRIO);
	tc_opts_init(&o);
	o.prog_fd = prog_fd;
	o.flags = cur ? BPF_TC_F_REPLACE : 0;
	rc = bpf_tc_attach(&h, &o);
	if (rc == -EOPNOTSUPP)
		return dp_fail(err, rc, "kernel lacks feature: BPF TC classifier (CONFIG_NET_CLS_BPF)");
	if (rc)
		return dp_fail(err, rc, "attaching %s at %s of %s: %s", name, where, dev,
			       strerror(-rc));
	*new_id = o.prog_id;
	return 0;
}

/* Removes our filter if the program there is the one we recorded (or ours by
 * name); a stranger's program is left alone. */
static int tc_detach(int ifindex, const char *dev, bool ingress, uint32_t our_id,
		     const char *name, struct dp_err *err)
{
	struct bpf_tc_hook h;
	struct bpf_tc_opts o;
	uint32_t cur;
	int rc;

	if (dp_tc_prog_at(ifindex, ingress, &cur, err))
		return -1;
	if (!cur || (cur != our_id && !prog_named(cur, name)))
		return 0;
	tc_hook_init(&h, ifindex, ingress);
	tc_opts_init(&o);
	rc = bpf_tc_detach(&h, &o);
	if (rc && rc != -ENOENT)
		return dp_fail(err, rc, "removing %s from %s: %s", name, dev, strerror(-rc));
	return 0;
}

static int tc_qdisc_destroy(int ifindex)
{
	struct bpf_tc_hook h;

	tc_hook_init(&h, ifindex, false);
	/* Both points together name the clsact qdisc itself. */
	h.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
	return bpf_tc_hook_destroy(&h);
}

/* ---- teardown (detach, and undo of a failed first attach) ---------------- */

static bool ifindex_alive(int ifindex)
{
	char name[IF_NAMESIZE];

	return ifindex > 0 && if_indextoname((unsigned)ifindex, name) != NULL;
}

static void unpin_all(const char *pin_dir, bool rm_dir)
{
	char path[4096];
	size_t i;

	for (i = 0; i < sizeof(pinned_maps) / sizeof(pinned_maps[0]); i++) {
		dp_pin_path(path, sizeof(path), pin_dir, pinned_maps[i]);
		unlink(path);
	}
	if (rm_dir)
		rmdir(pin_dir);
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
		KEEP_FIRST(tc_detach(st->phys_ifindex, st->phys_name, true, st->decap_prog_id,
				     PROG_DECAP, &e));
		if (st->flags & DP_ST_CREATED_QDISC_PHYS) {
			rc = tc_qdisc_destroy(st->phys_ifindex);
			KEEP_FIRST(rc && rc != -ENOENT &&
				   dp_fail(&e, rc, "removing clsact from %s: %s", st->phys_name,
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
			KEEP_FIRST(tc_detach(st->lmn_ifindex, st->lmn_name, false, st->encap_prog_id,
					     PROG_ENCAP, &e));
			if (st->flags & DP_ST_CREATED_QDISC_LMN)
				tc_qdisc_destroy(st->lmn_ifindex);
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
	unpin_all(pin_dir, st->flags & DP_ST_CREATED_PIN_DIR);
	return 0;
}

int dp_detach(const char *pin_dir, struct dp_err *err)
{
	struct dp_state st;

	if (!pin_dir)
		pin_dir = LISPD_PIN_DIR_DEFAULT;
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
	for (i = 0; i < o->n_rlocs; i++) {
		n4 += o->rlocs[i].afi == LISP_AFI_IPV4;
		n6 += o->rlocs[i].afi == LISP_AFI_IPV6;
	}
	if (n4 > 1 || n6 > 1 || n4 + n6 != o->n_rlocs)
		return dp_fail(err, EINVAL, "at most one RLOC per address family");
	for (i = 0; i < o->n_eids; i++)
		if (!dp_family_of_afi(o->eids[i].afi))
			return dp_fail(err, EINVAL, "EID %u is not an IPv4 or IPv6 address", i);
	if (o->use_iid && o->iid > LISPD_IID_MASK)
		return dp_fail(err, EINVAL, "instance-id %u does not fit in 24 bits", o->iid);
	if (o->miss_policy == LISPD_MISS_PETR && o->n_petrs == 0)
		return dp_fail(err, EINVAL, "miss policy petr needs at least one petr ADDR");
	if (o->lmn_dev && strlen(o->lmn_dev) > IF_NAMESIZE - 2)
		return dp_fail(err, EINVAL, "lmn name too long (at most %d characters)",
			       IF_NAMESIZE - 2);
	return 0;
}

static int fill_config(int fd, const struct dp_attach_opts *o, const struct dp_state *st,
		       const struct dp_link_info *lmn, struct dp_err *err)
{
	struct lispd_dp_config cfg;
	uint32_t zero = 0;
	unsigned i;

	memset(&cfg, 0, sizeof(cfg));
	for (i = 0; i < o->n_rlocs; i++) {
		if (o->rlocs[i].afi == LISP_AFI_IPV4) {
			cfg.flags |= LISPD_CFG_RLOC4;
			memcpy(cfg.rloc4, o->rlocs[i].bytes, 4);
		} else {
			cfg.flags |= LISPD_CFG_RLOC6;
			memcpy(cfg.rloc6, o->rlocs[i].bytes, 16);
		}
	}
	if (o->use_iid) {
		cfg.flags |= LISPD_CFG_USE_IID;
		cfg.iid = o->iid;
	}
	cfg.lmn_ifindex = (uint32_t)st->lmn_ifindex;
	cfg.phys_ifindex = (uint32_t)st->phys_ifindex;
	if (lmn->has_mac) {
		cfg.flags |= LISPD_CFG_LMN_MAC;
		memcpy(cfg.lmn_mac, lmn->mac, sizeof(cfg.lmn_mac));
	}
	cfg.miss_policy = o->miss_policy;
	cfg.miss_interval_ms = MISS_INTERVAL_MS;
	cfg.miss_rate = MISS_RATE;
	cfg.miss_burst = MISS_BURST;
	for (i = 0; i < o->n_petrs; i++)
		if (dp_locset_add(&cfg.petr, dp_family_of_afi(o->petrs[i].afi), o->petrs[i].bytes,
				  1, 100, true))
			return dp_fail(err, EINVAL, "PETR %u is not an IPv4 or IPv6 address", i);
	dp_locset_build(&cfg.petr);
	if (bpf_map_update_elem(fd, &zero, &cfg, BPF_ANY))
		return dp_fail(err, errno, "writing %s: %s", LISPD_MAP_CONFIG, strerror(errno));
	return 0;
}

/* Replaces the set of local EIDs with the configured ones. */
static int fill_eids(int fd, const struct dp_attach_opts *o, struct dp_err *err)
{
	struct lispd_eid_key key, next;
	struct lispd_local_eid val = { 0 };
	uint32_t iid = o->use_iid ? o->iid : 0;
	unsigned i;

	while (bpf_map_get_next_key(fd, NULL, &next) == 0)
		if (bpf_map_delete_elem(fd, &next))
			return dp_fail(err, errno, "clearing %s: %s", LISPD_MAP_LOCAL_EID,
				       strerror(errno));
	for (i = 0; i < o->n_eids; i++) {
		if (dp_eid_key(&key, iid, dp_family_of_afi(o->eids[i].afi), o->eids[i].bytes) ||
		    bpf_map_update_elem(fd, &key, &val, BPF_ANY))
			return dp_fail(err, errno ? errno : EINVAL, "adding local EID %u: %s", i,
				       strerror(errno));
	}
	return 0;
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
	int rc;

	if (!skel)
		return dp_fail(err, errno, "opening the BPF object: %s", strerror(errno));
	rc = lispd_tc__load(skel);
	if (rc) {
		lispd_tc__destroy(skel);
		return dp_fail(err, rc, "loading the BPF programs failed: %s (pinned maps under %s "
			       "from another build? detach first; libbpf logged details)",
			       strerror(-rc), pin_dir);
	}
	*out = skel;
	return 0;
}

static int write_state(int fd, const struct dp_state *st, struct dp_err *err)
{
	uint32_t zero = 0;

	if (bpf_map_update_elem(fd, &zero, st, BPF_ANY))
		return dp_fail(err, errno, "writing %s: %s", DP_STATE_MAP, strerror(errno));
	return 0;
}

int dp_attach(const struct dp_attach_opts *o, struct dp_err *err)
{
	const char *pin = o->pin_dir ? o->pin_dir : LISPD_PIN_DIR_DEFAULT;
	const char *lmn = o->lmn_dev ? o->lmn_dev : DP_LMN_DEFAULT;
	struct dp_state prev, st;
	struct dp_link_info phys, lmn_info = { 0 };
	struct lispd_tc *skel = NULL;
	bool have_prev, created_q = false;
	struct stat sb;
	int state_fd = -1, rc = -1;

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
	if (load_skel(&skel, pin, err))
		goto fail;
	state_fd = state_open(pin, true, err);
	if (state_fd < 0)
		goto fail;
	if (setup_lmn(o, lmn, have_prev ? &prev : NULL, &phys, &st, &lmn_info, err))
		goto fail;
	if (fill_config(bpf_map__fd(skel->maps.lispd_cfg), o, &st, &lmn_info, err) ||
	    fill_eids(bpf_map__fd(skel->maps.lispd_eids), o, err))
		goto fail;

	if (tc_attach(st.phys_ifindex, o->phys_dev, true, bpf_program__fd(skel->progs.lispd_decap),
		      PROG_DECAP, have_prev ? prev.decap_prog_id : 0, o->force, &created_q,
		      &st.decap_prog_id, err))
		goto fail;
	if (created_q)
		st.flags |= DP_ST_CREATED_QDISC_PHYS;
	created_q = false;
	if (tc_attach(st.lmn_ifindex, lmn, false, bpf_program__fd(skel->progs.lispd_encap),
		      PROG_ENCAP, have_prev ? prev.encap_prog_id : 0, o->force, &created_q,
		      &st.encap_prog_id, err))
		goto fail;
	if (created_q)
		st.flags |= DP_ST_CREATED_QDISC_LMN;
	if (write_state(state_fd, &st, err))
		goto fail;
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
		write_state(state_fd, &prev, NULL);
	}
out:
	if (state_fd >= 0)
		close(state_fd);
	lispd_tc__destroy(skel);
	return rc;
}
