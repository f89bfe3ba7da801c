/* The mobile node's control plane: registration with the map-servers,
 * resolution through the map-resolvers into the map-cache (user-space table
 * mirrored into the BPF map-cache), and the ETR side (Map-Replies for our
 * EIDs, RLOC-probe replies, SMRs). No sockets here: packets go out through
 * struct cp_io and come in through mn_on_control(); time comes from the
 * daemon's ev_loop.
 *
 * The daemon (mn/mn_role.c) passes what host setup learnt (struct mn_host:
 * RLOCs, pin dir, interfaces) and, in struct mn_opts, what host setup does
 * not know: the data-plane handle, the Map-Register nonce provider and
 * xTR-ID (both persisted by the core), and timer overrides for tests. Our
 * EIDs and their iid come from the configuration's database-mappings; only
 * mn.c reads the configuration (into struct mn_conf). The data plane is
 * reached through lib/dp_* in lib types. */
#ifndef MN_MN_H
#define MN_MN_H

#include <stdint.h>
#include <stdio.h>

#include "core/cp_io.h"
#include "lisp_addr.h"
#include "mn/host.h"

struct json;

struct ev_loop;
struct lispd_config;      /* lib/config.h */
struct dp_handle;         /* lib/dp_maps.h */
struct dp_miss;           /* lib/dp_miss.h */
struct mn;

/* Protocol timers. Zero fields take the protocol value shown; tests shrink
 * them so nothing waits a minute. */
struct mn_timing {
	uint32_t reg_retx_first_ms;    /* 1000: first Map-Register retransmission */
	uint32_t reg_retx_max_ms;      /* 60000: doubling stops here */
	uint32_t reg_period_ms;        /* 60000: re-registration after a Map-Notify */
	uint32_t req_retx_first_ms;    /* 1000: Map-Request retry, doubling */
	uint32_t req_min_interval_ms;  /* 1000: at most one request per prefix per interval */
	uint32_t req_hold_ms;          /* 30000: pause for a prefix ... */
	uint32_t req_hold_after;       /* 10: ... after this many unanswered tries */
	uint32_t reply_interval_ms;    /* 3000: one Map-Reply per requester and EID */
	uint32_t smr_interval_ms;      /* 3000: one SMR-invoked request per cached prefix */
	uint32_t smr_hold_ms;          /* 500: after a move, SMRs wait at most this long for the
					* Map-Notify of the new registration */
	uint32_t ttl_unit_ms;          /* 60000: a record TTL counts minutes */
	uint32_t reg_min_interval_ms;  /* 1000: new registration rounds per map-server:
					* a burst of MN_REG_ROUND_BURST, then one per
					* interval; a move beyond that is carried by
					* one round once a token is back */
	uint32_t nat_retx_first_ms;    /* 1000: first Info-Request retransmission, doubling */
	uint32_t nat_retry_ms;         /* 60000: after MN_NAT_TRIES unanswered, one every */
	uint32_t nat_refresh_max_ms;   /* 600000: a reply is refreshed at min(its TTL, this) */
};

struct mn_opts {
	const struct dp_handle *dp;         /* the data plane; NULL = none */
	uint64_t (*next_nonce)(void *ctx);  /* Map-Register nonces: increasing, kept across restarts */
	void *nonce_ctx;
	uint8_t xtr_id[16];
	uint64_t site_id;
	const struct mn_timing *timing;     /* NULL = protocol values */
};

/* cfg, io, loop and host are used during the call; io and loop must outlive
 * the mn. Returns NULL (and logs why) when the configuration cannot be used. */
struct mn *mn_new(const struct lispd_config *cfg, struct ev_loop *loop, struct cp_io *io,
		  const struct mn_host *host, const struct mn_opts *opts);
/* Installs the static map-cache entries and sends the first Map-Registers. */
void mn_start(struct mn *mn);

/* The role table's callbacks (core/role.h) take their struct mn as void *:
 * mn_on_control, mn_on_miss, mn_reload and the mn_json_* answers. */
/* One control datagram received on port 4342 (src/sport: the sender; dst: our
 * address it arrived at). */
void mn_on_control(void *mn, const struct lisp_ip *src, uint16_t sport,
		   const struct lisp_ip *dst, const uint8_t *buf, size_t len);
/* One event from the data plane's miss ring buffer. */
void mn_on_miss(void *mn, const struct dp_miss *ev);
/* Our RLOCs changed (at most one per family): re-register at once. */
void mn_set_rlocs(struct mn *mn, unsigned n_rlocs, const struct lisp_ip *rlocs);
/* The locator set we advertise (every usable RLOC of every RLOC interface
 * with its priority/weight, mn/locset), at most MN_MAX_LOCS; each
 * database-mapping advertises those of the families it uses. Until this is
 * called the sending RLOCs are advertised at the mapping's per-family
 * priority/weight. Takes effect with the next registration (mn_moved). */
void mn_set_locators(struct mn *mn, unsigned n, const struct mn_locator *locs);
/* Our locator set changed under us (mobility): the new set is registered at
 * once (retransmitted until the Map-Notify) and every peer RLOC and
 * proxy-ITR gets an SMR (rate-limited per RLOC). An empty set only forgets
 * the old RLOCs. */
void mn_moved(struct mn *mn, unsigned n_rlocs, const struct lisp_ip *rlocs);
/* SIGHUP: map-servers, resolvers, retries, database-mappings and static
 * entries from new_cfg; dynamic map-cache entries stay. Returns 0, or -1 with
 * nothing changed. */
int mn_reload(void *mn, const struct lispd_config *new_cfg);
/* The control socket's answers: status, registrations, counters (the
 * role's part of them); map-cache and pending are the ITR's. */
void mn_json_status(void *mn, struct json *j);
void mn_json_registrations(void *mn, struct json *j);
void mn_json_counters(void *mn, struct json *j);
/* Stops every timer; leaves the BPF map-cache as it is (the daemon tears the
 * data plane down, or a restart refills it). */
void mn_free(struct mn *mn);

#endif
