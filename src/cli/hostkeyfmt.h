/* hostkeyfmt.h: the host keys of dropbear (dropbear_TYPE_host_key, its own format) and tinyssh
 * (ed25519.pk, .ed25519.sk) in one key directory: converted from the OpenSSH host keys (one host
 * identity), made on their own (--separate), and read back for printing. d->format says which;
 * d->dirfd is the key directory. Every write is atomic under the writers' lock; secrets are wiped. */
#ifndef KEYDROP_HOSTKEYFMT_H
#define KEYDROP_HOSTKEYFMT_H
#include "hostkeydir.h"

/* Converts ssh_host_TYPE_key of sshfd (shown as sshshown in messages) for types[0..n): a target
 * holding the same key is left untouched, one holding another key is replaced (with a note unless
 * quiet). Each type on its own. Returns EXIT_OK or the worst exit code (printed). */
int hostkeyfmt_convert(struct hostkeydir *d, int sshfd, const char *sshshown, const enum keygen_type *types, int n);

#define HKF_SAID (-100) /* hostkeyfmt_write_new failed and said why */

/* Writes pair as the new key name of the key directory (hostkeydir_make's writer for these formats;
 * an existing file is kept). Returns KFE_OK, KFE_EXISTS, KFE_ENCODE or HKF_SAID. */
int hostkeyfmt_write_new(const struct hostkeydir *d, const char *name, const struct keygen_pair *pair);

/* Reads every key of the format in the directory into d->k (comment d->comment), refusing links and
 * another uid's files, repairing (d->fix) or reporting a private key others can read. Returns
 * EXIT_OK or the worst exit code (printed). */
int hostkeyfmt_scan(struct hostkeydir *d);

#endif
