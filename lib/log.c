#include "log.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#define LOG_LINE_MAX 1024

static struct {
	const char *ident;
	enum lispd_log_backend backend;
	enum lispd_log_level max_level;
	FILE *stream;
	bool syslog_open;
} logger = {
	.ident = "lispd",
	.backend = LISPD_LOG_TO_STREAM,
	.max_level = LISPD_LOG_INFO,
};

static const char *const level_names[] = {
	[LISPD_LOG_ERR] = "err",
	[LISPD_LOG_WARN] = "warn",
	[LISPD_LOG_INFO] = "info",
	[LISPD_LOG_DEBUG1] = "debug1",
	[LISPD_LOG_DEBUG2] = "debug2",
	[LISPD_LOG_DEBUG3] = "debug3",
};

static enum lispd_log_level clamp_level(enum lispd_log_level level)
{
	if ((int)level < LISPD_LOG_ERR)
		return LISPD_LOG_ERR;
	if (level > LISPD_LOG_DEBUG3)
		return LISPD_LOG_DEBUG3;
	return level;
}

void lispd_log_open(const char *ident, enum lispd_log_backend backend,
		    enum lispd_log_level max_level)
{
	lispd_log_close();
	logger.ident = ident ? ident : "lispd";
	logger.backend = backend;
	logger.max_level = clamp_level(max_level);
	if (backend == LISPD_LOG_TO_SYSLOG) {
		openlog(logger.ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
		logger.syslog_open = true;
	}
}

void lispd_log_close(void)
{
	if (logger.syslog_open)
		closelog();
	logger.syslog_open = false;
	logger.backend = LISPD_LOG_TO_STREAM;
}

void lispd_log_set_stream(FILE *fp)
{
	logger.stream = fp;
}

void lispd_log_set_level(enum lispd_log_level max_level)
{
	logger.max_level = clamp_level(max_level);
}

enum lispd_log_level lispd_log_get_level(void)
{
	return logger.max_level;
}

bool lispd_log_enabled(enum lispd_log_level level)
{
	return level <= logger.max_level;
}

const char *lispd_log_level_name(enum lispd_log_level level)
{
	if ((int)level < LISPD_LOG_ERR || level > LISPD_LOG_DEBUG3)
		return "?";
	return level_names[level];
}

enum lispd_log_level lispd_log_level_from_debug(int debug)
{
	if (debug <= 0)
		return LISPD_LOG_INFO;
	if (debug >= 3)
		return LISPD_LOG_DEBUG3;
	return (enum lispd_log_level)(LISPD_LOG_INFO + debug);
}

static int syslog_priority(enum lispd_log_level level)
{
	switch (level) {
	case LISPD_LOG_ERR:
		return LOG_ERR;
	case LISPD_LOG_WARN:
		return LOG_WARNING;
	case LISPD_LOG_INFO:
		return LOG_INFO;
	default:
		return LOG_DEBUG;
	}
}

/* Messages often quote what a peer sent (names, reasons): control bytes in
 * them must not forge extra log lines or terminal escapes. */
static void neutralize_controls(char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f)
			*s = '?';
	}
}

static void emit(enum lispd_log_level level, const char *msg)
{
	if (logger.backend == LISPD_LOG_TO_SYSLOG && logger.syslog_open) {
		syslog(syslog_priority(level), "%s", msg);
		return;
	}
	FILE *fp = logger.stream ? logger.stream : stderr;

	fprintf(fp, "%s: %s: %s\n", logger.ident, level_names[level], msg);
	fflush(fp);
}

void lispd_vlog(enum lispd_log_level level, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];

	level = clamp_level(level);
	if (!lispd_log_enabled(level))
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	neutralize_controls(line);
	emit(level, line);
}

void lispd_log(enum lispd_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lispd_vlog(level, fmt, ap);
	va_end(ap);
}

bool lispd_log_ratelimit_pass(struct lispd_log_ratelimit *rl, uint64_t now_ms,
			      uint64_t *suppressed)
{
	const struct tb_rate r = {
		.tokens = rl->interval_ms ? 1 : 0,
		.period_ms = rl->interval_ms ? rl->interval_ms : 1,
		.burst = rl->burst,
	};

	if (!rl->started) {
		rl->started = true;
		tb_fill(&rl->b, &r, now_ms);
	}
	if (!tb_take_now(&rl->b, &r, now_ms)) {
		rl->suppressed++;
		return false;
	}
	if (suppressed)
		*suppressed = rl->suppressed;
	rl->suppressed = 0;
	return true;
}

static uint64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void lispd_log_ratelimited(struct lispd_log_ratelimit *rl, enum lispd_log_level level,
			   const char *fmt, ...)
{
	uint64_t dropped = 0;
	va_list ap;

	level = clamp_level(level);
	if (!lispd_log_enabled(level))
		return;
	if (!lispd_log_ratelimit_pass(rl, monotonic_ms(), &dropped))
		return;
	if (dropped > 0)
		lispd_log(level, "(%llu similar messages suppressed)",
			  (unsigned long long)dropped);
	va_start(ap, fmt);
	lispd_vlog(level, fmt, ap);
	va_end(ap);
}
