#include "dp_mcache.h"

#include <errno.h>
#include <string.h>

#include <bpf/bpf.h>

#include "dp_keys.h"
#include "dp_pinned.h"

void dp_mc_key_to_prefix(const struct lispd_mc_key *key, struct lisp_prefix *p)
{
	uint32_t iid = ((uint32_t)key->iid[0] << 16) | ((uint32_t)key->iid[1] << 8) | key->iid[2];

	memset(p, 0, sizeof(*p));
	p->addr.kind = LISP_ADDR_IP;
	dp_ip_from_map(&p->addr.ip, key->family, key->addr);
	p->plen = (uint8_t)(key->prefixlen - LISPD_MC_KEY_FIXED_BITS);
	if (iid) {
		p->addr.has_iid = true;
		p->addr.iid = iid;
	}
}

int dp_mc_key_of(struct lispd_mc_key *key, uint32_t iid, const struct lisp_prefix *p)
{
	return dp_mc_key(key, iid, dp_family_of_afi(p->addr.ip.afi), p->addr.ip.bytes, p->plen);
}

int dp_mcache_put(int fd, const struct lispd_mc_key *key, const struct lispd_mc_value *v,
		  struct dp_err *err)
{
	if (bpf_map_update_elem(fd, key, v, BPF_ANY))
		return dp_fail(err, errno, "map-cache update: %s%s", strerror(errno),
			       errno == E2BIG || errno == ENOMEM ? " (map-cache full)" : "");
	return 0;
}

int dp_mcache_del(int fd, const struct lispd_mc_key *key, struct dp_err *err)
{
	if (bpf_map_delete_elem(fd, key))
		return dp_fail(err, errno, "map-cache delete: %s",
			       errno == ENOENT ? "no such entry" : strerror(errno));
	return 0;
}

int dp_mcache_foreach(int fd, dp_mcache_cb cb, void *ctx, struct dp_err *err)
{
	struct lispd_mc_key key, next;
	struct lispd_mc_value v;
	void *prev = NULL;
	int rc;

	while ((rc = bpf_map_get_next_key(fd, prev, &next)) == 0) {
		key = next;
		prev = &key;
		/* An entry deleted between the two calls is simply skipped. */
		if (bpf_map_lookup_elem(fd, &key, &v))
			continue;
		rc = cb(&key, &v, ctx);
		if (rc)
			return rc < 0 ? -1 : 0;
	}
	if (errno != ENOENT)
		return dp_fail(err, errno, "map-cache walk: %s", strerror(errno));
	return 0;
}

static const char *const action_names[LISPD_ACT_MAX] = {
	[LISPD_ACT_ENCAP] = "encap",
	[LISPD_ACT_NATIVE_FORWARD] = "native-forward",
	[LISPD_ACT_SEND_MAP_REQUEST] = "send-map-request",
	[LISPD_ACT_DROP] = "drop",
	[LISPD_ACT_DROP_POLICY] = "drop-policy",
	[LISPD_ACT_DROP_AUTH] = "drop-auth",
};

const char *dp_action_name(uint8_t action)
{
	return action < LISPD_ACT_MAX ? action_names[action] : NULL;
}

int dp_action_parse(const char *s)
{
	int i;

	for (i = 0; i < LISPD_ACT_MAX; i++)
		if (!strcmp(s, action_names[i]))
			return i;
	return -1;
}
