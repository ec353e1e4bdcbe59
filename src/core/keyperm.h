/* keyperm.h: what ssh decides about the files of a private key, and what keydrop check --key says
 * about its .pub and its directory. Pure: the caller passes what fstat said; nothing here opens,
 * prints or changes anything.
 * ssh's own rule (OpenSSH authfile.c, sshkey_perm_ok): a private key owned by the real uid running
 * ssh (st_uid == getuid()) with any of the mode bits 077 set is refused ("UNPROTECTED PRIVATE KEY
 * FILE", "This private key will be ignored"); a key owned by anyone else is not checked at all. */
#ifndef KEYDROP_KEYPERM_H
#define KEYDROP_KEYPERM_H
#include <stddef.h>
#include <stdint.h>

#include "pubkey.h"

/* Findings, as bits. */
enum {
	KP_FOREIGN = 1u << 0,     /* owned by another uid (for a directory: neither the user nor root) */
	KP_UNPROTECTED = 1u << 1, /* private key: ssh refuses it (owned by the user, mode & 077) */
	KP_OPEN = 1u << 2,        /* private key owned by another uid and readable or writable by group or
	                           * others: ssh uses it without a word, everyone in reach can copy it */
	KP_WRITABLE = 1u << 3,    /* .pub or directory: group or world writable (mode & 022) */
	KP_SHARED = 1u << 4,      /* directory: sticky and writable by others (/tmp): never changed */
	KP_NOT_0700 = 1u << 5     /* a directory named .ssh readable or searchable by others (ssh(1):
	                           * "not accessible by others"); a note, not a problem */
};

/* The private key file: KP_UNPROTECTED, KP_FOREIGN, KP_OPEN. mode is st_mode, owner st_uid, uid the
 * real uid of the user ssh runs as. */
unsigned keyperm_private(uint32_t mode, uint32_t owner, uint32_t uid);
/* The mode --fix gives a private key of the user's: group and other bits cleared, the owner keeps
 * read (ssh must read it) and its write bit, loses execute (0644 -> 0600, 0444 -> 0400). */
uint32_t keyperm_private_fixed(uint32_t mode);

/* The .pub beside it: KP_FOREIGN (another uid can replace what ssh offers), KP_WRITABLE. */
unsigned keyperm_pub(uint32_t mode, uint32_t owner, uint32_t uid);
/* The mode --fix gives a writable .pub of the user's: 0644. */
uint32_t keyperm_pub_fixed(uint32_t mode);

/* The directory holding the key (name: its last path component): KP_FOREIGN (owned by neither uid
 * nor root), KP_WRITABLE, KP_SHARED (with KP_WRITABLE), KP_NOT_0700 (only for ".ssh"). */
unsigned keyperm_dir(uint32_t mode, uint32_t owner, uint32_t uid, const char *name);
/* The mode --fix gives it: 0700 for ".ssh", else the mode without group/other write. */
uint32_t keyperm_dir_fixed(uint32_t mode, const char *name);

/* The first key of a public key file text[0..n): blank and '#' lines are skipped, the first other
 * line must be a plain public key line (pubkey_parse_line, no options). Its blob is decoded into
 * buf[0..cap). Returns PKL_OK with out set, PKL_EMPTY when there is no such line, or that line's
 * pubkey_err (PKL_NOKEY for a line with options: not a .pub). */
int keyperm_first_key(const char *text, size_t n, uint8_t *buf, size_t cap, struct pubkey *out);

enum keyperm_match {
	KPM_MATCH = 1,     /* the .pub's key is the private key's public half */
	KPM_DIFFERENT = 0  /* another key (out holds it) */
	/* negative: keyperm_first_key's result (not a public key line, or no key) */
};
/* Whether the .pub text[0..n) holds the public key blob pub[0..publen) (compared as blobs, the way
 * ssh compares the key it offers with the private key it signs with: sshkey_equal_public). */
int keyperm_pub_match(const char *text, size_t n, const uint8_t *pub, size_t publen, uint8_t *buf, size_t cap,
		      struct pubkey *out);

#endif
