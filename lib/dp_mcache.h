/* Map-cache entries in the pinned LPM trie: add, delete, walk. */
#ifndef DP_MCACHE_H
#define DP_MCACHE_H

#include <stdint.h>

#include "dp_err.h"
#include "lisp_addr.h"
#include "lispd_maps.h"

/* The prefix a map-cache key stands for (has_iid set when iid != 0). */
void dp_mc_key_to_prefix(const struct lispd_mc_key *key, struct lisp_prefix *p);

/* Key of p in instance iid (p's own iid is ignored). -1 when out of range. */
int dp_mc_key_of(struct lispd_mc_key *key, uint32_t iid, const struct lisp_prefix *p);

/* fd: from dp_pinned_open(pin_dir, LISPD_MAP_MCACHE). Add replaces an entry
 * for the same prefix in one atomic update. */
int dp_mcache_put(int fd, const struct lispd_mc_key *key, const struct lispd_mc_value *v,
		  struct dp_err *err);
/* ENOENT when there is no such entry. */
int dp_mcache_del(int fd, const struct lispd_mc_key *key, struct dp_err *err);

typedef int (*dp_mcache_cb)(const struct lispd_mc_key *key, const struct lispd_mc_value *v,
			    void *ctx);
/* Visits every entry; stops early when cb returns non-zero. */
int dp_mcache_foreach(int fd, dp_mcache_cb cb, void *ctx, struct dp_err *err);

/* "encap", "native-forward", "send-map-request", "drop", "drop-policy",
 * "drop-auth", or NULL. And back (-1 when unknown). */
const char *dp_action_name(uint8_t action);
int dp_action_parse(const char *s);

#endif
