/* What NAT detection tells the user: state names, the reason an RLOC is
 * not registered, the log lines of a change and the detail of the status
 * answers (natdetect.h). */
#include "mn/mn_priv.h"

#include <stdio.h>

#include "log.h"

const char *mn_nat_state_name(enum mn_nat_state s)
{
	switch (s) {
	case MN_NAT_UNKNOWN:
		return "unknown";
	case MN_NAT_PUBLIC:
		return "public";
	case MN_NAT_BEHIND:
		return "behind NAT";
	}
	return "?";
}

/* Why an RLOC behind a NAT is not registered, in the user's terms. */
static const char *why_not_registered(const struct mn_nat_probe *p)
{
	if (!p->mn->conf.nat_traversal)
		return p->n_rtr ? "NAT traversal is off in the configuration "
				  "(nat_traversal_support)"
				: "NAT traversal is off in the configuration "
				  "(nat_traversal_support) and the map-server offers no RTR";
	if (p->n_rtr == 0)
		return "the map-server offers no RTR";
	return "registration through an RTR is not implemented yet";
}

static const char *rtrs_text(const struct mn_nat_probe *p, char *buf, size_t len)
{
	char a[LISP_ADDR_STRLEN];
	size_t at = 0;

	snprintf(buf, len, "none");
	for (unsigned i = 0; i < p->n_rtr && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%s", i ? ", " : "",
				       lisp_ip_format(&p->rtr[i], a, sizeof(a)));
	return buf;
}

void mn_nat_say_state(const struct mn_nat_probe *p)
{
	char r[LISP_ADDR_STRLEN], m[LISP_ADDR_STRLEN], g[LISP_ADDR_STRLEN], rtrs[256];

	lisp_ip_format(&p->rloc, r, sizeof(r));
	lisp_ip_format(&p->ms_addr, m, sizeof(m));
	switch (p->state) {
	case MN_NAT_PUBLIC:
		log_info("mn: %s is public: map-server %s sees it as it is", r, m);
		return;
	case MN_NAT_BEHIND:
		log_warn("mn: %s is behind a NAT: map-server %s sees %s:%u (RTRs offered: %s); "
			 "not reachable there, so not registered with that map-server: %s", r, m,
			 lisp_ip_format(&p->global, g, sizeof(g)), p->global_port,
			 rtrs_text(p, rtrs, sizeof(rtrs)), why_not_registered(p));
		return;
	case MN_NAT_UNKNOWN:
		log_info("mn: NAT state of %s at map-server %s unknown again: no Info-Reply to "
			 "%u Info-Requests; registered as usual", r, m, p->tries);
		return;
	}
}

void mn_nat_say_unanswered(const struct mn_nat_probe *p)
{
	char r[LISP_ADDR_STRLEN], m[LISP_ADDR_STRLEN];

	log_info("mn: map-server %s does not answer Info-Requests from %s (%u sent): NAT state "
		 "unknown, registered as usual", lisp_ip_format(&p->ms_addr, m, sizeof(m)),
		 lisp_ip_format(&p->rloc, r, sizeof(r)), p->tries);
}

const char *mn_nat_detail(const struct mn_nat_probe *p, char *buf, size_t len)
{
	switch (p->state) {
	case MN_NAT_PUBLIC:
		snprintf(buf, len, "the map-server sees this address and port %u",
			 LISP_CONTROL_PORT);
		break;
	case MN_NAT_BEHIND:
		snprintf(buf, len, "not registered: %s", why_not_registered(p));
		break;
	case MN_NAT_UNKNOWN:
		if (p->unanswered)
			snprintf(buf, len, "no Info-Reply to %u Info-Requests: the map-server "
				 "does not answer them (no NAT traversal) or is unreachable; "
				 "registered as usual", p->tries);
		else
			snprintf(buf, len, "no Info-Reply yet");
		break;
	}
	return buf;
}
