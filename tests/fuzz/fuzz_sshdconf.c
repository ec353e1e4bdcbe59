/* fuzz_sshdconf.c: sshd_config reading (sshdconf_next, sshdconf_word, sshdconf_glob) never reads
 * out of bounds; and whatever sshdconf_quote writes splits back into exactly the same one word. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sshdconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char arg[4096], q[8200], w[8200];
	const char *text = (const char *)data;
	struct sshdconf_line l;
	size_t pos = 0, i, n;
	unsigned ln = 0;

	while (sshdconf_next(text, size, &pos, &ln, &l)) {
		if (l.rest < text || l.rest + l.restlen > text + size || l.kwlen == 0)
			__builtin_trap();
		for (i = 0; sshdconf_word(l.rest, l.restlen, &i, 1, w, sizeof w) == 1;)
			(void)sshdconf_glob(w, "00-keydrop.conf");
	}
	n = size < sizeof arg ? size : sizeof arg - 1;
	memcpy(arg, data, n);
	arg[n] = 0;
	long m = sshdconf_quote(arg, 0, q, sizeof q);
	if (m >= 0) {
		i = 0;
		if ((size_t)m != strlen(q) || sshdconf_word(q, (size_t)m, &i, 1, w, sizeof w) != 1 || strcmp(w, arg) != 0 ||
		    sshdconf_word(q, (size_t)m, &i, 1, w, sizeof w) != 0)
			__builtin_trap();
	}
	(void)sshdconf_same_command(text, size, arg, n);
	return 0;
}
