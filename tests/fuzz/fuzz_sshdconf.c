/* fuzz_sshdconf.c: sshd_config reading (sshdconf_next, sshdconf_glob) never reads out of bounds; and
 * whatever sshdconf_quote writes, sshd's split (cmdline_split) turns back into exactly that argument. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cmdline.h"
#include "sshdconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char arg[4096], q[8200];
	const char *text = (const char *)data;
	struct sshdconf_line l;
	size_t pos = 0, n;
	unsigned ln = 0;

	while (sshdconf_next(text, size, &pos, &ln, &l)) {
		if (l.rest < text || l.rest + l.restlen > text + size || l.kwlen == 0)
			__builtin_trap();
		if (l.restlen < sizeof q) {
			memcpy(q, l.rest, l.restlen);
			q[l.restlen] = 0;
			(void)sshdconf_glob(q, "00-keydrop.conf");
		}
	}
	n = size < sizeof arg ? size : sizeof arg - 1;
	memcpy(arg, data, n);
	arg[n] = 0;
	long m = sshdconf_quote(arg, 0, q, sizeof q);
	if (m >= 0) {
		struct cmdline cl = { 0 };
		if ((size_t)m != strlen(q) || cmdline_split(q, &cl) != CMDLINE_OK || cl.n != 1 || strcmp(cl.v[0], arg) != 0)
			__builtin_trap();
		cmdline_free(&cl);
	}
	(void)sshdconf_same_command(text, size, arg, n);
	return 0;
}
