/* collect.c: SOURCEs -> one validated key set (see collect.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collect.h"
#include "note.h"
#include "osutil.h"

static const char expired[] = "expiry-time is already past: sshd refuses the key (\"entry expired\")";

/* Keeps pr (PASTE_OK) and appends its keys; pr is ks's or freed afterwards, whatever happens. */
static int keep_parse(struct keyset *ks, struct paste_result *pr)
{
	if (ks->nres == ks->capres) {
		size_t nc = ks->capres ? ks->capres * 2 : 8;
		struct paste_result *r = realloc(ks->res, nc * sizeof *r);
		if (!r)
			goto fail;
		ks->res = r;
		ks->capres = nc;
	}
	if (ks->n + pr->n > ks->cap) {
		size_t nc = ks->cap ? ks->cap : 16;
		while (nc < ks->n + pr->n)
			nc *= 2;
		const struct paste_key **k = realloc(ks->k, nc * sizeof *k);
		if (!k)
			goto fail;
		ks->k = k;
		ks->cap = nc;
	}
	ks->res[ks->nres] = *pr; /* the keys array moves with it: pointers into it stay valid */
	for (size_t i = 0; i < pr->n; i++)
		ks->k[ks->n++] = &ks->res[ks->nres].keys[i];
	ks->nres++;
	return 0;
fail:
	paste_free(pr);
	return -1;
}

static void warn_skipped(struct source_ctx *c, const char *label, const struct paste_result *pr, unsigned line)
{
	for (size_t i = 0; i < pr->nskipped; i++) /* left out, never silently */
		net_note(c->o, "%s: line %u: warning: skipped a %s key: keydrop does not know this key type", label,
			    line ? line : pr->skipped[i].srcline, pr->skipped[i].type);
}

/* "no key" refusal: a network response is "the response"; a local text gets the paste diagnosis. */
static int refuse_empty(const struct collect_opts *co, const char *label, const char *what, char *err, size_t errcap)
{
	if (co->block)
		snprintf(err, errcap, "%s: %s; refusing to remove keys of block '%s' (--allow-empty to allow)", label,
			 what, co->block);
	else
		snprintf(err, errcap, "%s: %s", label, what);
	return SRCE_REJECT;
}

/* --skip-invalid: each line on its own; every skipped one is reported. */
static int add_lines(struct keyset *ks, struct source_ctx *c, const struct collect_opts *co, const char *label,
		     int net, const char *text, size_t len, long long now, long gmtoff, char *err, size_t errcap)
{
	struct paste_result pr;
	size_t valid = 0; /* this source's valid keys (even if an earlier source gave them too) */
	unsigned lineno = 0;

	for (const char *p = text, *end = text + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		int r = paste_parse(p, n, &pr);
		lineno++;
		p += n + (nl ? 1 : 0);
		if (r == PASTE_OK && paste_first_expired(&pr, now, gmtoff) >= 0) {
			net_note(c->o, "%s: line %u: skipped: %s", label, lineno, expired);
			paste_free(&pr);
			continue;
		}
		if (r == PASTE_OK)
			warn_skipped(c, label, &pr, lineno);
		else if (r != PASTE_EMPTY)
			net_note(c->o, "%s: line %u: skipped: %s", label, lineno, pr.detail);
		if (r != PASTE_OK) {
			paste_free(&pr);
			continue;
		}
		valid += pr.n;
		if (keep_parse(ks, &pr) != 0) {
			snprintf(err, errcap, "%s: out of memory", label);
			return SRCE_IO;
		}
	}
	if (valid == 0 && !(co->flags & COLLECT_ALLOW_EMPTY))
		return refuse_empty(co, label, net ? "no valid key in the response" : "no valid key in it", err, errcap);
	return SRCE_OK;
}

int keyset_add_text(struct keyset *ks, struct source_ctx *c, const struct collect_opts *co, const char *label,
		    int net, const char *text, size_t len, int *valid, char *err, size_t errcap)
{
	struct paste_result pr;
	int r = paste_parse(text, len, &pr);
	time_t now = time(NULL);
	long gmtoff = osutil_gmtoff(now), x = -1;
	int skip = co->flags & COLLECT_SKIP_INVALID;

	*valid = r == PASTE_OK;
	/* An entry sshd refuses as expired is refused like any other key sshd cannot use. */
	if (r == PASTE_OK && (x = paste_first_expired(&pr, (long long)now, gmtoff)) >= 0)
		*valid = 0; /* refused, or (--skip-invalid) kept only in part: never cached */
	if (x >= 0 && !skip) {
		snprintf(err, errcap, "%s: line %u: %s", label, pr.keys[x].srcline, expired);
		paste_free(&pr);
		return SRCE_REJECT;
	}
	if (r == PASTE_OK && x < 0) {
		warn_skipped(c, label, &pr, 0);
		if (keep_parse(ks, &pr) != 0) {
			snprintf(err, errcap, "%s: out of memory", label);
			return SRCE_IO;
		}
		return SRCE_OK;
	}
	if (r == PASTE_EMPTY) {
		if (!(co->flags & COLLECT_ALLOW_EMPTY))
			r = refuse_empty(co, label, net ? "no keys in the response (empty)" : pr.detail, err, errcap);
		paste_free(&pr);
		return r == PASTE_EMPTY ? SRCE_OK : r;
	}
	if (r != PASTE_OK && !skip) {
		if (pr.line)
			snprintf(err, errcap, "%s: line %u: %s", label, pr.line, pr.detail);
		else
			snprintf(err, errcap, "%s: %s", label, pr.detail);
		paste_free(&pr);
		return SRCE_REJECT;
	}
	paste_free(&pr);
	return add_lines(ks, c, co, label, net, text, len, (long long)now, gmtoff, err, errcap);
}

/* Key data order for the index: a 64-bit FNV-1a hash first, then length and bytes. Every key of a
 * type shares its first ~25 base64 characters ("AAAAC3NzaC1lZDI1NTE5AAAAI"), so plain memcmp
 * ordering spent most of a 3000-key install comparing that prefix; with the hash first, memcmp
 * runs only for equal keys. */
static uint64_t data_hash(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 0x100000001b3u;
	return h;
}

static int data_cmp(uint64_t ha, const char *a, size_t an, uint64_t hb, const char *b, size_t bn)
{
	if (ha != hb)
		return ha < hb ? -1 : 1;
	if (an != bn)
		return an < bn ? -1 : 1;
	return memcmp(a, b, an);
}

/* qsort has no argument pointer: each entry carries its key beside its index. */
struct ixent {
	const struct paste_key *k;
	uint64_t h;
	size_t i;
};

static int ixcmp(const void *a, const void *b)
{
	const struct ixent *x = a, *y = b;
	int c = data_cmp(x->h, x->k->b64, x->k->b64len, y->h, y->k->b64, y->k->b64len);
	return c ? c : x->i < y->i ? -1 : x->i > y->i;
}

/* Drops every key given before (same key data; the first keeps its place) and indexes the rest:
 * one sort, O(n log n), not keys x keys (seconds for a few thousand keys). */
int keyset_finish(struct keyset *ks)
{
	size_t n = ks->n, m = 0, u = 0;
	struct ixent *e = malloc((n ? n : 1) * sizeof *e);
	size_t *newi = malloc((n ? n : 1) * sizeof *newi);
	unsigned char *dup = calloc(n + 1, 1);

	if (!e || !newi || !dup) {
		free(e);
		free(newi);
		free(dup);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		e[i] = (struct ixent){ ks->k[i], data_hash(ks->k[i]->b64, ks->k[i]->b64len), i };
	qsort(e, n, sizeof *e, ixcmp);
	for (size_t j = 1; j < n; j++)
		if (data_cmp(e[j].h, e[j].k->b64, e[j].k->b64len, e[j - 1].h, e[j - 1].k->b64, e[j - 1].k->b64len) == 0)
			dup[e[j].i] = 1; /* sorted by index among equals: the first occurrence stays */
	for (size_t i = 0; i < n; i++) {
		newi[i] = m;
		if (!dup[i])
			ks->k[m++] = ks->k[i];
	}
	/* the sorted order of the keys that stay is still sorted: keep it, renumbered */
	for (size_t j = 0; j < n; j++)
		if (!dup[e[j].i])
			e[u++] = (struct ixent){ e[j].k, e[j].h, newi[e[j].i] };
	ks->n = m;
	free(ks->ix);
	ks->ix = malloc((m ? m : 1) * sizeof *ks->ix);
	for (size_t j = 0; ks->ix && j < m; j++)
		ks->ix[j] = (struct keyset_ix){ e[j].h, e[j].i };
	free(e);
	free(newi);
	free(dup);
	return ks->ix ? 0 : -1;
}

int source_collect(struct source_ctx *c, const struct collect_opts *co, char *const *specs, size_t nspecs,
		   struct keyset *ks, char *err, size_t errcap)
{
	for (size_t i = 0; i < nspecs; i++) {
		struct source_text t;
		char why[600] = "";
		int valid = 0;
		int r = source_read(c, specs[i], &t, why, sizeof why);
		if (r != SRCE_OK) {
			snprintf(err, errcap, "%s: %s", specs[i], why);
			return r;
		}
		r = keyset_add_text(ks, c, co, specs[i], source_kind(specs[i]) == SRC_NET, t.p, t.len, &valid, err,
				    errcap);
		if (r == SRCE_OK && valid)
			source_keep(c, &t); /* the one parse above decided: only a good body is cached */
		source_text_free(&t);
		if (r != SRCE_OK)
			return r;
	}
	if (keyset_finish(ks) != 0) {
		snprintf(err, errcap, "out of memory");
		return SRCE_IO;
	}
	return SRCE_OK;
}

long keyset_find(const struct keyset *ks, const char *b64, size_t n)
{
	uint64_t h = data_hash(b64, n);
	size_t lo = 0, hi = ks->ix ? ks->n : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct paste_key *k = ks->k[ks->ix[mid].i];
		int c = data_cmp(ks->ix[mid].h, k->b64, k->b64len, h, b64, n);
		if (c == 0)
			return (long)ks->ix[mid].i;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

void keyset_free(struct keyset *ks)
{
	for (size_t i = 0; i < ks->nres; i++)
		paste_free(&ks->res[i]);
	free(ks->res);
	free(ks->k);
	free(ks->ix);
	memset(ks, 0, sizeof *ks);
}
