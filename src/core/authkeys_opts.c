/* authkeys_opts.c: the options field of an authorized_keys line, checked as sshd's
 * auth-options.c (sshauthopt_parse, opt_flag, opt_match, opt_dequote) does. Pure. */
#include <string.h>

#include "authkeys.h"
#include "timefmt.h"

static int is_blank(int c)
{
	return c == ' ' || c == '\t';
}

static int ci_prefix(const char *s, const char *end, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(end - s) < n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char a = s[i], b = word[i];
		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (a != b)
			return 0;
	}
	return 1;
}

/* opt_flag: "[no-]name" prefix match; returns 1 and advances when it matches. */
static int opt_flag(const char **pp, const char *end, const char *name, int negatable)
{
	const char *p = *pp;
	if (negatable && ci_prefix(p, end, "no-"))
		p += 3;
	if (!ci_prefix(p, end, name))
		return 0;
	*pp = p + strlen(name);
	return 1;
}

/* opt_match + opt_dequote: name="value"; sets the value span (escapes left in) or *why. */
static int opt_value(const char **pp, const char *end, const char *name, const char **v, size_t *vn,
		     const char **why)
{
	const char *p = *pp;
	size_t n = strlen(name);
	if (!ci_prefix(p, end, name) || p + n >= end || p[n] != '=')
		return 0;
	p += n + 1;
	if (p >= end || *p != '"') {
		*why = "missing start quote";
		return -1;
	}
	*v = ++p;
	while (p < end && *p != '"') {
		if (*p == '\\' && p + 1 < end && p[1] == '"')
			p++;
		p++;
	}
	if (p >= end) {
		*why = "missing end quote";
		return -1;
	}
	*vn = (size_t)(p - *v);
	*pp = p + 1;
	return 1;
}

static int all_digits(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* parse_absolute_time: YYYYMMDD[HHMM[SS]][Z]. */
static int expiry_ok(const char *v, size_t n)
{
	if (n > 0 && (v[n - 1] == 'Z' || v[n - 1] == 'z'))
		n--;
	if (!all_digits(v, n) || (n != 8 && n != 12 && n != 14))
		return 0;
	int mon = (v[4] - '0') * 10 + (v[5] - '0'), day = (v[6] - '0') * 10 + (v[7] - '0');
	if (mon < 1 || mon > 12 || day < 1 || day > 31)
		return 0;
	if (n >= 12) {
		int h = (v[8] - '0') * 10 + (v[9] - '0'), m = (v[10] - '0') * 10 + (v[11] - '0');
		if (h > 23 || m > 59)
			return 0;
	}
	if (n == 14 && (v[12] - '0') * 10 + (v[13] - '0') > 60)
		return 0;
	return 1;
}

/* a2port: a number 1..65535 (strtonum), or a service name (getservbyname, which a pure module
 * cannot ask: any plausible name is accepted). '*' where allowed. */
static int port_ok(const char *s, size_t n, int star)
{
	if (star && n == 1 && *s == '*')
		return 1;
	if (n == 0)
		return 0;
	if (all_digits(s, n)) {
		long v = 0;
		for (size_t i = 0; i < n && v <= 65535; i++)
			v = v * 10 + (s[i] - '0');
		return v > 0 && v <= 65535;
	}
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '-' || s[i] == '_'))
			return 0;
	return 1;
}

/* handle_permit + hpdelim2: "[v6]:port", "host:port" or "host/port" (the host may be empty);
 * permitlisten also takes a bare port. */
static int permit_ok(const char *v, size_t n, int listen)
{
	const char *d, *end = v + n;

	if (listen && !memchr(v, ':', n))
		return port_ok(v, n, 1); /* sshd makes it "*:port" */
	if (n > 0 && *v == '[') {
		const char *rb = memchr(v, ']', n);
		if (!rb)
			return 0;
		d = rb + 1;
	} else {
		for (d = v; d < end && *d != ':' && *d != '/'; d++)
			;
	}
	if (d >= end || (*d != ':' && *d != '/') || (size_t)(d - v) >= 1025) /* no port, or NI_MAXHOST */
		return 0;
	return port_ok(d + 1, (size_t)(end - d - 1), 1);
}

/* a2tun: "any" or 0..SSH_TUNID_MAX (0x7ffffffd). */
static int tun_ok(const char *v, size_t n)
{
	if (n == 3 && ci_prefix(v, v + 3, "any"))
		return 1;
	if (!all_digits(v, n))
		return 0;
	long long t = 0;
	for (size_t i = 0; i < n && t <= 0x7ffffffd; i++)
		t = t * 10 + (v[i] - '0');
	return t <= 0x7ffffffd;
}

int authkeys_opts_check_at(const char *opts, size_t n, const char **why, size_t *at)
{
	const char *p = opts, *end = opts + n, *v;
	size_t vn;
	int seen_cmd = 0, seen_from = 0, seen_princ = 0, r;
	static const char *const negatable[] = { "port-forwarding", "agent-forwarding", "x11-forwarding",
						 "touch-required", "verify-required", "pty", "user-rc" };

	*why = NULL;
	*at = 0;
	while (p < end && !is_blank(*p)) {
		int matched = 0;
		*at = (size_t)(p - opts); /* where the option being read starts */
		if (opt_flag(&p, end, "restrict", 0) || opt_flag(&p, end, "cert-authority", 0))
			matched = 1;
		for (size_t i = 0; !matched && i < sizeof negatable / sizeof negatable[0]; i++)
			matched = opt_flag(&p, end, negatable[i], 1);
		if (!matched) {
			if ((r = opt_value(&p, end, "command", &v, &vn, why)) != 0) {
				if (r > 0 && seen_cmd++) {
					*why = "multiple \"command\" clauses";
					return -1;
				}
			} else if ((r = opt_value(&p, end, "principals", &v, &vn, why)) != 0) {
				if (r > 0 && seen_princ++) {
					*why = "multiple \"principals\" clauses";
					return -1;
				}
			} else if ((r = opt_value(&p, end, "from", &v, &vn, why)) != 0) {
				if (r > 0 && seen_from++) {
					*why = "multiple \"from\" clauses";
					return -1;
				}
			} else if ((r = opt_value(&p, end, "expiry-time", &v, &vn, why)) != 0) {
				if (r > 0 && !expiry_ok(v, vn)) {
					*why = "invalid expires time";
					return -1;
				}
			} else if ((r = opt_value(&p, end, "environment", &v, &vn, why)) != 0) {
				if (r > 0) {
					const char *eq = memchr(v, '=', vn);
					int good = eq != NULL && eq > v;
					for (const char *c = v; good && c < eq; c++)
						if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
						      (*c >= '0' && *c <= '9') || *c == '_'))
							good = 0;
					if (!good) {
						*why = "invalid environment string";
						return -1;
					}
				}
			} else if ((r = opt_value(&p, end, "permitopen", &v, &vn, why)) != 0) {
				if (r > 0 && !permit_ok(v, vn, 0)) {
					*why = "invalid permission port or host";
					return -1;
				}
			} else if ((r = opt_value(&p, end, "permitlisten", &v, &vn, why)) != 0) {
				if (r > 0 && !permit_ok(v, vn, 1)) {
					*why = "invalid permission port or host";
					return -1;
				}
			} else if ((r = opt_value(&p, end, "tunnel", &v, &vn, why)) != 0) {
				if (r > 0 && !tun_ok(v, vn)) {
					*why = "invalid tun device";
					return -1;
				}
			}
			/* Anything else is not consumed: the check below refuses it unless it is empty
			 * (",,": sshd skips it). sshd has no "unknown option" case of its own. */
			if (r < 0)
				return -1;
		}
		if (p >= end || is_blank(*p))
			break;
		if (*p != ',') {
			*why = "unknown key option";
			return -1;
		}
		/* sshd fails "unexpected end-of-options" only at the end of the line; a comma followed by
		 * the blank before the key ends the options (checked with a real sshd). */
		p++;
	}
	return 0;
}

int authkeys_opts_check(const char *opts, size_t n, const char **why)
{
	size_t at;
	return authkeys_opts_check_at(opts, n, why, &at);
}

size_t authkeys_opt_len(const char *opts, size_t n, size_t at)
{
	int quoted = 0;
	size_t i = at;

	for (; i < n && (quoted || (opts[i] != ',' && !is_blank(opts[i]))); i++) {
		if (opts[i] == '\\' && i + 1 < n && opts[i + 1] == '"')
			i++;
		else if (opts[i] == '"')
			quoted = !quoted;
	}
	return (i > n ? n : i) - at;
}

unsigned authkeys_opts_flags(const char *opts, size_t n)
{
	unsigned f = 0;

	for (size_t at = 0; at < n && !is_blank(opts[at]);) {
		size_t len = authkeys_opt_len(opts, n, at);
		if (len == 14 && ci_prefix(opts + at, opts + n, "cert-authority"))
			f |= AKO_CERT_AUTHORITY;
		else if (len > 11 && ci_prefix(opts + at, opts + n, "principals="))
			f |= AKO_PRINCIPALS;
		at += len + 1;
	}
	return f;
}

static unsigned two(const char *s)
{
	return (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0');
}

int authkeys_opts_expiry(const char *opts, size_t n, long long *t, int *utc)
{
	for (size_t at = 0; at < n && !is_blank(opts[at]);) {
		size_t len = authkeys_opt_len(opts, n, at);
		if (len > 12 && ci_prefix(opts + at, opts + n, "expiry-time=")) {
			const char *v = opts + at + 12;
			size_t vn = len - 12;
			if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"')
				v++, vn -= 2;
			*utc = vn > 0 && (v[vn - 1] == 'Z' || v[vn - 1] == 'z');
			if (*utc)
				vn--;
			if (!expiry_ok(v, vn))
				return 0;
			long long y = (long long)two(v) * 100 + two(v + 2);
			long long secs = timefmt_days_from_civil(y, two(v + 4), two(v + 6)) * 86400;
			if (vn >= 12)
				secs += (long long)two(v + 8) * 3600 + (long long)two(v + 10) * 60;
			if (vn == 14)
				secs += two(v + 12);
			*t = secs;
			return 1;
		}
		at += len + 1;
	}
	return 0;
}

int authkeys_opts_expired(const char *opts, size_t n, long long now, long gmtoff)
{
	long long when;
	int utc;

	/* sshd (auth_authorise_keyopts): "entry expired" once the time is past; without a Z the time
	 * is local. */
	return opts && authkeys_opts_expiry(opts, n, &when, &utc) && (utc ? when : when - gmtoff) < now;
}
