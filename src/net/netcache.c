/* netcache.c: --cache DIR, the last good body per source with its validators (ETag,
 * Last-Modified), trusted only when the directory and entry are the effective user's and not
 * group/other-writable (sshd's StrictModes rule). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fsx.h"
#include "http.h"
#include "netcache.h"
#include "note.h"


/* A cached body is installed on a 304 without being fetched again, so whoever can write the cache
 * could plant keys (with the server's real ETag). As sshd's StrictModes: the directory and the
 * entry must be ours (effective uid) and not writable by group or others, checked with fstat on
 * descriptors opened without following symlinks; otherwise the cache is not used (one warning)
 * and the fetch proceeds without it: said once per command (c->cache_warned). */

/* entry: the file's name in the directory, or NULL for the directory itself */
static void cache_warn(struct source_ctx *c, const char *entry, const char *why)
{
	const struct netsrc_opts *o = c->o;
	if (!c->cache_warned && !o->quiet)
		net_note(o, "cache %s%s%s not used: %s", o->cache_dir, entry ? "/" : "", entry ? entry : "", why);
	c->cache_warned = 1;
}

static int cache_stat_ok(struct source_ctx *c, const char *entry, const struct stat *st)
{
	if (st->st_uid != geteuid()) {
		cache_warn(c, entry, "not owned by the user running keydrop");
		return 0;
	}
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		cache_warn(c, entry, "writable by group or others");
		return 0;
	}
	return 1;
}

/* The cache directory's fd (created 0700 when create and missing), or -1 when absent or unsafe. */
static int cache_dir_open(struct source_ctx *c, int create)
{
	const struct netsrc_opts *o = c->o;
	int fd = open(o->cache_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), made = 0;
	struct stat st;

	if (fd < 0 && errno == ENOENT && create) {
		if (mkdir(o->cache_dir, 0700) == 0)
			made = 1;
		else if (errno != EEXIST) {
			/* e.g. authorized-keys as its unprivileged user under a root-owned /var/cache */
			cache_warn(c, NULL, strerror(errno));
			return -1;
		}
		fd = open(o->cache_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0) {
		if (errno == ELOOP || errno == ENOTDIR)
			cache_warn(c, NULL, "a symlink or not a directory");
		return -1;
	}
	if (made)
		(void)fchmod(fd, 0700); /* whatever the umask */
	if (fstat(fd, &st) != 0 || !cache_stat_ok(c, NULL, &st)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Reads the cache entry; 0 when present, safe (see above) and well-formed. */
int netcache_load(struct source_ctx *c, const char *url, struct netcache_entry *e)
{
	const struct netsrc_opts *o = c->o;
	char name[NETCACHE_NAME_MAX], *buf = NULL;
	size_t len = 0;
	struct stat st;
	int dfd, ret = -1;

	memset(e, 0, sizeof *e);
	netcache_name(url, o->format == NETSRC_JSON ? o->json_path : NULL, o->headers, name);
	dfd = cache_dir_open(c, 0);
	if (dfd < 0)
		return -1;
	buf = malloc(o->max_bytes + 1024);
	if (!buf || fsx_read_at(dfd, name, buf, o->max_bytes + 1023, &len, &st) != 0) {
		if (buf && errno == ELOOP)
			cache_warn(c, name, "a symlink");
		goto out;
	}
	if (!cache_stat_ok(c, name, &st))
		goto out;
	ret = netcache_parse(buf, len, e);
	if (ret == 0) {
		time_t now = time(NULL);
		e->age = st.st_mtime > now ? -1 : (long long)(now - st.st_mtime);
	}
out:
	free(buf);
	close(dfd);
	return ret;
}

/* Writes the entry: validators (either may be ""), the negative mark, the body. */
static void store(struct source_ctx *c, const char *url, const char *etag, const char *lm, int negative,
		  const uint8_t *body, size_t blen)
{
	char name[NETCACHE_NAME_MAX], head[512];
	int dfd, n;
	char *all;
	const struct netsrc_opts *o = c->o;

	netcache_name(url, o->format == NETSRC_JSON ? o->json_path : NULL, o->headers, name);
	dfd = cache_dir_open(c, 1);
	if (dfd < 0)
		return;
	n = snprintf(head, sizeof head, "keydrop-cache 1\n%s%s%s%s%s%s%s\n", etag[0] ? "etag: " : "", etag,
		     etag[0] ? "\n" : "", lm[0] ? "last-modified: " : "", lm, lm[0] ? "\n" : "",
		     negative ? "status: 404\n" : "");
	all = malloc((size_t)n + blen);
	if (all && n > 0 && (size_t)n < sizeof head) {
		memcpy(all, head, (size_t)n);
		memcpy(all + n, body, blen);
		(void)fsx_write_atomic(dfd, name, all, (size_t)n + blen, 0600, (uid_t)-1, (gid_t)-1, 1);
	}
	free(all);
	close(dfd);
}

void netcache_store(struct source_ctx *c, const char *url, const struct http_head *h,
			const uint8_t *body, size_t blen)
{
	/* Without validators an entry can only serve within --ttl (authorized-keys) */
	if (!h->etag[0] && !h->last_modified[0] && c->o->ttl_s < 0)
		return;
	store(c, url, h->etag, h->last_modified, 0, body, blen);
}

void netcache_store_negative(struct source_ctx *c, const char *url)
{
	store(c, url, "", "", 1, (const uint8_t *)"", 0);
}

void netcache_touch(struct source_ctx *c, const char *url)
{
	char name[NETCACHE_NAME_MAX];
	int dfd;

	netcache_name(url, c->o->format == NETSRC_JSON ? c->o->json_path : NULL, c->o->headers, name);
	dfd = cache_dir_open(c, 0);
	if (dfd < 0)
		return;
	/* the entry's mtime is its age: a 304 makes it fresh again without rewriting (or fsyncing) it */
	(void)utimensat(dfd, name, NULL, AT_SYMLINK_NOFOLLOW);
	close(dfd);
}

/* The entry's name with ".fail" for ".cache": the marker of a failed revalidation. */
static void fail_name(struct source_ctx *c, const char *url, char name[NETCACHE_NAME_MAX])
{
	netcache_name(url, c->o->format == NETSRC_JSON ? c->o->json_path : NULL, c->o->headers, name);
	memcpy(name + 40, ".fail", 6);
}

long long netcache_failed_age(struct source_ctx *c, const char *url)
{
	char name[NETCACHE_NAME_MAX];
	struct stat st;
	int dfd = cache_dir_open(c, 0);
	long long age = -1;
	time_t now = time(NULL);

	if (dfd < 0)
		return -1;
	fail_name(c, url, name);
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) && st.st_mtime <= now)
		age = (long long)(now - st.st_mtime);
	close(dfd);
	return age;
}

void netcache_mark_failed(struct source_ctx *c, const char *url, int failed)
{
	char name[NETCACHE_NAME_MAX];
	int dfd = cache_dir_open(c, 0), fd;

	if (dfd < 0)
		return;
	fail_name(c, url, name);
	if (!failed)
		(void)unlinkat(dfd, name, 0);
	else if ((fd = openat(dfd, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600)) >= 0) {
		(void)futimens(fd, NULL);
		close(fd);
	}
	close(dfd);
}
