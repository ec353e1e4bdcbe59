/* t_http.c: the HTTP/1.1 response parser, body decoder, URLs and request builder. */
#include <stdlib.h>

#include "http.h"
#include "tap.h"

static int head(const char *s, struct http_head *h, size_t *used)
{
	return http_parse_head(s, strlen(s), h, used);
}

/* Decodes a whole chunked/length body fed in pieces of `step` bytes. */
static int body_all(const struct http_head *h, const char *in, size_t n, size_t step, char *out, size_t cap,
		    size_t *outlen)
{
	struct http_body b;
	size_t off = 0, used;
	int r = HTTP_MORE;

	http_body_init(&b, h, (uint8_t *)out, cap);
	if (b.done)
		r = HTTP_OK;
	while (r == HTTP_MORE && off < n) {
		size_t k = n - off < step ? n - off : step;
		r = http_body_feed(&b, (const uint8_t *)in + off, k, &used);
		off += used;
	}
	if (r == HTTP_MORE)
		r = http_body_eof(&b);
	*outlen = b.len;
	return r;
}

static void test_head(void)
{
	struct http_head h;
	size_t used = 0;
	const char *ok = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nETag: \"abc\"\r\nLast-Modified: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
			 "Content-Type: text/plain; charset=utf-8\r\n\r\nhello";

	IS_INT(head(ok, &h, &used), HTTP_OK, "simple 200 head parses");
	IS_INT(h.status, 200, "status 200");
	IS_INT(h.content_length, 5, "content-length 5");
	IS_INT(used, strlen(ok) - 5, "head length excludes body");
	IS_STR(h.etag, "\"abc\"", "etag kept verbatim");
	IS_STR(h.last_modified, "Sun, 06 Nov 1994 08:49:37 GMT", "last-modified kept");
	IS_STR(h.content_type, "text/plain; charset=utf-8", "content-type kept");

	IS_INT(head("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n", &h, &used), HTTP_MORE, "incomplete head: more");
	IS_INT(head("HTTP/1.1 200 OK\nContent-Length: 0\n\n", &h, &used), HTTP_OK, "bare LF line ends accepted");
	IS_INT(head("HTTP/1.0 404 Not Found\r\n\r\n", &h, &used), HTTP_OK, "HTTP/1.0 404");
	IS_INT(h.status, 404, "status 404");
	IS_INT(h.content_length, -1, "no content-length: -1");
	IS_INT(head("HTTP/1.1 204\r\n\r\n", &h, &used), HTTP_OK, "status line without reason");
	IS_INT(head("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", &h, &used), HTTP_OK,
	       "1xx interim response skipped");
	IS_INT(h.status, 200, "final status after 100");
	IS_INT(head("HTTP/1.1 100 Continue\r\n\r\n", &h, &used), HTTP_MORE, "only a 1xx: need more");

	IS_INT(head("HTTP/2 200\r\n\r\n", &h, &used), HTTP_E_SYNTAX, "HTTP/2 status line refused");
	IS_INT(head("<html>hello</html>\r\n\r\n", &h, &used), HTTP_E_SYNTAX, "HTML instead of a status line");
	IS_INT(head("HTTP/1.1 2x0 OK\r\n\r\n", &h, &used), HTTP_E_SYNTAX, "non-digit status");
	IS_INT(head("HTTP/1.1 200 OK\r\nBad Header\r\n\r\n", &h, &used), HTTP_E_SYNTAX, "header without colon");
	IS_INT(head("HTTP/1.1 200 OK\r\nX: a\r\n folded\r\n\r\n", &h, &used), HTTP_E_SYNTAX, "obs-fold refused");
	IS_INT(head("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", &h, &used), HTTP_E_LENGTH,
	       "conflicting content-lengths refused");
	IS_INT(head("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", &h, &used), HTTP_OK,
	       "repeated equal content-length accepted");
	IS_INT(head("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", &h, &used), HTTP_E_LENGTH, "negative length");
	IS_INT(head("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", &h, &used), HTTP_E_LENGTH,
	       "huge length");
	IS_INT(head("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", &h, &used), HTTP_E_ENCODING,
	       "gzip transfer-encoding refused");
	IS_INT(head("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n", &h, &used), HTTP_OK, "chunked (any case)");
	OK(h.chunked, "chunked flag set");
	IS_INT(head("HTTP/1.1 429 Too Many\r\nRetry-After: 7\r\n\r\n", &h, &used), HTTP_OK, "429 head");
	IS_INT(h.retry_after, 7, "Retry-After delta seconds");
	IS_INT(head("HTTP/1.1 503 x\r\nRetry-After: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n", &h, &used), HTTP_OK, "503 head");
	IS_INT(h.retry_at, 784111777, "Retry-After HTTP-date");
	IS_INT(head("HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\n\r\n", &h, &used), HTTP_OK, "302");
	IS_STR(h.location, "/elsewhere", "location kept");
	IS_INT(head("HTTP/1.1 200 OK\r\nETag: \"a\x01\"\r\n\r\n", &h, &used), HTTP_OK, "etag with control char");
	IS_STR(h.etag, "", "control chars drop the etag");

	/* header over 8 KiB */
	{
		size_t n = HTTP_HEADER_MAX + 100;
		char *big = malloc(n + 1);
		memcpy(big, "HTTP/1.1 200 OK\r\nX-Pad: ", 24);
		memset(big + 24, 'a', n - 24);
		big[n] = 0;
		IS_INT(http_parse_head(big, n, &h, &used), HTTP_E_HEADER_BIG, "header block over 8 KiB refused");
		IS_INT(http_parse_head(big, HTTP_HEADER_MAX, &h, &used), HTTP_E_HEADER_BIG, "exactly 8 KiB without end");
		IS_INT(http_parse_head(big, 4000, &h, &used), HTTP_MORE, "4000 bytes without end: more");
		free(big);
	}
	IS_INT(http_parse_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777, "IMF-fixdate");
	IS_INT(http_parse_date("Sunday, 06-Nov-94 08:49:37 GMT"), -1, "RFC 850 date refused");
	IS_INT(http_parse_date("Sun, 06 Foo 1994 08:49:37 GMT"), -1, "bad month");
}

static void test_body(void)
{
	struct http_head h;
	size_t used, n;
	char out[64];
	const char *ch = "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: yes\r\n\r\n";

	head("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", &h, &used);
	for (size_t step = 1; step <= 7; step += 3) {
		IS_INT(body_all(&h, ch, strlen(ch), step, out, sizeof out, &n), HTTP_OK, "chunked with ext+trailer, step %zu", step);
		IS_INT(n, 11, "decoded length");
		IS_MEM(out, "hello world", 11, "decoded bytes");
	}
	IS_INT(body_all(&h, "5\nhello\n0\n\n", 11, 100, out, sizeof out, &n), HTTP_OK, "chunked with bare LF");
	IS_INT(body_all(&h, "5\r\nhello\r\n", 10, 100, out, sizeof out, &n), HTTP_E_TRUNCATED, "chunked without last chunk: truncated");
	IS_INT(body_all(&h, "zz\r\nhello\r\n0\r\n\r\n", 16, 100, out, sizeof out, &n), HTTP_E_CHUNK, "bad chunk size");
	IS_INT(body_all(&h, "5\r\nhelloXX0\r\n\r\n", 15, 100, out, sizeof out, &n), HTTP_E_CHUNK, "chunk overrun");
	IS_INT(body_all(&h, "fffffffffffffffff\r\n", 19, 100, out, sizeof out, &n), HTTP_E_CHUNK, "chunk size overflow");
	IS_INT(body_all(&h, "ff\r\n", 4, 100, out, 16, &n), HTTP_E_TOO_BIG, "chunk larger than cap refused at its size line");
	{
		/* endless stream of chunks: the cap stops it */
		char stream[4000];
		size_t k = 0;
		while (k + 10 < sizeof stream) {
			memcpy(stream + k, "3\r\nabc\r\n", 8);
			k += 8;
		}
		IS_INT(body_all(&h, stream, k, 1000, out, sizeof out, &n), HTTP_E_TOO_BIG, "endless chunks hit the cap");
	}

	head("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", &h, &used);
	IS_INT(body_all(&h, "hello", 5, 2, out, sizeof out, &n), HTTP_OK, "content-length body");
	IS_INT(body_all(&h, "hel", 3, 2, out, sizeof out, &n), HTTP_E_TRUNCATED, "short content-length body");
	IS_INT(body_all(&h, "hello", 5, 5, out, 4, &n), HTTP_E_TOO_BIG, "content-length over cap");
	head("HTTP/1.1 200 OK\r\n\r\n", &h, &used);
	IS_INT(body_all(&h, "hello", 5, 5, out, sizeof out, &n), HTTP_OK, "read-until-close body");
	IS_INT(n, 5, "read-until-close length");
	head("HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n", &h, &used);
	IS_INT(body_all(&h, "", 0, 5, out, sizeof out, &n), HTTP_OK, "304 has no body");
}

static void test_url(void)
{
	struct http_url u, v;
	char buf[300];

	IS_INT(http_parse_url("https://github.com/alice.keys", &u), HTTP_OK, "https URL");
	IS_STR(u.host, "github.com", "host");
	IS_INT(u.port, 443, "default port");
	IS_STR(u.path, "/alice.keys", "path");
	IS_INT(http_parse_url("https://[::1]:8443", &u), HTTP_OK, "IPv6 literal with port");
	IS_STR(u.host, "::1", "v6 host without brackets");
	IS_INT(u.port, 8443, "port");
	IS_STR(u.path, "/", "empty path is /");
	http_url_format(&u, buf, sizeof buf);
	IS_STR(buf, "https://[::1]:8443/", "format round-trips");
	IS_INT(http_parse_url("http://169.254.169.254/metadata?x=1#frag", &u), HTTP_OK, "http URL with query+fragment");
	IS_STR(u.path, "/metadata?x=1", "fragment dropped");
	IS_INT(http_parse_url("https://user:pw@host/", &u), HTTP_E_URL, "userinfo refused");
	IS_INT(http_parse_url("ftp://host/", &u), HTTP_E_URL, "ftp refused");
	IS_INT(http_parse_url("https://host:0/", &u), HTTP_E_URL, "port 0 refused");
	IS_INT(http_parse_url("https://host:65536/", &u), HTTP_E_URL, "port > 65535 refused");
	IS_INT(http_parse_url("https://ho st/", &u), HTTP_E_URL, "space in host refused");
	IS_INT(http_parse_url("https://host/a b", &u), HTTP_E_URL, "space in path refused");
	IS_INT(http_parse_url("https:///x", &u), HTTP_E_URL, "empty host refused");

	http_parse_url("https://a.example/dir/file?q", &u);
	IS_INT(http_resolve_location(&u, "/root", &v), HTTP_OK, "absolute-path redirect");
	IS_STR(v.path, "/root", "path replaced");
	IS_STR(v.host, "a.example", "host kept");
	IS_INT(http_resolve_location(&u, "other", &v), HTTP_OK, "relative redirect");
	IS_STR(v.path, "/dir/other", "relative resolved against the directory");
	IS_INT(http_resolve_location(&u, "http://b.example/x", &v), HTTP_OK, "absolute redirect parses");
	OK(!v.https, "and is plain http (caller refuses)");
	IS_INT(http_resolve_location(&u, "//c.example/y", &v), HTTP_OK, "scheme-relative redirect");
	OK(v.https && strcmp(v.host, "c.example") == 0, "keeps https");
}

static void test_request(void)
{
	struct http_url u;
	char req[512];
	int n;

	http_parse_url("https://localhost:8443/a.keys", &u);
	n = http_build_get(req, sizeof req, &u, "text/plain", "Authorization: Bearer x\r\n");
	OK(n > 0, "request built");
	OK(strncmp(req, "GET /a.keys HTTP/1.1\r\nHost: localhost:8443\r\n", 44) == 0, "request line and Host with port");
	OK(strstr(req, "User-Agent: keydrop/") != NULL, "User-Agent");
	OK(strstr(req, "Accept: text/plain\r\n") != NULL, "Accept");
	OK(strstr(req, "Authorization: Bearer x\r\n\r\n") != NULL, "extra header before the empty line");
	IS_INT(http_build_get(req, 40, &u, NULL, NULL), HTTP_E_ARG, "too small buffer");
	OK(http_header_valid("Authorization: Bearer abc"), "valid header");
	OK(!http_header_valid("X: a\r\nInjected: 1"), "CRLF injection refused");
	OK(!http_header_valid("No colon"), "no colon refused");
	OK(!http_header_valid("Bad Name: v"), "space in name refused");
}

int main(void)
{
	test_head();
	test_body();
	test_url();
	test_request();
	return tap_done();
}
