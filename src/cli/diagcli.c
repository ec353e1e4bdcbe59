/* diagcli.c: the paste diagnosis on the lines of an authorized_keys file (see diagcli.h). */
#include <stdio.h>

#include "diagcli.h"

int diag_authline(const struct authkeys *ak, size_t i, int r, const struct pubkey *pk, uint8_t *work,
		  struct paste_diag *d)
{
	struct paste_result res;
	const char *at = ak->buf + ak->lines[i].off;

	/* Ordinary key lines are not parsed twice: only a comment naming a key type can hide a key. */
	if (r == PKL_OK && !(pk->comment && paste_may_join(pk->comment, pk->commentlen)))
		return 0;
	if (r == PKL_OK) {
		paste_diagnose(at, ak->lines[i].len, d, &res);
		paste_free(&res);
		return d->err == PASTE_JOINED;
	}
	paste_diagnose(at, ak->len - ak->lines[i].off, d, &res);
	paste_free(&res);
	/* A control byte: sshd's own reason (and the odd-byte note) says more than "control character". */
	if (d->err == PASTE_OK || d->err == PASTE_CTRL || d->err == PASTE_EMPTY)
		return 0;
	for (unsigned k = 1; k < d->nlines; k++) {
		const char *why;
		struct pubkey other;
		if (i + k >= ak->nlines || (ak->lines[i + k].kind == AKL_OTHER &&
					    authkeys_line_key(ak, i + k, work, PUBKEY_BLOB_MAX, &other, &why) == PKL_OK)) {
			d->nlines = k; /* never hide a line sshd reads */
			break;
		}
	}
	return 1;
}

void diag_where(char *out, size_t cap, size_t i, const struct paste_diag *d)
{
	if (d->nlines > 1)
		snprintf(out, cap, "lines %zu-%zu", i + 1, i + d->nlines);
	else
		snprintf(out, cap, "line %zu", i + 1);
}
