/* netcache.h: the --cache DIR store behind network sources (conditional requests, 304 reuse). */
#ifndef KEYDROP_NETCACHE_H
#define KEYDROP_NETCACHE_H
#include <stddef.h>
#include <stdint.h>

#include "http.h"
#include "netcache_fmt.h"
#include "source.h"

/* Loads the cached body and validators for url from c->o->cache_dir into e. Returns 0, or -1 when
 * there is no usable entry (missing, or not trusted: one warning per context then). */
int netcache_load(struct source_ctx *c, const char *url, struct netcache_entry *e);

/* Stores body and h's validators for url (atomically, 0600, in a 0700 directory); failures only
 * lose the cache, never the fetch. Without validators only when c->o->ttl_s >= 0 (authorized-keys). */
void netcache_store(struct source_ctx *c, const char *url, const struct http_head *h,
		    const uint8_t *body, size_t len);

/* Stores "no such user" (HTTP 404) for url: authorized-keys answers it without a request for --ttl. */
void netcache_store_negative(struct source_ctx *c, const char *url);
/* Marks url's entry as just revalidated (HTTP 304): its mtime becomes now. */
void netcache_touch(struct source_ctx *c, const char *url);

/* authorized-keys: when the server failed and a cached copy was served, the next calls within --ttl
 * serve it again without asking (a server that is down costs one deadline per --ttl, not one per
 * login). The marker is an empty "HASH.fail" file beside the entry; its mtime is the failure. */
void netcache_mark_failed(struct source_ctx *c, const char *url, int failed);
/* Seconds since url's last marked failure, or -1 (none, or no usable cache). */
long long netcache_failed_age(struct source_ctx *c, const char *url);

#endif
