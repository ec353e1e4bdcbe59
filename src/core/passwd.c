/* passwd.c: strict passwd(5) lookup for --root (see passwd.h). */
#include <string.h>

#include "passwd.h"

int passwd_number(const char *s, size_t n, uint32_t *v)
{
	uint64_t x = 0;

	if (n == 0 || n > 10)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	if (x >= 0xffffffffu)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

int passwd_find(const char *text, size_t len, const char *name, struct passwd_entry *out)
{
	size_t nl = strlen(name);
	const char *end = memchr(text, '\0', len);

	if (end)
		len = (size_t)(end - text);
	for (size_t at = 0; at < len;) {
		const char *line = text + at, *f[7], *nlp = memchr(line, '\n', len - at);
		size_t ll = nlp ? (size_t)(nlp - line) : len - at, fl[7];
		int k = 0;

		at += ll + 1;
		for (size_t i = 0, s = 0; i <= ll && k < 7; i++) {
			if (i == ll || line[i] == ':') {
				f[k] = line + s;
				fl[k++] = i - s;
				s = i + 1;
			}
		}
		if (k < 7 || fl[0] != nl || memcmp(f[0], name, nl) != 0)
			continue;
		/* The first line for a name is the one getpwnam returns: a bad one is an error, not skipped. */
		if (passwd_number(f[2], fl[2], &out->uid) < 0 || passwd_number(f[3], fl[3], &out->gid) < 0)
			return PWD_BADNUM;
		if (fl[5] == 0 || fl[5] >= sizeof out->home)
			return PWD_BADHOME;
		memcpy(out->home, f[5], fl[5]);
		out->home[fl[5]] = '\0';
		return PWD_FOUND;
	}
	return PWD_NOENT;
}

const char *passwd_strerror(int err)
{
	switch (err) {
	case PWD_FOUND:
		return "found";
	case PWD_NOENT:
		return "no such user";
	case PWD_BADNUM:
		return "its uid or gid is not a plain decimal number below 4294967295";
	case PWD_BADHOME:
		return "its home directory field is empty or too long";
	}
	return "unknown error";
}
