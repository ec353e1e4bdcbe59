/* krl.h: OpenSSH key revocation lists (PROTOCOL.krl), checked before one is written where sshd's
 * RevokedKeys reads it: sshd refuses every public key login while its KRL cannot be parsed, so a
 * truncated or foreign file must never land there. Pure: no I/O, no printing. */
#ifndef KEYDROP_KRL_H
#define KEYDROP_KRL_H
#include <stddef.h>
#include <stdint.h>

#define KRL_SECTIONS_MAX 65536 /* top-level sections walked in one KRL */

struct krl_info {
	uint64_t version;        /* krl_version (ssh-keygen -k -z N): grows with each new KRL */
	uint64_t generated_date; /* seconds since 1970 */
	size_t nsections;        /* top-level sections, signatures included */
};

enum {
	KRL_OK = 0,
	KRL_E_EMPTY = -1,   /* no bytes at all */
	KRL_E_MAGIC = -2,   /* not "SSHKRL\n\0" */
	KRL_E_FORMAT = -3,  /* format version other than 1 */
	KRL_E_HEADER = -4,  /* header truncated */
	KRL_E_SECTION = -5, /* a section truncated or malformed (its string past the end, bad contents) */
	KRL_E_TYPE = -6,    /* a section type other than 1, 2, 3, 5 (and 4: KRL_E_SIGNED) */
	KRL_E_SIGNED = -7,  /* a signature section: sshd verifies it, keydrop does not; refused */
	KRL_E_MANY = -8     /* more than KRL_SECTIONS_MAX sections */
};

/* Checks p[0..n) as a whole KRL: the header (magic, format version 1, krl_version, generated_date,
 * flags, reserved and comment strings) and every section: certificate sections (CA key, reserved,
 * subsections 0x20..0x23 with their contents' sizes), explicit keys (at least one non-empty blob),
 * SHA-1 / SHA-256 fingerprints (at least one, 20 / 32 bytes each, in ascending order), and
 * signature sections (two strings) only at the end. The extension sections of OpenSSH >= 9.4
 * (255, 0x39) are refused: older sshds refuse the whole KRL for them. On KRL_OK fills *out. */
int krl_parse(const uint8_t *p, size_t n, struct krl_info *out);

/* A short English reason for a KRL_E_* code. */
const char *krl_strerror(int e);

#endif
