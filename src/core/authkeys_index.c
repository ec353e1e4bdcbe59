/* authkeys_index.c: the key lines of a file sorted by blob digest, so that "is this key already
 * there?" costs O(log lines) instead of a scan of the file per key (4,096 keys into a 200k-line
 * file: keys x lines). The digest is SHA-256 (a collision-resistant key: a file full of crafted
 * blobs cannot pile lines into one bucket); every hit is confirmed on the line itself. */
#include <stdlib.h>
#include <string.h>

#include "authkeys.h"
#include "b64.h"
#include "fingerprint.h"

struct authkeys_ixent {
	uint64_t h;    /* first 8 bytes of the blob's SHA-256 */
	uint32_t line; /* line index, or key index in plan */
};

static uint64_t digest64(const uint8_t *blob, size_t n)
{
	uint8_t d[32];
	uint64_t h = 0;

	fingerprint_digest(blob, n, FP_SHA256, d);
	for (int i = 0; i < 8; i++)
		h = h << 8 | d[i];
	return h;
}

static int ixcmp(const void *a, const void *b)
{
	const struct authkeys_ixent *x = a, *y = b;
	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* First entry with digest h (entries sorted by ixcmp), or n. */
static size_t lower(const struct authkeys_ixent *e, size_t n, uint64_t h)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (e[mid].h < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int authkeys_index_build(struct authkeys_index *ix, const struct authkeys *ak, uint8_t *work, size_t cap)
{
	memset(ix, 0, sizeof *ix);
	if (!(ix->e = malloc((ak->nlines ? ak->nlines : 1) * sizeof *ix->e)))
		return AK_NOMEM;
	for (size_t i = 0; i < ak->nlines; i++) {
		struct pubkey pk;
		const char *why;
		/* Only lines sshd reads a key from: the same filter as authkeys_find. */
		if (ak->lines[i].kind != AKL_OTHER || authkeys_line_key(ak, i, work, cap, &pk, &why) != PKL_OK)
			continue;
		ix->e[ix->n].h = digest64(pk.blob, pk.bloblen);
		ix->e[ix->n++].line = (uint32_t)i;
	}
	qsort(ix->e, ix->n, sizeof *ix->e, ixcmp);
	return AK_OK;
}

void authkeys_index_free(struct authkeys_index *ix)
{
	free(ix->e);
	ix->e = NULL;
	ix->n = 0;
}

long authkeys_index_find(const struct authkeys_index *ix, const struct authkeys *ak, const uint8_t *blob, size_t n,
			 uint8_t *work, size_t cap, long long now, long gmtoff)
{
	uint64_t h = digest64(blob, n);

	/* Equal digests are in line order: the first line that lets the key log in wins, as in the scan. */
	for (size_t j = lower(ix->e, ix->n, h); j < ix->n && ix->e[j].h == h; j++)
		if (authkeys_line_lets_in(ak, ix->e[j].line, blob, n, work, cap, now, gmtoff))
			return (long)ix->e[j].line;
	return -1;
}

/* Up to this many keys, install's plan is a scan of the file's text instead of an index of every
 * line: one key into 100,000 lines decoded and hashed every line (about 60% of the command's time). */
#define PLAN_SCAN_MAX 8

/* The plan by scanning. A line without odd bytes holds key k only if it contains k's canonical
 * base64 text: the key data is then one token, and a token decodes (strictly, as sshd's b64_pton)
 * only from the canonical text of its blob. So only such lines, and lines with odd bytes (sshd skips
 * VT, FF, CR inside the data), are read in full, by the same test authkeys_find applies. */
/* Bit k set: line s[0..n) may hold key k (canonical text canon[k], clen[k] bytes) — one of its
 * blank-separated tokens is that text — or the line has an odd byte (any key then: read in full). A
 * final CR is not odd (sshd's decoder skips it, as authkeys_line_odd says) and ends the last token. */
static unsigned candidates(const char *s, size_t n, char *const *canon, const size_t *clen, size_t nkeys)
{
	unsigned cand = 0;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t') {
			i++;
			continue;
		}
		size_t j = i;
		for (; j < n && (c = (unsigned char)s[j]) != ' ' && c != '\t'; j++)
			if (c < 0x20 || c == 0x7f)
				return (1u << nkeys) - 1; /* odd byte */
		for (size_t k = 0; k < nkeys; k++)
			if (canon[k] && clen[k] == j - i && memcmp(s + i, canon[k], clen[k]) == 0)
				cand |= 1u << k;
		i = j;
	}
	return cand;
}

static int plan_by_scan(const struct authkeys *ak, const struct authkeys_blob *keys, size_t nkeys, long *verdict,
			uint8_t *work, size_t cap, long long now, long gmtoff)
{
	char *canon[PLAN_SCAN_MAX] = { 0 };
	size_t clen[PLAN_SCAN_MAX], pending = 0;
	int r = AK_OK;

	for (size_t k = 0; k < nkeys; k++) {
		verdict[k] = AUTHKEYS_ADD;
		for (size_t j = 0; j < k; j++)
			if (keys[j].len == keys[k].len && memcmp(keys[j].blob, keys[k].blob, keys[k].len) == 0) {
				verdict[k] = AUTHKEYS_REPEAT;
				break;
			}
		if (verdict[k] == AUTHKEYS_REPEAT)
			continue;
		size_t need = B64_ENCLEN(keys[k].len) + 1;
		long n;
		if (!(canon[k] = malloc(need))) {
			r = AK_NOMEM;
			goto out;
		}
		if ((n = b64_encode(keys[k].blob, keys[k].len, canon[k], need, 1)) < 0) {
			r = AK_NOMEM;
			goto out;
		}
		clen[k] = (size_t)n;
		pending++;
	}
	for (size_t i = 0; i < ak->nlines && pending > 0; i++) {
		if (ak->lines[i].kind != AKL_OTHER)
			continue;
		unsigned cand = candidates(ak->buf + ak->lines[i].off, ak->lines[i].len, canon, clen, nkeys);
		for (size_t k = 0; k < nkeys; k++)
			if ((cand >> k & 1) && verdict[k] == AUTHKEYS_ADD && canon[k] &&
			    authkeys_line_lets_in(ak, i, keys[k].blob, keys[k].len, work, cap, now, gmtoff)) {
				verdict[k] = (long)i;
				pending--;
			}
	}
out:
	for (size_t k = 0; k < nkeys && k < PLAN_SCAN_MAX; k++)
		free(canon[k]);
	return r;
}

int authkeys_plan_install(const struct authkeys *ak, const struct authkeys_blob *keys, size_t nkeys, long *verdict,
			  uint8_t *work, size_t cap, long long now, long gmtoff)
{
	struct authkeys_index ix;
	struct authkeys_ixent *ke;
	int r;

	if (nkeys > UINT32_MAX)
		return AK_TOOBIG;
	if (nkeys <= PLAN_SCAN_MAX)
		return plan_by_scan(ak, keys, nkeys, verdict, work, cap, now, gmtoff);
	if ((r = authkeys_index_build(&ix, ak, work, cap)) != AK_OK)
		return r;
	if (!(ke = malloc((nkeys ? nkeys : 1) * sizeof *ke))) {
		authkeys_index_free(&ix);
		return AK_NOMEM;
	}
	for (size_t k = 0; k < nkeys; k++) {
		ke[k].h = digest64(keys[k].blob, keys[k].len);
		ke[k].line = (uint32_t)k;
	}
	qsort(ke, nkeys, sizeof *ke, ixcmp);
	for (size_t j = 0; j < nkeys; j++) {
		size_t k = ke[j].line, g = j;
		/* Earlier keys with the same digest sit just before it (sorted by index within a digest). */
		verdict[k] = AUTHKEYS_ADD;
		while (g > 0 && ke[g - 1].h == ke[j].h) {
			const struct authkeys_blob *o = &keys[ke[--g].line];
			if (o->len == keys[k].len && memcmp(o->blob, keys[k].blob, o->len) == 0) {
				verdict[k] = AUTHKEYS_REPEAT;
				break;
			}
		}
		if (verdict[k] == AUTHKEYS_ADD) /* not found is -1, which is AUTHKEYS_ADD */
			verdict[k] = authkeys_index_find(&ix, ak, keys[k].blob, keys[k].len, work, cap, now, gmtoff);
	}
	free(ke);
	authkeys_index_free(&ix);
	return AK_OK;
}
