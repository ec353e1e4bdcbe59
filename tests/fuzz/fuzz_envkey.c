/* fuzz_envkey.c: the environment-variable key normaliser on arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "envkey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out = malloc(size + 1);
	size_t n = 0, text = 0;

	if (!out)
		abort();
	int r = envkey_normalise((const char *)data, size, out, &n);
	if (n > size || (r != ENVKEY_OK && n != 0))
		abort(); /* never longer; nothing written for an empty or null value */
	for (size_t i = 0; i < n; i++)
		text += out[i] != ' ' && out[i] != '\t' && out[i] != '\n' && out[i] != '\r';
	if (r == ENVKEY_OK && !text)
		abort(); /* a value said to hold text holds some */
	free(out);
	return 0;
}
