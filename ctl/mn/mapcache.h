/* The map-cache: a user-space table (prefix -> locators or action, origin,
 * TTL) mirrored into the BPF map-cache. Static entries come from the
 * configuration and never expire; dynamic ones come from Map-Replies, are
 * re-requested at 90 % of their TTL (a bounded number of times, since the
 * data plane does not tell which entries carry traffic) and removed at
 * expiry. */
#ifndef MN_MAPCACHE_H
#define MN_MAPCACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/evloop.h"
#include "lisp_addr.h"
#include "lisp_msg.h"
#include "mn_conf.h"

struct mn;

#define MN_MC_MAX 4096
/* Refreshes of an entry without a new miss for it. */
#define MN_MC_REFRESH_MAX 3
/* TTLs above this (0xFFFFFFFF "holder decides" included) are capped: a day. */
#define MN_MC_TTL_CAP_MIN 1440

enum mn_mc_origin {
	MN_MC_STATIC = 0,
	MN_MC_DYNAMIC,
};

struct mn_mc_entry {
	struct mn_mc_entry *next;
	struct mn *mn;
	struct lisp_prefix eid;
	enum mn_mc_origin origin;
	uint8_t action;           /* Map-Reply ACT; meaningful when n_loc == 0 */
	unsigned n_loc;
	struct mn_loc loc[MN_MAX_LOC];
	uint32_t ttl_min;
	uint64_t installed_ms;
	uint64_t expires_ms;      /* dynamic only */
	unsigned refreshes;       /* refresh requests since the last miss-driven install */
	bool refresh_due;         /* the timer's next firing is the expiry */
	uint64_t last_smr_ms;
	struct ev_timer timer;
};

struct mn_mcache {
	struct mn_mc_entry *head;
	unsigned n;
};

/* Installs or replaces a static entry. */
int mn_mc_put_static(struct mn *mn, const struct mn_static_conf *s);
/* A Map-Reply record (already checked to answer our request). refreshed:
 * the request was a refresh, so the refresh budget carries over. */
int mn_mc_put_record(struct mn *mn, const struct lisp_record *rec, bool refreshed);
/* Exact prefix. */
struct mn_mc_entry *mn_mc_find(struct mn *mn, const struct lisp_prefix *eid);
/* Longest prefix covering the address. */
struct mn_mc_entry *mn_mc_lookup(struct mn *mn, uint32_t iid, const struct lisp_ip *ip);
/* Removes from the table and the BPF map. */
void mn_mc_remove(struct mn *mn, struct mn_mc_entry *e);
void mn_mc_teardown(struct mn *mn);
/* "static" / "dynamic". */
const char *mn_mc_origin_name(enum mn_mc_origin o);
/* The data plane's name of the entry's action ("encap", "drop", ...). */
const char *mn_mc_action_name(const struct mn_mc_entry *e);

#endif
