/* envkey.c: a key from an environment variable, as providers deliver it (see envkey.h). Pure. */
#include <string.h>

#include "envkey.h"

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int word_is(const char *s, size_t n, const char *w)
{
	if (strlen(w) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((s[i] | 0x20) != w[i]) /* ASCII letters only: any case */
			return 0;
	return 1;
}

#define RFC4716 "---- BEGIN SSH2 PUBLIC KEY ----"

static int quote_inside(const char *s, size_t n, char q)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == q && (i == 0 || s[i - 1] != '\\'))
			return 1;
	return 0;
}

int envkey_normalise(const char *in, size_t n, char *out, size_t *outlen)
{
	size_t a = 0, b = n, o = 0;
	int quoted = 0, rfc4716;

	*outlen = 0;
	while (a < b && blank(in[a]))
		a++;
	while (b > a && blank(in[b - 1]))
		b--;
	/* One pair around the whole value: "ssh-ed25519 AAAA... me" as a YAML/JSON/shell value (not
	 * the first and last quote of "key one"\n"key two": no other such quote inside; an RFC 4716
	 * block, whose Comment: header has quotes of its own, is one value whatever it holds). */
	rfc4716 = b - a > sizeof RFC4716 && (in[a] == '"' || in[a] == '\'') &&
		  memcmp(in + a + 1, RFC4716, sizeof RFC4716 - 1) == 0;
	if (b - a >= 2 && (in[a] == '"' || in[a] == '\'') && in[b - 1] == in[a] &&
	    (rfc4716 || !quote_inside(in + a + 1, b - a - 2, in[a]))) {
		a++;
		b--;
		while (a < b && blank(in[a]))
			a++;
		while (b > a && blank(in[b - 1]))
			b--;
	}
	if (a == b)
		return ENVKEY_EMPTY;
	if (word_is(in + a, b - a, "null") || word_is(in + a, b - a, "none") || word_is(in + a, b - a, "undefined"))
		return ENVKEY_NULL;
	rfc4716 = b - a >= sizeof RFC4716 - 1 && memcmp(in + a, RFC4716, sizeof RFC4716 - 1) == 0;
	for (size_t i = a; i < b; i++) {
		if (in[i] == '\n') {
			quoted = 0; /* an option's quotes end with their line, as sshd reads it */
		} else if (in[i] == '"' && !rfc4716 && (i == a || in[i - 1] != '\\')) {
			quoted = !quoted; /* (an RFC 4716 block has no options: its quotes hold no \n) */
		} else if (!quoted && in[i] == '\\' && i + 1 < b) {
			/* \r\n or \n typed literally: a line break, the \r dropped (the paste layer takes
			 * CRLF, but the pair is one break as typed); \\n, a JSON string escaped twice, too. */
			size_t skip = in[i + 1] == 'n' ? 2
				      : in[i + 1] == 'r' && i + 3 < b && in[i + 2] == '\\' && in[i + 3] == 'n' ? 4
				      : in[i + 1] == '\\' && i + 2 < b && in[i + 2] == 'n' ? 3 : 0;
			if (skip) {
				out[o++] = '\n';
				i += skip - 1;
				quoted = 0;
				continue;
			}
		}
		out[o++] = in[i];
	}
	for (size_t i = 0; i < o; i++)
		if (!blank(out[i])) {
			*outlen = o;
			return ENVKEY_OK;
		}
	return ENVKEY_EMPTY; /* only literal line breaks: "\\n" */
}
