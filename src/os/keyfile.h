/* keyfile.h: writing a key pair (private key + .pub) safely, shared by keygen and hostkeys. */
#ifndef KEYDROP_KEYFILE_H
#define KEYDROP_KEYFILE_H
#include <stddef.h>
#include <sys/types.h>

#include "keygen.h"

enum keyfile_err {
	KFE_OK = 0,
	KFE_EXISTS = -1,   /* the private key exists and replace was not asked for */
	KFE_SYMLINK = -2,  /* the key path (or its .pub) is a symlink: refused */
	KFE_IO = -3,       /* errno says why */
	KFE_LOCK = -4,     /* the directory is locked by another keydrop */
	KFE_ENCODE = -5
};

/* Writes name (0600, encrypted with seal unless NULL) and name.pub (0644) in dirfd from pair, each atomically (temp, fsync, rename),
 * under the writers' lock file (fsx_lock_file), then fsyncs the directory. The private key lands first, then its .pub; a crash
 * in between leaves a private key without (or, with replace, with an old) .pub, which hostkeys
 * repairs from the private key. Existing keys are kept unless replace. Wipes its copies. */
int keyfile_write_pair(int dirfd, const char *name, const struct keygen_pair *pair, const char *comment,
		       int replace, const struct privkey_seal *seal);

/* Replaces the private key name in dirfd (the passphrase command): encoded with seal (NULL: in
 * clear), written atomically under the writers' lock with mode, uid and gid (-1: unchanged). The
 * .pub is not touched: the key stays the same. */
int keyfile_save_private(int dirfd, const char *name, const struct keygen_pair *pair, const char *comment,
			 const struct privkey_seal *seal, mode_t mode, uid_t uid, gid_t gid);

/* Formats "type base64 comment\n" (no comment part when comment is empty) into out[cap]. Returns
 * the length or -1. */
long keyfile_pub_line(const unsigned char *blob, size_t n, const char *comment, char *out, size_t cap);

const char *keyfile_strerror(int err);

#endif
