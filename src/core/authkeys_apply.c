/* authkeys_apply.c: the decisions of install, sync and remove on the authorized_keys model. Pure. */
#include <stdlib.h>
#include <string.h>

#include "authkeys_apply.h"
#include "fingerprint.h"

static int edit_cmp(const void *a, const void *b)
{
	const struct authkeys_edit *x = a, *y = b;
	return x->line < y->line ? -1 : x->line > y->line;
}

static int same_opts(const char *a, size_t an, const char *b, size_t bn)
{
	return (!a) == (!b) && (!a || (an == bn && memcmp(a, b, an) == 0));
}

/* out = ak's bytes with edits applied and the lines drop[] says dropped (drop may be NULL), then
 * adds appended to block: each step only when needed. */
static int render(const struct authkeys *ak, const char *block, struct authkeys_edit *edits, size_t nedit,
		  const uint8_t *drop, const char *const *adds, const size_t *addlens, size_t nadd, size_t max,
		  struct authkeys_out *out)
{
	struct authkeys mid = { 0 };
	const struct authkeys *base = ak;
	int r = AK_OK;

	memset(out, 0, sizeof *out);
	if (nedit > 0 || drop) {
		qsort(edits, nedit, sizeof *edits, edit_cmp);
		r = authkeys_render_edit(ak, edits, nedit, drop, max, out);
		if (r == AK_OK && nadd > 0 && (r = authkeys_parse(&mid, out->p, out->len)) == AK_OK)
			base = &mid;
	}
	if (r == AK_OK && nadd > 0) {
		struct authkeys_out o2;
		if ((r = authkeys_render_add(base, block, adds, addlens, nadd, max, &o2)) == AK_OK) {
			free(out->p);
			*out = o2;
		}
	}
	authkeys_free(&mid);
	if (r != AK_OK) {
		free(out->p);
		memset(out, 0, sizeof *out);
	}
	return r;
}

int authkeys_apply_install(const struct authkeys *ak, const char *block, const struct ak_newkey *keys, size_t n,
			   int replace_opts, long long now, long gmtoff, size_t max, struct ak_install_plan *plan,
			   struct authkeys_out *out, int *changed)
{
	struct authkeys_blob *blobs = calloc(n + 1, sizeof *blobs);
	long *verdict = calloc(n + 1, sizeof *verdict);
	struct authkeys_edit *edits = calloc(n + 1, sizeof *edits);
	const char **adds = calloc(n + 1, sizeof *adds);
	size_t *addlens = calloc(n + 1, sizeof *addlens), nedit = 0, edlen = 0;
	uint8_t *work = malloc(PUBKEY_BLOB_MAX), *lift = calloc(ak->nlines + 1, 1), (*dg)[32] = calloc(n + 1, 32);
	char *edbuf = NULL;
	int r = AK_NOMEM;

	memset(out, 0, sizeof *out);
	*changed = 0;
	plan->nadded = plan->nreplaced = plan->nlifted = 0;
	if (!blobs || !verdict || !edits || !adds || !addlens || !work || !lift || !dg)
		goto out;
	/* An explicit install allows a key again: its denials go, in every block. */
	for (size_t k = 0; k < n; k++)
		fingerprint_digest(keys[k].blob, keys[k].bloblen, FP_SHA256, dg[k]);
	for (size_t i = 0; i < ak->nlines; i++) {
		uint8_t d[32];
		for (size_t k = 0; k < n && authkeys_denied_digest(ak, i, d); k++)
			if (memcmp(d, dg[k], 32) == 0) {
				lift[i] = 1;
				plan->nlifted++;
				break;
			}
	}
	for (size_t k = 0; k < n; k++) {
		blobs[k].blob = keys[k].blob;
		blobs[k].len = keys[k].bloblen;
		edlen += keys[k].optslen + 1;
	}
	if (!(edbuf = malloc(edlen + 1)))
		goto out;
	if ((r = authkeys_plan_install(ak, blobs, n, verdict, work, PUBKEY_BLOB_MAX, now, gmtoff)) != AK_OK)
		goto out;
	edlen = 0;
	for (size_t k = 0; k < n; k++) {
		const struct ak_newkey *nk = &keys[k];
		struct pubkey fk;
		const char *why;

		plan->line[k] = verdict[k] >= 0 ? verdict[k] : -1;
		if (verdict[k] == AUTHKEYS_REPEAT) {
			plan->what[k] = AKI_REPEAT;
			continue;
		}
		if (verdict[k] < 0) {
			plan->what[k] = AKI_ADDED;
			adds[plan->nadded] = nk->line;
			addlens[plan->nadded++] = nk->len;
			continue;
		}
		/* Present: the file's line stays; its options change only when asked. */
		plan->what[k] = AKI_PRESENT;
		if (authkeys_line_key(ak, (size_t)verdict[k], work, PUBKEY_BLOB_MAX, &fk, &why) != PKL_OK ||
		    same_opts(fk.opts, fk.optslen, nk->opts, nk->optslen))
			continue;
		plan->what[k] = AKI_OTHER_OPTS;
		if (!replace_opts)
			continue;
		const char *o = nk->opts ? edbuf + edlen : NULL;
		size_t ol = nk->optslen;
		if (o) {
			memcpy(edbuf + edlen, nk->opts, ol);
			if (!fk.opts)
				edbuf[edlen + ol++] = ' '; /* inserted before the key type */
			edlen += ol;
		}
		if ((r = authkeys_options_edit(ak, (size_t)verdict[k], &fk, o, ol, &edits[nedit])) != AK_OK)
			goto out;
		nedit++;
		plan->what[k] = AKI_OPTS_REPLACED;
		plan->nreplaced++;
	}
	r = AK_OK;
	if (plan->nadded > 0 || nedit > 0 || plan->nlifted > 0) {
		r = render(ak, block, edits, nedit, plan->nlifted ? lift : NULL, adds, addlens, plan->nadded, max, out);
		*changed = r == AK_OK;
	}
out:
	free(lift);
	free(dg);
	free(blobs);
	free(verdict);
	free(edits);
	free(adds);
	free(addlens);
	free(work);
	free(edbuf);
	return r;
}

/* ---- sync: keys looked up by blob through a sorted index ------------------------------------ */

struct keyix {
	const uint8_t *blob;
	size_t len, i;
};

static int keyix_cmp(const void *a, const void *b)
{
	const struct keyix *x = a, *y = b;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	int c = memcmp(x->blob, y->blob, x->len);
	if (c)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Index of the first key (lowest i) whose blob is blob[0..len), or -1. */
static long keyix_find(const struct keyix *ix, size_t n, const uint8_t *blob, size_t len)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = ix[mid].len != len ? (ix[mid].len < len ? -1 : 1) : memcmp(ix[mid].blob, blob, len);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && ix[lo].len == len && memcmp(ix[lo].blob, blob, len) == 0 ? (long)ix[lo].i : -1;
}

int authkeys_apply_sync(const struct authkeys *ak, const char *name, const struct ak_newkey *keys, size_t n,
			size_t max, uint8_t *removed, uint8_t *isnew, struct authkeys_out *out, int *changed)
{
	struct keyix *ix = calloc(n + 1, sizeof *ix);
	uint8_t *drop = calloc(ak->nlines + 1, 1), *work = malloc(PUBKEY_BLOB_MAX);
	const char **adds = calloc(n + 1, sizeof *adds);
	size_t *addlens = calloc(n + 1, sizeof *addlens), nadd = 0;
	struct authkeys dropped = { 0 };
	struct authkeys_out o1 = { 0 };
	int r = AK_NOMEM;

	memset(out, 0, sizeof *out);
	*changed = 0;
	memset(removed, 0, ak->nlines);
	if (!ix || !drop || !work || !adds || !addlens)
		goto out;
	long bi = authkeys_block_find(ak, name, strlen(name));
	if (bi < 0 && ak->unterminated) {
		r = AK_UNTERMINATED;
		goto out;
	}
	/* A repeated blob counts once, at its first place; a key denied in the block not at all. */
	for (size_t k = 0; k < n; k++)
		ix[k] = (struct keyix){ keys[k].blob, keys[k].bloblen, k };
	qsort(ix, n, sizeof *ix, keyix_cmp);
	int denials = 0; /* in any block of this name (a hand-edited file may hold two) */
	for (size_t i = 0; i < ak->nlines && !denials; i++)
		denials = ak->lines[i].kind == AKL_DENIED;
	for (size_t k = 0; k < n; k++) {
		uint8_t d[32];
		isnew[k] = 1;
		if (denials) {
			fingerprint_digest(keys[k].blob, keys[k].bloblen, FP_SHA256, d);
			isnew[k] = authkeys_denied(ak, name, d) >= 0 ? 2 : 1;
		}
	}
	for (size_t j = 1; j < n; j++)
		if (ix[j].len == ix[j - 1].len && memcmp(ix[j].blob, ix[j - 1].blob, ix[j].len) == 0)
			isnew[ix[j].i] = 0;
	for (size_t k = 0; k < n; k++)
		if (isnew[k] == 1) {
			adds[nadd] = keys[k].line;
			addlens[nadd++] = keys[k].len;
		}
	/* The block's lines all go but its denials; the keys come back in the given order. */
	if (bi >= 0) {
		const struct authkeys_block *b = &ak->blocks[bi];
		for (size_t i = b->begin + 1; i < b->end; i++) {
			struct pubkey pk;
			const char *why;
			if (ak->lines[i].kind == AKL_DENIED)
				continue;
			drop[i] = 1;
			if (ak->lines[i].kind != AKL_OTHER ||
			    authkeys_line_key(ak, i, work, PUBKEY_BLOB_MAX, &pk, &why) != PKL_OK) {
				removed[i] = 2;
				continue;
			}
			long k = keyix_find(ix, n, pk.blob, pk.bloblen);
			if (k >= 0 && isnew[k] != 2)
				isnew[k] = 0;
			else
				removed[i] = 1;
		}
	}
	if ((r = authkeys_render_drop(ak, drop, max, &o1)) != AK_OK)
		goto out;
	if (nadd == 0) {
		*out = o1;
		o1.p = NULL;
	} else {
		if ((r = authkeys_parse(&dropped, o1.p, o1.len)) != AK_OK)
			goto out;
		if ((r = authkeys_render_add(&dropped, name, adds, addlens, nadd, max, out)) != AK_OK) {
			free(out->p);
			memset(out, 0, sizeof *out);
			goto out;
		}
	}
	if (out->len == ak->len && memcmp(out->p, ak->buf, ak->len) == 0) {
		free(out->p);
		memset(out, 0, sizeof *out);
	} else {
		*changed = 1;
	}
out:
	authkeys_free(&dropped);
	free(o1.p);
	free(ix);
	free(drop);
	free(work);
	free(adds);
	free(addlens);
	return r;
}

int authkeys_apply_remove(const struct authkeys *ak, struct ak_fpsel *fps, size_t nfp, const char *comment,
			  size_t commentlen, const char *block, size_t max, uint8_t *drop, size_t *ndropped,
			  struct authkeys_out *out, int *changed)
{
	uint8_t *work = NULL;
	struct authkeys_edit *edits = NULL;
	char (*texts)[AUTHKEYS_DENIED_MAX] = NULL;
	size_t nedit = 0;
	int r = AK_NOMEM;

	memset(out, 0, sizeof *out);
	memset(drop, 0, ak->nlines);
	*changed = 0;
	*ndropped = 0;
	for (size_t k = 0; k < nfp; k++)
		fps[k].hits = 0;
	if (block) {
		long b = authkeys_block_find(ak, block, strlen(block));
		if (b >= 0)
			for (size_t i = ak->blocks[b].begin; i <= ak->blocks[b].end; i++, ++*ndropped)
				drop[i] = 1;
	} else {
		if (!(work = malloc(PUBKEY_BLOB_MAX)))
			goto out;
		/* Twice: the lines to drop, then (sized) the denials for those inside a block. */
		for (int pass = 0; pass < 2; pass++) {
			for (size_t i = 0; i < ak->nlines; i++) {
				struct pubkey pk;
				const char *why;
				if (ak->lines[i].kind != AKL_OTHER || (pass && drop[i] != 2))
					continue;
				int lr = authkeys_line_key(ak, i, work, PUBKEY_BLOB_MAX, &pk, &why);
				if (lr != PKL_OK && lr != AKO_BAD)
					continue;
				if (pass) {
					/* A key removed from a block is denied there, so that sync does not bring
					 * it back: its line becomes the denial (a CR before the newline stays). */
					const struct authkeys_line *l = &ak->lines[i];
					authkeys_denied_line(pk.blob, pk.bloblen, texts[nedit]);
					edits[nedit] = (struct authkeys_edit){ i, 0,
									       l->len - (l->len && ak->buf[l->off + l->len - 1] == '\r'),
									       texts[nedit], strlen(texts[nedit]) };
					nedit++;
					continue;
				}
				int hit = comment && pk.comment && pk.commentlen == commentlen &&
					  memcmp(pk.comment, comment, commentlen) == 0;
				for (size_t k = 0; k < nfp; k++) {
					uint8_t d[32];
					size_t dl = fingerprint_digest(pk.blob, pk.bloblen, (enum fp_hash)fps[k].kind, d);
					if (dl == fps[k].dlen && memcmp(d, fps[k].digest, dl) == 0) {
						fps[k].hits++;
						hit = 1;
					}
				}
				if (hit) {
					drop[i] = ak->lines[i].block ? 2 : 1;
					nedit += drop[i] == 2;
					++*ndropped;
				}
			}
			if (pass)
				break;
			if (!(edits = calloc(nedit + 1, sizeof *edits)) || !(texts = calloc(nedit + 1, sizeof *texts)))
				goto out;
			nedit = 0;
		}
	}
	r = AK_OK;
	if (*ndropped > 0) {
		r = render(ak, NULL, edits, nedit, drop, NULL, NULL, 0, max, out);
		*changed = r == AK_OK;
	}
out:
	free(edits);
	free(texts);
	free(work);
	return r;
}
