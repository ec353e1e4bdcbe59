/* fuzz_chunked.c: the chunked decoder, fed in pieces whose sizes come from the first byte. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_head h;
	struct http_body b;
	uint8_t out[8192];
	size_t step, off = 1, used;
	int r = HTTP_MORE;

	if (size < 1)
		return 0;
	step = (size_t)(data[0] % 17) + 1;
	memset(&h, 0, sizeof h);
	h.status = 200;
	h.chunked = 1;
	h.content_length = -1;
	http_body_init(&b, &h, out, sizeof out);
	while (r == HTTP_MORE && off < size) {
		size_t k = size - off < step ? size - off : step;
		r = http_body_feed(&b, data + off, k, &used);
		if (used > k || b.len > sizeof out)
			abort();
		off += used;
		if (r == HTTP_MORE && used != k)
			abort(); /* MORE means everything was consumed */
	}
	if (r == HTTP_MORE)
		(void)http_body_eof(&b);
	return 0;
}
