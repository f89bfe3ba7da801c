/* Constants the BPF side needs that vmlinux.h cannot give (it carries types
 * and enums, not #defines). Values checked against linux-libc-dev's
 * <linux/bpf.h>, <linux/pkt_cls.h> and <linux/if_ether.h>; the two DECAP_L3
 * flags are newer than that header (kernel 6.3, checked against the 6.18
 * BTF enum). Own names, so a vmlinux.h from any kernel never collides. */
#ifndef LISPD_BPF_DEFS_H
#define LISPD_BPF_DEFS_H

#define LISPD_TC_ACT_OK 0
#define LISPD_TC_ACT_SHOT 2
#define LISPD_TC_ACT_REDIRECT 7

#define LISPD_XDP_DROP 1
#define LISPD_XDP_PASS 2

#define LISPD_ETH_HLEN 14
#define LISPD_ETH_P_IP 0x0800
#define LISPD_ETH_P_IPV6 0x86DD

#define LISPD_IPPROTO_ICMP 1
#define LISPD_IPPROTO_TCP 6
#define LISPD_IPPROTO_UDP 17
#define LISPD_IPPROTO_ICMPV6 58

#define LISPD_IP4_HLEN 20
#define LISPD_IP6_HLEN 40
#define LISPD_UDP_HLEN 8

#define LISPD_ADJ_ROOM_MAC 1                /* BPF_ADJ_ROOM_MAC */
#define LISPD_F_ADJ_FIXED_GSO (1ULL << 0)
#define LISPD_F_ADJ_ENCAP_L3_IPV4 (1ULL << 1)
#define LISPD_F_ADJ_ENCAP_L3_IPV6 (1ULL << 2)
#define LISPD_F_ADJ_ENCAP_L4_UDP (1ULL << 4)
#define LISPD_F_ADJ_DECAP_L3_IPV4 (1ULL << 7) /* kernel >= 6.3 */
#define LISPD_F_ADJ_DECAP_L3_IPV6 (1ULL << 8) /* kernel >= 6.3 */
/* BPF_F_ADJ_ROOM_ENCAP_L2(len): inner L2 length in bits 56..63. */
#define LISPD_F_ADJ_ENCAP_L2(len) (((__u64)(len) & 0xff) << 56)

#define LISPD_F_INGRESS 1                   /* BPF_F_INGRESS */
#define LISPD_F_RECOMPUTE_CSUM 1            /* BPF_F_RECOMPUTE_CSUM */
#define LISPD_MTU_CHK_RET_SUCCESS 0

/* LISP header, first byte. */
#define LISPD_LISP_N 0x80
#define LISPD_LISP_I 0x08
#define LISPD_LISP_KK 0x03

/* Hides a value from the optimiser so a bounds check it could prove
 * redundant (the verifier cannot) stays in the code. */
#define lispd_barrier_var(v) asm volatile("" : "+r"(v))

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

#endif
