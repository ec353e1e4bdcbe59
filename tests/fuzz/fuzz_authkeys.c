/* fuzz_authkeys.c: the authorized_keys model on arbitrary files. Invariants: every line is kept
 * byte for byte (dropping nothing renders the input; adding only appends or inserts whole lines),
 * blocks are well nested, a key added with a block name lands inside that block, the options
 * checker never reads outside its field. The sshd reader: a line reads the same up to its first NUL,
 * and like the strict reader when it holds no byte sshd's decoder skips; the hashed lookup answers
 * as the linear scan, and so does install's plan of one key (a text scan); an options edit changes only that line's options. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "authkeys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Lines equal to line[0..n) inside block blk (a blocks[] index, or -1 for none) or outside it. */
static size_t count_lines(const struct authkeys *a, long blk, const char *line, size_t n, int inside)
{
	size_t c = 0;
	for (size_t i = 0; i < a->nlines; i++) {
		int in = blk >= 0 && a->lines[i].block == (uint32_t)blk + 1;
		if (in == inside && a->lines[i].len == n && memcmp(a->buf + a->lines[i].off, line, n) == 0)
			c++;
	}
	return c;
}

/* The sshd reader on one line: cut at NUL it reads the same; without NUL, LF, VT, FF or CR it
 * reads what the strict reader reads. */
static void sshd_view(const char *s, size_t n)
{
	static uint8_t w1[PUBKEY_BLOB_MAX], w2[PUBKEY_BLOB_MAX];
	struct pubkey a, b;
	const char *z = memchr(s, '\0', n);
	int ra = pubkey_parse_authline(s, n, w1, sizeof w1, &a), rb;

	if (z) {
		rb = pubkey_parse_authline(s, (size_t)(z - s), w2, sizeof w2, &b);
		if (ra != rb || (ra == PKL_OK && (a.bloblen != b.bloblen || memcmp(a.blob, b.blob, a.bloblen) != 0)))
			__builtin_trap();
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\v' || s[i] == '\f' || s[i] == '\r' || s[i] == '\n')
			return;
	rb = pubkey_parse_line(s, n, w2, sizeof w2, &b);
	if (ra != rb || (ra == PKL_OK && (a.bloblen != b.bloblen || memcmp(a.blob, b.blob, a.bloblen) != 0 ||
					 a.optslen != b.optslen || a.commentlen != b.commentlen)))
		__builtin_trap();
}

/* For the keys of the first 16 key lines: authkeys_index_find == authkeys_find, and an options
 * edit of the first key line keeps everything but that field. */
static void lookups_agree(const struct authkeys *ak)
{
	static uint8_t work[PUBKEY_BLOB_MAX], blob[PUBKEY_BLOB_MAX];
	struct authkeys_index ix;
	size_t tried = 0;
	int edited = 0;

	if (authkeys_index_build(&ix, ak, work, sizeof work) != AK_OK)
		return;
	for (size_t i = 0; i < ak->nlines && tried < 16; i++) {
		struct pubkey pk;
		const char *why;
		if (ak->lines[i].kind != AKL_OTHER || authkeys_line_key(ak, i, work, sizeof work, &pk, &why) != PKL_OK)
			continue;
		tried++;
		size_t n = pk.bloblen;
		memcpy(blob, pk.blob, n);
		if (!edited) {
			struct authkeys_edit ed;
			struct authkeys_out out;
			edited = 1;
			if (authkeys_options_edit(ak, i, &pk, pk.opts ? "no-pty" : "no-pty ", pk.opts ? 6 : 7, &ed) != AK_OK)
				__builtin_trap();
			if (authkeys_render_edit(ak, &ed, 1, NULL, ak->len + 8, &out) == AK_OK) {
				struct authkeys a2;
				struct pubkey p2;
				size_t off = ak->lines[i].off;
				if (out.len != ak->len - ed.del + ed.inslen || memcmp(out.p, ak->buf, off + ed.at) != 0)
					__builtin_trap();
				if (authkeys_parse(&a2, out.p, out.len) == AK_OK) {
					if (a2.nlines != ak->nlines ||
					    authkeys_line_key(&a2, i, work, sizeof work, &p2, &why) != PKL_OK ||
					    p2.bloblen != n || memcmp(p2.blob, blob, n) != 0 || p2.optslen != 6 ||
					    memcmp(p2.opts, "no-pty", 6) != 0)
						__builtin_trap();
					authkeys_free(&a2);
				}
				free(out.p);
			}
		}
		for (long long now = 0; now < 5000000000LL; now += 1700000000LL) {
			long lin = authkeys_find(ak, blob, n, work, sizeof work, now, 3600), v;
			if (lin != authkeys_index_find(&ix, ak, blob, n, work, sizeof work, now, 3600))
				__builtin_trap();
			/* one key: install's plan scans the text instead of indexing; same answer */
			struct authkeys_blob one = { blob, n };
			if (authkeys_plan_install(ak, &one, 1, &v, work, sizeof work, now, 3600) != AK_OK || v != lin)
				__builtin_trap();
		}
	}
	authkeys_index_free(&ix);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t work[PUBKEY_BLOB_MAX];
	const char *buf = (const char *)data;
	struct authkeys ak;
	struct authkeys_out out;

	if (authkeys_parse(&ak, buf, size) != AK_OK)
		return 0;
	size_t total = 0;
	for (size_t i = 0; i < ak.nlines; i++) {
		const struct authkeys_line *l = &ak.lines[i];
		if (l->off != total)
			__builtin_trap();
		total += l->len + l->has_nl;
		struct pubkey pk;
		const char *why;
		long odd = authkeys_line_odd(&ak, i);
		if (odd >= (long)l->len)
			__builtin_trap();
		if (l->kind == AKL_OTHER)
			sshd_view(buf + l->off, l->len);
		if (l->kind == AKL_OTHER)
			(void)authkeys_line_key(&ak, i, work, sizeof work, &pk, &why);
	}
	lookups_agree(&ak);
	if (total != size)
		__builtin_trap();
	for (size_t b = 0; b < ak.nblocks; b++)
		if (ak.blocks[b].begin >= ak.blocks[b].end || ak.lines[ak.blocks[b].begin].kind != AKL_BEGIN ||
		    ak.lines[ak.blocks[b].end].kind != AKL_END || (b && ak.blocks[b - 1].end >= ak.blocks[b].begin))
			__builtin_trap();

	uint8_t *drop = calloc(ak.nlines + 1, 1);
	if (drop && authkeys_render_drop(&ak, drop, size + 1, &out) == AK_OK) {
		if (out.len != size || (size && memcmp(out.p, buf, size) != 0))
			__builtin_trap();
		free(out.p);
	}
	/* Drop every other line: the result is exactly the kept lines. */
	if (drop) {
		for (size_t i = 0; i < ak.nlines; i += 2)
			drop[i] = 1;
		if (authkeys_render_drop(&ak, drop, size + 1, &out) == AK_OK) {
			size_t o = 0;
			for (size_t i = 1; i < ak.nlines; i += 2) {
				const struct authkeys_line *l = &ak.lines[i];
				if (o + l->len > out.len || memcmp(out.p + o, buf + l->off, l->len) != 0)
					__builtin_trap();
				o += l->len + l->has_nl;
			}
			if (o != out.len)
				__builtin_trap();
			free(out.p);
		}
	}
	free(drop);

	static const char *const adds[] = { "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEY4iArLki3ckUuxVKy/e4SY9ejPtUlRkd2RAK9NwAUC x" };
	size_t addlen = strlen(adds[0]);
	int r = authkeys_render_add(&ak, "acct", adds, &addlen, 1, size + 4096, &out);
	if (r == AK_OK) {
		/* The old bytes survive in order: a prefix when no acct block existed. */
		if (authkeys_block_find(&ak, "acct", 4) < 0 && (out.len < size || memcmp(out.p, buf, size) != 0))
			__builtin_trap();
		struct authkeys ak2;
		if (authkeys_parse(&ak2, out.p, out.len) == AK_OK) {
			long b1 = authkeys_block_find(&ak, "acct", 4), b2 = authkeys_block_find(&ak2, "acct", 4);
			if (b2 < 0)
				__builtin_trap();
			/* The key lands inside block acct: one more copy inside, none more outside. */
			if (count_lines(&ak2, b2, adds[0], addlen, 1) != count_lines(&ak, b1, adds[0], addlen, 1) + 1 ||
			    count_lines(&ak2, b2, adds[0], addlen, 0) != count_lines(&ak, b1, adds[0], addlen, 0))
				__builtin_trap();
			authkeys_free(&ak2);
		}
		free(out.p);
	}
	if (r = authkeys_render_add(&ak, NULL, adds, &addlen, 1, size + 4096, &out), r == AK_OK) {
		if (out.len < size || memcmp(out.p, buf, size) != 0)
			__builtin_trap();
		free(out.p);
	}
	authkeys_free(&ak);

	/* The options grammar alone on the first line. */
	const char *nl = memchr(buf, '\n', size);
	const char *why;
	size_t on = nl ? (size_t)(nl - buf) : size, at;
	if (authkeys_opts_check_at(buf, on, &why, &at) < 0 &&
	    (!why || at > on || at + authkeys_opt_len(buf, on, at) > on))
		__builtin_trap();
	return 0;
}
