/* Removing the pins an attach made, for its detach. */
#ifndef DP_UNPIN_H
#define DP_UNPIN_H

#include <stdbool.h>
#include <stddef.h>

/* Unlinks <pin_dir>/<names[i]> for each name (missing ones are fine), then
 * the directory itself when rm_dir. Best effort: nothing to report. */
void dp_unpin_all(const char *pin_dir, const char *const *names, size_t n, bool rm_dir);

#endif
