/* Logging for lispd and its tools: six levels, stderr (or any stream) or
 * syslog, printf-style, and a rate-limited form for messages that remote
 * input can trigger (a flood of bad packets must not flood the log).
 *
 * The log knows nothing about the daemon. It is not thread-safe: the
 * controller logs from one thread. */
#ifndef LISPD_LOG_H
#define LISPD_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "token_bucket.h"

enum lispd_log_level {
	LISPD_LOG_ERR = 0,
	LISPD_LOG_WARN,
	LISPD_LOG_INFO,
	LISPD_LOG_DEBUG1,
	LISPD_LOG_DEBUG2,
	LISPD_LOG_DEBUG3,
};

enum lispd_log_backend {
	LISPD_LOG_TO_STREAM = 0,  /* stderr unless lispd_log_set_stream() chose another */
	LISPD_LOG_TO_SYSLOG,
};

/* Starts (or restarts) logging. ident prefixes stream lines and names the
 * syslog identity; it must stay valid while logging. Messages above
 * max_level are dropped. */
void lispd_log_open(const char *ident, enum lispd_log_backend backend,
		    enum lispd_log_level max_level);
/* Closes syslog if open; logging falls back to stderr. */
void lispd_log_close(void);
/* Stream for LISPD_LOG_TO_STREAM (a log file, or a test's memstream); NULL = stderr. */
void lispd_log_set_stream(FILE *fp);
void lispd_log_set_level(enum lispd_log_level max_level);
enum lispd_log_level lispd_log_get_level(void);
bool lispd_log_enabled(enum lispd_log_level level);
/* "err", "warn", "info", "debug1".. */
const char *lispd_log_level_name(enum lispd_log_level level);
/* Debug verbosity 0..3 (the config's `debug` and -d) to a level: 0 = info. */
enum lispd_log_level lispd_log_level_from_debug(int debug);

void lispd_log(enum lispd_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void lispd_vlog(enum lispd_log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Token bucket of one call site: up to `burst` messages at once, then one
 * more every `interval_ms`. Messages over the budget are counted, and the
 * next message that passes says how many were suppressed. */
struct lispd_log_ratelimit {
	uint32_t burst;
	uint32_t interval_ms;  /* one message more per interval; 0: burst only */
	bool started;
	struct tbucket b;
	uint64_t suppressed;   /* dropped since the last message that passed */
};

#define LISPD_LOG_RATELIMIT_INIT(burst_, interval_ms_) \
	{ .burst = (burst_), .interval_ms = (interval_ms_) }

/* The bucket alone, with the caller's clock (milliseconds, monotonic): true
 * if a message may pass now. When it passes, *suppressed (if non-NULL)
 * receives the count dropped before it, and the count restarts. */
bool lispd_log_ratelimit_pass(struct lispd_log_ratelimit *rl, uint64_t now_ms,
			      uint64_t *suppressed);

void lispd_log_ratelimited(struct lispd_log_ratelimit *rl, enum lispd_log_level level,
			   const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* One bucket per call site: 10 messages at once, then one a second. */
#define lispd_log_rl(level, ...)                                                  \
	do {                                                                      \
		static struct lispd_log_ratelimit lispd_rl_ =                     \
			LISPD_LOG_RATELIMIT_INIT(10, 1000);                       \
		lispd_log_ratelimited(&lispd_rl_, (level), __VA_ARGS__);          \
	} while (0)

#define log_err(...) lispd_log(LISPD_LOG_ERR, __VA_ARGS__)
#define log_warn(...) lispd_log(LISPD_LOG_WARN, __VA_ARGS__)
#define log_info(...) lispd_log(LISPD_LOG_INFO, __VA_ARGS__)
#define log_debug1(...) lispd_log(LISPD_LOG_DEBUG1, __VA_ARGS__)
#define log_debug2(...) lispd_log(LISPD_LOG_DEBUG2, __VA_ARGS__)
#define log_debug3(...) lispd_log(LISPD_LOG_DEBUG3, __VA_ARGS__)

#endif
