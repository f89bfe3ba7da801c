/* Dispatch of received control messages to the protocol modules. */
#include "mn/mn_priv.h"

#include "log.h"

static void on_ecm(struct mn *mn, const struct lisp_ip *src, uint16_t sport,
		   const struct lisp_ip *dst, const uint8_t *buf, size_t len)
{
	struct lisp_ecm *ecm = &mn->rx.u.ecm;

	if (lisp_ecm_decode(buf, len, ecm, NULL)) {
		mn->ctr.rx_malformed++;
		return;
	}
	/* An MN only ever receives Map-Requests forwarded by a map-server. */
	if (lisp_msg_type(ecm->payload, ecm->payload_len) != LISP_MAP_REQUEST) {
		mn->ctr.rx_unexpected++;
		return;
	}
	if (lisp_map_request_decode(ecm->payload, ecm->payload_len, &mn->rx_inner, NULL)) {
		mn->ctr.rx_malformed++;
		return;
	}
	mn_etr_on_request(mn, &mn->rx_inner, src, sport, dst, ecm);
}

void mn_on_control(struct mn *mn, const struct lisp_ip *src, uint16_t sport,
		   const struct lisp_ip *dst, const uint8_t *buf, size_t len)
{
	mn->ctr.rx_packets++;
	switch (lisp_msg_type(buf, len)) {
	case LISP_MAP_REPLY:
		if (lisp_map_reply_decode(buf, len, &mn->rx.u.reply, NULL)) {
			mn->ctr.rx_malformed++;
			return;
		}
		itr_on_reply(&mn->itr, &mn->rx.u.reply);
		return;
	case LISP_MAP_NOTIFY:
		mn_reg_on_notify(mn, src, sport, dst, buf, len);
		return;
	case LISP_MAP_REQUEST:
		if (lisp_map_request_decode(buf, len, &mn->rx.u.request, NULL)) {
			mn->ctr.rx_malformed++;
			return;
		}
		mn_etr_on_request(mn, &mn->rx.u.request, src, sport, dst, NULL);
		return;
	case LISP_ECM:
		on_ecm(mn, src, sport, dst, buf, len);
		return;
	case -1:
		mn->ctr.rx_malformed++;
		return;
	default:
		mn->ctr.rx_unexpected++;
		return;
	}
}
