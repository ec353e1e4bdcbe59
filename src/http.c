/* http.c: HTTP/1.1 response head parser, body decoder, URL handling and request builder. Pure. */
#include <stdio.h>
#include <string.h>

#include "http.h"

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

static int is_tchar(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* ---- URLs ------------------------------------------------------------------------------------ */

static int copy_bounded(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		return -1;
	memcpy(dst, s, n);
	dst[n] = 0;
	return 0;
}

static int path_ok(const char *p)
{
	for (; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

int http_parse_url(const char *url, struct http_url *u)
{
	const char *p, *hs, *he, *end;
	unsigned long port = 0;
	int bracket = 0;

	memset(u, 0, sizeof *u);
	if (strncmp(url, "https://", 8) == 0) {
		u->https = 1;
		p = url + 8;
	} else if (strncmp(url, "http://", 7) == 0) {
		p = url + 7;
	} else {
		return HTTP_E_URL;
	}
	end = p + strcspn(p, "/?#");
	if (memchr(p, '@', (size_t)(end - p)))
		return HTTP_E_URL; /* userinfo: never send credentials embedded in URLs */
	hs = p;
	if (*p == '[') {
		bracket = 1;
		hs = p + 1;
		he = memchr(hs, ']', (size_t)(end - hs));
		if (!he)
			return HTTP_E_URL;
		p = he + 1;
	} else {
		he = memchr(p, ':', (size_t)(end - p));
		if (!he)
			he = end;
		p = he;
	}
	if (he == hs || copy_bounded(u->host, sizeof u->host, hs, (size_t)(he - hs)) != 0)
		return HTTP_E_URL;
	for (const char *c = u->host; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (lower((unsigned char)*c) >= 'a' && lower((unsigned char)*c) <= 'z') ||
		      *c == '-' || *c == '.' || *c == '_' || (*c == ':' && bracket)))
			return HTTP_E_URL;
	if (p < end) {
		if (*p != ':' || p + 1 == end)
			return HTTP_E_URL;
		for (p++; p < end; p++) {
			if (*p < '0' || *p > '9')
				return HTTP_E_URL;
			port = port * 10 + (unsigned long)(*p - '0');
			if (port > 65535)
				return HTTP_E_URL;
		}
		if (port == 0)
			return HTTP_E_URL;
	}
	u->port = (uint16_t)(port ? port : (u->https ? 443 : 80));
	if (*end == '/' || *end == '?') {
		size_t n = strcspn(end, "#");
		if (*end == '?') {
			u->path[0] = '/';
			if (copy_bounded(u->path + 1, sizeof u->path - 1, end, n) != 0)
				return HTTP_E_URL;
		} else if (copy_bounded(u->path, sizeof u->path, end, n) != 0) {
			return HTTP_E_URL;
		}
	} else {
		strcpy(u->path, "/");
	}
	return path_ok(u->path) ? HTTP_OK : HTTP_E_URL;
}

int http_resolve_location(const struct http_url *base, const char *loc, struct http_url *out)
{
	char tmp[HTTP_URL_MAX + 300];

	if (strncmp(loc, "https://", 8) == 0 || strncmp(loc, "http://", 7) == 0)
		return http_parse_url(loc, out);
	if (loc[0] == '/' && loc[1] == '/') {
		if ((size_t)snprintf(tmp, sizeof tmp, "%s:%s", base->https ? "https" : "http", loc) >= sizeof tmp)
			return HTTP_E_URL;
		return http_parse_url(tmp, out);
	}
	*out = *base;
	if (loc[0] == '/') {
		size_t n = strcspn(loc, "#");
		if (copy_bounded(out->path, sizeof out->path, loc, n) != 0)
			return HTTP_E_URL;
	} else {
		/* relative: replace the last segment of the base path (query dropped) */
		size_t keep = strcspn(base->path, "?");
		while (keep > 0 && base->path[keep - 1] != '/')
			keep--;
		size_t n = strcspn(loc, "#");
		if (keep + n >= sizeof out->path || n == 0)
			return HTTP_E_URL;
		memcpy(out->path, base->path, keep);
		memcpy(out->path + keep, loc, n);
		out->path[keep + n] = 0;
	}
	return path_ok(out->path) ? HTTP_OK : HTTP_E_URL;
}

void http_url_format(const struct http_url *u, char *out, size_t cap)
{
	int v6 = strchr(u->host, ':') != NULL;
	int dflt = u->port == (u->https ? 443 : 80);
	char port[8] = "";

	if (!dflt)
		snprintf(port, sizeof port, ":%u", (unsigned)u->port);
	snprintf(out, cap, "%s://%s%s%s%s%s", u->https ? "https" : "http", v6 ? "[" : "", u->host,
		 v6 ? "]" : "", port, u->path);
}

int http_header_valid(const char *s)
{
	const char *c = strchr(s, ':');
	if (!c || c == s)
		return 0;
	for (const char *p = s; p < c; p++)
		if (!is_tchar((unsigned char)*p))
			return 0;
	for (const char *p = c + 1; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t')
			return 0;
		else if (*p == 0x7f)
			return 0;
	return 1;
}

int http_build_get(char *out, size_t cap, const struct http_url *u, const char *accept,
		   const char *extra)
{
	char hostport[270];
	int v6 = strchr(u->host, ':') != NULL;
	int n;

	if (u->port == (u->https ? 443 : 80))
		snprintf(hostport, sizeof hostport, "%s%s%s", v6 ? "[" : "", u->host, v6 ? "]" : "");
	else
		snprintf(hostport, sizeof hostport, "%s%s%s:%u", v6 ? "[" : "", u->host, v6 ? "]" : "",
			 (unsigned)u->port);
	n = snprintf(out, cap,
		     "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: keydrop/%s\r\nAccept: %s\r\n"
		     "Connection: close\r\n%s\r\n",
		     u->path, hostport, KEYDROP_VERSION, accept ? accept : "*/*", extra ? extra : "");
	if (n < 0 || (size_t)n >= cap)
		return HTTP_E_ARG;
	return n;
}

/* ---- dates ----------------------------------------------------------------------------------- */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

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
	return days_from_civil(y, (unsigned)m + 1, (unsigned)d) * 86400 + hh * 3600 + mm * 60 + ss;
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
	if (copy_bounded(dst, cap, v, n) != 0)
		dst[0] = 0; /* too long: treated as absent */
}

static int header_line(struct http_head *h, const char *line, size_t n)
{
	const char *colon = memchr(line, ':', n), *v;
	size_t vn;

	if (!colon || colon == line)
		return HTTP_E_SYNTAX;
	for (const char *p = line; p < colon; p++)
		if (!is_tchar((unsigned char)*p))
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
		if (copy_bounded(h->location, sizeof h->location, v, vn) != 0)
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

/* ---- body ------------------------------------------------------------------------------------ */

enum { CH_SIZE, CH_EXT, CH_SIZE_LF, CH_DATA, CH_DATA_CR, CH_DATA_LF, CH_TRAILER, CH_TRAILER_LF,
       CH_DONE };

#define CHUNK_LINE_MAX 4096   /* a chunk size line with extensions */
#define TRAILER_MAX HTTP_HEADER_MAX

void http_body_init(struct http_body *b, const struct http_head *h, uint8_t *buf, size_t cap)
{
	memset(b, 0, sizeof *b);
	b->buf = buf;
	b->cap = cap;
	if (h->status == 204 || h->status == 304 || h->status < 200) {
		b->mode = HTTP_BODY_LENGTH;
		b->done = 1;
	} else if (h->chunked) {
		b->mode = HTTP_BODY_CHUNKED;
		b->cstate = CH_SIZE;
	} else if (h->content_length >= 0) {
		b->mode = HTTP_BODY_LENGTH;
		b->remaining = (uint64_t)h->content_length;
		b->done = b->remaining == 0;
	} else {
		b->mode = HTTP_BODY_EOF;
	}
}

static int put(struct http_body *b, const uint8_t *p, size_t n)
{
	if (n > b->cap - b->len)
		return HTTP_E_TOO_BIG;
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	return HTTP_OK;
}

static int chunked_feed(struct http_body *b, const uint8_t *in, size_t n, size_t *used)
{
	size_t i = 0;

	while (i < n && b->cstate != CH_DONE) {
		int c = in[i];
		switch (b->cstate) {
		case CH_SIZE: {
			int v = hexval(c);
			if (v >= 0) {
				if (++b->ndigits > 15)
					return HTTP_E_CHUNK;
				b->remaining = b->remaining * 16 + (uint64_t)v;
				i++;
				continue;
			}
			if (b->ndigits == 0)
				return HTTP_E_CHUNK;
			if (c == ';' || c == ' ' || c == '\t') {
				b->cstate = CH_EXT;
				b->linelen = 0;
			} else if (c == '\r') {
				b->cstate = CH_SIZE_LF;
			} else if (c == '\n') {
				goto size_done;
			} else {
				return HTTP_E_CHUNK;
			}
			i++;
			continue;
		}
		case CH_EXT:
			if (c == '\r') {
				b->cstate = CH_SIZE_LF;
			} else if (c == '\n') {
				goto size_done;
			} else if (c == 0 || ++b->linelen > CHUNK_LINE_MAX) {
				return HTTP_E_CHUNK;
			}
			i++;
			continue;
		case CH_SIZE_LF:
			if (c != '\n')
				return HTTP_E_CHUNK;
		size_done:
			i++;
			b->ndigits = 0;
			if (b->remaining == 0) {
				b->cstate = CH_TRAILER;
				b->linelen = 0;
			} else {
				if (b->remaining > b->cap - b->len)
					return HTTP_E_TOO_BIG;
				b->cstate = CH_DATA;
			}
			continue;
		case CH_DATA: {
			size_t k = n - i;
			if (k > b->remaining)
				k = (size_t)b->remaining;
			int r = put(b, in + i, k);
			if (r != HTTP_OK)
				return r;
			i += k;
			b->remaining -= k;
			if (b->remaining == 0)
				b->cstate = CH_DATA_CR;
			continue;
		}
		case CH_DATA_CR:
			if (c == '\r') {
				b->cstate = CH_DATA_LF;
			} else if (c == '\n') {
				b->cstate = CH_SIZE;
			} else {
				return HTTP_E_CHUNK;
			}
			i++;
			continue;
		case CH_DATA_LF:
			if (c != '\n')
				return HTTP_E_CHUNK;
			b->cstate = CH_SIZE;
			i++;
			continue;
		case CH_TRAILER:
			/* trailer lines until an empty one; content ignored, size bounded */
			if (++b->trailer_bytes > TRAILER_MAX)
				return HTTP_E_HEADER_BIG;
			if (c == '\r') {
				b->cstate = CH_TRAILER_LF;
			} else if (c == '\n') {
				if (b->linelen == 0)
					b->cstate = CH_DONE;
				b->linelen = 0;
			} else if (c == 0) {
				return HTTP_E_CHUNK;
			} else {
				b->linelen++;
			}
			i++;
			continue;
		case CH_TRAILER_LF:
			if (c != '\n')
				return HTTP_E_CHUNK;
			if (b->linelen == 0)
				b->cstate = CH_DONE;
			else
				b->cstate = CH_TRAILER;
			b->linelen = 0;
			i++;
			continue;
		}
	}
	*used = i;
	if (b->cstate == CH_DONE) {
		b->done = 1;
		return HTTP_OK;
	}
	return HTTP_MORE;
}

int http_body_feed(struct http_body *b, const uint8_t *in, size_t n, size_t *used)
{
	*used = 0;
	if (b->done)
		return HTTP_OK;
	switch (b->mode) {
	case HTTP_BODY_CHUNKED:
		return chunked_feed(b, in, n, used);
	case HTTP_BODY_LENGTH: {
		size_t k = n;
		if (k > b->remaining)
			k = (size_t)b->remaining;
		if (b->remaining > b->cap - b->len)
			return HTTP_E_TOO_BIG;
		int r = put(b, in, k);
		if (r != HTTP_OK)
			return r;
		*used = k;
		b->remaining -= k;
		if (b->remaining == 0) {
			b->done = 1;
			return HTTP_OK;
		}
		return HTTP_MORE;
	}
	default: {
		int r = put(b, in, n);
		if (r != HTTP_OK)
			return r;
		*used = n;
		return HTTP_MORE;
	}
	}
}

int http_body_eof(struct http_body *b)
{
	if (b->done || b->mode == HTTP_BODY_EOF) {
		b->done = 1;
		return HTTP_OK;
	}
	return HTTP_E_TRUNCATED;
}
