/* netsrc.c: network SOURCEs -> key text (see netsrc.h). */
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fsx.h"
#include "http.h"
#include "json.h"
#include "net.h"
#include "netcache.h"
#include "netsrc.h"
#include "note.h"
#include "osutil.h"
#include "source.h"
#include "timefmt.h"

#include "deadline.h"

/* The response a --cache keeps, held until the caller has validated its keys (source_keep). */
struct netsrc_keep {
	char url[HTTP_URL_MAX + 300];
	struct http_head head;
	uint8_t *body; /* the raw body (JSON included), as the server sent it */
	size_t len;
};

void netsrc_defaults(struct netsrc_opts *o)
{
	memset(o, 0, sizeof *o);
	o->format = NETSRC_LINES;
	o->timeout_ms = 30000;
	o->retries = 3;
	o->retry_delay_ms = 1000;
	o->max_bytes = HTTP_BODY_DEFAULT;
	o->ttl_s = -1;
	o->max_stale_s = -1;
}

static int user_ok(const char *u)
{
	size_t n = strlen(u);
	if (n == 0 || n > 64 || u[0] == '-' || u[0] == '.')
		return 0;
	for (; *u; u++)
		if (!((*u >= 'a' && *u <= 'z') || (*u >= 'A' && *u <= 'Z') || (*u >= '0' && *u <= '9') ||
		      *u == '-' || *u == '_' || *u == '.' || *u == '+'))
			return 0;
	return 1;
}

int netsrc_base_url(const char *in, int allow_http, char *out, size_t cap)
{
	struct http_url u;
	size_t n = strlen(in);

	out[0] = 0;
	while (n > 0 && in[n - 1] == '/')
		n--;
	if (n == 0 || n >= cap || strpbrk(in, "?#") || (strncmp(in, "https://", 8) != 0 && !allow_http))
		return -1;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)in[i] <= 0x20 || in[i] == 0x7f)
			return -1;
	memcpy(out, in, n);
	out[n] = 0;
	/* the same parser the request uses: scheme, host, port; it refuses user info */
	if (http_parse_url(out, &u) != HTTP_OK || (!u.https && !allow_http)) {
		out[0] = 0;
		return -1;
	}
	return 0;
}

int netsrc_url(const char *spec, const struct netsrc_opts *o, char *url, size_t cap)
{
	static const char *const dflt[NETSRC_NSERVICES] = { "https://github.com", "https://gitlab.com",
							     "https://launchpad.net" };
	static const char prefix[NETSRC_NSERVICES][4] = { "gh:", "gl:", "lp:" };
	int n = -1;

	for (int i = 0; i < NETSRC_NSERVICES; i++) {
		if (strncmp(spec, prefix[i], 3) != 0)
			continue;
		const char *b = o->base_url[i][0] ? o->base_url[i] : dflt[i];
		if (!user_ok(spec + 3))
			return -1;
		n = i == NETSRC_LAUNCHPAD ? snprintf(url, cap, "%s/~%s/+sshkeys", b, spec + 3)
					  : snprintf(url, cap, "%s/%s.keys", b, spec + 3);
		return n > 0 && (size_t)n < cap ? 0 : -1;
	}
	if (strncmp(spec, "https://", 8) == 0 || strncmp(spec, "http://", 7) == 0)
		n = snprintf(url, cap, "%s", spec);
	return n > 0 && (size_t)n < cap ? 0 : -1;
}

/* ---- time and anchors ------------------------------------------------------------------------ */

/* The clock for certificate checks, never before the build date: a machine that boots at 1970
 * (no RTC, no NTP yet) still verifies, and no clock setting makes a certificate that expired
 * before keydrop was built valid again. */
static int64_t validation_time(struct source_ctx *c)
{
	const struct netsrc_opts *o = c->o;
	int64_t now = (int64_t)time(NULL);

	if (now < (int64_t)KEYDROP_BUILD_EPOCH) {
		if (!c->clock_warned && !o->quiet) {
			char a[TIMEFMT_MAX], b[TIMEFMT_MAX];
			timefmt_utc(now, 0, a);
			timefmt_utc((int64_t)KEYDROP_BUILD_EPOCH, 0, b);
			net_note(o, "system clock (%s) is before keydrop's build date; checking certificates as of %s",
				a, b);
		}
		c->clock_warned = 1;
		now = (int64_t)KEYDROP_BUILD_EPOCH;
	}
	return now;
}

int netsrc_anchors(struct source_ctx *c, char *err, size_t errcap)
{
	if (c->anchors_loaded)
		return 0;
	if (tls_anchors_load(&c->anchors, c->o->cacert) != 0) {
		snprintf(err, errcap, "cannot load CA certificates from %s: %s", c->anchors.source,
			 errno == ENODATA ? "no certificate in it" : osutil_strerror(errno));
		return SRCE_IO; /* the loader freed what it had read */
	}
	c->anchors_loaded = 1;
	if (c->o->verbose)
		net_note(c->o, "trust anchors: %zu from %s (%zu skipped)", c->anchors.n, c->anchors.source,
			    c->anchors.skipped);
	return 0;
}

void netsrc_keep(struct source_ctx *c, const struct netsrc_keep *k)
{
	netcache_store(c, k->url, &k->head, k->body, k->len);
}

void netsrc_keep_free(struct netsrc_keep *k)
{
	if (!k)
		return;
	free(k->body);
	free(k);
}

/* ---- the fetch -------------------------------------------------------------------------------- */

struct joiner {
	char *p;
	size_t len, cap;
	int err;
};

static int join_string(void *arg, const char *s, size_t n)
{
	struct joiner *j = arg;
	if (n + 1 > j->cap - j->len)
		return j->err = 1;
	memcpy(j->p + j->len, s, n);
	j->len += n;
	j->p[j->len++] = '\n';
	return 0;
}

struct retry_ctx {
	const struct netsrc_opts *o;
	const char *spec;
};

static void on_retry(void *arg, const struct net_result *r, int attempt, int64_t delay_ms)
{
	struct retry_ctx *c = arg;
	if (c->o->quiet)
		return;
	if (c->o->wait_network_s > 0)
		net_note(c->o, "%s: %s; waiting for the network, try %d in %.1f s", c->spec, r->msg, attempt + 1,
			(double)delay_ms / 1000);
	else
		net_note(c->o, "%s: %s; retry %d/%d in %.1f s", c->spec, r->msg, attempt, c->o->retries,
			(double)delay_ms / 1000);
}

static const char *who(const char *spec)
{
	if (strncmp(spec, "gh:", 3) == 0)
		return "GitHub";
	if (strncmp(spec, "gl:", 3) == 0)
		return "GitLab";
	if (strncmp(spec, "lp:", 3) == 0)
		return "Launchpad";
	return NULL;
}

static int looks_html(const char *ct, const uint8_t *b, size_t n)
{
	if (ct && strncasecmp(ct, "text/html", 9) == 0)
		return 1;
	while (n && (*b == ' ' || *b == '\t' || *b == '\r' || *b == '\n')) {
		b++;
		n--;
	}
	return n >= 5 && (strncasecmp((const char *)b, "<!doc", 5) == 0 || strncasecmp((const char *)b, "<html", 5) == 0);
}

/* A body (as the server sent it, or the cached copy) -> key text in t: an HTML page is refused, a
 * JSON document gives the strings at the path. ct: the response's Content-Type, or NULL. */
static int body_text(struct source_ctx *c, const uint8_t *body, size_t blen, const char *ct,
		     struct source_text *t, char *err, size_t errcap)
{
	const struct netsrc_opts *o = c->o;

	if (o->format == NETSRC_LINES && looks_html(ct, body, blen)) {
		snprintf(err, errcap, "server returned an HTML page, not keys (login or error page?)");
		return SRCE_REJECT;
	}
	if (o->format == NETSRC_JSON) {
		struct joiner j = { malloc(blen + 2), 0, blen + 2, 0 };
		if (!j.p) {
			snprintf(err, errcap, "out of memory");
			return SRCE_IO;
		}
		int je = json_select((const char *)body, blen, o->json_path ? o->json_path : "", join_string, &j);
		if (je != JSON_OK) {
			free(j.p);
			snprintf(err, errcap, "%s (--json-path %s)", json_strerror(je), o->json_path ? o->json_path : "''");
			return SRCE_REJECT;
		}
		j.p[j.len] = 0;
		/* Parsing is linear and bounded, but the deadline is one promise for the whole command. */
		if (deadline_now_ms() > c->deadline_ms) {
			free(j.p);
			snprintf(err, errcap, "deadline reached while reading the JSON body (--timeout)");
			return SRCE_IO;
		}
		t->p = j.p;
		t->len = j.len;
		return SRCE_OK;
	}
	t->p = malloc(blen + 1);
	if (!t->p) {
		snprintf(err, errcap, "out of memory");
		return SRCE_IO;
	}
	memcpy(t->p, body, blen);
	t->p[blen] = 0;
	t->len = blen;
	return SRCE_OK;
}

/* "90 s", "12 min", "5 h", "3 days": how old a served copy is, for the note. */
static void age_words(long long s, char *out, size_t cap)
{
	if (s < 120)
		snprintf(out, cap, "%lld s", s);
	else if (s < 7200)
		snprintf(out, cap, "%lld min", s / 60);
	else if (s < 2 * 86400)
		snprintf(out, cap, "%lld h", s / 3600);
	else
		snprintf(out, cap, "%lld days", s / 86400);
}

int netsrc_stale(struct source_ctx *c, const char *spec, const char *why, struct source_text *t)
{
	const struct netsrc_opts *o = c->o;
	char url[HTTP_URL_MAX + 300], err[300], age[32];
	struct netcache_entry ce;
	int r;

	memset(t, 0, sizeof *t);
	if (o->max_stale_s < 0 || !o->cache_dir || netsrc_url(spec, o, url, sizeof url) != 0 ||
	    netcache_load(c, url, &ce) != 0)
		return -1;
	r = -1;
	if (!ce.negative && ce.age >= 0 && ce.age <= o->max_stale_s &&
	    body_text(c, (const uint8_t *)ce.body, ce.len, NULL, t, err, sizeof err) == SRCE_OK) {
		age_words(ce.age, age, sizeof age);
		if (!o->quiet)
			net_note(o, "%s: %s; serving the copy cached %s ago (--max-stale)", spec, why, age);
		r = 0;
	}
	free(ce.body);
	return r;
}

int netsrc_stale_refused(struct source_ctx *c, const char *spec, struct source_text *t)
{
	char url[HTTP_URL_MAX + 300];

	if (netsrc_stale(c, spec, "response refused", t) != 0)
		return -1;
	if (netsrc_url(spec, c->o, url, sizeof url) == 0)
		netcache_mark_failed(c, url, 1);
	return 0;
}

/* spec's URL into url[URL_CAP] (http:// only with --allow-http). Returns 0, or SRCE_USAGE with err. */
#define URL_CAP (HTTP_URL_MAX + 300)
static int spec_url(const struct netsrc_opts *o, const char *spec, char *url, char *err, size_t errcap)
{
	if (netsrc_url(spec, o, url, URL_CAP) != 0) {
		snprintf(err, errcap, "bad network source (gh:USER, gl:USER, lp:USER or https://... expected)");
		return SRCE_USAGE;
	}
	if (strncmp(url, "http://", 7) == 0 && !o->allow_http) {
		snprintf(err, errcap, "plain http:// refused (use https://, or --allow-http for a link-local metadata service)");
		return SRCE_USAGE;
	}
	return 0;
}

/* The request every network read makes (url from spec_url): the trust anchors and pins with the
 * validation time floor, proxy, headers, size cap, retries within the command's one deadline; a
 * conditional request when ce is given. On SRCE_OK r holds the response (200, or 304 for ce); else
 * returns SRCE_USAGE / SRCE_IO with the reason in err (r->err and r->status tell what happened). */
static int request(struct source_ctx *c, const char *spec, const char *url, const char *accept,
		   const struct netcache_entry *ce, struct net_result *r, char *err, size_t errcap)
{
	const struct netsrc_opts *o = c->o;
	struct tls_config tc;
	struct net_opts no;
	struct retry_ctx rc = { o, spec };
	int e;

	memset(&tc, 0, sizeof tc);
	if (strncmp(url, "https://", 8) == 0) {
		if ((e = netsrc_anchors(c, err, errcap)) != 0)
			return e;
		tc.anchors = &c->anchors;
		tc.npins = o->npins;
		memcpy(tc.pins, o->pins, sizeof tc.pins);
		tc.now = validation_time(c);
	}
	memset(&no, 0, sizeof no);
	no.timeout_ms = o->timeout_ms;
	no.connect_timeout_ms = o->timeout_ms < 10000 ? o->timeout_ms : 10000;
	no.proxy = o->proxy;
	no.tls = &tc;
	no.max_bytes = o->max_bytes;
	no.accept = accept;
	no.headers = o->headers;
	no.allow_http = o->allow_http;
	no.retry_base_ms = o->retry_delay_ms;
	if (ce) {
		no.if_none_match = ce->etag;
		no.if_modified_since = ce->last_modified;
	}
	no.deadline_ms = c->deadline_ms;
	e = net_get_retry(url, &no, o->retries, o->wait_network_s > 0 ? c->deadline_ms : 0, on_retry, &rc, r);
	if (e == NET_OK)
		return SRCE_OK;
	if (e == NET_E_STATUS && r->status == 404 && who(spec))
		snprintf(err, errcap, "HTTP 404 (no such %s user?)", who(spec));
	else
		snprintf(err, errcap, "%s", r->msg);
	return e == NET_E_URL ? SRCE_USAGE : SRCE_IO;
}

int netsrc_fetch_raw(struct source_ctx *c, const char *spec, const char *accept, uint8_t **body, size_t *len,
		     char *err, size_t errcap)
{
	char url[URL_CAP];
	struct net_result r;
	int ret;

	*body = NULL;
	*len = 0;
	memset(&r, 0, sizeof r);
	if ((ret = spec_url(c->o, spec, url, err, errcap)) != 0)
		return ret;
	ret = request(c, spec, url, accept, NULL, &r, err, errcap);
	if (ret == SRCE_OK && r.status != 200) {
		snprintf(err, errcap, "HTTP %d without a body", r.status);
		ret = SRCE_IO;
	}
	if (ret == SRCE_OK) {
		*body = r.body; /* the body moves to the caller */
		*len = r.len;
		r.body = NULL;
	}
	net_result_free(&r);
	return ret;
}

int netsrc_fetch(struct source_ctx *c, const char *spec, struct source_text *t, char *err, size_t errcap)
{
	const struct netsrc_opts *o = c->o;
	char url[URL_CAP];
	struct net_result r;
	struct netcache_entry ce = { { 0 }, { 0 }, NULL, 0, 0, 0 };
	const uint8_t *body;
	size_t blen;
	int ret = SRCE_IO, have, final = 0, asked = 0;
	long long fail_age;

	memset(t, 0, sizeof *t);
	memset(&r, 0, sizeof r);
	if ((ret = spec_url(o, spec, url, err, errcap)) != 0)
		return ret;
	have = o->cache_dir && netcache_load(c, url, &ce) == 0;
	if (have && o->ttl_s >= 0 && ce.age >= 0 && ce.age < o->ttl_s) {
		/* authorized-keys: fresh enough, no request (the fleet's logins do not reach the server) */
		if (o->verbose)
			net_note(o, "%s: cached %lld s ago, within --ttl", spec, ce.age);
		c->fresh_hits += !ce.negative; /* a remembered 404 holds no key to miss */
		ret = SRCE_IO;
		if (ce.negative)
			snprintf(err, errcap, "HTTP 404 (no such user; remembered for --ttl)");
		else
			ret = body_text(c, (const uint8_t *)ce.body, ce.len, NULL, t, err, errcap);
		goto out;
	}
	if (have && o->ttl_s >= 0 && !ce.negative && (fail_age = netcache_failed_age(c, url)) >= 0 &&
	    fail_age < o->ttl_s) {
		snprintf(err, errcap, "failed %lld s ago, not asked again within --ttl", fail_age);
		ret = SRCE_IO;
		goto out; /* straight to the last good copy */
	}
	ret = request(c, spec, url, o->format == NETSRC_JSON ? "application/json" : "text/plain, */*;q=0.5",
		      have && !ce.negative ? &ce : NULL, &r, err, errcap);
	asked = 1;
	if (ret != SRCE_OK) {
		/* "no such user" is an answer, not a failure: never served from an older copy */
		final = r.err == NET_E_STATUS && (r.status == 404 || r.status == 410);
		if (final && o->ttl_s >= 0 && o->cache_dir)
			netcache_store_negative(c, url);
		goto out;
	}
	ret = SRCE_IO;
	if (r.status == 304) {
		if (!ce.body) {
			snprintf(err, errcap, "HTTP 304 without a cached copy");
			goto out;
		}
		if (o->verbose)
			net_note(o, "%s: not modified (HTTP 304), using the cached copy", spec);
		if (o->ttl_s >= 0)
			netcache_touch(c, url);
		body = (const uint8_t *)ce.body;
		blen = ce.len;
	} else {
		body = r.body;
		blen = r.len;
		if (memchr(body, 0, blen)) {
			snprintf(err, errcap, "response body contains NUL bytes (not key text)");
			ret = SRCE_REJECT;
			goto out;
		}
	}
	if ((ret = body_text(c, body, blen, r.status == 200 ? r.head.content_type : NULL, t, err, errcap)) != SRCE_OK)
		goto out;
	if (o->cache_dir && r.status == 200 && (r.head.etag[0] || r.head.last_modified[0] || o->ttl_s >= 0)) {
		/* kept by source_keep once the caller has validated the keys: only a good body is cached */
		struct netsrc_keep *k = malloc(sizeof *k);
		if (k) {
			snprintf(k->url, sizeof k->url, "%s", url);
			k->head = r.head;
			k->body = r.body; /* the body moves to k */
			k->len = r.len;
			r.body = NULL;
			r.len = 0;
			t->keep = k;
		}
	}
	ret = SRCE_OK;
out:
	net_result_free(&r);
	free(ce.body);
	if (ret != SRCE_OK && ret != SRCE_USAGE && !final && have && netsrc_stale(c, spec, err, t) == 0) {
		ret = SRCE_OK; /* authorized-keys: the last good answer, said in a note */
		if (asked)
			netcache_mark_failed(c, url, 1);
	} else if (asked && have && o->ttl_s >= 0) {
		netcache_mark_failed(c, url, 0); /* answered (or no copy to fall back on): ask next time */
	}
	return ret;
}
