/* netcache_fmt.c: the --cache entry's name and its on-disk format (see netcache.h). Pure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bearssl.h>

#include "netcache_fmt.h"

void netcache_name(const char *url, const char *json_path, const char *headers, char name[NETCACHE_NAME_MAX])
{
	br_sha256_context c;
	uint8_t h[32], hh[32];

	/* the credentials enter only as their hash: "Authorization: Bearer A" and "...B" differ */
	br_sha256_init(&c);
	if (headers)
		br_sha256_update(&c, headers, strlen(headers));
	br_sha256_out(&c, hh);
	br_sha256_init(&c);
	br_sha256_update(&c, url, strlen(url));
	br_sha256_update(&c, "\n", 1);
	if (json_path)
		br_sha256_update(&c, json_path, strlen(json_path));
	br_sha256_update(&c, "\n", 1);
	br_sha256_update(&c, hh, sizeof hh);
	br_sha256_out(&c, h);
	for (int i = 0; i < 20; i++)
		snprintf(name + 2 * i, 3, "%02x", h[i]);
	memcpy(name + 40, ".cache", 7);
	explicit_bzero(&c, sizeof c);
}

static int has_ctl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* copies the value v[0..n) into dst[cap], truncated, NUL-terminated */
static void set_value(char *dst, size_t cap, const char *v, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, v, n);
	dst[n] = 0;
}

int netcache_parse(const char *buf, size_t len, struct netcache_entry *e)
{
	static const char magic[] = "keydrop-cache 1\n";
	const char *p = buf, *end = buf + len;

	memset(e, 0, sizeof *e);
	if (len < sizeof magic - 1 || memcmp(buf, magic, sizeof magic - 1) != 0)
		return -1;
	p += sizeof magic - 1;
	for (;;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n;
		if (!nl)
			return -1; /* no empty line: truncated */
		n = (size_t)(nl - p);
		if (n == 0)
			break;
		if (memchr(p, 0, n))
			return -1;
		if (n >= 6 && memcmp(p, "etag: ", 6) == 0)
			set_value(e->etag, sizeof e->etag, p + 6, n - 6);
		else if (n >= 15 && memcmp(p, "last-modified: ", 15) == 0)
			set_value(e->last_modified, sizeof e->last_modified, p + 15, n - 15);
		else if (n == 11 && memcmp(p, "status: 404", 11) == 0)
			e->negative = 1;
		p = nl + 1;
	}
	p++; /* the empty line */
	if (has_ctl(e->etag) || has_ctl(e->last_modified)) {
		memset(e, 0, sizeof *e);
		return -1; /* a damaged entry never reaches a request header */
	}
	e->len = (size_t)(end - p);
	if (e->negative && e->len) {
		memset(e, 0, sizeof *e);
		return -1; /* a "no such user" answer has no keys */
	}
	if (!(e->body = malloc(e->len + 1))) {
		e->len = 0;
		return -1;
	}
	memcpy(e->body, p, e->len);
	e->body[e->len] = 0;
	return 0;
}
