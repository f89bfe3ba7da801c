/* The Map-Server + Map-Resolver role (operating-mode = MS; RFC 9301 §8.2-8.4).
 *
 * Map-Server: authenticated Map-Registers for the configured lisp-sites,
 * registrations merged per EID prefix from several xTRs and expired when not
 * refreshed, Map-Notify when asked. Map-Resolver: ECM-wrapped Map-Requests
 * answered by a proxy Map-Reply, forwarded in an ECM to a registered ETR, or
 * answered negatively with the least-specific prefix that holds no EID space.
 * NAT traversal (docs/NAT.md 4.3): Info-Requests answered with the sender's
 * global address and port and the advertised RTRs; Map-Registers relayed by
 * a known RTR (ms-rtr-node) registered, their Map-Notify sent back through
 * it in its dialect.
 *
 * No sockets here: packets come in through ms_on_control() and leave through
 * struct cp_io (the core sends them from its port-4342 socket); time comes
 * from the daemon's ev_loop. Wiring into lispd (ms/ms_role.c does this):
 *
 *   struct ms *ms = ms_new(cfg, loop, &io);          // cfg->mode == LISPD_MODE_MS
 *   ... each datagram received on UDP 4342:
 *   ms_on_control(ms, &src, sport, &dst, buf, len);
 *   ... SIGHUP: if (ms_reload(ms, &new_cfg) == 0) keep new_cfg, else keep old
 *   ... control socket: ms_json_sites, ms_json_registrations, ms_json_counters
 *   ms_free(ms);
 *
 * The configuration is copied: cfg may be freed after ms_new/ms_reload.
 * cfg->control_iface names the interface whose addresses the daemon should
 * listen on ("" = every address); the MS itself does not care. */
#ifndef MS_MS_H
#define MS_MS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/cp_io.h"
#include "lisp_addr.h"

struct json;

struct ev_loop;
struct lispd_config;
struct ms;

/* Protocol timers. Zero fields take the value shown; tests shrink them. */
struct ms_timing {
	uint32_t reg_lifetime_ms;   /* 180000: a registration without refresh expires */
	uint32_t ttl_unit_ms;       /* 60000: record TTLs count minutes (T bit) */
	uint32_t nonce_window_ms;   /* 600000: exact-replay memory for registers without xTR-ID */
	uint32_t xtr_state_ms;      /* 86400000: last nonce kept per xTR-ID after its last register */
	uint32_t sweep_ms;          /* 60000: how often replay state is pruned */
};

/* Returns NULL (and logs why) when cfg is not an MS configuration or memory
 * runs out. io and loop must outlive the ms. */
struct ms *ms_new(const struct lispd_config *cfg, struct ev_loop *loop, struct cp_io *io);
/* The same with timer overrides (NULL = protocol values). */
struct ms *ms_new_timed(const struct lispd_config *cfg, struct ev_loop *loop, struct cp_io *io,
			const struct ms_timing *timing);

/* The role table's callbacks (core/role.h) take their struct ms as void *:
 * ms_on_control, ms_reload and the ms_json_* answers. */
/* One control datagram received on UDP 4342: src/sport the sender, dst our
 * address it arrived at. Replies go to the sender's port (Map-Notify,
 * Info-Reply) or the inner UDP source port of the ECM (Map-Reply) through
 * io->send. */
void ms_on_control(void *ms, const struct lisp_ip *src, uint16_t sport,
		   const struct lisp_ip *dst, const uint8_t *buf, size_t len);

/* SIGHUP: sites, static sites and RTRs from cfg. A registration is kept only
 * when the site that authenticated it is still there with the same prefix,
 * key-type and key, and still accepts its prefix (more-specifics only where
 * accepted); the others are dropped, each counted
 * (registrations-dropped-on-reload) and logged with the reason. Returns 0,
 * or -1 with nothing changed. */
int ms_reload(void *ms, const struct lispd_config *cfg);

/* The control socket's answers: the configured sites, the registrations,
 * the counters. */
void ms_json_sites(void *ms, struct json *j);
void ms_json_registrations(void *ms, struct json *j);
void ms_json_counters(void *ms, struct json *j);

/* Stops every timer and frees everything. NULL is fine. */
void ms_free(struct ms *ms);

#endif
