#include "dp_unpin.h"

#include <unistd.h>

#include "dp_pinned.h"

void dp_unpin_all(const char *pin_dir, const char *const *names, size_t n, bool rm_dir)
{
	char path[4096];

	for (size_t i = 0; i < n; i++) {
		dp_pin_path(path, sizeof(path), pin_dir, names[i]);
		unlink(path);
	}
	if (rm_dir)
		rmdir(pin_dir);
}
