/* net.c: resolve, connect, proxy CONNECT, TLS, request, response, redirects, retries. */
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

#include "net.h"
#include "rand.h"

#define REQ_MAX (HTTP_URL_MAX + 8192)

struct conn {
	int fd;
	int use_tls;
	struct tls *tls;
	int64_t deadline_ms;
};

static int setmsg(struct net_result *r, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int setmsg(struct net_result *r, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof r->msg, fmt, ap);
	va_end(ap);
	r->err = err;
	return err;
}

/* ---- proxy selection ------------------------------------------------------------------------- */

int net_no_proxy_match(const char *list, const char *host)
{
	size_t hl = strlen(host);

	while (list && *list) {
		size_t n = strcspn(list, ", ");
		const char *e = list;
		size_t en = n;
		if (en && e[0] == '.') {
			e++;
			en--;
		}
		/* drop a :port suffix (not for IPv6 literals) */
		const char *colon = memchr(e, ':', en);
		if (colon && !memchr(colon + 1, ':', en - (size_t)(colon + 1 - e)))
			en = (size_t)(colon - e);
		if (en == 1 && e[0] == '*')
			return 1;
		if (en && hl >= en && strncasecmp(host + hl - en, e, en) == 0 &&
		    (hl == en || host[hl - en - 1] == '.'))
			return 1;
		list += n;
		while (*list == ',' || *list == ' ')
			list++;
	}
	return 0;
}

const char *net_proxy_for(const struct http_url *u, const struct net_opts *o)
{
	const char *p, *np;

	if (o->proxy && *o->proxy)
		return o->proxy;
	if (o->no_env_proxy)
		return NULL;
	if (u->https) {
		p = getenv("HTTPS_PROXY");
		if (!p || !*p)
			p = getenv("https_proxy");
	} else {
		p = getenv("http_proxy"); /* lower case only, as curl (httpoxy) */
	}
	if (!p || !*p)
		return NULL;
	np = getenv("NO_PROXY");
	if (!np || !*np)
		np = getenv("no_proxy");
	if (np && net_no_proxy_match(np, u->host))
		return NULL;
	return p;
}

/* ---- connections ----------------------------------------------------------------------------- */

static void addr_text(const struct sockaddr *sa, char *out, size_t cap)
{
	char host[64] = "?";
	unsigned port = 0;

	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;
		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof host);
		port = ntohs(s6->sin6_port);
	} else if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)sa;
		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof host);
		port = ntohs(s4->sin_port);
	}
	snprintf(out, cap, "%s port %u", host, port);
}

/* Connects to host:port, trying every address. Returns the fd or -1 (r->msg set). */
static int tcp_connect(const char *host, uint16_t port, const struct net_opts *o, int64_t deadline,
		       struct net_result *r)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV };
	struct addrinfo *res = NULL, *ai;
	char portstr[8], where[96] = "";
	int fd = -1, last_errno = 0, rc;

	snprintf(portstr, sizeof portstr, "%u", (unsigned)port);
	rc = getaddrinfo(host, portstr, &hints, &res);
	if (rc == EAI_NONAME || rc == EAI_ADDRFAMILY) {
		/* AI_ADDRCONFIG hides loopback-only families on hosts without a route; retry without */
		hints.ai_flags = AI_NUMERICSERV;
		rc = getaddrinfo(host, portstr, &hints, &res);
	}
	if (rc != 0) {
		setmsg(r, NET_E_RESOLVE, "cannot resolve %s: %s", host,
		       rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		r->retryable = 1; /* even "no such name": DNS may not be up yet at boot */
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		int64_t now = tls_now_ms(), until = now + o->connect_timeout_ms;
		if (now >= deadline) {
			last_errno = ETIMEDOUT;
			break;
		}
		if (until > deadline)
			until = deadline;
		addr_text(ai->ai_addr, where, sizeof where);
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
		if (fd < 0) {
			last_errno = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS) {
			int w = tls_wait_fd(fd, POLLOUT, until);
			int soerr = 0;
			socklen_t sl = sizeof soerr;
			if (w == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr == 0)
				break;
			last_errno = w == 0 ? ETIMEDOUT : (soerr ? soerr : errno);
		} else {
			last_errno = errno;
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		r->retryable = 1;
		if (tls_now_ms() >= deadline)
			setmsg(r, NET_E_TIMEOUT, "timed out connecting to %s (%s)", host, where);
		else
			setmsg(r, NET_E_CONNECT, "cannot connect to %s (%s): %s", host, where, strerror(last_errno));
		return -1;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

static int conn_write(struct conn *c, const void *buf, size_t len)
{
	const char *p = buf;
	if (c->use_tls)
		return tls_write_all(c->tls, buf, len) == TLS_OK ? 0 : -1;
	while (len) {
		int w = tls_wait_fd(c->fd, POLLOUT, c->deadline_ms);
		if (w <= 0) {
			errno = w == 0 ? ETIMEDOUT : errno;
			return -1;
		}
		ssize_t n = write(c->fd, p, len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Returns bytes read, 0 on a clean end of stream, -1 on error (errno ETIMEDOUT for the deadline),
 * -2 for a TLS stream that ended without close_notify. */
static long conn_read(struct conn *c, void *buf, size_t cap)
{
	if (c->use_tls) {
		long n = tls_read(c->tls, buf, cap);
		if (n >= 0)
			return n;
		if (n == TLS_E_EOF)
			return -2;
		errno = n == TLS_E_TIMEOUT ? ETIMEDOUT : EIO;
		return -1;
	}
	for (;;) {
		int w = tls_wait_fd(c->fd, POLLIN, c->deadline_ms);
		if (w <= 0) {
			errno = w == 0 ? ETIMEDOUT : errno;
			return -1;
		}
		ssize_t n = read(c->fd, buf, cap);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		return n;
	}
}

static void conn_close(struct conn *c)
{
	if (c->tls) {
		tls_close(c->tls);
		free(c->tls);
		c->tls = NULL;
	}
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* Reads a response head into hb (cap HTTP_HEADER_MAX + extra). Leftover body bytes stay in
 * hb[*used..*have). Returns 0 or -1 (r set). */
static int read_head(struct conn *c, char *hb, size_t cap, size_t *have, size_t *used,
		     struct http_head *h, struct net_result *r, const char *what)
{
	*have = 0;
	for (;;) {
		long n = conn_read(c, hb + *have, cap - *have);
		if (n == -1 && errno == ETIMEDOUT) {
			r->retryable = 1;
			return setmsg(r, NET_E_TIMEOUT, "timed out waiting for the %s response", what), -1;
		}
		if (n == -1) {
			r->retryable = 1;
			if (c->use_tls && c->tls->err == TLS_E_TIMEOUT)
				return setmsg(r, NET_E_TIMEOUT, "timed out waiting for the %s response", what), -1;
			return setmsg(r, NET_E_IO, "reading the %s response: %s", what, strerror(errno)), -1;
		}
		if (n == 0 || n == -2) {
			r->retryable = 1;
			return setmsg(r, NET_E_IO, "connection closed before a complete %s response header", what), -1;
		}
		*have += (size_t)n;
		int pr = http_parse_head(hb, *have, h, used);
		if (pr == HTTP_OK)
			return 0;
		if (pr != HTTP_MORE || *have == cap) {
			r->http_err = pr == HTTP_MORE ? HTTP_E_HEADER_BIG : pr;
			return setmsg(r, NET_E_HTTP, "%s", http_strerror(r->http_err)), -1;
		}
	}
}

/* Opens a tunnel through the proxy: fd connected to the proxy, CONNECT sent, 2xx read. */
static int proxy_connect(const char *proxy, const struct http_url *u, const struct net_opts *o,
			 int64_t deadline, struct net_result *r)
{
	struct http_url pu;
	struct conn c = { .fd = -1, .deadline_ms = deadline };
	char req[700], hb[HTTP_HEADER_MAX];
	int v6 = strchr(u->host, ':') != NULL;
	size_t have, used;
	struct http_head h;

	if (http_parse_url(proxy, &pu) != HTTP_OK || pu.https)
		return setmsg(r, NET_E_PROXY, "unusable proxy URL (only http://host:port is supported)"), -1;
	c.fd = tcp_connect(pu.host, pu.port, o, deadline, r);
	if (c.fd < 0) {
		char tmp[sizeof r->msg];
		memcpy(tmp, r->msg, sizeof tmp);
		tmp[sizeof tmp - 8] = 0;
		snprintf(r->msg, sizeof r->msg, "proxy: %.400s", tmp);
		return -1;
	}
	snprintf(req, sizeof req,
		 "CONNECT %s%s%s:%u HTTP/1.1\r\nHost: %s%s%s:%u\r\nUser-Agent: keydrop/%s\r\n\r\n",
		 v6 ? "[" : "", u->host, v6 ? "]" : "", (unsigned)u->port, v6 ? "[" : "", u->host,
		 v6 ? "]" : "", (unsigned)u->port, KEYDROP_VERSION);
	if (conn_write(&c, req, strlen(req)) != 0) {
		r->retryable = 1;
		setmsg(r, NET_E_PROXY, "proxy: sending CONNECT: %s", strerror(errno));
		goto fail;
	}
	if (read_head(&c, hb, sizeof hb, &have, &used, &h, r, "proxy CONNECT") != 0)
		goto fail;
	if (h.status < 200 || h.status > 299) {
		r->retryable = h.status >= 500;
		setmsg(r, NET_E_PROXY, "proxy refused CONNECT to %s:%u: HTTP %d", u->host, (unsigned)u->port,
		       h.status);
		goto fail;
	}
	if (have != used) {
		setmsg(r, NET_E_PROXY, "proxy sent data before the tunnel was used");
		goto fail;
	}
	return c.fd;
fail:
	conn_close(&c);
	return -1;
}

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
	c.fd = proxy ? proxy_connect(proxy, u, o, deadline, r) : tcp_connect(u->host, u->port, o, deadline, r);
	if (c.fd < 0)
		return r->err;
	if (u->https) {
		c.tls = malloc(sizeof *c.tls);
		if (!c.tls) {
			setmsg(r, NET_E_NOMEM, "out of memory");
			goto out;
		}
		c.use_tls = 1;
		if (tls_handshake(c.tls, c.fd, u->host, o->tls, deadline) != TLS_OK) {
			char d[400];
			tls_describe(c.tls, d, sizeof d);
			r->retryable = !tls_is_verify_error(c.tls);
			setmsg(r, c.tls->err == TLS_E_TIMEOUT ? NET_E_TIMEOUT : NET_E_TLS, "%s", d);
			goto out;
		}
	}
	req = malloc(REQ_MAX);
	hb = malloc(HTTP_HEADER_MAX + 1);
	if (!req || !hb) {
		setmsg(r, NET_E_NOMEM, "out of memory");
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
			setmsg(r, NET_E_URL, "request headers too long");
			goto out;
		}
		int n = http_build_get(req, REQ_MAX - 4096, u, o->accept, o->headers);
		if (n < 0 || (size_t)n + el >= REQ_MAX) {
			setmsg(r, NET_E_URL, "request too long");
			goto out;
		}
		/* conditional headers go before the final empty line */
		memmove(req + n - 2 + el, req + n - 2, 3);
		memcpy(req + n - 2, extra, el);
		if (conn_write(&c, req, (size_t)n + el) != 0) {
			r->retryable = 1;
			if (c.use_tls) {
				char d[400];
				tls_describe(c.tls, d, sizeof d);
				setmsg(r, c.tls->err == TLS_E_TIMEOUT ? NET_E_TIMEOUT : NET_E_IO, "sending the request: %s", d);
			} else {
				setmsg(r, errno == ETIMEDOUT ? NET_E_TIMEOUT : NET_E_IO, "sending the request: %s",
				       strerror(errno));
			}
			goto out;
		}
	}
	if (read_head(&c, hb, HTTP_HEADER_MAX, &have, &used, &r->head, r, "HTTP") != 0)
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
		setmsg(r, NET_E_NOMEM, "out of memory");
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
			long n = conn_read(&c, chunk, REQ_MAX);
			if (n == -1) {
				int to = errno == ETIMEDOUT || (c.use_tls && c.tls->err == TLS_E_TIMEOUT);
				r->retryable = 1;
				setmsg(r, to ? NET_E_TIMEOUT : NET_E_IO, to ? "timed out reading the response body (%zu bytes so far)"
									  : "reading the response body failed (%zu bytes so far)",
				       body.len);
				goto out;
			}
			if (n == -2) {
				/* TCP closed without close_notify: only fine if the framing says we are done */
				br = body.mode == HTTP_BODY_EOF ? HTTP_E_TRUNCATED : http_body_eof(&body);
				if (br != HTTP_OK) {
					r->retryable = 1;
					setmsg(r, NET_E_TLS, "TLS: connection closed without close_notify before the body was complete (%zu bytes)", body.len);
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
				setmsg(r, NET_E_HTTP, "response body larger than %zu bytes (--max-bytes)", o->max_bytes);
			else if (br == HTTP_E_TRUNCATED)
				setmsg(r, NET_E_HTTP, "response ended after %zu bytes, before its declared length", body.len);
			else
				setmsg(r, NET_E_HTTP, "%s", http_strerror(br));
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
	conn_close(&c);
	free(req);
	free(hb);
	return ret == 0 ? NET_OK : r->err;
}

int net_get(const char *url, const struct net_opts *o, struct net_result *r)
{
	struct http_url u, next;
	int64_t deadline = tls_now_ms() + o->timeout_ms;

	if (o->deadline_ms > 0 && o->deadline_ms < deadline)
		deadline = o->deadline_ms;

	memset(r, 0, sizeof *r);
	r->retry_after_s = -1;
	if (http_parse_url(url, &u) != HTTP_OK)
		return setmsg(r, NET_E_URL, "bad URL (https://host[:port]/path expected)");
	if (!u.https && !o->allow_http)
		return setmsg(r, NET_E_URL, "plain http:// refused (use https://, or --allow-http for a link-local metadata service)");
	struct net_opts hop_opts = *o;
	int cross = 0;

	for (int hop = 0;; hop++) {
		if (cross)
			hop_opts.headers = NULL;
		http_url_format(&u, r->final_url, sizeof r->final_url);
		/* BearSSL 0.6 cannot match a certificate against an IP address: without a pin, any
		 * certificate from any trusted CA would do. So an https IP literal needs --pin. */
		if (u.https && (strchr(u.host, ':') || strspn(u.host, "0123456789.") == strlen(u.host)) &&
		    (!o->tls || o->tls->npins == 0))
			return setmsg(r, NET_E_URL, "https to an IP address needs --pin (BearSSL cannot check a certificate against an IP address)");
		if (one_request(&u, &hop_opts, deadline, r) != NET_OK)
			return r->err;
		int s = r->status;
		if (s == 200 || s == 304)
			return NET_OK;
		if (s == 301 || s == 302 || s == 303 || s == 307 || s == 308) {
			if (!r->head.location[0])
				return setmsg(r, NET_E_STATUS, "HTTP %d redirect without Location", s);
			if (hop >= NET_REDIRECTS_MAX)
				return setmsg(r, NET_E_REDIRECT, "too many redirects (more than %d)", NET_REDIRECTS_MAX);
			if (http_resolve_location(&u, r->head.location, &next) != HTTP_OK)
				return setmsg(r, NET_E_REDIRECT, "HTTP %d redirect to an unusable Location", s);
			if (u.https && !next.https)
				return setmsg(r, NET_E_REDIRECT, "refused redirect from https to plain http");
			if (!next.https && !o->allow_http)
				return setmsg(r, NET_E_REDIRECT, "refused redirect to plain http");
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
		return setmsg(r, NET_E_STATUS, "HTTP %d%s", s, status_hint(s));
	}
}

void net_result_free(struct net_result *r)
{
	free(r->body);
	r->body = NULL;
	r->len = 0;
}

static int64_t backoff_ms(int attempt)
{
	/* full jitter: uniform in [0, min(cap, base * 2^attempt)) */
	int64_t base = 1000, cap = 30000, lim = base;
	uint32_t x = 0;
	const char *t = getenv("KEYDROP_TEST_BACKOFF_MS"); /* test-only: shrink the base */

	if (t && *t)
		base = lim = atoll(t) > 0 ? atoll(t) : 1;
	for (int i = 0; i < attempt && lim < cap; i++)
		lim *= 2;
	if (lim > cap)
		lim = cap;
	if (rand_bytes(&x, sizeof x, NULL, NULL) != 0)
		x = (uint32_t)tls_now_ms();
	return (int64_t)(x % (uint32_t)lim);
}

int net_get_retry(const char *url, const struct net_opts *o, int retries, int64_t wait_until_ms,
		  void (*on_retry)(void *arg, const struct net_result *r, int attempt, int64_t delay_ms),
		  void *arg, struct net_result *r)
{
	struct net_opts oo = *o;
	int64_t end = wait_until_ms > 0 ? wait_until_ms : tls_now_ms() + o->timeout_ms;

	oo.deadline_ms = end;
	for (int attempt = 0;; attempt++) {
		int e = net_get(url, &oo, r);
		if (e == NET_OK || !r->retryable)
			return e;
		int more = wait_until_ms > 0 ? tls_now_ms() < wait_until_ms : attempt < retries;
		if (!more || tls_now_ms() >= end)
			return e;
		int64_t d = backoff_ms(attempt);
		if (r->retry_after_s >= 0) {
			int64_t ra = r->retry_after_s > 300 ? 300000 : r->retry_after_s * 1000;
			if (ra > d)
				d = ra;
		}
		int last = 0;
		if (tls_now_ms() + d >= end) {
			/* The next try could not start before the deadline. --wait-network waits out its
			 * time (it promised to keep trying that long); otherwise report this failure now. */
			if (wait_until_ms <= 0)
				return e;
			d = end - tls_now_ms() > 0 ? end - tls_now_ms() : 0;
			last = 1;
		}
		if (on_retry && !last)
			on_retry(arg, r, attempt + 1, d);
		struct timespec ts = { (time_t)(d / 1000), (long)(d % 1000) * 1000000 };
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
		if (last)
			return e;
		net_result_free(r);
	}
}
