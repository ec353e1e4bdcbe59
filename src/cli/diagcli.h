/* diagcli.h: the paste diagnosis (paste_diagnose) applied to the lines of an authorized_keys file, so
 * that check and list name a line as install names the same text. Only cmd_*.c include this. */
#ifndef KEYDROP_DIAGCLI_H
#define KEYDROP_DIAGCLI_H
#include <stddef.h>
#include <stdint.h>

#include "authkeys.h"
#include "paste.h"

/* Line i of ak (0-based, an AKL_OTHER line) in install's words. r and pk are what sshd reads there
 * (authkeys_line_key). For a line sshd reads as a key only joined keys are a diagnosis; for a line it
 * skips, whatever paste_diagnose says (a block it starts covers d->nlines lines, never one sshd reads
 * as a key). Returns 1 with d filled when there is something to say, else 0 (the caller's own reason
 * stands). work: PUBKEY_BLOB_MAX bytes (its contents are overwritten). */
int diag_authline(const struct authkeys *ak, size_t i, int r, const struct pubkey *pk, uint8_t *work,
		  struct paste_diag *d);

/* "line N" or "lines N-M" for the diagnosis of line i (0-based). */
void diag_where(char *out, size_t cap, size_t i, const struct paste_diag *d);

#endif
