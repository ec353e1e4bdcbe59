/* netheaders.c: --header / --header-file lines (see netheaders.h). Pure. */
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "netheaders.h"

int netheaders_add(char **acc, const char *line)
{
	size_t old = *acc ? strlen(*acc) : 0, n = strlen(line);
	char *p;

	if (n > NETHEADERS_LINE_MAX || old + n + 2 > NETHEADERS_TOTAL_MAX || !http_header_valid(line))
		return -1;
	if (!(p = malloc(old + n + 3)))
		return -1;
	if (old)
		memcpy(p, *acc, old);
	memcpy(p + old, line, n);
	memcpy(p + old + n, "\r\n", 3);
	netheaders_free(acc); /* not realloc: the old copy may hold a token */
	*acc = p;
	return 0;
}

int netheaders_add_text(char **acc, const char *text, size_t len, unsigned *badline)
{
	char line[NETHEADERS_LINE_MAX + 2];
	unsigned no = 0;
	int ret = -1;

	*badline = 0;
	for (size_t off = 0; off < len;) {
		const char *s = text + off, *nl = memchr(s, '\n', len - off);
		size_t n = nl ? (size_t)(nl - s) : len - off;
		off += n + (nl ? 1 : 0);
		no++;
		if (n && s[n - 1] == '\r')
			n--;
		if (n == 0 || s[0] == '#')
			continue;
		if (n > NETHEADERS_LINE_MAX || memchr(s, 0, n))
			goto bad;
		memcpy(line, s, n);
		line[n] = 0;
		if (netheaders_add(acc, line) != 0)
			goto bad;
	}
	ret = 0;
	goto out;
bad:
	*badline = no;
out:
	explicit_bzero(line, sizeof line);
	return ret;
}

void netheaders_free(char **acc)
{
	if (*acc) {
		explicit_bzero(*acc, strlen(*acc));
		free(*acc);
		*acc = NULL;
	}
}
