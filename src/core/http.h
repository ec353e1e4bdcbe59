/* http.h: the HTTP/1.1 subset a key-fetching client needs. Pure: buffers in, results out; no
 * sockets, no printing. Every size is capped here (header block HTTP_HEADER_MAX, body by the
 * caller's buffer), so hostile servers cannot make us allocate or loop without bound. */
#ifndef KEYDROP_HTTP_H
#define KEYDROP_HTTP_H
#include <stddef.h>
#include <stdint.h>

#define HTTP_HEADER_MAX 8192      /* status line + all header lines + the empty line */
#define HTTP_BODY_DEFAULT (1u << 20)
#define HTTP_URL_MAX 2048

enum {
	HTTP_OK = 0,
	HTTP_MORE = 1,          /* not an error: feed more input */
	HTTP_E_HEADER_BIG = -1, /* header block over HTTP_HEADER_MAX */
	HTTP_E_SYNTAX = -2,     /* malformed status line or header line */
	HTTP_E_LENGTH = -3,     /* bad or conflicting Content-Length */
	HTTP_E_CHUNK = -4,      /* bad chunk size line or chunk framing */
	HTTP_E_TOO_BIG = -5,    /* body larger than the caller's cap */
	HTTP_E_TRUNCATED = -6,  /* connection ended before the body was complete */
	HTTP_E_ENCODING = -7,   /* a Transfer-Encoding other than chunked */
	HTTP_E_URL = -8,        /* unparsable or unsupported URL */
	HTTP_E_ARG = -9         /* request would not fit the caller's buffer */
};

const char *http_strerror(int err);

struct http_url {
	int https;          /* 1 for https://, 0 for http:// */
	char host[256];     /* without brackets for IPv6 literals */
	uint16_t port;
	char path[HTTP_URL_MAX]; /* path + query, starts with '/' */
};

/* Parses an absolute http:// or https:// URL. Userinfo ("user@") and fragments are refused
 * (fragments are dropped). Returns HTTP_OK or HTTP_E_URL. */
int http_parse_url(const char *url, struct http_url *u);

/* Resolves a Location header value against base into out: absolute URLs, "//host/..." and
 * "/path" and relative paths. Returns HTTP_OK or HTTP_E_URL. */
int http_resolve_location(const struct http_url *base, const char *loc, struct http_url *out);

/* Formats u back into text (for messages and cache keys). Truncates at cap; always NUL-terminated. */
void http_url_format(const struct http_url *u, char *out, size_t cap);

/* Builds a GET request. extra is zero or more complete "Name: value\r\n" lines (already checked by
 * the caller for CR/LF injection; may be NULL). Returns the length, or HTTP_E_ARG if it does not fit. */
int http_build_get(char *out, size_t cap, const struct http_url *u, const char *accept,
		   const char *extra);

/* 1 if c may appear in an HTTP token (RFC 9110 tchar). */
int http_tchar(int c);

/* 1 if s is a safe header line "Name: value" (token name, no CR/LF/NUL, printable value). */
int http_header_valid(const char *s);

struct http_head {
	int status;               /* 100..999 */
	int chunked;              /* Transfer-Encoding: chunked */
	int64_t content_length;   /* -1 when absent */
	int64_t retry_after;      /* delta seconds from Retry-After, -1 when absent/unparsable */
	int64_t retry_at;         /* Retry-After as an HTTP-date (epoch seconds), -1 when absent */
	char location[HTTP_URL_MAX];
	char etag[256];           /* empty when absent or too long */
	char last_modified[64];
	char content_type[128];
};

/* Parses the response head at the start of buf[0..len). Interim 1xx responses (except 101) are
 * skipped. On HTTP_OK, *used is the number of bytes of head (the body starts at buf + *used).
 * Returns HTTP_OK, HTTP_MORE (no complete head yet and still under the cap), or an error. */
int http_parse_head(const char *buf, size_t len, struct http_head *h, size_t *used);

/* Parses an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") into epoch seconds; -1 if malformed. */
int64_t http_parse_date(const char *s);

/* Body decoder: Content-Length, chunked (extensions and trailers skipped, bounded) or
 * read-until-close. Decoded bytes go to buf[0..cap); more than cap is HTTP_E_TOO_BIG. */
enum { HTTP_BODY_LENGTH, HTTP_BODY_CHUNKED, HTTP_BODY_EOF };
struct http_body {
	uint8_t *buf;
	size_t len, cap;
	int mode;
	int done;
	uint64_t remaining;   /* LENGTH: bytes left; CHUNKED: bytes left in the current chunk */
	int cstate;           /* chunked decoder state */
	size_t linelen;       /* bytes in the current size/extension/trailer line */
	int ndigits;
	size_t trailer_bytes;
};

/* Sets up b for the response h (status 204/304 and 1xx have no body: done at once). buf is owned
 * by the caller and must hold cap bytes. */
void http_body_init(struct http_body *b, const struct http_head *h, uint8_t *buf, size_t cap);
/* Decodes in[0..n). *used gets the bytes consumed (input after the end of the body is left).
 * Returns HTTP_OK when the body is complete, HTTP_MORE, or an error. */
int http_body_feed(struct http_body *b, const uint8_t *in, size_t n, size_t *used);
/* The connection ended (cleanly). Returns HTTP_OK if that completes the body, else
 * HTTP_E_TRUNCATED. */
int http_body_eof(struct http_body *b);

/* Copies s[0..n) into dst[cap] NUL-terminated; -1 (dst untouched) when it does not fit. */
int http_copy_bounded(char *dst, size_t cap, const char *s, size_t n);

#endif
