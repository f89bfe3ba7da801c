/* The daemon's persistent state directory (default /var/lib/lispd):
 *
 *   nonce   the Map-Register nonce counter's reservation: every nonce below
 *           the number in this file may have been used. The daemon reserves
 *           blocks of STATE_NONCE_BLOCK ahead (written and fsynced before the
 *           first nonce of a block is handed out), so after a crash or a
 *           restart the counter resumes above anything ever sent.
 *   xtr-id  the 128-bit xTR-ID, generated once from the kernel CSPRNG.
 *
 * Files are replaced atomically (write, fsync, rename, fsync dir). */
#ifndef CORE_STATE_H
#define CORE_STATE_H

#include <stddef.h>
#include <stdint.h>

#define STATE_DIR_DEFAULT "/var/lib/lispd"
#define STATE_NONCE_BLOCK 1024u
#define STATE_XTR_ID_LEN 16

struct lispd_state;

/* Creates dir (mode 0700) if missing, loads or creates both files and
 * reserves the first nonce block. NULL with errbuf filled on failure. */
struct lispd_state *state_open(const char *dir, char *errbuf, size_t errlen);
void state_close(struct lispd_state *st);

const char *state_dir(const struct lispd_state *st);

/* The next Map-Register nonce: strictly greater than every nonce returned
 * before, in this process or an earlier one. 0, or -1 (errno) when the next
 * block cannot be reserved on disk; no nonce is returned unreserved. */
int state_next_nonce(struct lispd_state *st, uint64_t *out);

/* 16 bytes, stable across restarts. */
const uint8_t *state_xtr_id(const struct lispd_state *st);

#endif
