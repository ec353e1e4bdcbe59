/* fuzz_netheaders.c: --header-file line splitting on arbitrary bytes. Whatever is accepted is a
 * list of "Name: value\r\n" lines that pass http_header_valid (no CR/LF/NUL injection), within the
 * size caps. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "netheaders.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *acc = NULL, *copy = malloc(size ? size : 1), line[NETHEADERS_LINE_MAX + 1];
	unsigned bad = 0;
	int r;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	r = netheaders_add_text(&acc, copy, size, &bad);
	if ((r == 0) != (bad == 0))
		abort();
	if (acc) {
		size_t n = strlen(acc);
		if (n > NETHEADERS_TOTAL_MAX || n < 2 || acc[n - 2] != '\r' || acc[n - 1] != '\n')
			abort();
		for (char *p = acc; *p;) {
			char *e = strstr(p, "\r\n");
			if (!e || (size_t)(e - p) > NETHEADERS_LINE_MAX)
				abort();
			memcpy(line, p, (size_t)(e - p));
			line[e - p] = 0;
			if (!http_header_valid(line) || strchr(line, '\r') || strchr(line, '\n'))
				abort();
			p = e + 2;
		}
	}
	netheaders_free(&acc);
	if (acc)
		abort();
	free(copy);
	return 0;
}
