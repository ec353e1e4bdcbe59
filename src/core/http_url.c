/* http_url.c: absolute URLs, redirect targets, and the GET request keydrop sends. Pure. */
#include <stdio.h>
#include <string.h>

#include "http.h"

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* ---- URLs ------------------------------------------------------------------------------------ */


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
	if (he == hs || http_copy_bounded(u->host, sizeof u->host, hs, (size_t)(he - hs)) != 0)
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
			if (http_copy_bounded(u->path + 1, sizeof u->path - 1, end, n) != 0)
				return HTTP_E_URL;
		} else if (http_copy_bounded(u->path, sizeof u->path, end, n) != 0) {
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
		if (http_copy_bounded(out->path, sizeof out->path, loc, n) != 0)
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
		if (!http_tchar((unsigned char)*p))
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

