/* The PxTR's entry in lispd's role table (ctl/roles.c). */
#ifndef PXTR_PXTR_ROLE_H
#define PXTR_PXTR_ROLE_H

#include "core/role.h"

extern const struct role pxtr_role;

#endif
