/* Internals shared by config*.c: the libConfuse parse with line tracking,
 * and value checks. Not for use outside lib/config*.c. */
#ifndef LISPD_CONFIG_PRIV_H
#define LISPD_CONFIG_PRIV_H

#include <confuse.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* libConfuse keeps no line per value, so a callback run while parsing
 * records one for every value and section; this table maps (option, index)
 * and (section, start) to lines. */
struct cfg_line_slot {
	const void *key;
	unsigned idx;
	int line;
};

struct lispd_cfg_ctx {
	const char *name;       /* file name used in messages */
	char *errbuf;
	size_t errlen;
	bool failed;
	struct cfg_line_slot *slots;
	size_t cap, used;
	const cfg_opt_t *last_opt;  /* the option of the previous callback */
	unsigned last_idx;
	uint64_t last_hash;         /* of that callback's value */
	int key_line;               /* line of the latest `key` value */
};

/* Parses text with the lispd.conf schema. Returns the tree, or NULL with
 * the error in ctx. */
cfg_t *lispd_cfg_parse(struct lispd_cfg_ctx *ctx, const char *text);
void lispd_cfg_ctx_release(struct lispd_cfg_ctx *ctx);

/* Records "NAME:LINE: SECTION: message" (line <= 0: no line; section
 * NULL: none); only the first error is kept. Returns -1. */
int lispd_cfg_fail(struct lispd_cfg_ctx *ctx, int line, const char *section,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Line of a value of option `name` in section sec (0 if unknown), and of a
 * section (its first value, or its closing brace when empty). */
int lispd_cfg_line(struct lispd_cfg_ctx *ctx, cfg_t *sec, const char *name, unsigned idx);
int lispd_cfg_sec_line(struct lispd_cfg_ctx *ctx, cfg_t *sec);

/* Value checks: each returns 0, or -1 after lispd_cfg_fail naming the key. */
struct cfg_val {
	struct lispd_cfg_ctx *ctx;
	cfg_t *sec;
	const char *section;   /* name shown in messages, NULL at top level */
};

bool lispd_cfg_has(cfg_t *sec, const char *name);
int lispd_cfg_get_uint(const struct cfg_val *v, const char *name, unsigned idx, long min,
		       long max, long def, long *out);
int lispd_cfg_get_bool(const struct cfg_val *v, const char *name, bool def, bool *out);
/* An IP literal; a host name gets "FQDNs are not supported yet". */
int lispd_cfg_get_ip(const struct cfg_val *v, const char *name, unsigned idx,
		     struct lisp_ip *out);
int lispd_cfg_get_ifname(const struct cfg_val *v, const char *name, char *out, size_t len);
/* eid-prefix plus iid (the iid key, or "[iid]" in the prefix). */
int lispd_cfg_get_eid(const struct cfg_val *v, struct lisp_prefix *out);
/* Fails with "missing NAME" when absent. */
int lispd_cfg_require(const struct cfg_val *v, const char *name);

/* The secret `key`: a heap copy in *key (never quoted in messages). */
int lispd_cfg_get_key(const struct cfg_val *v, uint8_t **key, size_t *key_len);
/* A name other keys refer to (ms-rtr-node, ms-rtrs-set): required, printable,
 * shorter than len. */
int lispd_cfg_get_name(const struct cfg_val *v, const char *name, char *out, size_t len);

/* Adds "NAME:LINE: KEY: text" to c's notes (a feature asked for and not
 * done yet). Returns 0, or -1 when they are full (an error of ours). */
int lispd_cfg_note(struct lispd_cfg_ctx *ctx, struct lispd_config *c, int line, const char *key,
		   const char *text);

/* operating-mode of the parsed tree (MN when absent). */
enum lispd_cfg_mode lispd_cfg_mode_of(cfg_t *root);
/* Refuses the keys and sections of the other role. */
int lispd_cfg_check_role_keys(struct lispd_cfg_ctx *ctx, cfg_t *root, enum lispd_cfg_mode mode);
/* The Map-Server role: lisp-site, ms-static-registered-site, control-iface. */
int lispd_cfg_read_ms(struct lispd_cfg_ctx *ctx, cfg_t *root, struct lispd_config *c);
/* One ms-static-registered-site section into m. */
int lispd_cfg_read_static_site(struct lispd_cfg_ctx *ctx, cfg_t *sec, struct lispd_cfg_mapping *m);

/* The PxTR role: the pxtr section (after map-resolver and static-map-cache
 * were read). */
int lispd_cfg_read_pxtr(struct lispd_cfg_ctx *ctx, cfg_t *root, struct lispd_config *c);

/* NAT traversal of a mobile node: nat_traversal_support or LISPmob's
 * nat-traversal section, nat-keepalive-interval. */
int lispd_cfg_read_nat(struct lispd_cfg_ctx *ctx, cfg_t *root, struct lispd_config *c);
/* In other roles nat_traversal_support may only be off. */
int lispd_cfg_refuse_nat(struct lispd_cfg_ctx *ctx, cfg_t *root, enum lispd_cfg_mode mode);
/* The Map-Server's RTRs: ms-rtr-node, ms-rtrs-set, ms-advertised-rtrs-set. */
int lispd_cfg_read_ms_rtrs(struct lispd_cfg_ctx *ctx, cfg_t *root, struct lispd_config *c);
/* The RTR role: rtr-ifaces and rtr-ms-node (after map-resolver and
 * static-map-cache were read). */
int lispd_cfg_read_rtr(struct lispd_cfg_ctx *ctx, cfg_t *root, struct lispd_config *c);

/* database-mapping and static-map-cache sections into c. */
int lispd_cfg_read_mappings(struct lispd_cfg_ctx *ctx, cfg_t *root, struct lispd_config *c);

#endif
