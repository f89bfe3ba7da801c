#include <string.h>

#include "lig.h"

/* Inner header hop limit: what OOR sends, so a map-resolver that checks it
 * sees nothing unusual. */
#define LIG_INNER_TTL 255

int lig_build_request(uint8_t *buf, size_t cap, size_t *out_len, const struct lisp_prefix *eid,
		      const struct lisp_ip *src, uint16_t sport, uint64_t nonce,
		      struct lisp_err *err)
{
	struct lisp_map_request req;
	struct lisp_ecm ecm;
	uint8_t inner[LIG_REQ_BUF];
	size_t inner_len = 0;

	if (eid->addr.kind != LISP_ADDR_IP || src->afi == LISP_AFI_NONE)
		return lisp_fail(err, LISP_ERR_BAD_ARG, "lig request", 0);

	memset(&req, 0, sizeof(req));
	req.nonce = nonce;
	/* lig has no EID of its own: source EID AFI 0, as for a refresh. */
	req.source_eid.kind = LISP_ADDR_NONE;
	req.n_itr = 1;
	lisp_addr_from_ip(&req.itr[0], src);
	req.n_eid = 1;
	req.eid[0] = *eid;
	if (lisp_map_request_encode(inner, sizeof(inner), &inner_len, &req, err) < 0)
		return -1;

	memset(&ecm, 0, sizeof(ecm));
	/* The inner header must be of the EID's family. With an outer source of
	 * the other family there is no address of ours to put there: the
	 * unspecified address says so (the reply goes to the ITR-RLOC anyway). */
	if (src->afi == eid->addr.ip.afi)
		ecm.inner_src = *src;
	else
		ecm.inner_src.afi = eid->addr.ip.afi;
	ecm.inner_dst = eid->addr.ip;
	ecm.inner_ttl = LIG_INNER_TTL;
	ecm.inner_sport = sport;
	ecm.inner_dport = LISP_CONTROL_PORT;
	ecm.payload = inner;
	ecm.payload_len = inner_len;
	return lisp_ecm_encode(buf, cap, out_len, &ecm, err);
}
