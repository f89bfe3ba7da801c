/* The roles this lispd runs: one entry per operating-mode (core/role.h). */
#include "core/role.h"
#include "mn/mn_role.h"
#include "ms/ms_role.h"
#include "pxtr/pxtr_role.h"
#include "rtr/rtr_role.h"

static const struct role *const roles[] = {
	&mn_role,
	&ms_role,
	&pxtr_role,
	&rtr_role,
};

#define N_ROLES (sizeof(roles) / sizeof(roles[0]))

unsigned role_count(void)
{
	return N_ROLES;
}

const struct role *role_at(unsigned i)
{
	return i < N_ROLES ? roles[i] : NULL;
}

const struct role *role_find(enum lispd_cfg_mode mode)
{
	for (unsigned i = 0; i < N_ROLES; i++)
		if (roles[i]->mode == mode)
			return roles[i];
	return NULL;
}
