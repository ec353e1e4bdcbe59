/* net_conn.h: connection helpers shared by net.c and net_conn.c (not a public API). */
#ifndef KEYDROP_NET_CONN_H
#define KEYDROP_NET_CONN_H
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "net.h"

struct conn {
	int fd;
	int use_tls;
	struct tls *tls;
	int64_t deadline_ms;
};

/* One resolved address (what the resolver child sends through its pipe). */
struct net_addr {
	int family, socktype, protocol;
	socklen_t len;
	struct sockaddr_storage sa;
};
#define NET_ADDRS_MAX 16
#define NET_RESOLVE_TIMEOUT 1 /* getaddrinfo's codes are negative */

/* getaddrinfo(host, port) for TCP, bounded by deadline (CLOCK_MONOTONIC ms): it runs in a child
 * process that is killed and reaped at the deadline (net_dns.c). Fills out[0..*n)
 * (at most max). Returns 0, NET_RESOLVE_TIMEOUT, or a getaddrinfo EAI_* code (*err: errno for
 * EAI_SYSTEM). */
int net_resolve(const char *host, uint16_t port, int64_t deadline, struct net_addr *out, int max, int *n,
		int *err);

/* Sets r->err and r->msg; returns err. */
int net_setmsg(struct net_result *r, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Resolves host and tries every address (connect timeout each, within deadline). Returns an fd or
 * -1 with r set (retryable). */
int net_tcp_connect(const char *host, uint16_t port, const struct net_opts *o, int64_t deadline,
		    struct net_result *r);
/* Whole-buffer write / one read on the stream (TLS when c->use_tls); read returns bytes, 0 at a clean
 * end, -1 on error (errno ETIMEDOUT at the deadline), -2 when TLS ended without close_notify. */
int net_conn_write(struct conn *c, const void *buf, size_t len);
long net_conn_read(struct conn *c, void *buf, size_t cap);
void net_conn_close(struct conn *c);
/* Reads a response head into hb[0..cap); body bytes already read stay in hb[*used..*have).
 * Returns 0 or -1 with r set. what names the response in messages. */
int net_read_head(struct conn *c, char *hb, size_t cap, size_t *have, size_t *used, struct http_head *h,
		  struct net_result *r, const char *what);
/* Connects to the proxy and opens a CONNECT tunnel to u. Returns the fd or -1 with r set. */
int net_proxy_connect(const char *proxy, const struct http_url *u, const struct net_opts *o, int64_t deadline,
		      struct net_result *r);

#endif
