#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lisp_nonce.h"
#include "state.h"

struct lispd_state {
	char *dir;
	uint64_t next;        /* next nonce to hand out */
	uint64_t reserved;    /* first nonce not yet reserved on disk */
	uint8_t xtr_id[STATE_XTR_ID_LEN];
};

static void path_of(char *buf, size_t len, const char *dir, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

/* Replaces dir/name with text so that after a crash either the old or the
 * new content is there, never a torn file. */
static int write_atomic(const char *dir, const char *name, const char *text)
{
	char path[4096], tmp[4200];
	size_t len = strlen(text);
	int fd, dfd, rc = -1;

	path_of(path, sizeof(path), dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (write(fd, text, len) == (ssize_t)len && fsync(fd) == 0)
		rc = 0;
	if (close(fd) && rc == 0)
		rc = -1;
	if (rc == 0)
		rc = rename(tmp, path);
	if (rc) {
		int e = errno;

		unlink(tmp);
		errno = e;
		return -1;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		rc = fsync(dfd);
		close(dfd);
	}
	return rc;
}

/* Reads a small text file; 1 when absent, 0 when read, -1 on error. */
static int read_small(const char *dir, const char *name, char *buf, size_t len)
{
	char path[4096];
	ssize_t n;
	int fd;

	path_of(path, sizeof(path), dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 1 : -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

static int reserve(struct lispd_state *st, uint64_t upto)
{
	char text[32];

	snprintf(text, sizeof(text), "%" PRIu64 "\n", upto);
	if (write_atomic(st->dir, "nonce", text))
		return -1;
	st->reserved = upto;
	return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		return -1;
	*out = strtoull(s, &end, 10);
	if (errno || (*end != '\n' && *end != '\0'))
		return -1;
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int load_nonce(struct lispd_state *st, char *errbuf, size_t errlen)
{
	char text[64];
	uint64_t start;
	int rc = read_small(st->dir, "nonce", text, sizeof(text));

	if (rc < 0) {
		snprintf(errbuf, errlen, "%s/nonce: %s", st->dir, strerror(errno));
		return -1;
	}
	if (rc == 1) {
		/* A fresh counter starts from the wall clock, so that a lost
		 * state directory still yields nonces above those sent before
		 * (2^20 registrations per second of downtime is ample). */
		start = ((uint64_t)time(NULL) << 20) | 1;
	} else if (parse_u64(text, &start) || start == 0 ||
		   start > UINT64_MAX - 2 * (uint64_t)STATE_NONCE_BLOCK) {
		/* Never guess: a wrong guess could repeat nonces. */
		snprintf(errbuf, errlen, "%s/nonce: not a valid counter; remove it only if "
			 "the map-servers may see nonces start over", st->dir);
		return -1;
	}
	st->next = start;
	if (reserve(st, start + STATE_NONCE_BLOCK)) {
		snprintf(errbuf, errlen, "%s/nonce: %s", st->dir, strerror(errno));
		return -1;
	}
	return 0;
}

static int load_xtr_id(struct lispd_state *st, char *errbuf, size_t errlen)
{
	char text[80];
	int rc = read_small(st->dir, "xtr-id", text, sizeof(text));
	unsigned i;

	if (rc < 0) {
		snprintf(errbuf, errlen, "%s/xtr-id: %s", st->dir, strerror(errno));
		return -1;
	}
	if (rc == 0) {
		for (i = 0; i < STATE_XTR_ID_LEN; i++) {
			int hi = hexval(text[2 * i]), lo = hi < 0 ? -1 : hexval(text[2 * i + 1]);

			if (lo < 0)
				break;
			st->xtr_id[i] = (uint8_t)(hi << 4 | lo);
		}
		if (i == STATE_XTR_ID_LEN &&
		    (text[2 * i] == '\n' || text[2 * i] == '\0'))
			return 0;
		snprintf(errbuf, errlen, "%s/xtr-id: not 32 hexadecimal digits", st->dir);
		return -1;
	}
	if (lisp_random_bytes(st->xtr_id, sizeof(st->xtr_id))) {
		snprintf(errbuf, errlen, "random source: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < STATE_XTR_ID_LEN; i++)
		snprintf(text + 2 * i, 3, "%02x", st->xtr_id[i]);
	strcat(text, "\n");
	if (write_atomic(st->dir, "xtr-id", text)) {
		snprintf(errbuf, errlen, "%s/xtr-id: %s", st->dir, strerror(errno));
		return -1;
	}
	return 0;
}

struct lispd_state *state_open(const char *dir, char *errbuf, size_t errlen)
{
	struct lispd_state *st = calloc(1, sizeof(*st));
	struct stat sb;

	if (!st || !(st->dir = strdup(dir ? dir : STATE_DIR_DEFAULT))) {
		snprintf(errbuf, errlen, "out of memory");
		free(st);
		return NULL;
	}
	if (mkdir(st->dir, 0700) && errno != EEXIST) {
		snprintf(errbuf, errlen, "state directory %s: %s", st->dir, strerror(errno));
		goto fail;
	}
	if (stat(st->dir, &sb) || !S_ISDIR(sb.st_mode)) {
		snprintf(errbuf, errlen, "state directory %s: not a directory", st->dir);
		goto fail;
	}
	if (load_nonce(st, errbuf, errlen) || load_xtr_id(st, errbuf, errlen))
		goto fail;
	return st;
fail:
	state_close(st);
	return NULL;
}

void state_close(struct lispd_state *st)
{
	if (!st)
		return;
	free(st->dir);
	free(st);
}

const char *state_dir(const struct lispd_state *st)
{
	return st->dir;
}

int state_next_nonce(struct lispd_state *st, uint64_t *out)
{
	if (st->next >= st->reserved) {
		if (st->reserved > UINT64_MAX - STATE_NONCE_BLOCK) {
			errno = EOVERFLOW;
			return -1;
		}
		if (reserve(st, st->reserved + STATE_NONCE_BLOCK))
			return -1;
	}
	*out = st->next++;
	return 0;
}

const uint8_t *state_xtr_id(const struct lispd_state *st)
{
	return st->xtr_id;
}
