/* net.c: one GET (request, response, redirects) and the retry loop with backoff + full jitter. */
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "deadline.h"
#include "net_conn.h"
#include "rand.h"

#define REQ_MAX (HTTP_URL_MAX + 8192)

static const char *status_hint(int status)
{
	switch (status) {
	case 401: return " (unauthorized: missing or wrong credentials?)";
	case 403: return " (forbidden)";
	case 404: return " (not found)";
	case 410: return " (gone)";
	case 429: return " (rate limited)";
	case 500: return " (server error)";
	case 502: return " (bad gateway)";
	case 503: return " (service unavailable)";
	case 504: return " (gateway timeout)";
	}
	return "";
}

/* One request on a fresh connection to u. Returns NET_OK with a complete response in r (status
 * and, for 200, body), or an error. */
static int one_request(const struct http_url *u, const struct net_opts *o, int64_t deadline,
		       struct net_result *r)
{
	struct conn c = { .fd = -1, .deadline_ms = deadline };
	char *req = NULL, *hb = NULL;
	const char *proxy = net_proxy_for(u, o);
	size_t have = 0, used = 0;
	struct http_body body;
	int ret = -1;

	r->body = NULL;
	r->len = 0;
	c.fd = proxy ? net_proxy_connect(proxy, u, o, deadline, r) : net_tcp_connect(u->host, u->port, o, deadline, r);
	if (c.fd < 0)
		return r->err;
	if (u->https) {
		c.tls = malloc(sizeof *c.tls);
		if (!c.tls) {
			net_setmsg(r, NET_E_NOMEM, "out of memory");
			goto out;
		}
		c.use_tls = 1;
		if (tls_handshake(c.tls, c.fd, u->host, o->tls, deadline) != TLS_OK) {
			char d[400];
			tls_describe(c.tls, d, sizeof d);
			r->retryable = !tls_is_verify_error(c.tls);
			net_setmsg(r, c.tls->err == TLS_E_TIMEOUT ? NET_E_TIMEOUT : NET_E_TLS, "%s", d);
			goto out;
		}
	}
	req = malloc(REQ_MAX);
	hb = malloc(HTTP_HEADER_MAX + 1);
	if (!req || !hb) {
		net_setmsg(r, NET_E_NOMEM, "out of memory");
		goto out;
	}
	{
		char extra[4096] = "";
		size_t el = 0;
		if (o->if_none_match && *o->if_none_match)
			el += (size_t)snprintf(extra + el, sizeof extra - el, "If-None-Match: %s\r\n", o->if_none_match);
		if (o->if_modified_since && *o->if_modified_since && el < sizeof extra)
			el += (size_t)snprintf(extra + el, sizeof extra - el, "If-Modified-Since: %s\r\n",
					       o->if_modified_since);
		if (el >= sizeof extra) {
			net_setmsg(r, NET_E_URL, "request headers too long");
			goto out;
		}
		int n = http_build_get(req, REQ_MAX - 4096, u, o->accept, o->headers);
		if (n < 0 || (size_t)n + el >= REQ_MAX) {
			net_setmsg(r, NET_E_URL, "request too long");
			goto out;
		}
		/* conditional headers go before the final empty line */
		memmove(req + n - 2 + el, req + n - 2, 3);
		memcpy(req + n - 2, extra, el);
		if (net_conn_write(&c, req, (size_t)n + el) != 0) {
			r->retryable = 1;
			if (c.use_tls) {
				char d[400];
				tls_describe(c.tls, d, sizeof d);
				net_setmsg(r, c.tls->err == TLS_E_TIMEOUT ? NET_E_TIMEOUT : NET_E_IO, "sending the request: %s", d);
			} else {
				net_setmsg(r, errno == ETIMEDOUT ? NET_E_TIMEOUT : NET_E_IO, "sending the request: %s",
				       strerror(errno));
			}
			goto out;
		}
	}
	if (net_read_head(&c, hb, HTTP_HEADER_MAX, &have, &used, &r->head, r, "HTTP") != 0)
		goto out;
	r->status = r->head.status;
	if (r->status != 200) {
		/* Redirects, 304 and errors: the head is all we need. */
		ret = 0;
		r->err = NET_OK;
		goto out;
	}
	r->body = malloc(o->max_bytes + 1);
	if (!r->body) {
		net_setmsg(r, NET_E_NOMEM, "out of memory");
		goto out;
	}
	http_body_init(&body, &r->head, r->body, o->max_bytes);
	{
		size_t off = used, u2;
		int br = HTTP_MORE;
		uint8_t *chunk = (uint8_t *)req; /* reuse: REQ_MAX bytes */
		if (have > off)
			br = http_body_feed(&body, (uint8_t *)hb + off, have - off, &u2);
		while (br == HTTP_MORE) {
			long n = net_conn_read(&c, chunk, REQ_MAX);
			if (n == -1) {
				int to = errno == ETIMEDOUT || (c.use_tls && c.tls->err == TLS_E_TIMEOUT);
				r->retryable = 1;
				net_setmsg(r, to ? NET_E_TIMEOUT : NET_E_IO, to ? "timed out reading the response body (%zu bytes so far)"
									  : "reading the response body failed (%zu bytes so far)",
				       body.len);
				goto out;
			}
			if (n == -2) {
				/* TCP closed without close_notify: only fine if the framing says we are done */
				br = body.mode == HTTP_BODY_EOF ? HTTP_E_TRUNCATED : http_body_eof(&body);
				if (br != HTTP_OK) {
					r->retryable = 1;
					net_setmsg(r, NET_E_TLS, "TLS: connection closed without close_notify before the body was complete (%zu bytes)", body.len);
					goto out;
				}
				break;
			}
			if (n == 0) {
				br = http_body_eof(&body);
				break;
			}
			br = http_body_feed(&body, chunk, (size_t)n, &u2);
		}
		if (br != HTTP_OK) {
			r->http_err = br;
			r->retryable = br == HTTP_E_TRUNCATED;
			if (br == HTTP_E_TOO_BIG)
				net_setmsg(r, NET_E_HTTP, "response body larger than %zu bytes (--max-bytes)", o->max_bytes);
			else if (br == HTTP_E_TRUNCATED)
				net_setmsg(r, NET_E_HTTP, "response ended after %zu bytes, before its declared length", body.len);
			else
				net_setmsg(r, NET_E_HTTP, "%s", http_strerror(br));
			goto out;
		}
		r->len = body.len;
		r->body[r->len] = 0;
	}
	ret = 0;
	r->err = NET_OK;
out:
	if (ret != 0) {
		free(r->body);
		r->body = NULL;
		r->len = 0;
	}
	net_conn_close(&c);
	if (req)
		explicit_bzero(req, REQ_MAX); /* may hold an Authorization header */
	free(req);
	free(hb);
	return ret == 0 ? NET_OK : r->err;
}

int net_get(const char *url, const struct net_opts *o, struct net_result *r)
{
	struct http_url u, next;
	int64_t deadline = deadline_now_ms() + o->timeout_ms;

	if (o->deadline_ms > 0 && o->deadline_ms < deadline)
		deadline = o->deadline_ms;

	memset(r, 0, sizeof *r);
	r->retry_after_s = -1;
	if (http_parse_url(url, &u) != HTTP_OK)
		return net_setmsg(r, NET_E_URL, "bad URL (https://host[:port]/path expected)");
	if (!u.https && !o->allow_http)
		return net_setmsg(r, NET_E_URL, "plain http:// refused (use https://, or --allow-http for a link-local metadata service)");
	struct net_opts hop_opts = *o;
	int cross = 0;

	for (int hop = 0;; hop++) {
		if (cross)
			hop_opts.headers = NULL;
		http_url_format(&u, r->final_url, sizeof r->final_url);
		/* BearSSL 0.6 cannot match a certificate against an IP address: without a pin, any
		 * certificate from any trusted CA would do. So an https IP literal needs --pin. */
		if (u.https && (strchr(u.host, ':') || strspn(u.host, "0123456789.") == strlen(u.host)) &&
		    (!o->tls || o->tls->npins == 0)) {
			/* on a redirect it is the server's doing, not a usage error */
			if (hop > 0)
				return net_setmsg(r, NET_E_REDIRECT, "refused redirect to the IP address %s (https to an IP address needs --pin: BearSSL cannot check a certificate against an IP address)",
						  u.host);
			return net_setmsg(r, NET_E_URL, "https to an IP address needs --pin (BearSSL cannot check a certificate against an IP address)");
		}
		if (one_request(&u, &hop_opts, deadline, r) != NET_OK)
			return r->err;
		int s = r->status;
		if (s == 200 || s == 304)
			return NET_OK;
		if (s == 301 || s == 302 || s == 303 || s == 307 || s == 308) {
			if (!r->head.location[0])
				return net_setmsg(r, NET_E_STATUS, "HTTP %d redirect without Location", s);
			if (hop >= NET_REDIRECTS_MAX)
				return net_setmsg(r, NET_E_REDIRECT, "too many redirects (more than %d)", NET_REDIRECTS_MAX);
			if (http_resolve_location(&u, r->head.location, &next) != HTTP_OK)
				return net_setmsg(r, NET_E_REDIRECT, "HTTP %d redirect to an unusable Location", s);
			if (u.https && !next.https)
				return net_setmsg(r, NET_E_REDIRECT, "refused redirect from https to plain http");
			if (!next.https && !o->allow_http)
				return net_setmsg(r, NET_E_REDIRECT, "refused redirect to plain http");
			/* --header values (tokens) go only to the origin they were given for, as curl */
			if (strcasecmp(next.host, u.host) != 0 || next.port != u.port || next.https != u.https)
				cross = 1;
			u = next;
			continue;
		}
		/* 403 only with Retry-After: GitHub's secondary rate limit; a plain 403 is final */
		r->retryable = s == 429 || s >= 500 || (s == 403 && (r->head.retry_after >= 0 || r->head.retry_at >= 0));
		if (r->head.retry_after >= 0)
			r->retry_after_s = r->head.retry_after;
		else if (r->head.retry_at >= 0) {
			int64_t d = r->head.retry_at - (int64_t)time(NULL);
			r->retry_after_s = d > 0 ? d : 0;
		}
		return net_setmsg(r, NET_E_STATUS, "HTTP %d%s", s, status_hint(s));
	}
}

void net_result_free(struct net_result *r)
{
	free(r->body);
	r->body = NULL;
	r->len = 0;
}

static int64_t backoff_ms(int64_t base, int attempt)
{
	/* full jitter: uniform in [0, min(cap, base * 2^attempt)) */
	int64_t cap = 30000, lim = base > 0 ? base : 1000;
	uint32_t x = 0;

	for (int i = 0; i < attempt && lim < cap; i++)
		lim *= 2;
	if (lim > cap)
		lim = cap;
	if (rand_bytes(&x, sizeof x, NULL, NULL) != 0)
		x = (uint32_t)deadline_now_ms();
	return (int64_t)(x % (uint32_t)lim);
}

int net_get_retry(const char *url, const struct net_opts *o, int retries, int64_t wait_until_ms,
		  void (*on_retry)(void *arg, const struct net_result *r, int attempt, int64_t delay_ms),
		  void *arg, struct net_result *r)
{
	struct net_opts oo = *o;
	int64_t end = o->deadline_ms > 0 ? o->deadline_ms : wait_until_ms > 0 ? wait_until_ms : deadline_now_ms() + o->timeout_ms;

	oo.deadline_ms = end;
	for (int attempt = 0;; attempt++) {
		int e = net_get(url, &oo, r);
		if (e == NET_OK || !r->retryable)
			return e;
		int more = wait_until_ms > 0 ? deadline_now_ms() < wait_until_ms : attempt < retries;
		if (!more || deadline_now_ms() >= end)
			return e;
		int64_t d = backoff_ms(o->retry_base_ms, attempt);
		if (r->retry_after_s >= 0) {
			int64_t ra = r->retry_after_s > 300 ? 300000 : r->retry_after_s * 1000;
			if (ra > d)
				d = ra;
		}
		int last = 0;
		if (deadline_now_ms() + d >= end) {
			/* The next try could not start before the deadline. --wait-network waits out its
			 * time (it promised to keep trying that long); otherwise report this failure now. */
			if (wait_until_ms <= 0)
				return e;
			d = deadline_left_ms(end);
			last = 1;
		}
		if (on_retry && !last)
			on_retry(arg, r, attempt + 1, d);
		deadline_sleep_ms(d);
		if (last)
			return e;
		net_result_free(r);
	}
}
