/* http.c: HTTP/1.1 response head parser (status line, the headers keydrop uses, 1xx skipping) and
 * dates. Pure. The body decoder is in http_body.c, URLs and the request in http_url.c. */
#include <stdio.h>
#include <string.h>

#include "http.h"
#include "timefmt.h"

const char *http_strerror(int err)
{
	switch (err) {
	case HTTP_OK: return "ok";
	case HTTP_MORE: return "incomplete";
	case HTTP_E_HEADER_BIG: return "response header larger than 8 KiB";
	case HTTP_E_SYNTAX: return "malformed HTTP response";
	case HTTP_E_LENGTH: return "bad Content-Length";
	case HTTP_E_CHUNK: return "bad chunked encoding";
	case HTTP_E_TOO_BIG: return "response body too large";
	case HTTP_E_TRUNCATED: return "response ended before the body was complete";
	case HTTP_E_ENCODING: return "unsupported Transfer-Encoding";
	case HTTP_E_URL: return "bad URL";
	case HTTP_E_ARG: return "request too long";
	}
	return "unknown HTTP error";
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int ieq(const char *a, size_t an, const char *b)
{
	size_t bn = strlen(b);
	if (an != bn)
		return 0;
	for (size_t i = 0; i < an; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return 0;
	return 1;
}

int http_tchar(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

int http_copy_bounded(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		return -1;
	memcpy(dst, s, n);
	dst[n] = 0;
	return 0;
}

/* ---- dates ----------------------------------------------------------------------------------- */

static int num(const char *s, int n, int *out)
{
	*out = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*out = *out * 10 + (s[i] - '0');
	}
	return 0;
}

int64_t http_parse_date(const char *s)
{
	/* IMF-fixdate only: "Sun, 06 Nov 1994 08:49:37 GMT" (29 bytes, fixed positions) */
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int d, y, hh, mm, ss, m;

	if (strlen(s) != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
	    s[19] != ':' || s[22] != ':' || strcmp(s + 25, " GMT") != 0)
		return -1;
	if (num(s + 5, 2, &d) || num(s + 12, 4, &y) || num(s + 17, 2, &hh) || num(s + 20, 2, &mm) ||
	    num(s + 23, 2, &ss))
		return -1;
	for (m = 0; m < 12; m++)
		if (memcmp(s + 8, months + 3 * m, 3) == 0)
			break;
	if (m == 12 || d < 1 || d > 31 || y < 1970 || hh > 23 || mm > 59 || ss > 60)
		return -1;
	return timefmt_days_from_civil(y, (unsigned)m + 1, (unsigned)d) * 86400 + hh * 3600 + mm * 60 + ss;
}

/* ---- response head --------------------------------------------------------------------------- */

/* Trims optional whitespace around [*v, *v + *n). */
static void trim(const char **v, size_t *n)
{
	while (*n && (**v == ' ' || **v == '\t')) {
		(*v)++;
		(*n)--;
	}
	while (*n && ((*v)[*n - 1] == ' ' || (*v)[*n - 1] == '\t'))
		(*n)--;
}

static int parse_u63(const char *v, size_t n, int64_t *out)
{
	int64_t x = 0;
	if (n == 0 || n > 18)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		x = x * 10 + (v[i] - '0');
	}
	*out = x;
	return 0;
}

static void set_str(char *dst, size_t cap, const char *v, size_t n)
{
	if (http_copy_bounded(dst, cap, v, n) != 0)
		dst[0] = 0; /* too long: treated as absent */
}

static int header_line(struct http_head *h, const char *line, size_t n)
{
	const char *colon = memchr(line, ':', n), *v;
	size_t vn;

	if (!colon || colon == line)
		return HTTP_E_SYNTAX;
	for (const char *p = line; p < colon; p++)
		if (!http_tchar((unsigned char)*p))
			return HTTP_E_SYNTAX;
	v = colon + 1;
	vn = n - (size_t)(v - line);
	for (size_t i = 0; i < vn; i++)
		if (v[i] == 0)
			return HTTP_E_SYNTAX;
	trim(&v, &vn);
	size_t nn = (size_t)(colon - line);
	if (ieq(line, nn, "content-length")) {
		int64_t cl;
		if (parse_u63(v, vn, &cl) != 0)
			return HTTP_E_LENGTH;
		if (h->content_length >= 0 && h->content_length != cl)
			return HTTP_E_LENGTH;
		h->content_length = cl;
	} else if (ieq(line, nn, "transfer-encoding")) {
		if (ieq(v, vn, "chunked") && !h->chunked)
			h->chunked = 1;
		else if (!ieq(v, vn, "identity"))
			return HTTP_E_ENCODING;
	} else if (ieq(line, nn, "location")) {
		if (http_copy_bounded(h->location, sizeof h->location, v, vn) != 0)
			return HTTP_E_SYNTAX;
	} else if (ieq(line, nn, "etag")) {
		set_str(h->etag, sizeof h->etag, v, vn);
	} else if (ieq(line, nn, "last-modified")) {
		set_str(h->last_modified, sizeof h->last_modified, v, vn);
	} else if (ieq(line, nn, "content-type")) {
		set_str(h->content_type, sizeof h->content_type, v, vn);
	} else if (ieq(line, nn, "retry-after")) {
		char tmp[64];
		if (parse_u63(v, vn, &h->retry_after) != 0) {
			h->retry_after = -1;
			set_str(tmp, sizeof tmp, v, vn);
			h->retry_at = tmp[0] ? http_parse_date(tmp) : -1;
		}
	}
	/* Header values we keep must be printable: they end up in messages and cache files. */
	for (char *s = h->etag; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			h->etag[0] = 0;
	for (char *s = h->last_modified; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			h->last_modified[0] = 0;
	return HTTP_OK;
}

/* One head starting at buf. Returns HTTP_OK with *used, HTTP_MORE, or an error. */
static int parse_one(const char *buf, size_t len, struct http_head *h, size_t *used)
{
	size_t pos = 0, lim = len < HTTP_HEADER_MAX ? len : HTTP_HEADER_MAX;
	int first = 1;

	memset(h, 0, sizeof *h);
	h->content_length = -1;
	h->retry_after = -1;
	h->retry_at = -1;
	for (;;) {
		const char *nl = memchr(buf + pos, '\n', lim - pos);
		size_t n;
		if (!nl)
			return len >= HTTP_HEADER_MAX ? HTTP_E_HEADER_BIG : HTTP_MORE;
		n = (size_t)(nl - (buf + pos));
		if (n && buf[pos + n - 1] == '\r')
			n--;
		const char *line = buf + pos;
		pos = (size_t)(nl - buf) + 1;
		if (first) {
			/* HTTP/1.x SSS[ reason] */
			if (n < 12 || memcmp(line, "HTTP/1.", 7) != 0 || (line[7] != '0' && line[7] != '1') ||
			    line[8] != ' ')
				return HTTP_E_SYNTAX;
			for (int i = 9; i < 12; i++)
				if (line[i] < '0' || line[i] > '9')
					return HTTP_E_SYNTAX;
			if (n > 12 && line[12] != ' ')
				return HTTP_E_SYNTAX;
			h->status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
			if (h->status < 100)
				return HTTP_E_SYNTAX;
			first = 0;
			continue;
		}
		if (n == 0)
			break;
		if (line[0] == ' ' || line[0] == '\t')
			return HTTP_E_SYNTAX; /* obsolete line folding */
		int r = header_line(h, line, n);
		if (r != HTTP_OK)
			return r;
	}
	*used = pos;
	return HTTP_OK;
}

int http_parse_head(const char *buf, size_t len, struct http_head *h, size_t *used)
{
	size_t off = 0;

	for (;;) {
		size_t u = 0;
		int r = parse_one(buf + off, len - off, h, &u);
		if (r != HTTP_OK)
			return r;
		off += u;
		if (off > HTTP_HEADER_MAX)
			return HTTP_E_HEADER_BIG;
		if (h->status >= 200 || h->status == 101) {
			*used = off;
			return HTTP_OK;
		}
	}
}
