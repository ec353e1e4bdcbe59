/* authkeys.c: authorized_keys lines, managed blocks, and sshd's options grammar. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authkeys.h"
#include "b64.h"
#include "fingerprint.h"

static int is_blank(int c)
{
	return c == ' ' || c == '\t';
}

int authkeys_name_ok(const char *name, size_t n)
{
	if (n == 0 || n > AUTHKEYS_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
		      c == '_' || c == '@' || c == ':' || c == '+' || c == '-'))
			return 0;
	}
	return 1;
}

/* "# keydrop:begin NAME" / "# keydrop:end NAME" (trailing blanks and CR tolerated). Returns
 * AKL_BEGIN / AKL_END with the name, or 0. */
static int marker(const char *s, size_t n, const char **name, size_t *namelen)
{
	static const char b[] = AUTHKEYS_MARK_BEGIN, e[] = AUTHKEYS_MARK_END;
	int kind;
	size_t pl;

	if (n > sizeof b - 1 && memcmp(s, b, sizeof b - 1) == 0) {
		kind = AKL_BEGIN;
		pl = sizeof b - 1;
	} else if (n > sizeof e - 1 && memcmp(s, e, sizeof e - 1) == 0) {
		kind = AKL_END;
		pl = sizeof e - 1;
	} else {
		return 0;
	}
	while (n > pl && (is_blank(s[n - 1]) || s[n - 1] == '\r'))
		n--;
	if (!authkeys_name_ok(s + pl, n - pl))
		return 0;
	*name = s + pl;
	*namelen = n - pl;
	return kind;
}

/* "# keydrop:denied SHA256:<43 canonical base64>" (trailing blanks and CR tolerated, nothing else):
 * 1 with the digest, else 0. Strict, so a hand-written comment is never read as a denial. */
static int denial(const char *s, size_t n, uint8_t d[32])
{
	static const char p[] = AUTHKEYS_MARK_DENIED "SHA256:";
	char t[45];

	while (n > 0 && (is_blank(s[n - 1]) || s[n - 1] == '\r'))
		n--;
	if (n != sizeof p - 1 + 43 || memcmp(s, p, sizeof p - 1) != 0)
		return 0;
	memcpy(t, s + sizeof p - 1, 43);
	t[43] = '=';
	return b64_decode(t, 44, d, 32) == 32;
}

int authkeys_denied_digest(const struct authkeys *ak, size_t i, uint8_t sha256[32])
{
	const struct authkeys_line *l = &ak->lines[i];
	return l->kind == AKL_DENIED && denial(ak->buf + l->off, l->len, sha256);
}

long authkeys_denied(const struct authkeys *ak, const char *name, const uint8_t sha256[32])
{
	size_t nl = name ? strlen(name) : 0;
	uint8_t d[32];

	/* every block of that name (a file may hold two: a removal in the second one counts too) */
	for (size_t i = 0; i < ak->nlines; i++) {
		const struct authkeys_block *b = ak->lines[i].block ? &ak->blocks[ak->lines[i].block - 1] : NULL;
		if (name && (!b || b->namelen != nl || memcmp(b->name, name, nl) != 0))
			continue;
		if (authkeys_denied_digest(ak, i, d) && memcmp(d, sha256, 32) == 0)
			return (long)i;
	}
	return -1;
}

long authkeys_blob_denied(const struct authkeys *ak, const uint8_t *blob, size_t n)
{
	uint8_t d[32];
	fingerprint_digest(blob, n, FP_SHA256, d);
	return authkeys_denied(ak, NULL, d);
}

void authkeys_denied_line(const uint8_t *blob, size_t n, char out[AUTHKEYS_DENIED_MAX])
{
	char fp[FINGERPRINT_MAX];
	fingerprint_format(blob, n, FP_SHA256, fp);
	snprintf(out, AUTHKEYS_DENIED_MAX, "%s%s", AUTHKEYS_MARK_DENIED, fp);
}

int authkeys_parse(struct authkeys *ak, const char *buf, size_t len)
{
	size_t cap = 0, bcap = 0;
	long open = -1; /* line index of the open begin marker */
	const char *oname = NULL;
	size_t onamelen = 0;

	memset(ak, 0, sizeof *ak);
	ak->buf = buf;
	ak->len = len;
	if (len > UINT32_MAX)
		return AK_TOOBIG;
	/* One allocation sized by counting newlines first: no realloc loop over the file. */
	for (const char *p = buf, *end = buf + len; p < end; p++) {
		p = memchr(p, '\n', (size_t)(end - p));
		if (!p)
			break;
		cap++;
	}
	cap++;
	if (cap > AUTHKEYS_LINES_MAX)
		return AK_TOOBIG;
	if (!(ak->lines = calloc(cap, sizeof *ak->lines)))
		return AK_NOMEM;
	for (size_t off = 0; off < len;) {
		const char *s = buf + off, *nl = memchr(s, '\n', len - off);
		size_t n = nl ? (size_t)(nl - s) : len - off;
		struct authkeys_line *l = &ak->lines[ak->nlines];
		const char *name;
		size_t namelen, k = 0;

		l->off = off;
		l->len = (uint32_t)n;
		l->has_nl = nl != NULL;
		while (k < n && is_blank(s[k]))
			k++;
		if (k == n || (k + 1 == n && s[k] == '\r'))
			l->kind = AKL_BLANK;
		else if (s[k] != '#')
			l->kind = AKL_OTHER;
		else {
			int m = marker(s, n, &name, &namelen);
			uint8_t d[32];
			l->kind = AKL_COMMENT;
			if (!m && open >= 0 && denial(s, n, d))
				l->kind = AKL_DENIED;
			else if (m == AKL_BEGIN && open < 0) {
				l->kind = AKL_BEGIN;
				open = (long)ak->nlines;
				oname = name;
				onamelen = namelen;
			} else if (m == AKL_END && open >= 0 && namelen == onamelen && memcmp(name, oname, namelen) == 0) {
				if (ak->nblocks == bcap) {
					size_t nb = bcap ? bcap * 2 : 8;
					struct authkeys_block *bl = realloc(ak->blocks, nb * sizeof *bl);
					if (!bl) {
						authkeys_free(ak);
						return AK_NOMEM;
					}
					ak->blocks = bl;
					bcap = nb;
				}
				struct authkeys_block *bl = &ak->blocks[ak->nblocks++];
				bl->name = oname;
				bl->namelen = onamelen;
				bl->begin = (size_t)open;
				bl->end = ak->nlines;
				l->kind = AKL_END;
				for (size_t j = (size_t)open; j <= ak->nlines; j++)
					ak->lines[j].block = (uint32_t)ak->nblocks;
				open = -1;
			} else if (m && !ak->stray) {
				ak->stray = ak->nlines + 1;
			}
		}
		ak->nlines++;
		off += n + (nl ? 1 : 0);
	}
	if (open >= 0) {
		/* Not a block: its marker is only a comment, and the lines after it belong to the user. */
		ak->lines[open].kind = AKL_COMMENT;
		ak->unterminated = (size_t)open + 1;
		for (size_t j = (size_t)open; j < ak->nlines; j++)
			if (ak->lines[j].kind == AKL_DENIED)
				ak->lines[j].kind = AKL_COMMENT;
	}
	return AK_OK;
}

void authkeys_free(struct authkeys *ak)
{
	free(ak->lines);
	free(ak->blocks);
	ak->lines = NULL;
	ak->blocks = NULL;
}

long authkeys_block_find(const struct authkeys *ak, const char *name, size_t namelen)
{
	for (size_t i = 0; i < ak->nblocks; i++)
		if (ak->blocks[i].namelen == namelen && memcmp(ak->blocks[i].name, name, namelen) == 0)
			return (long)i;
	return -1;
}

int authkeys_line_key(const struct authkeys *ak, size_t i, uint8_t *work, size_t cap, struct pubkey *pk,
		      const char **why)
{
	const struct authkeys_line *l = &ak->lines[i];

	*why = NULL;
	int r = pubkey_parse_authline(ak->buf + l->off, l->len, work, cap, pk);
	if (r != PKL_OK)
		return r;
	if (pk->opts && authkeys_opts_check(pk->opts, pk->optslen, why) < 0)
		return AKO_BAD;
	return PKL_OK;
}

long authkeys_line_odd(const struct authkeys *ak, size_t i)
{
	const struct authkeys_line *l = &ak->lines[i];
	const unsigned char *s = (const unsigned char *)ak->buf + l->off;
	size_t n = l->len;

	if (n > 0 && s[n - 1] == '\r') /* a CRLF file: sshd's decoder skips the CR, and so do editors */
		n--;
	for (size_t k = 0; k < n; k++)
		if ((s[k] < 0x20 && s[k] != '\t') || s[k] == 0x7f)
			return (long)k;
	return -1;
}

/* Whether sshd lets key pk (its line's options) log in by itself at time now. */
static int plain_login(const struct pubkey *pk, long long now, long gmtoff)
{
	unsigned f;

	if (!pk->opts)
		return 1;
	f = authkeys_opts_flags(pk->opts, pk->optslen);
	if (f & AKO_CERT_AUTHORITY)
		return 0;
	if ((f & AKO_PRINCIPALS) && !pk->info.cert)
		return 0;
	return !authkeys_opts_expired(pk->opts, pk->optslen, now, gmtoff);
}

int authkeys_line_lets_in(const struct authkeys *ak, size_t i, const uint8_t *blob, size_t n, uint8_t *work,
			  size_t cap, long long now, long gmtoff)
{
	struct pubkey pk;
	const char *why;

	/* A line sshd skips (bad options), or one that does not let the key itself log in, does not
	 * count: the key would not work. */
	return ak->lines[i].kind == AKL_OTHER && authkeys_line_key(ak, i, work, cap, &pk, &why) == PKL_OK &&
	       pk.bloblen == n && memcmp(pk.blob, blob, n) == 0 && plain_login(&pk, now, gmtoff);
}

long authkeys_find(const struct authkeys *ak, const uint8_t *blob, size_t n, uint8_t *work, size_t cap, long long now,
		   long gmtoff)
{
	/* Every line is parsed as sshd reads it: a text search for the canonical base64 would miss key
	 * data that sshd's decoder reads through VT, FF or CR. */
	for (size_t i = 0; i < ak->nlines; i++)
		if (authkeys_line_lets_in(ak, i, blob, n, work, cap, now, gmtoff))
			return (long)i;
	return -1;
}

/* ---- rendering ------------------------------------------------------------------------------------ */

static void put(struct authkeys_out *o, const void *s, size_t n)
{
	if (o->err || n == 0)
		return;
	if (o->len + n > o->max) {
		o->err = AK_TOOBIG;
		return;
	}
	if (o->len + n > o->cap) {
		size_t nc = o->cap ? o->cap : 4096;
		while (nc < o->len + n)
			nc *= 2;
		char *np = realloc(o->p, nc);
		if (!np) {
			o->err = AK_NOMEM;
			return;
		}
		o->p = np;
		o->cap = nc;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

/* One allocation of the final size up front: no doubling copies of a large file. */
static void reserve(struct authkeys_out *o, size_t n)
{
	if (n > o->max)
		n = o->max;
	if (n > 0 && (o->p = malloc(n)) != NULL)
		o->cap = n;
}

static void put_lines(struct authkeys_out *o, const char *const *adds, const size_t *addlens, size_t nadd)
{
	for (size_t i = 0; i < nadd; i++) {
		put(o, adds[i], addlens[i]);
		put(o, "\n", 1);
	}
}

/* The end of every render: an error frees the output; success always leaves out->p allocated (an
 * empty result included), so callers can tell "rendered, empty" from "not rendered". */
static int render_done(struct authkeys_out *out)
{
	if (out->err) {
		free(out->p);
		out->p = NULL;
		return out->err;
	}
	if (!out->p && !(out->p = malloc(1)))
		return AK_NOMEM;
	return AK_OK;
}

int authkeys_render_add(const struct authkeys *ak, const char *name, const char *const *adds,
			const size_t *addlens, size_t nadd, size_t max, struct authkeys_out *out)
{
	memset(out, 0, sizeof *out);
	out->max = max;
	size_t namelen = name ? strlen(name) : 0, need = ak->len + 1 + 2 * (namelen + 20);
	for (size_t i = 0; i < nadd; i++)
		need += addlens[i] + 1;
	long b = name ? authkeys_block_find(ak, name, namelen) : -1;

	/* After an unterminated begin marker a new block would nest inside it and not be found again. */
	if (name && b < 0 && ak->unterminated)
		return AK_UNTERMINATED;
	reserve(out, need);
	if (b >= 0) {
		size_t at = ak->lines[ak->blocks[b].end].off;
		put(out, ak->buf, at);
		put_lines(out, adds, addlens, nadd);
		put(out, ak->buf + at, ak->len - at);
	} else {
		put(out, ak->buf, ak->len);
		if (ak->len > 0 && ak->buf[ak->len - 1] != '\n')
			put(out, "\n", 1);
		if (name) {
			put(out, AUTHKEYS_MARK_BEGIN, strlen(AUTHKEYS_MARK_BEGIN));
			put(out, name, namelen);
			put(out, "\n", 1);
		}
		put_lines(out, adds, addlens, nadd);
		if (name) {
			put(out, AUTHKEYS_MARK_END, strlen(AUTHKEYS_MARK_END));
			put(out, name, namelen);
			put(out, "\n", 1);
		}
	}
	return render_done(out);
}

int authkeys_render_edit(const struct authkeys *ak, const struct authkeys_edit *edits, size_t nedit,
			 const uint8_t *drop, size_t max, struct authkeys_out *out)
{
	size_t e = 0, need = ak->len;

	memset(out, 0, sizeof *out);
	out->max = max;
	for (size_t k = 0; k < nedit; k++)
		need += edits[k].inslen;
	reserve(out, need);
	for (size_t i = 0, run = 0; i <= ak->nlines; i++) {
		const struct authkeys_line *l = &ak->lines[i < ak->nlines ? i : 0];
		int ed = e < nedit && edits[e].line == i;
		/* Runs of kept, unedited lines are copied in one go. */
		if (i == ak->nlines || ed || (drop && drop[i])) {
			if (i > run)
				put(out, ak->buf + ak->lines[run].off,
				    ak->lines[i - 1].off + ak->lines[i - 1].len + ak->lines[i - 1].has_nl - ak->lines[run].off);
			run = i + 1;
		}
		if (!ed)
			continue;
		const struct authkeys_edit *d = &edits[e++];
		/* In line order, one per line, inside the line (its newline is never touched). */
		if (d->at > l->len || d->del > l->len - d->at || (e < nedit && edits[e].line <= i)) {
			free(out->p);
			out->p = NULL;
			return AK_BADEDIT;
		}
		put(out, ak->buf + l->off, d->at);
		put(out, d->ins, d->inslen);
		put(out, ak->buf + l->off + d->at + d->del, l->len - d->at - d->del + l->has_nl);
	}
	if (e < nedit) { /* an edit past the last line, or out of order */
		free(out->p);
		out->p = NULL;
		return AK_BADEDIT;
	}
	return render_done(out);
}

int authkeys_options_edit(const struct authkeys *ak, size_t i, const struct pubkey *pk, const char *opts,
			  size_t optslen, struct authkeys_edit *ed)
{
	const char *line = ak->buf + ak->lines[i].off;

	/* pk must come from authkeys_line_key on this line: its fields point into it. */
	if (!pk->type || pk->type < line || pk->type > line + ak->lines[i].len)
		return AK_BADEDIT;
	ed->line = i;
	ed->ins = opts;
	ed->inslen = optslen;
	if (pk->opts && opts) { /* replace the field, keep the blanks after it */
		ed->at = (size_t)(pk->opts - line);
		ed->del = pk->optslen;
	} else if (pk->opts) { /* drop the field and the blanks up to the key type */
		ed->at = (size_t)(pk->opts - line);
		ed->del = (size_t)(pk->type - pk->opts);
	} else { /* insert "OPTS " before the key type; the caller passes the blank in opts */
		ed->at = (size_t)(pk->type - line);
		ed->del = 0;
	}
	return AK_OK;
}

const char *authkeys_strerror(int err)
{
	switch (err) {
	case AK_OK:
		return "ok";
	case AK_NOMEM:
		return "out of memory";
	case AK_UNTERMINATED:
		return "managed block has a begin marker but no end marker";
	case AK_TOOBIG:
		return "file too large (or too many lines)";
	case AK_BADEDIT:
		return "edit outside its line (internal error)";
	}
	return "authorized_keys error";
}
