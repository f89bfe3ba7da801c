/* The one definition of every BPF map layout shared by the data plane
 * (clang -target bpf, after vmlinux.h) and user space (gcc): map names,
 * keys, values, runtime config, counters and miss events.
 *
 * Only fixed-width __uN types and byte arrays, no pointers, explicit padding,
 * so both compilers lay the structs out identically and `bpftool map dump`
 * prints them with field names (the maps carry BTF). Addresses are in network
 * byte order; IPv4 uses addr[0..3] and leaves the rest zero. */
#ifndef LISPD_MAPS_H
#define LISPD_MAPS_H

#ifndef __bpf__
#include <linux/types.h>
#endif

/* Pinned maps outlive the programs and daemons that made them (a restart or
 * lispd-bpf reuses them, bpftool reads them), so the layout of every struct
 * here is an ABI. Each struct is followed by its size and offsets, checked
 * by clang (BPF) and gcc (user space) alike: a change that moves a field
 * fails the build on either side instead of being misread. */
#define LISPD_LAYOUT_SIZE(t, n) _Static_assert(sizeof(struct t) == (n), "size of struct " #t)
#define LISPD_LAYOUT_AT(t, f, n) \
	_Static_assert(__builtin_offsetof(struct t, f) == (n), "offset of " #t "." #f)

#define LISPD_DATA_PORT 4341
#define LISPD_CTRL_PORT 4342

/* Outer header sizes: IP + UDP (8) + LISP (8). */
#define LISPD_LISP_HLEN 8
#define LISPD_OVERHEAD4 (20 + 8 + LISPD_LISP_HLEN)
#define LISPD_OVERHEAD6 (40 + 8 + LISPD_LISP_HLEN)

/* Instance-id 0xFFFFFF on a data packet marks a Data-Map-Notify (NAT traversal). */
#define LISPD_IID_MASK 0xFFFFFFu
#define LISPD_IID_DATA_MAP_NOTIFY 0xFFFFFFu

/* Pinned map names (also the names in the BPF object; at most 15 chars). */
#define LISPD_MAP_MCACHE "lispd_mcache"
#define LISPD_MAP_CONFIG "lispd_cfg"
#define LISPD_MAP_LOCAL_EID "lispd_eids"
#define LISPD_MAP_STATS "lispd_stats"
#define LISPD_MAP_MISS_RB "lispd_miss_rb"
#define LISPD_MAP_MISS_SEEN "lispd_miss_seen"
#define LISPD_MAP_MISS_TB "lispd_miss_tb"
#define LISPD_MAP_EID_SPACE "lispd_eid_space"   /* PxTR object only */
#define LISPD_MAP_LOCAL_RLOC "lispd_rlocs"
#define LISPD_MAP_NAT "lispd_nat"               /* RTR object only */

#define LISPD_MCACHE_MAX 65536
#define LISPD_LOCAL_EID_MAX 64
#define LISPD_MISS_SEEN_MAX 4096
#define LISPD_MISS_RB_BYTES (256 * 1024)
#define LISPD_EID_SPACE_MAX 4096
#define LISPD_LOCAL_RLOC_MAX 16
#define LISPD_NAT_MAX 16384

enum lispd_family {
	LISPD_AF_NONE = 0,
	LISPD_AF_INET = 1,   /* same numbers as the LISP AFI */
	LISPD_AF_INET6 = 2,
};

/* ---- map-cache: LPM trie ------------------------------------------------ */

/* prefixlen counts the 32 bits of iid+family too: an EID prefix /p is stored
 * with prefixlen 32 + p, so a lookup never crosses instances or families. */
#define LISPD_MC_KEY_FIXED_BITS 32

struct lispd_mc_key {
	__u32 prefixlen;
	__u8 iid[3];     /* 24-bit instance-id, big-endian (0 when unused) */
	__u8 family;     /* enum lispd_family */
	__u8 addr[16];
};
LISPD_LAYOUT_SIZE(lispd_mc_key, 24);
LISPD_LAYOUT_AT(lispd_mc_key, prefixlen, 0);
LISPD_LAYOUT_AT(lispd_mc_key, iid, 4);
LISPD_LAYOUT_AT(lispd_mc_key, family, 7);
LISPD_LAYOUT_AT(lispd_mc_key, addr, 8);

#define LISPD_MAX_LOCATORS 8
/* Weights are expanded into at most this many slots (resolution 1/64). */
#define LISPD_SLOTS 64

#define LISPD_LOC_UP 0x01      /* reachable (R bit and not known down) */

struct lispd_locator {
	__u8 family;     /* enum lispd_family */
	__u8 priority;   /* 255: never used for unicast */
	__u8 weight;
	__u8 flags;      /* LISPD_LOC_* */
	__u8 addr[16];
};
LISPD_LAYOUT_SIZE(lispd_locator, 20);
LISPD_LAYOUT_AT(lispd_locator, family, 0);
LISPD_LAYOUT_AT(lispd_locator, priority, 1);
LISPD_LAYOUT_AT(lispd_locator, weight, 2);
LISPD_LAYOUT_AT(lispd_locator, flags, 3);
LISPD_LAYOUT_AT(lispd_locator, addr, 4);

/* A set of locators plus the precomputed choice table: slot[] holds indexes
 * into loc[] for the lowest-priority usable locators, each repeated in
 * proportion to its weight, so BPF picks slot[hash % n_slots] without loops.
 * n_slots == 0 means no usable locator. Built by dp_locset_build(). */
struct lispd_locset {
	__u8 n_locators;
	__u8 n_slots;
	__u8 pad[2];
	struct lispd_locator loc[LISPD_MAX_LOCATORS];
	__u8 slot[LISPD_SLOTS];
};
LISPD_LAYOUT_SIZE(lispd_locset, 228);
LISPD_LAYOUT_AT(lispd_locset, n_locators, 0);
LISPD_LAYOUT_AT(lispd_locset, n_slots, 1);
LISPD_LAYOUT_AT(lispd_locset, pad, 2);
LISPD_LAYOUT_AT(lispd_locset, loc, 4);
LISPD_LAYOUT_AT(lispd_locset, slot, 164);

/* Values equal the Map-Reply ACT codes (RFC 9301 §5.4) so the daemon stores
 * them as received; ENCAP is "no-action" with locators. */
enum lispd_mc_action {
	LISPD_ACT_ENCAP = 0,
	LISPD_ACT_NATIVE_FORWARD = 1,    /* mobile node: encapsulate to the PETR */
	LISPD_ACT_SEND_MAP_REQUEST = 2,  /* forward per miss policy and notify */
	LISPD_ACT_DROP = 3,
	LISPD_ACT_DROP_POLICY = 4,
	LISPD_ACT_DROP_AUTH = 5,
	LISPD_ACT_MAX,
};

struct lispd_mc_value {
	__u8 action;     /* enum lispd_mc_action */
	__u8 pad[3];
	struct lispd_locset ls;
};
LISPD_LAYOUT_SIZE(lispd_mc_value, 232);
LISPD_LAYOUT_AT(lispd_mc_value, action, 0);
LISPD_LAYOUT_AT(lispd_mc_value, pad, 1);
LISPD_LAYOUT_AT(lispd_mc_value, ls, 4);

/* ---- runtime config: ARRAY, one entry at key 0 --------------------------- */

enum lispd_miss_policy {
	LISPD_MISS_DROP = 0,
	LISPD_MISS_PETR = 1,  /* encapsulate to the PETR locators */
};

#define LISPD_CFG_RLOC4 0x01     /* rloc4 is valid */
#define LISPD_CFG_RLOC6 0x02     /* rloc6 is valid */
#define LISPD_CFG_USE_IID 0x04   /* send I=1 + iid; accept only that iid */
#define LISPD_CFG_LMN_MAC 0x08   /* lmn_mac is valid: TC decap addresses frames to it */
/* MN decap: the outer source must be a locator of the inner source's
 * map-cache entry (anti-spoofing; off by default, see docs/DATAPATH.md). */
#define LISPD_CFG_DECAP_SRC_CHECK 0x10

struct lispd_dp_config {
	__u32 flags;          /* LISPD_CFG_* */
	__u32 iid;            /* 24 bits */
	__u32 lmn_ifindex;    /* decapsulated packets are delivered here (ingress) */
	__u32 phys_ifindex;   /* encapsulated packets leave here (IPv6 ones: phys6_ifindex) */
	__u8 rloc4[4];        /* our outer source addresses; also accepted by decap */
	__u8 rloc6[16];
	__u8 miss_policy;     /* enum lispd_miss_policy */
	__u8 pad[3];
	__u32 miss_interval_ms;  /* one miss event per destination per interval */
	__u32 miss_rate;         /* global cap: events per second (0: no events) */
	__u32 miss_burst;        /* bucket depth */
	struct lispd_locset petr;
	/* lmn's own MAC: TC decap writes it as the destination of the frames
	 * it redirects into lmn, or lmn's stack would drop them as addressed
	 * to another host. Without LISPD_CFG_LMN_MAC the MACs are left as they
	 * arrived (lmn must then carry the physical interface's MAC). */
	__u8 lmn_mac[6];
	__u8 pad2[2];
	/* With several RLOC interfaces the best one of each family may differ:
	 * packets with an IPv6 outer header leave here (0: phys_ifindex).
	 * rloc4 lives on phys_ifindex, rloc6 on the IPv6 interface; switching
	 * interfaces is one update of this entry. */
	__u32 phys6_ifindex;
};
LISPD_LAYOUT_SIZE(lispd_dp_config, 292);
LISPD_LAYOUT_AT(lispd_dp_config, flags, 0);
LISPD_LAYOUT_AT(lispd_dp_config, iid, 4);
LISPD_LAYOUT_AT(lispd_dp_config, lmn_ifindex, 8);
LISPD_LAYOUT_AT(lispd_dp_config, phys_ifindex, 12);
LISPD_LAYOUT_AT(lispd_dp_config, rloc4, 16);
LISPD_LAYOUT_AT(lispd_dp_config, rloc6, 20);
LISPD_LAYOUT_AT(lispd_dp_config, miss_policy, 36);
LISPD_LAYOUT_AT(lispd_dp_config, pad, 37);
LISPD_LAYOUT_AT(lispd_dp_config, miss_interval_ms, 40);
LISPD_LAYOUT_AT(lispd_dp_config, miss_rate, 44);
LISPD_LAYOUT_AT(lispd_dp_config, miss_burst, 48);
LISPD_LAYOUT_AT(lispd_dp_config, petr, 52);
LISPD_LAYOUT_AT(lispd_dp_config, lmn_mac, 280);
LISPD_LAYOUT_AT(lispd_dp_config, pad2, 286);
LISPD_LAYOUT_AT(lispd_dp_config, phys6_ifindex, 288);

/* ---- local RLOCs: HASH, every address of ours LISP data may arrive at ----
 * Besides rloc4/rloc6 of the config (the outer sources), decap accepts UDP
 * 4341 to any address here: the RLOCs of every up RLOC interface, so that a
 * peer still sending to the interface we just left behind (make-before-
 * break) is decapsulated. Empty with a single interface. */
struct lispd_rloc_key {
	__u8 family;          /* enum lispd_family */
	__u8 pad[3];
	__u8 addr[16];
};
LISPD_LAYOUT_SIZE(lispd_rloc_key, 20);
LISPD_LAYOUT_AT(lispd_rloc_key, family, 0);
LISPD_LAYOUT_AT(lispd_rloc_key, pad, 1);
LISPD_LAYOUT_AT(lispd_rloc_key, addr, 4);

struct lispd_local_rloc {
	__u32 ifindex;        /* the interface holding the address (for status) */
};
LISPD_LAYOUT_SIZE(lispd_local_rloc, 4);
LISPD_LAYOUT_AT(lispd_local_rloc, ifindex, 0);

/* ---- local EIDs: HASH, exact /32 or /128 within the configured iid ------- */

struct lispd_eid_key {
	__u32 iid;            /* host order, 24 bits */
	__u8 family;
	__u8 pad[3];
	__u8 addr[16];
};
LISPD_LAYOUT_SIZE(lispd_eid_key, 24);
LISPD_LAYOUT_AT(lispd_eid_key, iid, 0);
LISPD_LAYOUT_AT(lispd_eid_key, family, 4);
LISPD_LAYOUT_AT(lispd_eid_key, pad, 5);
LISPD_LAYOUT_AT(lispd_eid_key, addr, 8);

struct lispd_local_eid {
	__u32 flags;          /* reserved */
};
LISPD_LAYOUT_SIZE(lispd_local_eid, 4);
LISPD_LAYOUT_AT(lispd_local_eid, flags, 0);

/* ---- EID space of a PxTR: LPM_TRIE, key struct lispd_mc_key ------------------
 * The EID prefixes the PxTR serves (registered or configured EID space).
 * PETR decap forwards only packets whose inner source lies inside; PITR
 * encap takes only packets whose destination lies inside. Same key layout
 * as the map-cache (instance-id and family inside the prefix). */
struct lispd_eid_space_val {
	__u32 flags;          /* reserved */
};
LISPD_LAYOUT_SIZE(lispd_eid_space_val, 4);
LISPD_LAYOUT_AT(lispd_eid_space_val, flags, 0);

/* ---- NATed nodes of an RTR: LPM_TRIE, key struct lispd_mc_key ------------
 * One entry per node behind a NAT whose registration the RTR relayed and
 * the map-server confirmed (docs/NAT.md 4.2): its EID prefix -> where its
 * NAT lets packets in. Data to the prefix is re-encapsulated from rtr_rloc,
 * UDP 4342, to global_addr:global_port (the reverse of the node's register
 * flow); data from the prefix is relayed only when its outer source is
 * global_addr. IPv4 only, as NAT traversal is (the draft). */
struct lispd_nat_entry {
	__u8 global_addr[4];   /* G: the NAT's public address */
	__u16 global_port;     /* g1: its public port of the node's register flow, host order */
	__u8 flags;            /* reserved, 0 */
	__u8 pad;
	__u8 rtr_rloc[4];      /* R: our RLOC the node registered through (in lispd_rlocs) */
	__u8 private_rloc[4];  /* P: the node's RLOC behind the NAT (for status) */
};
LISPD_LAYOUT_SIZE(lispd_nat_entry, 16);
LISPD_LAYOUT_AT(lispd_nat_entry, global_addr, 0);
LISPD_LAYOUT_AT(lispd_nat_entry, global_port, 4);
LISPD_LAYOUT_AT(lispd_nat_entry, flags, 6);
LISPD_LAYOUT_AT(lispd_nat_entry, pad, 7);
LISPD_LAYOUT_AT(lispd_nat_entry, rtr_rloc, 8);
LISPD_LAYOUT_AT(lispd_nat_entry, private_rloc, 12);

/* ---- miss events ----------------------------------------------------------- */

enum lispd_miss_reason {
	LISPD_MISS_NO_ENTRY = 1,
	LISPD_MISS_NEG_SMR = 2,   /* hit a send-map-request negative entry */
};

struct lispd_miss_event {
	__u64 ts_ns;          /* bpf_ktime_get_ns() */
	__u32 iid;
	__u8 family;
	__u8 reason;          /* enum lispd_miss_reason */
	__u8 pad[2];
	__u8 dst[16];         /* the destination EID that missed */
	__u8 src[16];         /* the local EID that sent it */
};
LISPD_LAYOUT_SIZE(lispd_miss_event, 48);
LISPD_LAYOUT_AT(lispd_miss_event, ts_ns, 0);
LISPD_LAYOUT_AT(lispd_miss_event, iid, 8);
LISPD_LAYOUT_AT(lispd_miss_event, family, 12);
LISPD_LAYOUT_AT(lispd_miss_event, reason, 13);
LISPD_LAYOUT_AT(lispd_miss_event, pad, 14);
LISPD_LAYOUT_AT(lispd_miss_event, dst, 16);
LISPD_LAYOUT_AT(lispd_miss_event, src, 32);

/* Global token bucket state (ARRAY, one entry). Updated without a lock:
 * concurrent CPUs may over-admit by a few events, which only loosens the cap. */
struct lispd_token_bucket {
	__u64 last_ns;
	__u64 tokens_milli;   /* tokens * 1000 */
};
LISPD_LAYOUT_SIZE(lispd_token_bucket, 16);
LISPD_LAYOUT_AT(lispd_token_bucket, last_ns, 0);
LISPD_LAYOUT_AT(lispd_token_bucket, tokens_milli, 8);

/* ---- counters: PERCPU_ARRAY indexed by enum lispd_stat -------------------- */

enum lispd_stat {
	/* decap (TC ingress, physical interface) */
	LISPD_STAT_DECAP_OK = 0,
	LISPD_STAT_DECAP_PASS,              /* not LISP data for us: untouched */
	LISPD_STAT_DECAP_PUNT_DMN,          /* Data-Map-Notify: up to the stack */
	LISPD_STAT_DECAP_L3_FALLBACK,       /* kernel without DECAP_L3 flags */
	LISPD_STAT_DROP_DECAP_TRUNC,        /* outer UDP/LISP or inner header cut short */
	LISPD_STAT_DROP_DECAP_KEY_ID,       /* KK != 0 */
	LISPD_STAT_DROP_DECAP_IID,          /* instance-id not ours */
	LISPD_STAT_DROP_DECAP_INNER_PROTO,  /* inner neither IPv4 nor IPv6 */
	LISPD_STAT_DROP_DECAP_NOT_OUR_EID,  /* never an open relay */
	LISPD_STAT_DROP_DECAP_GSO_FAMILY,   /* no longer counted (kept: indexes are stable) */
	LISPD_STAT_DROP_DECAP_ADJUST,       /* bpf_skb_adjust_room failed */
	/* encap (TC egress, lmn) */
	LISPD_STAT_ENCAP_OK,
	LISPD_STAT_ENCAP_PETR,              /* encapsulated to a PETR locator */
	LISPD_STAT_ENCAP_PASS,              /* not IP from a local EID: untouched */
	LISPD_STAT_MISS,                    /* no map-cache entry */
	LISPD_STAT_NEG_NATIVE_FORWARD,
	LISPD_STAT_NEG_SEND_MAP_REQUEST,
	LISPD_STAT_DROP_NEG_DROP,
	LISPD_STAT_DROP_NEG_POLICY,
	LISPD_STAT_DROP_NEG_AUTH,
	LISPD_STAT_DROP_NEG_UNKNOWN,        /* action value we do not know */
	LISPD_STAT_DROP_MISS_POLICY,        /* miss (or SMR entry) with policy drop */
	LISPD_STAT_DROP_NO_LOCATOR,         /* entry without a usable locator */
	LISPD_STAT_DROP_NO_PETR,            /* PETR wanted, none usable */
	LISPD_STAT_DROP_NO_RLOC,            /* no source RLOC of the outer family */
	LISPD_STAT_DROP_TOO_BIG,            /* too big and no ICMP allowed (an ICMP error, a non-first fragment) */
	LISPD_STAT_DROP_ENCAP_TRUNC,        /* inner header cut short */
	LISPD_STAT_DROP_ENCAP_ADJUST,       /* bpf_skb_adjust_room failed */
	LISPD_STAT_DROP_NO_CONFIG,
	/* miss notification */
	LISPD_STAT_MISS_EVENT,              /* sent to the ring buffer */
	LISPD_STAT_MISS_EVENT_DEDUP,        /* same destination within the interval */
	LISPD_STAT_MISS_EVENT_RATE,         /* global cap reached */
	LISPD_STAT_MISS_EVENT_RB_FULL,
	/* too big for the physical MTU once encapsulated: answered */
	LISPD_STAT_ICMP_FRAG_NEEDED,        /* IPv4 with DF: ICMP frag-needed sent back */
	LISPD_STAT_ICMP_FRAG_NEEDED_NO_DF,  /* IPv4 without DF: answered the same way */
	LISPD_STAT_ICMP6_PKT_TOO_BIG,       /* IPv6: ICMPv6 Packet Too Big sent back */
	/* PxTR (lispd_petr_decap, lispd_pitr_encap) */
	LISPD_STAT_PETR_DECAP_OK,           /* decapsulated, handed to the stack to route */
	LISPD_STAT_DROP_PETR_SRC_NOT_EID,   /* inner source outside the EID space: spoofed */
	LISPD_STAT_PITR_PASS,               /* destination not EID space: untouched */
	LISPD_STAT_PITR_NATIVE_FORWARD,     /* natively-forward entry: left to the stack */
	/* PETR hairpin: inner destination inside the EID space, re-encapsulated */
	LISPD_STAT_PETR_HAIRPIN,            /* re-encapsulated toward the destination's RLOC */
	LISPD_STAT_PETR_HAIRPIN_MISS,       /* destination not in the map-cache: dropped, event raised */
	LISPD_STAT_PETR_HAIRPIN_SRC_MISS,   /* source not in the map-cache: resolved for the way back */
	LISPD_STAT_DROP_PETR_HAIRPIN_LOOP,  /* from our own RLOC, or mapped to it */
	LISPD_STAT_DROP_PETR_HAIRPIN_TTL,   /* TTL / hop limit would reach 0 */
	LISPD_STAT_DROP_PETR_HAIRPIN_TOO_BIG, /* too big for the RLOC interface once re-encapsulated */
	LISPD_STAT_DROP_PETR_HAIRPIN_GSO_FAMILY, /* GSO packet whose outer family would change */
	/* MN decap source check (LISPD_CFG_DECAP_SRC_CHECK) */
	LISPD_STAT_DROP_DECAP_SRC_UNKNOWN,  /* inner source not in the map-cache */
	LISPD_STAT_DROP_DECAP_SRC_NOT_RLOC, /* outer source not a locator of its entry */
	/* RTR (lispd_rtr): LISP data to or from a NATed node (lispd_nat) */
	LISPD_STAT_RTR_TO_NAT,              /* to a NATed node: re-encapsulated to its G:g1 */
	LISPD_STAT_RTR_FROM_NAT,            /* from a NATed node: re-encapsulated to the destination's RLOC */
	LISPD_STAT_RTR_FROM_NAT_PETR,       /* from a NATed node: re-encapsulated to a PETR */
	LISPD_STAT_DROP_RTR_UNKNOWN_EID,    /* neither inner address a NATed node: no open relay */
	LISPD_STAT_DROP_RTR_SRC_NOT_GLOBAL, /* inner source a NATed node, outer source not its NAT */
	LISPD_STAT_DROP_RTR_LOOP,           /* from our own RLOC, or mapped to it */
	LISPD_STAT_DROP_RTR_TTL,            /* TTL / hop limit would reach 0 */
	LISPD_STAT_DROP_RTR_TOO_BIG,        /* too big for the interface once re-encapsulated */
	LISPD_STAT_DROP_RTR_GSO_FAMILY,     /* GSO packet whose outer family would change */
	LISPD_STAT_MAX,
};

#endif
