/* net.h: one HTTP(S) GET with everything boot-time needs: getaddrinfo and every address with a
 * connect timeout, one deadline over the whole attempt, an HTTP CONNECT proxy with NO_PROXY, at
 * most 5 redirects (never https -> http), bounded head and body. Retry with backoff and full
 * jitter on top (net_get_retry). Never prints: reports go through a callback. */
#ifndef KEYDROP_NET_H
#define KEYDROP_NET_H
#include <stddef.h>
#include <stdint.h>

#include "http.h"
#include "tls.h"

#define NET_REDIRECTS_MAX 5

struct net_opts {
	int64_t timeout_ms;          /* per attempt: resolve + connect + TLS + transfer, redirects included */
	int64_t deadline_ms;         /* absolute CLOCK_MONOTONIC end of everything (0: none) */
	int64_t connect_timeout_ms;  /* per address, within the attempt's deadline */
	const char *proxy;           /* "http://host:port" from --proxy, or NULL: then the environment */
	int no_env_proxy;            /* ignore HTTPS_PROXY/https_proxy/http_proxy/NO_PROXY */
	const struct tls_config *tls;
	size_t max_bytes;
	const char *accept;
	const char *headers;         /* extra "Name: value\r\n" lines (already validated), or NULL */
	const char *if_none_match;   /* conditional request (cache), or NULL */
	const char *if_modified_since;
	int allow_http;
	int64_t retry_base_ms;       /* net_get_retry's backoff base (--retry-delay); <= 0: 1000 */
};

enum {
	NET_OK = 0,
	NET_E_URL = -1,       /* bad URL, or http:// without allow_http */
	NET_E_RESOLVE = -2,   /* getaddrinfo failed */
	NET_E_CONNECT = -3,   /* no address accepted the connection */
	NET_E_TIMEOUT = -4,   /* the attempt's deadline passed */
	NET_E_TLS = -5,       /* TLS failure (verification or handshake) */
	NET_E_IO = -6,        /* read/write error, connection reset */
	NET_E_HTTP = -7,      /* malformed or oversized response (http_* error in http_err) */
	NET_E_REDIRECT = -8,  /* too many redirects, or https -> http */
	NET_E_PROXY = -9,     /* the proxy refused CONNECT or is unusable */
	NET_E_STATUS = -10,   /* a complete response whose status is not 200/304 */
	NET_E_NOMEM = -11
};

struct net_result {
	int err;                 /* NET_* */
	int retryable;           /* connection failures, timeouts, 429, 5xx */
	int status;              /* last HTTP status seen, 0 if none */
	int http_err;            /* HTTP_E_* for NET_E_HTTP */
	int64_t retry_after_s;   /* from a 429/503's Retry-After, -1 if none */
	struct http_head head;   /* of the final response */
	uint8_t *body;           /* malloc'ed body (NUL-terminated) for status 200; caller frees */
	size_t len;
	char final_url[HTTP_URL_MAX + 300];
	char msg[512];           /* one-line cause for failures: "connection refused (127.0.0.1 port 1)" */
};

/* One attempt (following redirects). Returns r->err. */
int net_get(const char *url, const struct net_opts *o, struct net_result *r);

/* Attempts up to 1 + retries times (or, if wait_until_ms > 0, until that CLOCK_MONOTONIC time),
 * sleeping between attempts with exponential backoff and full jitter (base o->retry_base_ms,
 * default 1 s; cap 30 s; or
 * Retry-After when longer), only for retryable failures. One overall deadline bounds it all:
 * o->deadline_ms when set (the caller's, shared by several calls), else wait_until_ms when given,
 * else o->timeout_ms from the start; no attempt, name lookup or sleep goes past it. on_retry (may be NULL) is told each
 * failure and the delay before the next try, so the command can print one line. */
int net_get_retry(const char *url, const struct net_opts *o, int retries, int64_t wait_until_ms,
		  void (*on_retry)(void *arg, const struct net_result *r, int attempt, int64_t delay_ms),
		  void *arg, struct net_result *r);

void net_result_free(struct net_result *r);

/* The proxy URL to use for u (NULL for none): explicit, else the environment unless NO_PROXY
 * matches u's host. Exposed for tests. */
const char *net_proxy_for(const struct http_url *u, const struct net_opts *o);
/* 1 if host matches a NO_PROXY list ("*", "host", ".domain", "domain" match subdomains too). */
int net_no_proxy_match(const char *list, const char *host);

#endif
