/* Dispatch of received control messages to the protocol modules. */
#include "mn/mn_priv.h"

#include "log.h"

void mn_rx_malformed(struct mn *mn, const struct lisp_err *err, enum lisp_err_code fallback)
{
	mn->ctr.rx_malformed++;
	rx_errs_add(&mn->rx_errs, err, fallback);
}

static void on_ecm(struct mn *mn, const struct lisp_ip *src, uint16_t sport,
		   const struct lisp_ip *dst, const uint8_t *buf, size_t len)
{
	struct lisp_ecm *ecm = &mn->rx.u.ecm;
	struct lisp_err err = { 0 };

	if (lisp_ecm_decode(buf, len, ecm, &err)) {
		mn_rx_malformed(mn, &err, LISP_ERR_TRUNCATED);
		return;
	}
	/* An MN only ever receives Map-Requests forwarded by a map-server. */
	if (lisp_msg_type(ecm->payload, ecm->payload_len) != LISP_MAP_REQUEST) {
		mn->ctr.rx_unexpected++;
		return;
	}
	if (lisp_map_request_decode(ecm->payload, ecm->payload_len, &mn->rx_inner, &err)) {
		mn_rx_malformed(mn, &err, LISP_ERR_TRUNCATED);
		return;
	}
	mn_etr_on_request(mn, &mn->rx_inner, src, sport, dst, ecm);
}

void mn_on_control(void *arg, const struct lisp_ip *src, uint16_t sport,
		   const struct lisp_ip *dst, const uint8_t *buf, size_t len)
{
	struct mn *mn = arg;
	struct lisp_err err = { 0 };

	mn->ctr.rx_packets++;
	switch (lisp_msg_type(buf, len)) {
	case LISP_MAP_REPLY:
		if (lisp_map_reply_decode(buf, len, &mn->rx.u.reply, &err)) {
			mn_rx_malformed(mn, &err, LISP_ERR_TRUNCATED);
			return;
		}
		itr_on_reply(&mn->itr, &mn->rx.u.reply);
		return;
	case LISP_MAP_NOTIFY:
		mn_reg_on_notify(mn, src, sport, dst, buf, len);
		return;
	case LISP_MAP_REQUEST:
		if (lisp_map_request_decode(buf, len, &mn->rx.u.request, &err)) {
			mn_rx_malformed(mn, &err, LISP_ERR_TRUNCATED);
			return;
		}
		mn_etr_on_request(mn, &mn->rx.u.request, src, sport, dst, NULL);
		return;
	case LISP_ECM:
		on_ecm(mn, src, sport, dst, buf, len);
		return;
	case LISP_INFO:
		mn_nat_on_info(mn, buf, len);
		return;
	case -1:  /* empty datagram */
		mn_rx_malformed(mn, NULL, LISP_ERR_TRUNCATED);
		return;
	default:
		mn->ctr.rx_unexpected++;
		return;
	}
}
