/* The host side of the configuration: which physical interface carries our
 * RLOCs and which addresses they are, found through rtnetlink at start
 * (the database-mapping's interfaces, or the interface holding a local
 * rloc-address). Following RLOC changes (mobility) comes later. */
#ifndef MN_RLOCS_H
#define MN_RLOCS_H

#include <stddef.h>

#include "mn/host.h"

struct lispd_config;   /* lib/config.h */

/* Fills plan's ifaces, phys_name, rlocs, eids, iid and petrs from cfg and
 * the host's current addresses (pin_dir, lmn_name and table are left
 * alone). Every interface of a database-mapping (rloc-iface, LISPmob's
 * interface, the interface of a local rloc-address) is an RLOC interface
 * with the priority/weight its first entry gives per family; phys_name and
 * rlocs are the best-priority ones usable now (mn/locset). Interfaces that
 * are missing, down (when there are several) or hold no usable address are
 * skipped with a warning, but at least one RLOC must exist now. 0, or -1
 * with errbuf filled; the host is not changed either way. */
int rlocs_plan(const struct lispd_config *cfg, struct host_plan *plan, char *errbuf,
	       size_t errlen);

#endif
