/* The mobile node's entry in lispd's role table (ctl/roles.c). */
#ifndef MN_MN_ROLE_H
#define MN_MN_ROLE_H

#include "core/role.h"

extern const struct role mn_role;

#endif
