/* netcache_fmt.h: the bytes of one --cache entry (validators, then the body) and its file name. Pure. */
#ifndef KEYDROP_NETCACHE_FMT_H
#define KEYDROP_NETCACHE_FMT_H
#include <stddef.h>

struct netcache_entry {
	char etag[256];
	char last_modified[64];
	char *body; /* malloc'ed; the caller frees */
	size_t len;
	int negative;  /* "status: 404": the source said "no such user" (authorized-keys remembers it
	                * for --ttl; the body is empty) */
	long long age; /* seconds since the entry was written or last revalidated (its mtime; set by
	                * netcache_load, -1 when in the future) */
};

#define NETCACHE_NAME_MAX 48 /* 40 hex digits + ".cache" + NUL */

/* The entry's file name for a request: SHA-256 over the URL, the JSON path (json_path may be
 * NULL) and the SHA-256 of the extra request headers (headers may be NULL), so a body fetched
 * with one token (or with none) is never revalidated or served for another. Pure. */
void netcache_name(const char *url, const char *json_path, const char *headers, char name[NETCACHE_NAME_MAX]);

/* Parses an entry's bytes buf[0..len) ("keydrop-cache 1\n", "etag: V\n" and/or
 * "last-modified: V\n" lines, "status: 404\n" for a negative entry, an empty line, then the body) into e (body malloc'ed,
 * NUL-terminated; validators truncated to their buffers). Validators holding control characters
 * are refused (they would reach a request header). Returns 0, or -1 (e->body is NULL then). Pure. */
int netcache_parse(const char *buf, size_t len, struct netcache_entry *e);

#endif
