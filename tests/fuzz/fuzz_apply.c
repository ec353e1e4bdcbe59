/* fuzz_apply.c: install, sync and remove as the model decides them (authkeys_apply.h), on arbitrary
 * files with keys from a small fixed set (so the file's lines can hold the same keys). Invariants:
 * - every line outside the block a command touches keeps its bytes and order;
 * - install adds exactly the keys no line lets in, once each; installing again changes nothing;
 * - sync leaves block NAME holding exactly the distinct given keys in the given order; again: no change;
 * - remove drops exactly the selected lines, and the result holds no selected key any more; a
 *   selected key of a block becomes that block's denial line, in its place;
 * - sync never adds a key its block denies, and keeps the block's denials; install lifts every
 *   denial of its keys and nothing else;
 * - a denial line is only ever one inside a block, and the exported check agrees with a scan.
 * Input: byte 0 the command, byte 1 the keys (2 bits each: which key; byte 2: their options), the
 * rest the file. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "authkeys_apply.h"
#include "fingerprint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NPOOL 4
#define MAXK 4
#define MAXF (1u << 20)

/* Published test keys (tests/vectors). */
static const char *const pool[NPOOL] = {
	"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGmi3qqsrT/S3nOj0nWyT/knV744xhXNJ5NMNxXzB45O one",
	"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea two",
	"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIP/JYvLInsXJtMfpkaXCwMmOtJ4fEzFA+4akpzhp4pP0 three",
	"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIP/JYvLInsXJtMfpkaXCwMmOtJ4fEzFA+4akpzhp4pP0 three again",
};
static const char *const optv[4] = { "", "no-pty ", "restrict ", "no-pty,no-X11-forwarding " };

struct key {
	char line[256];
	uint8_t blob[128];
	struct pubkey pk;
};

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c))                                                                          \
			__builtin_trap();                                                          \
	} while (0)

static int line_eq(const struct authkeys *a, size_t i, const struct authkeys *b, size_t j)
{
	return a->lines[i].len == b->lines[j].len && memcmp(a->buf + a->lines[i].off, b->buf + b->lines[j].off, a->lines[i].len) == 0;
}

/* Line i of a denies one of nk[0..n) (install lifts it). */
static int lifted(const struct authkeys *a, size_t i, const struct ak_newkey *nk, size_t n)
{
	uint8_t d[32], k[32];
	if (!authkeys_denied_digest(a, i, d))
		return 0;
	for (size_t j = 0; j < n; j++) {
		fingerprint_digest(nk[j].blob, nk[j].bloblen, FP_SHA256, k);
		if (memcmp(d, k, 32) == 0)
			return 1;
	}
	return 0;
}

/* Lines of a outside its first block NAME (all lines when there is none) equal those of b, but for
 * a's denials of nk[0..n) (lifted by install; n = 0 for other commands). */
static void same_outside(const struct authkeys *a, const struct authkeys *b, const char *name, const struct ak_newkey *nk,
			 size_t n)
{
	long ba = name ? authkeys_block_find(a, name, strlen(name)) : -1;
	long bb = name ? authkeys_block_find(b, name, strlen(name)) : -1;
	size_t i = 0, j = 0;
	for (;;) {
		while (i < a->nlines && ((ba >= 0 && i >= a->blocks[ba].begin && i <= a->blocks[ba].end) || lifted(a, i, nk, n)))
			i++;
		while (j < b->nlines && bb >= 0 && j >= b->blocks[bb].begin && j <= b->blocks[bb].end)
			j++;
		if (i >= a->nlines || j >= b->nlines)
			break;
		CHECK(line_eq(a, i, b, j));
		i++, j++;
	}
	/* b may hold a new block at its end; a holds nothing more */
	CHECK(i >= a->nlines);
}

static void apply_again_install(const struct authkeys_out *o, const char *block, const struct ak_newkey *nk, size_t n,
				int replace)
{
	struct authkeys b = { 0 };
	struct authkeys_out o2;
	uint8_t what[MAXK];
	long line[MAXK];
	struct ak_install_plan p = { what, line, 0, 0, 0 };
	int changed;
	CHECK(authkeys_parse(&b, o->p, o->len) == AK_OK);
	CHECK(authkeys_apply_install(&b, block, nk, n, replace, 0, 0, MAXF, &p, &o2, &changed) == AK_OK);
	CHECK(!changed && p.nadded == 0);
	for (size_t k = 0; k < n; k++)
		CHECK(what[k] != AKI_ADDED);
	free(o2.p);
	authkeys_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct key keys[NPOOL * 4];
	static int init;
	if (!init) {
		for (size_t o = 0; o < 4; o++)
			for (size_t k = 0; k < NPOOL; k++) {
				struct key *x = &keys[o * NPOOL + k];
				strcpy(x->line, optv[o]);
				strcat(x->line, pool[k]);
				CHECK(pubkey_parse_line(x->line, strlen(x->line), x->blob, sizeof x->blob, &x->pk) == PKL_OK);
			}
		init = 1;
	}
	if (size < 3)
		return 0;
	int cmd = data[0] % 7;
	size_t n = (data[1] >> 6) + 1;
	struct ak_newkey nk[MAXK];
	for (size_t k = 0; k < n; k++) {
		struct key *x = &keys[((data[2] >> (2 * k)) & 3) * NPOOL + ((data[1] >> (2 * k)) & 3)];
		nk[k] = (struct ak_newkey){ x->line, strlen(x->line), x->pk.blob, x->pk.bloblen, x->pk.opts, x->pk.optslen };
	}
	struct authkeys a = { 0 }, b = { 0 };
	if (authkeys_parse(&a, (const char *)data + 3, size - 3) != AK_OK)
		return 0;
	struct authkeys_out o = { 0 };
	int changed = 0;
	/* Denials: only inside a block, and authkeys_denied finds each (the first of equal digests). */
	for (size_t i = 0; i < a.nlines; i++) {
		uint8_t d[32];
		if (!authkeys_denied_digest(&a, i, d))
			continue;
		CHECK(a.lines[i].block && a.lines[i].kind == AKL_DENIED);
		long at = authkeys_denied(&a, NULL, d);
		CHECK(at >= 0 && (size_t)at <= i);
	}
	const char *block = (cmd == 1 || cmd == 3 || cmd == 6) ? "blk" : NULL;

	if (cmd <= 2) { /* install: 0 at the end, 1 into a block, 2 with --replace-options */
		uint8_t what[MAXK];
		long line[MAXK];
		struct ak_install_plan p = { what, line, 0, 0, 0 };
		int r = authkeys_apply_install(&a, block, nk, n, cmd == 2, 0, 0, MAXF, &p, &o, &changed);
		if (r == AK_UNTERMINATED) {
			CHECK(block && a.unterminated);
			goto out;
		}
		CHECK(r == AK_OK);
		size_t adds = 0;
		for (size_t k = 0; k < n; k++) {
			if (what[k] == AKI_ADDED) {
				adds++;
				for (size_t j = 0; j < k; j++) /* never the same blob twice */
					CHECK(!(what[j] == AKI_ADDED && nk[j].bloblen == nk[k].bloblen &&
						memcmp(nk[j].blob, nk[k].blob, nk[k].bloblen) == 0));
			} else {
				CHECK(what[k] == AKI_REPEAT || line[k] >= 0);
			}
		}
		CHECK(adds == p.nadded && changed == (p.nadded + p.nreplaced + p.nlifted > 0));
		size_t nl = 0;
		for (size_t i = 0; i < a.nlines; i++)
			nl += lifted(&a, i, nk, n);
		CHECK(nl == p.nlifted);
		if (!changed)
			goto out;
		CHECK(authkeys_parse(&b, o.p, o.len) == AK_OK);
		for (size_t k = 0; k < n; k++) /* installed keys are denied nowhere */
			CHECK(authkeys_blob_denied(&b, nk[k].blob, nk[k].bloblen) < 0);
		if (cmd != 2) {
			same_outside(&a, &b, block, nk, n);
			/* the file's own bytes come first, untouched, when nothing goes into an existing block */
			if ((!block || authkeys_block_find(&a, block, 3) < 0) && p.nlifted == 0)
				CHECK(o.len >= a.len && memcmp(o.p, a.buf, a.len) == 0);
		} else if (p.nlifted == 0) {
			CHECK(b.nlines >= a.nlines);
			for (size_t i = 0; i < a.nlines; i++) {
				int edited = 0;
				for (size_t k = 0; k < n; k++)
					edited |= what[k] == AKI_OPTS_REPLACED && line[k] == (long)i;
				CHECK(edited || line_eq(&a, i, &b, i));
			}
		}
		apply_again_install(&o, block, nk, n, cmd == 2);
	} else if (cmd == 3) { /* sync */
		uint8_t *removed = calloc(a.nlines + 1, 1), isnew[MAXK];
		CHECK(removed);
		int r = authkeys_apply_sync(&a, "blk", nk, n, MAXF, removed, isnew, &o, &changed);
		free(removed);
		if (r == AK_UNTERMINATED) {
			CHECK(authkeys_block_find(&a, "blk", 3) < 0 && a.unterminated);
			goto out;
		}
		CHECK(r == AK_OK);
		const char *res = changed ? o.p : a.buf;
		size_t reslen = changed ? o.len : a.len;
		CHECK(authkeys_parse(&b, res, reslen) == AK_OK);
		same_outside(&a, &b, "blk", NULL, 0);
		long bb = authkeys_block_find(&b, "blk", 3), ba = authkeys_block_find(&a, "blk", 3);
		CHECK(bb >= 0);
		/* the block's denials stay, in order, before its keys */
		size_t at = b.blocks[bb].begin + 1;
		for (size_t i = ba >= 0 ? a.blocks[ba].begin : 0; ba >= 0 && i < a.blocks[ba].end; i++)
			if (a.lines[i].kind == AKL_DENIED) {
				CHECK(at < b.blocks[bb].end && b.lines[at].kind == AKL_DENIED && line_eq(&a, i, &b, at));
				at++;
			}
		/* then exactly the distinct keys it does not deny, in order, once each */
		for (size_t k = 0; k < n; k++) {
			int rep = 0;
			uint8_t d[32];
			for (size_t j = 0; j < k; j++)
				rep |= nk[j].bloblen == nk[k].bloblen && memcmp(nk[j].blob, nk[k].blob, nk[k].bloblen) == 0;
			fingerprint_digest(nk[k].blob, nk[k].bloblen, FP_SHA256, d);
			int denied = authkeys_denied(&a, "blk", d) >= 0;
			CHECK(rep ? isnew[k] == 0 : denied == (isnew[k] == 2));
			if (rep || denied)
				continue;
			CHECK(at < b.blocks[bb].end && b.lines[at].len == nk[k].len &&
			      memcmp(b.buf + b.lines[at].off, nk[k].line, nk[k].len) == 0);
			at++;
		}
		CHECK(at == b.blocks[bb].end);
		/* again: nothing changes */
		struct authkeys_out o2;
		int changed2;
		uint8_t *removed2 = calloc(b.nlines + 1, 1);
		CHECK(removed2);
		CHECK(authkeys_apply_sync(&b, "blk", nk, n, MAXF, removed2, isnew, &o2, &changed2) == AK_OK);
		CHECK(!changed2);
		for (size_t k = 0; k < n; k++)
			CHECK(isnew[k] != 1);
		free(removed2);
		free(o2.p);
	} else { /* remove: 4 by fingerprint, 5 by comment, 6 the block */
		uint8_t *drop = calloc(a.nlines + 1, 1);
		struct ak_fpsel fp[MAXK];
		size_t nfp = 0, nd = 0;
		CHECK(drop);
		if (cmd == 4)
			for (size_t k = 0; k < n; k++, nfp++) {
				fp[k].kind = (data[2] & 1) ? FP_MD5 : FP_SHA256;
				fp[k].dlen = fingerprint_digest(nk[k].blob, nk[k].bloblen, (enum fp_hash)fp[k].kind, fp[k].digest);
			}
		const char *comment = cmd == 5 ? "three" : NULL;
		CHECK(authkeys_apply_remove(&a, fp, nfp, comment, comment ? 5 : 0, block, MAXF, drop, &nd, &o, &changed) ==
		      AK_OK);
		CHECK(changed == (nd > 0));
		if (changed) {
			CHECK(authkeys_parse(&b, o.p, o.len) == AK_OK);
			size_t j = 0;
			for (size_t i = 0; i < a.nlines; i++) {
				if (drop[i] == 2) { /* a block's key became its denial, in its place */
					struct pubkey pk;
					const char *why;
					uint8_t w[PUBKEY_BLOB_MAX], d[32], dj[32];
					CHECK(a.lines[i].block && j < b.nlines && b.lines[j].block);
					int lr = authkeys_line_key(&a, i, w, sizeof w, &pk, &why);
					CHECK(lr == PKL_OK || lr == AKO_BAD);
					fingerprint_digest(pk.blob, pk.bloblen, FP_SHA256, d);
					CHECK(authkeys_denied_digest(&b, j, dj) && memcmp(d, dj, 32) == 0);
					j++;
				} else if (!drop[i]) {
					CHECK(j < b.nlines && line_eq(&a, i, &b, j++));
				}
			}
			CHECK(j == b.nlines);
			if (cmd == 6) { /* the first block blk, markers included, and nothing else */
				long ba = authkeys_block_find(&a, "blk", 3);
				CHECK(ba >= 0 && nd == a.blocks[ba].end - a.blocks[ba].begin + 1);
			}
			/* nothing selected is left */
			if (cmd != 6) {
				uint8_t *d2 = calloc(b.nlines + 1, 1);
				struct authkeys_out o3;
				int c3;
				size_t nd3;
				CHECK(d2);
				CHECK(authkeys_apply_remove(&b, fp, nfp, comment, comment ? 5 : 0, NULL, MAXF, d2, &nd3, &o3, &c3) ==
				      AK_OK);
				CHECK(nd3 == 0 && !c3);
				free(d2);
				free(o3.p);
			}
		}
		free(drop);
	}
out:
	free(o.p);
	authkeys_free(&a);
	authkeys_free(&b);
	return 0;
}
