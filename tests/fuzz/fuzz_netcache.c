/* fuzz_netcache.c: the --cache entry parser on arbitrary bytes (a damaged or planted entry). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netcache.h"

static int has_ctl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct netcache_entry e;
	char *copy = malloc(size ? size : 1); /* exact size: ASan sees any read past the end */

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (netcache_parse(copy, size, &e) == 0) {
		/* a body inside the input, NUL-terminated; validators never reach a header with controls */
		if (!e.body || e.len > size || e.body[e.len] != 0 || has_ctl(e.etag) || has_ctl(e.last_modified))
			abort();
		if (memcmp(e.body, copy + size - e.len, e.len) != 0)
			abort(); /* the body is the input's tail */
		free(e.body);
	} else if (e.body) {
		abort(); /* failure leaves nothing to free */
	}
	free(copy);
	return 0;
}
