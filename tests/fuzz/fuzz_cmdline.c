/* fuzz_cmdline.c: sshd's argument split, %-token expansion and the --config file parser on
 * arbitrary bytes (a hand-written sshd_config line or config file). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cmdline cl = { 0 };
	unsigned bad;
	char *s = malloc(size + 1), *x;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	if (cmdline_split(s, &cl) == CMDLINE_OK) {
		if (cl.n > CMDLINE_ARGS_MAX || cl.v[cl.n] != NULL)
			abort();
		for (int i = 0; i < cl.n; i++) {
			if (strlen(cl.v[i]) > size)
				abort(); /* an argument is never longer than the line */
			if (cmdline_expand(cl.v[i], "user", "ssh-ed25519", "AAAA", &x) == CMDLINE_OK)
				free(x);
		}
	}
	cmdline_free(&cl);
	if (cmdline_conf(s, size, &cl, &bad) == CMDLINE_OK)
		for (int i = 0; i < cl.n; i++)
			if (!cl.v[i] || cl.v[i][0] == 0)
				abort();
	cmdline_free(&cl);
	free(s);
	return 0;
}
