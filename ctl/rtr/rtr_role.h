/* The RTR's entry in lispd's role table (ctl/roles.c). */
#ifndef RTR_RTR_ROLE_H
#define RTR_RTR_ROLE_H

#include "core/role.h"

extern const struct role rtr_role;

#endif
