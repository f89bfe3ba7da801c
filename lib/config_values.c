/* Checks of single lispd.conf values. Every failure names the key, and the
 * value unless the key is secret. */
#include "config_priv.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *value_of(const struct cfg_val *v, const char *name, unsigned idx)
{
	return cfg_getnstr(v->sec, name, idx);
}

static int line_of(const struct cfg_val *v, const char *name, unsigned idx)
{
	return lispd_cfg_line(v->ctx, v->sec, name, idx);
}

bool lispd_cfg_has(cfg_t *sec, const char *name)
{
	return cfg_size(sec, name) > 0;
}

int lispd_cfg_require(const struct cfg_val *v, const char *name)
{
	if (lispd_cfg_has(v->sec, name))
		return 0;
	return lispd_cfg_fail(v->ctx, lispd_cfg_sec_line(v->ctx, v->sec), v->section,
			      "missing %s", name);
}

/* Decimal, optional '-' only where negatives are allowed, no blanks. */
static int parse_long(const char *s, bool allow_negative, long *out)
{
	bool neg = false;
	long v = 0;

	if (allow_negative && *s == '-') {
		neg = true;
		s++;
	}
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (0x7fffffffL - (*s - '0')) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	*out = neg ? -v : v;
	return 0;
}

int lispd_cfg_get_uint(const struct cfg_val *v, const char *name, unsigned idx, long min,
		       long max, long def, long *out)
{
	const char *s;
	long n;

	if (cfg_size(v->sec, name) <= idx) {
		*out = def;
		return 0;
	}
	s = value_of(v, name, idx);
	if (!s || parse_long(s, min < 0, &n))
		return lispd_cfg_fail(v->ctx, line_of(v, name, idx), v->section,
				      "%s '%.32s' is not a number in %ld..%ld", name, s ? s : "",
				      min, max);
	if (n < min || n > max)
		return lispd_cfg_fail(v->ctx, line_of(v, name, idx), v->section,
				      "%s %ld is not in %ld..%ld", name, n, min, max);
	*out = n;
	return 0;
}

int lispd_cfg_get_bool(const struct cfg_val *v, const char *name, bool def, bool *out)
{
	const char *s;

	if (!lispd_cfg_has(v->sec, name)) {
		*out = def;
		return 0;
	}
	s = value_of(v, name, 0);
	if (s && (!strcasecmp(s, "on") || !strcasecmp(s, "true") || !strcasecmp(s, "yes"))) {
		*out = true;
		return 0;
	}
	if (s && (!strcasecmp(s, "off") || !strcasecmp(s, "false") || !strcasecmp(s, "no"))) {
		*out = false;
		return 0;
	}
	return lispd_cfg_fail(v->ctx, line_of(v, name, 0), v->section,
			      "%s '%.32s' is not on or off", name, s ? s : "");
}

static bool looks_like_hostname(const char *s)
{
	bool letter = false;
	size_t n = 0;

	for (; *s; s++, n++) {
		if (isalpha((unsigned char)*s))
			letter = true;
		else if (!isdigit((unsigned char)*s) && *s != '.' && *s != '-')
			return false;
	}
	return letter && n > 0 && n <= 253;
}

int lispd_cfg_get_ip(const struct cfg_val *v, const char *name, unsigned idx,
		     struct lisp_ip *out)
{
	const char *s = value_of(v, name, idx);

	if (s && lisp_ip_parse(s, out, NULL) == 0)
		return 0;
	if (s && looks_like_hostname(s))
		return lispd_cfg_fail(v->ctx, line_of(v, name, idx), v->section,
				      "%s %.64s: FQDNs are not supported yet (write an IP address)",
				      name, s);
	return lispd_cfg_fail(v->ctx, line_of(v, name, idx), v->section,
			      "%s '%.64s' is not an IPv4 or IPv6 address", name, s ? s : "");
}

int lispd_cfg_get_ifname(const struct cfg_val *v, const char *name, char *out, size_t len)
{
	const char *s = value_of(v, name, 0);
	size_t n = s ? strlen(s) : 0;
	bool ok = n > 0 && n < len && n < IF_NAMESIZE && strcmp(s, ".") && strcmp(s, "..");

	/* The kernel's own rule for device names. */
	for (size_t i = 0; ok && i < n; i++)
		if (s[i] == '/' || s[i] == ':' || isspace((unsigned char)s[i]) ||
		    !isprint((unsigned char)s[i]))
			ok = false;
	if (!ok)
		return lispd_cfg_fail(v->ctx, line_of(v, name, 0), v->section,
				      "%s '%.32s' is not a valid interface name", name, s ? s : "");
	memcpy(out, s, n + 1);
	return 0;
}

int lispd_cfg_get_eid(const struct cfg_val *v, struct lisp_prefix *out)
{
	struct lisp_err err = { 0 };
	const char *s;
	long iid;
	int line;

	if (lispd_cfg_require(v, "eid-prefix"))
		return -1;
	s = value_of(v, "eid-prefix", 0);
	line = line_of(v, "eid-prefix", 0);
	if (lisp_prefix_parse(s, out, &err)) {
		if (err.what && strcmp(err.what, "host bits set") == 0)
			return lispd_cfg_fail(v->ctx, line, v->section,
					      "eid-prefix %.64s has host bits set beyond its length",
					      s);
		if (err.code == LISP_ERR_BAD_PREFIX)
			return lispd_cfg_fail(v->ctx, line, v->section,
					      "eid-prefix %.64s: length too long for the family", s);
		return lispd_cfg_fail(v->ctx, line, v->section,
				      "eid-prefix '%.64s' is not an IP prefix (address/length)", s);
	}
	if (out->addr.has_iid && out->addr.iid > LISPD_CFG_MAX_IID)
		return lispd_cfg_fail(v->ctx, line, v->section,
				      "eid-prefix %.64s: instance-id above %u", s, LISPD_CFG_MAX_IID);
	if (lispd_cfg_get_uint(v, "iid", 0, 0, LISPD_CFG_MAX_IID, 0, &iid))
		return -1;
	if (out->addr.has_iid && lispd_cfg_has(v->sec, "iid") && (long)out->addr.iid != iid)
		return lispd_cfg_fail(v->ctx, line_of(v, "iid", 0), v->section,
				      "iid %ld differs from the [%u] of eid-prefix", iid,
				      out->addr.iid);
	if (out->addr.has_iid)
		iid = out->addr.iid;
	/* Instance 0 travels without an instance-id LCAF, as in OOR. */
	out->addr.has_iid = false;
	out->addr.iid = 0;
	out->addr.iid_mask_len = 0;
	if (iid != 0)
		lisp_addr_set_iid(&out->addr, (uint32_t)iid);
	return 0;
}

int lispd_cfg_get_key(const struct cfg_val *v, uint8_t **key, size_t *key_len)
{
	const char *s;
	size_t len;
	int line = line_of(v, "key", 0);

	if (lispd_cfg_require(v, "key"))
		return -1;
	s = value_of(v, "key", 0);
	len = s ? strlen(s) : 0;
	/* Never quote the key itself. */
	if (len == 0)
		return lispd_cfg_fail(v->ctx, line, v->section, "key is empty");
	if (len > LISPD_CFG_KEY_MAX)
		return lispd_cfg_fail(v->ctx, line, v->section, "key is longer than %u bytes",
				      LISPD_CFG_KEY_MAX);
	*key = malloc(len);
	if (!*key)
		return lispd_cfg_fail(v->ctx, 0, NULL, "out of memory");
	memcpy(*key, s, len);
	*key_len = len;
	return 0;
}

int lispd_cfg_get_name(const struct cfg_val *v, const char *name, char *out, size_t len)
{
	const char *s = value_of(v, name, 0);
	size_t n = s ? strlen(s) : 0;

	if (lispd_cfg_require(v, name))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!isprint((unsigned char)s[i]))
			return lispd_cfg_fail(v->ctx, line_of(v, name, 0), v->section,
					      "%s '%.32s' has a character that is not printable",
					      name, s);
	if (n == 0 || n >= len)
		return lispd_cfg_fail(v->ctx, line_of(v, name, 0), v->section,
				      "%s '%.32s' is not 1..%zu characters", name, s, len - 1);
	memcpy(out, s, n + 1);
	return 0;
}
