/* net_conn.c: connections: proxy choice, resolve + connect to every address under a deadline,
 * plain or TLS stream I/O, the CONNECT tunnel, reading a bounded response head. */
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

int net_setmsg(struct net_result *r, int err, const char *fmt, ...)
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

/* "ADDRESS port N" for messages; IPv6 as RFC 5952 (musl's inet_ntop: lower-case hex, the longest
 * run of zero groups as "::", IPv4-mapped addresses in dotted form). */
static void addr_text(const struct sockaddr *sa, char *out, size_t cap)
{
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;
		if (!inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof host))
			snprintf(host, sizeof host, "?");
		port = ntohs(s6->sin6_port);
	} else if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)sa;
		if (!inet_ntop(AF_INET, &s4->sin_addr, host, sizeof host))
			snprintf(host, sizeof host, "?");
		port = ntohs(s4->sin_port);
	}
	snprintf(out, cap, "%s port %u", host, port);
}

/* Connects to host:port, trying every address. Returns the fd or -1 (r->msg set). */
int net_tcp_connect(const char *host, uint16_t port, const struct net_opts *o, int64_t deadline,
		       struct net_result *r)
{
	struct net_addr addrs[NET_ADDRS_MAX];
	char where[96] = "";
	int fd = -1, last_errno = 0, n = 0, err = 0, rc;

	rc = net_resolve(host, port, deadline, addrs, NET_ADDRS_MAX, &n, &err);
	if (rc != 0) {
		r->retryable = 1; /* even "no such name": DNS may not be up yet at boot */
		if (rc == NET_RESOLVE_TIMEOUT)
			net_setmsg(r, NET_E_TIMEOUT, "timed out resolving %s", host);
		else
			net_setmsg(r, NET_E_RESOLVE, "cannot resolve %s: %s", host,
				   rc == EAI_SYSTEM ? strerror(err) : gai_strerror(rc));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const struct net_addr *ai = &addrs[i];
		int64_t now = deadline_now_ms(), until = now + o->connect_timeout_ms;
		if (now >= deadline) {
			last_errno = ETIMEDOUT;
			break;
		}
		if (until > deadline)
			until = deadline;
		addr_text((const struct sockaddr *)&ai->sa, where, sizeof where);
		fd = socket(ai->family, ai->socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->protocol);
		if (fd < 0) {
			last_errno = errno;
			continue;
		}
		if (connect(fd, (const struct sockaddr *)&ai->sa, ai->len) == 0)
			break;
		if (errno == EINPROGRESS) {
			int w = deadline_poll(fd, POLLOUT, until);
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
	if (fd < 0) {
		r->retryable = 1;
		if (deadline_now_ms() >= deadline)
			net_setmsg(r, NET_E_TIMEOUT, "timed out connecting to %s (%s)", host, where);
		else
			net_setmsg(r, NET_E_CONNECT, "cannot connect to %s (%s): %s", host, where, strerror(last_errno));
		return -1;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

int net_conn_write(struct conn *c, const void *buf, size_t len)
{
	const char *p = buf;
	if (c->use_tls)
		return tls_write_all(c->tls, buf, len) == TLS_OK ? 0 : -1;
	while (len) {
		int w = deadline_poll(c->fd, POLLOUT, c->deadline_ms);
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
long net_conn_read(struct conn *c, void *buf, size_t cap)
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
		int w = deadline_poll(c->fd, POLLIN, c->deadline_ms);
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

void net_conn_close(struct conn *c)
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
int net_read_head(struct conn *c, char *hb, size_t cap, size_t *have, size_t *used,
		     struct http_head *h, struct net_result *r, const char *what)
{
	*have = 0;
	for (;;) {
		long n = net_conn_read(c, hb + *have, cap - *have);
		if (n == -1 && errno == ETIMEDOUT) {
			r->retryable = 1;
			return net_setmsg(r, NET_E_TIMEOUT, "timed out waiting for the %s response", what), -1;
		}
		if (n == -1) {
			r->retryable = 1;
			if (c->use_tls && c->tls->err == TLS_E_TIMEOUT)
				return net_setmsg(r, NET_E_TIMEOUT, "timed out waiting for the %s response", what), -1;
			return net_setmsg(r, NET_E_IO, "reading the %s response: %s", what, strerror(errno)), -1;
		}
		if (n == 0 || n == -2) {
			r->retryable = 1;
			return net_setmsg(r, NET_E_IO, "connection closed before a complete %s response header", what), -1;
		}
		*have += (size_t)n;
		int pr = http_parse_head(hb, *have, h, used);
		if (pr == HTTP_OK)
			return 0;
		if (pr != HTTP_MORE || *have == cap) {
			r->http_err = pr == HTTP_MORE ? HTTP_E_HEADER_BIG : pr;
			return net_setmsg(r, NET_E_HTTP, "%s", http_strerror(r->http_err)), -1;
		}
	}
}

/* Opens a tunnel through the proxy: fd connected to the proxy, CONNECT sent, 2xx read. */
int net_proxy_connect(const char *proxy, const struct http_url *u, const struct net_opts *o,
			 int64_t deadline, struct net_result *r)
{
	struct http_url pu;
	struct conn c = { .fd = -1, .deadline_ms = deadline };
	char req[700], hb[HTTP_HEADER_MAX];
	int v6 = strchr(u->host, ':') != NULL;
	size_t have, used;
	struct http_head h;

	if (http_parse_url(proxy, &pu) != HTTP_OK || pu.https)
		return net_setmsg(r, NET_E_PROXY, "unusable proxy URL (only http://host:port is supported)"), -1;
	c.fd = net_tcp_connect(pu.host, pu.port, o, deadline, r);
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
	if (net_conn_write(&c, req, strlen(req)) != 0) {
		r->retryable = 1;
		net_setmsg(r, NET_E_PROXY, "proxy: sending CONNECT: %s", strerror(errno));
		goto fail;
	}
	if (net_read_head(&c, hb, sizeof hb, &have, &used, &h, r, "proxy CONNECT") != 0)
		goto fail;
	if (h.status < 200 || h.status > 299) {
		r->retryable = h.status >= 500;
		net_setmsg(r, NET_E_PROXY, "proxy refused CONNECT to %s:%u: HTTP %d", u->host, (unsigned)u->port,
		       h.status);
		goto fail;
	}
	if (have != used) {
		net_setmsg(r, NET_E_PROXY, "proxy sent data before the tunnel was used");
		goto fail;
	}
	return c.fd;
fail:
	net_conn_close(&c);
	return -1;
}

