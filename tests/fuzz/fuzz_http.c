/* fuzz_http.c: response head parser, then the body decoder on what follows, and URL handling. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_head h;
	struct http_body b;
	size_t used = 0, u2;
	uint8_t out[4096];

	if (http_parse_head((const char *)data, size, &h, &used) == HTTP_OK) {
		if (used > size || used > HTTP_HEADER_MAX)
			abort();
		http_body_init(&b, &h, out, sizeof out);
		if (http_body_feed(&b, data + used, size - used, &u2) == HTTP_MORE)
			(void)http_body_eof(&b);
		if (b.len > sizeof out || u2 > size - used)
			abort();
		if (h.location[0]) {
			struct http_url base, next;
			http_parse_url("https://example.com/a/b", &base);
			(void)http_resolve_location(&base, h.location, &next);
		}
	}
	if (size < 4000) {
		char s[4000];
		struct http_url u;
		memcpy(s, data, size);
		s[size] = 0;
		if (http_parse_url(s, &u) == HTTP_OK) {
			char f[HTTP_URL_MAX + 300], req[HTTP_URL_MAX + 600];
			http_url_format(&u, f, sizeof f);
			(void)http_build_get(req, sizeof req, &u, NULL, NULL);
		}
		(void)http_parse_date(s);
		(void)http_header_valid(s);
	}
	return 0;
}
