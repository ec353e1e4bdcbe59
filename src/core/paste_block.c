/* paste_block.c: whole-text concerns of the paste normaliser: private key detection, input
 * normalisation (BOM, CR, no-break spaces, control characters), RFC 4716 / PuTTYgen blocks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "paste_int.h"
#include "privkey.h"

int paste_rfc4716(struct paste_ctx *c, size_t *ip)
{
	size_t i = *ip, k = i + 1, b64len = 0;
	char comment[1024];
	size_t clen = 0;
	char *b64 = malloc(PASTE_IN_MAX);
	int ret = PASTE_NOMEM;
	struct pubkey pk;

	if (!b64)
		return paste_fail(c, PASTE_NOMEM, 0, "out of memory");
	/* Headers: "Tag: value", a trailing '\' continues the value on the next line (RFC 4716 §3.3),
	 * but never onto a "---- " marker line. */
	while (k < c->nlines && memchr(c->lines[k].s, ':', c->lines[k].n)) {
		struct span t = c->lines[k];
		const char *colon = memchr(t.s, ':', t.n);
		int is_comment = colon - t.s == 7 && strncasecmp(t.s, "Comment", 7) == 0;
		const char *v = colon + 1;
		size_t vn = t.n - (size_t)(v - t.s);
		clen = is_comment ? 0 : clen;
		for (;;) {
			while (vn && paste_blank(*v))
				v++, vn--;
			int cont = vn && v[vn - 1] == '\\';
			if (cont)
				vn--;
			if (is_comment && clen + vn < sizeof comment) {
				memcpy(comment + clen, v, vn);
				clen += vn;
			}
			k++;
			if (!cont || k >= c->nlines)
				break;
			v = c->lines[k].s;
			vn = c->lines[k].n;
			/* A marker line ("---- END ...") is never a continuation: a stray '\' must not
			 * swallow the end of the block. */
			while (vn && paste_blank(*v))
				v++, vn--;
			if (vn >= 5 && strncmp(v, "---- ", 5) == 0)
				break;
		}
		if (is_comment && clen >= 2 && comment[0] == '"' && comment[clen - 1] == '"') {
			memmove(comment, comment + 1, clen - 2);
			clen -= 2;
		}
	}
	for (; k < c->nlines; k++) {
		struct span t = c->lines[k];
		while (t.n && paste_blank(*t.s))
			t.s++, t.n--;
		while (t.n && paste_blank(t.s[t.n - 1]))
			t.n--;
		if (t.n >= 8 && strncmp(t.s, "---- END", 8) == 0)
			break;
		if (t.n == 0)
			continue;
		if (!paste_b64_only(t.s, t.n)) {
			ret = paste_fail(c, PASTE_RFC4716, k + 1, "line in the SSH2 public key block is not base64");
			goto out;
		}
		memcpy(b64 + b64len, t.s, t.n);
		b64len += t.n;
	}
	if (k >= c->nlines) {
		ret = paste_fail(c, PASTE_RFC4716, i + 1, "SSH2 public key block has no '---- END SSH2 PUBLIC KEY ----' line");
		goto out;
	}
	if (b64len == 0) {
		ret = paste_fail(c, PASTE_RFC4716, i + 1, "SSH2 public key block holds no key data");
		goto out;
	}
	long n = b64_decode(b64, b64len, c->work, PUBKEY_BLOB_MAX);
	struct keyblob_info info;
	int e;
	if (n < 0) {
		ret = paste_fail(c, paste_b64_only(b64, b64len) && b64len % 4 ? PASTE_TRUNCATED : PASTE_BASE64, i + 1,
			   "SSH2 public key block: key data is %s", b64len % 4 ? "truncated" : "not valid base64");
		goto out;
	}
	if ((e = keyblob_inspect(c->work, (size_t)n, &info)) != KB_OK) {
		ret = paste_fail(c, e == KB_TRUNCATED ? PASTE_TRUNCATED : PASTE_BADKEY, i + 1, "SSH2 public key block: %s",
			   keyblob_strerror(e));
		goto out;
	}
	/* Rebuild as one line: "type b64 comment" and parse it like any other. */
	size_t tl = strlen(info.type), ll = tl + 1 + b64len + (clen ? clen + 1 : 0);
	char *line = malloc(ll + 1);
	if (!line) {
		ret = paste_fail(c, PASTE_NOMEM, 0, "out of memory");
		goto out;
	}
	snprintf(line, ll + 1, "%s %.*s%s%.*s", info.type, (int)b64len, b64, clen ? " " : "", (int)clen, comment);
	int r = pubkey_parse_line(line, ll, c->work, PUBKEY_BLOB_MAX, &pk);
	ret = r == PKL_OK ? paste_push(c, &pk, i + 1) : paste_key_error(c, r, &pk, i + 1);
	free(line);
	c->res->fixes |= PASTE_FIX_RFC4716;
	*ip = k;
out:
	free(b64);
	return ret;
}

/* Copies in to a normalised buffer: BOM and CR dropped (lone CR = newline), U+00A0 -> space.
 * Refuses control characters. */
int paste_normalise(struct paste_ctx *c, const char *in, size_t n, char *out, size_t *outlen)
{
	size_t o = 0, line = 1, col = 0;

	for (size_t i = 0; i < n; i++, col++) {
		unsigned char ch = (unsigned char)in[i];
		if (ch == 0xEF && i + 2 < n && (unsigned char)in[i + 1] == 0xBB && (unsigned char)in[i + 2] == 0xBF &&
		    (o == 0 || out[o - 1] == '\n')) {
			i += 2;
			c->res->fixes |= PASTE_FIX_BOM;
			continue;
		}
		if (ch == 0xC2 && i + 1 < n && (unsigned char)in[i + 1] == 0xA0) {
			out[o++] = ' ';
			i++;
			c->res->fixes |= PASTE_FIX_NBSP;
			continue;
		}
		if (ch == '\r') {
			c->res->fixes |= PASTE_FIX_CR;
			if (i + 1 < n && in[i + 1] == '\n')
				continue;
			ch = '\n';
		}
		if (ch == '\n') {
			line++;
			col = 0;
		} else if (ch == 0) {
			return paste_fail(c, PASTE_CTRL, line, "NUL byte at column %zu (UTF-16 text? save the key as plain UTF-8)",
				    col + 1);
		} else if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
			return paste_fail(c, PASTE_CTRL, line, "control character 0x%02x at column %zu", ch, col + 1);
		}
		out[o++] = (char)ch;
	}
	*outlen = o;
	return PASTE_OK;
}

int paste_private(struct paste_ctx *c, const char *in, size_t n)
{
	int k = privkey_sniff(in, n);
	if (k == PK_OK)
		return paste_fail(c, PASTE_PRIVATE, 0, "this is an OpenSSH PRIVATE key: it must never leave your machine; "
						 "paste the .pub file instead (keydrop pubkey -f KEY prints it)");
	if (k == PK_PEM)
		return paste_fail(c, PASTE_PRIVATE, 0, "this is a PEM/PKCS#8 PRIVATE key: it must never leave your machine; "
						 "paste the public key instead (keydrop pubkey -f KEY prints it)");
	if (k == PK_PUTTY)
		return paste_fail(c, PASTE_PRIVATE, 0, "this is a PuTTY PRIVATE key (.ppk): it must never leave your machine; "
						 "paste its public line instead (keydrop pubkey -f KEY.ppk prints it)");
	if (k == PK_SSHCOM)
		return paste_fail(c, PASTE_PRIVATE, 0, "this is an SSH2 PRIVATE key: it must never leave your machine; "
						 "paste the public key instead");
	return PASTE_OK;
}
