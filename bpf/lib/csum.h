/* Internet checksum pieces (RFC 1071, RFC 1624) for headers built or edited
 * in BPF. Values are 16-bit words in host order that stand for big-endian
 * bytes on the wire. */
#ifndef LISPD_BPF_CSUM_H
#define LISPD_BPF_CSUM_H

static __always_inline __u16 lispd_csum_fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* IPv4 header checksum over a 20-byte header built on the stack. */
static __always_inline __u16 lispd_ip4_hdr_csum(const __u8 *h)
{
	__u32 sum = 0;
	int i;

#pragma unroll
	for (i = 0; i < 20; i += 2)
		sum += ((__u32)h[i] << 8) | h[i + 1];
	return (__u16)~lispd_csum_fold(sum);
}

/* Checksum after one 16-bit word of the covered data changed from old to
 * new: HC' = ~(~HC + ~m + m') (RFC 1624 eqn. 3). */
static __always_inline __u16 lispd_csum16_replace(__u16 csum, __u16 old, __u16 new)
{
	__u32 sum = (__u16)~csum;

	sum += (__u16)~old;
	sum += new;
	return (__u16)~lispd_csum_fold(sum);
}

#endif
