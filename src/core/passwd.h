/* passwd.h: one entry of a passwd(5) file, for --root (an offline image has its own user database and
 * no NSS to ask). Pure: no I/O. */
#ifndef KEYDROP_PASSWD_H
#define KEYDROP_PASSWD_H
#include <stddef.h>
#include <stdint.h>

#define PASSWD_HOME_MAX 4096

enum passwd_err {
	PWD_FOUND = 0,
	PWD_NOENT = -1,   /* no line for that name */
	PWD_BADNUM = -2,  /* the line's uid or gid is not a plain decimal number below 2^32-1 */
	PWD_BADHOME = -3  /* the home field is empty or longer than PASSWD_HOME_MAX-1 */
};

struct passwd_entry {
	uint32_t uid, gid;
	char home[PASSWD_HOME_MAX];
};

/* Finds the first line of text[0..len) whose name field is exactly name (7 colon-separated fields,
 * as passwd(5); lines without them are skipped, as getpwnam does). uid and gid must be plain decimal
 * numbers: digits only (no sign, no blank, no "0x"), at most 4294967294 ((uid_t)-1 means "no change"
 * to chown and is no user). A NUL byte ends the text. Returns a passwd_err; out is filled on PWD_FOUND. */
int passwd_find(const char *text, size_t len, const char *name, struct passwd_entry *out);

/* Parses a uid/gid field of n bytes into *v under the rules above. Returns 0 or -1. */
int passwd_number(const char *s, size_t n, uint32_t *v);

const char *passwd_strerror(int err);

#endif
