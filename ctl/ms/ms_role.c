/* operating-mode = MS: the Map-Server and Map-Resolver as a role of lispd
 * (core/role.h). The host is not changed: only the UDP 4342 sockets, bound
 * to control-iface when one is configured. */
#include <net/if.h>

#include "core/nl.h"
#include "core/role.h"
#include "json.h"
#include "log.h"
#include "ms/ms.h"
#include "ms/ms_role.h"

static void describe(const struct lispd_config *cfg, const char *path, FILE *out)
{
	fprintf(out, "%s: operating-mode MS: %u lisp-site(s), %u static registered site(s), "
		"control-iface %s\n", path, cfg->n_sites, cfg->n_static_sites,
		cfg->control_iface[0] ? cfg->control_iface : "(every address)");
	if (cfg->n_ms_rtrs)
		fprintf(out, "%s: %u ms-rtr-node(s), %u ms-rtrs-set(s), advertised: %s\n", path,
			cfg->n_ms_rtrs, cfg->n_rtr_sets,
			cfg->advertise_rtrs ? cfg->rtr_sets[cfg->advertised_rtr_set].name : "none");
}

static int check(struct lispd *d)
{
	const char *ifname = d->cfg.control_iface;

	if (ifname[0] && !if_nametoindex(ifname)) {
		log_err("%s: control-iface %s: no such interface", d->config_path, ifname);
		return -1;
	}
	return 0;
}

/* With control-iface, control messages are taken from that interface only
 * (SO_BINDTODEVICE) and answered from its addresses; without, from every
 * address. */
static int cp_setup(struct lispd *d)
{
	static const uint16_t afis[2] = { LISP_AFI_IPV4, LISP_AFI_IPV6 };
	const char *ifname = d->cfg.control_iface;
	unsigned n_addrs = 0;
	char err[512];

	if (!ifname[0])
		return 0;
	if (cp_sock_bind_iface(&d->cp, ifname, err, sizeof(err))) {
		log_err("%s", err);
		return -1;
	}
	for (unsigned i = 0; i < 2; i++) {
		struct lisp_ip a;

		if (nl_iface_addr(ifname, afis[i], &a) == 0) {
			cp_sock_set_rloc(&d->cp, afis[i], &a);
			n_addrs++;
		}
	}
	if (!n_addrs)
		log_warn("control-iface %s has no usable address yet", ifname);
	return 0;
}

static int create(struct lispd *d)
{
	const char *ifname = d->cfg.control_iface;

	d->obj = ms_new(&d->cfg, d->loop, &d->cp.io);
	if (!d->obj)
		return -1;
	log_info("Map-Server/Map-Resolver on UDP %u%s%s", d->cp.port,
		 ifname[0] ? ", interface " : ", every address", ifname);
	return 0;
}

static void stop(struct lispd *d)
{
	ms_free(d->obj);
}

static void json_ip(struct json *j, const struct lisp_ip *ip)
{
	char buf[64];

	json_str(j, NULL, nl_ip_str(ip, buf, sizeof(buf)));
}

/* No host state: only where the control messages come in. */
static void daemon_json(struct lispd *d, struct json *j)
{
	json_str(j, "control_iface", d->cfg.control_iface);
	json_arr_begin(j, "listen");
	if (d->cp.have_rloc4)
		json_ip(j, &d->cp.rloc4);
	if (d->cp.have_rloc6)
		json_ip(j, &d->cp.rloc6);
	json_arr_end(j);
}

/* The Map-Server has no status of its own beyond its counters. */
static const struct role_answer answers[] = {
	{ "status", ms_json_counters },
	{ "counters", ms_json_counters },
	{ "sites", ms_json_sites },
	{ "registrations", ms_json_registrations },
	{ NULL, NULL },
};

/* It keeps no capability: it only answers on UDP sockets bound at start
 * (port 4342, not below 1024) and reads its configuration. */
const struct role ms_role = {
	.mode = LISPD_MODE_MS, .name = "MS", .key = "ms",
	.dp = NULL, .caps_kept = 0,
	.describe = describe,
	.check = check, .cp_setup = cp_setup, .create = create, .stop = stop,
	.on_control = ms_on_control,
	.reload = ms_reload, .reload_note = "control-iface takes effect at restart",
	.answers = answers, .daemon_json = daemon_json,
};
