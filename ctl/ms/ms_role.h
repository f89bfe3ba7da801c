/* The Map-Server/Map-Resolver's entry in lispd's role table (ctl/roles.c). */
#ifndef MS_MS_ROLE_H
#define MS_MS_ROLE_H

#include "core/role.h"

extern const struct role ms_role;

#endif
