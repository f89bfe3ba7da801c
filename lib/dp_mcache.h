/* The data plane's prefix maps, in lib types: the map-cache (an EID prefix
 * -> an action, or locators with priority, weight and reachability, which
 * the data plane reads through a slot table built here, so that it picks
 * one by flow hash without a loop), and the PxTR's EID space. A prefix
 * carries its instance-id (has_iid / iid); the data plane keeps 24 bits.
 *
 * No printing: every failure fills a struct dp_err naming the cause. */
#ifndef DP_MCACHE_H
#define DP_MCACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "dp_err.h"
#include "dp_maps.h"
#include "lisp_addr.h"
#include "lisp_msg.h"

#define DP_MAX_LOCATORS 8

struct dp_locator {
	struct lisp_ip addr;
	uint8_t priority;        /* 255: never used */
	uint8_t weight;
	bool up;
};

struct dp_mapping {
	struct lisp_prefix eid;
	/* The Map-Reply ACT code (enum lisp_act) as the data plane keeps it:
	 * LISP_ACT_NO_ACTION with locators encapsulates ("encap"). */
	uint8_t action;
	unsigned n_loc;
	struct dp_locator loc[DP_MAX_LOCATORS];
	/* Read back only: the slots of the choice table; 0 when no locator is
	 * usable (up, priority below 255), then the data plane drops. */
	unsigned n_slots;
};

/* Whether the data plane can hold p: an IPv4 or IPv6 prefix whose
 * instance-id fits in 24 bits. */
bool dp_prefix_storable(const struct lisp_prefix *p);

/* Installs m, replacing an entry for the same prefix in one atomic update.
 * Locators of a family other than IPv4 and IPv6 are left out. 0 or -1. */
int dp_mcache_put(const struct dp_handle *h, const struct dp_mapping *m, struct dp_err *err);

/* ENOENT when there is no such entry. */
int dp_mcache_del(const struct dp_handle *h, const struct lisp_prefix *eid, struct dp_err *err);

/* Visits every entry; stops early when cb returns non-zero (-1 when that
 * was negative). */
typedef int (*dp_mcache_cb)(const struct dp_mapping *m, void *ctx);
int dp_mcache_foreach(const struct dp_handle *h, dp_mcache_cb cb, void *ctx, struct dp_err *err);

/* "encap", "native-forward", "send-map-request", "drop", "drop-policy",
 * "drop-auth", or NULL. And back (-1 when unknown). */
const char *dp_action_name(uint8_t action);
int dp_action_parse(const char *s);

/* Replaces the PxTR's EID space with p[0..n) in instance iid (their own
 * iid is ignored). Adds first, then removes what is gone, so a prefix kept
 * across the change is never missing. 0 or -1. */
int dp_eid_space_set(const struct dp_handle *h, uint32_t iid, unsigned n,
		     const struct lisp_prefix *p, struct dp_err *err);

#endif
