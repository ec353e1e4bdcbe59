/* ppk.c: PuTTY-User-Key-File-2/3 headers and public lines. */
#include <string.h>

#include "b64.h"
#include "ppk.h"
#include "privkey.h"

#define HDR "PuTTY-User-Key-File-"
#define B64_LINE_MAX 128 /* puttygen writes 64 */
#define PUB_TEXT_MAX 8192

struct cur {
	const char *p, *end;
};

/* The next line without its LF or CRLF; -1 at the end of the text. */
static int next_line(struct cur *c, const char **l, size_t *n)
{
	if (c->p >= c->end)
		return -1;
	const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	const char *e = nl ? nl : c->end;
	*l = c->p;
	*n = (size_t)(e - c->p);
	if (*n > 0 && e[-1] == '\r')
		(*n)--;
	c->p = nl ? nl + 1 : c->end;
	return 0;
}

/* "KEY: VALUE" with exactly this key; *v points at VALUE. */
static int header(struct cur *c, const char *key, const char **v, size_t *vn)
{
	const char *l;
	size_t n, k = strlen(key);

	if (next_line(c, &l, &n) < 0 || n < k + 2 || memcmp(l, key, k) != 0 || l[k] != ':' || l[k + 1] != ' ')
		return -1;
	*v = l + k + 2;
	*vn = n - k - 2;
	return 0;
}

static int value_is(const char *v, size_t n, const char *s)
{
	return n == strlen(s) && memcmp(v, s, n) == 0;
}

static int number(const char *v, size_t n, unsigned long max, unsigned long *out)
{
	unsigned long x = 0;

	if (n == 0 || n > 10)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		x = x * 10 + (unsigned long)(v[i] - '0');
	}
	if (x > max)
		return -1;
	*out = x;
	return 0;
}

static int number_header(struct cur *c, const char *key, unsigned long max, unsigned long *out)
{
	const char *v;
	size_t vn;

	return header(c, key, &v, &vn) < 0 ? -1 : number(v, vn, max, out);
}

static int is_hex(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f') || (v[i] >= 'A' && v[i] <= 'F')))
			return 0;
	return n > 0;
}

/* One line of base64 characters ('=' only as padding at its end). */
static int b64_line(const char *l, size_t n)
{
	size_t i = 0;

	if (n == 0 || n > B64_LINE_MAX)
		return 0;
	while (i < n && b64_is_char((unsigned char)l[i]))
		i++;
	while (i < n && l[i] == '=' && n - i <= 2)
		i++;
	return i == n;
}

/* The key derivation lines of an encrypted version 3 file (Argon2 parameters). */
static int kdf_lines(struct cur *c)
{
	const char *v;
	size_t vn;
	unsigned long x;

	if (header(c, "Key-Derivation", &v, &vn) < 0 ||
	    !(value_is(v, vn, "Argon2id") || value_is(v, vn, "Argon2i") || value_is(v, vn, "Argon2d")))
		return -1;
	if (number_header(c, "Argon2-Memory", 0xffffffffUL, &x) < 0 ||
	    number_header(c, "Argon2-Passes", 0xffffffffUL, &x) < 0 ||
	    number_header(c, "Argon2-Parallelism", 0xffffffffUL, &x) < 0)
		return -1;
	if (header(c, "Argon2-Salt", &v, &vn) < 0 || !is_hex(v, vn) || vn % 2)
		return -1;
	return 0;
}

static int blob_type_is(const uint8_t *b, size_t n, const char *t, size_t tn)
{
	if (n < 4)
		return 0;
	uint32_t l = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	return l == tn && n - 4 >= tn && memcmp(b + 4, t, tn) == 0;
}

int ppk_decode(const char *text, size_t n, uint8_t *pub, size_t cap, struct ppk *out)
{
	struct cur c = { text, text + n };
	const char *l, *v, *type;
	size_t ln, vn, typelen;
	unsigned long lines;
	char b64[PUB_TEXT_MAX];
	size_t k = 0;

	memset(out, 0, sizeof *out);
	/* The header at the start of a line (text before it is tolerated, as around PEM armour). */
	for (;;) {
		if (next_line(&c, &l, &ln) < 0)
			return PK_NOT_KEY;
		if (ln >= sizeof HDR - 1 && memcmp(l, HDR, sizeof HDR - 1) == 0)
			break;
	}
	if (ln < sizeof HDR + 3 || l[sizeof HDR] != ':' || l[sizeof HDR + 1] != ' ')
		return PK_FORMAT;
	char ver = l[sizeof HDR - 1];
	if (ver != '2' && ver != '3')
		return ver >= '0' && ver <= '9' ? PK_TYPE : PK_FORMAT;
	out->version = ver - '0';
	type = l + sizeof HDR + 2;
	typelen = ln - (sizeof HDR + 2);
	if (typelen > 64)
		return PK_FORMAT;
	for (size_t i = 0; i < typelen; i++)
		if (type[i] <= ' ' || type[i] >= 0x7f)
			return PK_FORMAT;

	if (header(&c, "Encryption", &v, &vn) < 0)
		return PK_FORMAT;
	if (value_is(v, vn, "aes256-cbc"))
		out->encrypted = 1;
	else if (!value_is(v, vn, "none"))
		return PK_FORMAT;
	if (header(&c, "Comment", &out->comment, &out->commentlen) < 0)
		return PK_FORMAT;
	if (number_header(&c, "Public-Lines", PPK_LINES_MAX, &lines) < 0 || lines == 0)
		return PK_FORMAT;
	for (unsigned long i = 0; i < lines; i++) {
		if (next_line(&c, &l, &ln) < 0 || !b64_line(l, ln))
			return PK_FORMAT;
		if (ln > sizeof b64 - k)
			return PK_TOOBIG;
		memcpy(b64 + k, l, ln);
		k += ln;
	}
	long bl = b64_decode(b64, k, pub, cap);
	if (bl == -2)
		return PK_TOOBIG;
	if (bl <= 0 || !blob_type_is(pub, (size_t)bl, type, typelen))
		return PK_FORMAT;
	out->publen = (size_t)bl;

	if (out->version == 3 && out->encrypted && kdf_lines(&c) < 0)
		return PK_FORMAT;
	if (number_header(&c, "Private-Lines", PPK_LINES_MAX, &lines) < 0 || lines == 0)
		return PK_FORMAT;
	for (unsigned long i = 0; i < lines; i++)
		if (next_line(&c, &l, &ln) < 0 || !b64_line(l, ln))
			return PK_FORMAT;
	/* HMAC-SHA-1 (version 2) or HMAC-SHA-256 (version 3), in hex */
	if (header(&c, "Private-MAC", &v, &vn) < 0 || !is_hex(v, vn) || vn != (out->version == 2 ? 40u : 64u))
		return PK_FORMAT;
	while (next_line(&c, &l, &ln) == 0)
		for (size_t i = 0; i < ln; i++)
			if (l[i] != ' ' && l[i] != '\t')
				return PK_FORMAT;
	return PK_OK;
}
