/* fuzz_json.c: path selection on arbitrary documents. The first line of the input is the path. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static int cb(void *arg, const char *s, size_t n)
{
	size_t *total = arg;
	if (strlen(s) != n)
		abort(); /* decoded strings never hold NUL (control characters are refused) */
	*total += n;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size < 64 ? size : 64);
	char path[64];
	size_t total = 0, pl;

	if (!nl)
		return 0;
	pl = (size_t)(nl - data);
	memcpy(path, data, pl);
	path[pl] = 0;
	int r = json_select((const char *)nl + 1, size - pl - 1, path, cb, &total);
	if ((r == JSON_E_PATH) != (json_path_check(path) == JSON_E_PATH))
		abort(); /* the early check (commands' --json-path) and the selection agree on the grammar */
	if (total > size)
		abort(); /* decoding never grows the text */
	return 0;
}
