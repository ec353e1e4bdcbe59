/* fuzz_passwd.c: the --root passwd(5) lookup (passwd_find) and its number parser. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "passwd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct passwd_entry e;
	static const char *names[] = { "root", "alice", "", "a:b" };
	uint32_t v;

	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		if (passwd_find((const char *)data, size, names[i], &e) == PWD_FOUND) {
			/* A found entry's numbers are never the "no change" value, and its home is a string. */
			if (e.uid == 0xffffffffu || e.gid == 0xffffffffu || strlen(e.home) >= sizeof e.home || !e.home[0])
				__builtin_trap();
		}
	}
	if (passwd_number((const char *)data, size, &v) == 0 && v == 0xffffffffu)
		__builtin_trap();
	return 0;
}
