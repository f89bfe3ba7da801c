/* NAT detection of the mobile node (docs/NAT.md 4.1 steps 1-2, section 6).
 *
 * Every IPv4 RLOC of the locator set is probed at each IPv4 map-server: an
 * Info-Request from that RLOC to the map-server's port 4342, random nonce,
 * signed with the map-server's key, naming our first EID prefix. An
 * Info-Reply for an outstanding nonce, with a valid MAC and that EID, says
 * how the map-server saw the request: from our RLOC and port 4342 (public),
 * or from another address or port (behind a NAT: the global address:port
 * and the RTRs offered are kept with the reply's TTL). Anything else is
 * counted and dropped.
 *
 * When: at once for a new RLOC (start, a move), retransmitted 1 s doubling
 * for MN_NAT_TRIES tries, then one every 60 s until a reply; a reply is
 * refreshed at min(its TTL, 10 min), never sooner than 60 s. A pair that
 * comes and goes (a flapping link) starts at most MN_NAT_SERIES_BURST
 * series at once, then one per second. A map-server
 * that does not answer (one without NAT traversal) leaves the state
 * unknown, and so does a refresh that goes unanswered: registration is then
 * as it always was. IPv6 RLOCs are never probed.
 *
 * Until registration through an RTR exists, an RLOC behind a NAT is left out
 * of the Map-Register (register.c asks mn_nat_hides): its Map-Replies and
 * data would go to a private address. Nothing here delays a Map-Register:
 * registration starts with the state unknown. */
#ifndef MN_NATDETECT_H
#define MN_NATDETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/evloop.h"
#include "lisp_addr.h"
#include "lisp_msg.h"
#include "mn/locset.h"
#include "mn/mn_conf.h"
#include "token_bucket.h"

struct mn;

/* Tries of one series before the state is declared unanswered. */
#define MN_NAT_TRIES 3
/* First series of a pair that comes back (a flapping link) sent at once
 * before the rate limit, one per reg_min_interval_ms after. */
#define MN_NAT_SERIES_BURST 3
/* Nonces remembered per probe: the current series and a little before it. */
#define MN_NAT_NONCES 4
/* A probe per IPv4 map-server and IPv4 RLOC (at most one per interface). */
#define MN_NAT_MAX_PROBES (MN_MAX_MS * MN_MAX_IFACES)

/* In the order of what it tells (mn_nat_probe_of). */
enum mn_nat_state {
	MN_NAT_UNKNOWN = 0,  /* no reply yet, or the map-server does not answer */
	MN_NAT_PUBLIC,       /* the map-server saw our RLOC and port 4342 */
	MN_NAT_BEHIND,       /* it saw another address or port */
};

/* One (map-server, IPv4 RLOC) pair. */
struct mn_nat_probe {
	struct mn *mn;
	bool used;                  /* the slot holds a pair ... */
	bool present;               /* ... and it is current: probed and told */
	unsigned ms;                /* index into conf.ms, refreshed by mn_nat_sync */
	struct lisp_ip ms_addr;     /* what the probe is keyed by, with rloc */
	struct lisp_ip rloc;
	enum mn_nat_state state;
	struct ev_timer timer;      /* retransmission, retry or refresh */
	uint32_t series;            /* one per round of tries */
	bool open;                  /* the current series waits for a reply */
	bool unanswered;            /* ... and its MN_NAT_TRIES tries went unanswered */
	bool said_unanswered;       /* logged once per probe */
	unsigned tries;             /* sends in the current series */
	uint32_t retx_ms;
	struct {
		uint64_t nonce;
		uint32_t series;
	} nonces[MN_NAT_NONCES];
	unsigned next_slot;
	/* The last reply. */
	struct lisp_ip global;      /* Global ETR RLOC */
	uint16_t global_port;       /* ETR UDP port */
	uint32_t ttl_min;           /* of the RTR list */
	uint8_t n_rtr;
	struct lisp_ip rtr[LISP_MAX_RTRS];
	uint64_t reply_ms;          /* 0 = never */
	uint64_t sent, replies;
	/* Token bucket of first series (MN_NAT_SERIES_BURST deep, full for a
	 * new pair), kept while the pair is gone so a flapping link costs
	 * little. */
	struct tbucket rounds;
};

struct mn_nat {
	struct mn_nat_probe p[MN_NAT_MAX_PROBES];
};

/* The probes follow our IPv4 RLOCs and IPv4 map-servers: a new pair is
 * probed at once, a pair that stays keeps its state, a gone one is
 * forgotten. Call after our RLOCs, locators or map-servers changed. */
void mn_nat_sync(struct mn *mn);
void mn_nat_teardown(struct mn *mn);
/* An Info message received (buf is the whole LISP message). */
void mn_nat_on_info(struct mn *mn, const uint8_t *buf, size_t len);
/* The probe that decides for rloc towards map-server ms: its own; for an
 * IPv6 map-server, which cannot probe an IPv4 RLOC, the probe of any
 * map-server, one that found a NAT first. NULL when none (an IPv6 RLOC). */
const struct mn_nat_probe *mn_nat_probe_of(const struct mn *mn, unsigned ms,
					   const struct lisp_ip *rloc);
/* True when rloc must not be advertised to map-server ms: the deciding
 * probe's current reply says it is behind a NAT. */
bool mn_nat_hides(const struct mn *mn, unsigned ms, const struct lisp_ip *rloc);

/* What is said of it (natdetect_say.c). */
const char *mn_nat_state_name(enum mn_nat_state s);
/* What the state means for the user, one sentence. */
const char *mn_nat_detail(const struct mn_nat_probe *p, char *buf, size_t len);
/* The log line of a new state (once per change), and of a map-server that
 * does not answer (once per pair). */
void mn_nat_say_state(const struct mn_nat_probe *p);
void mn_nat_say_unanswered(const struct mn_nat_probe *p);

#endif
