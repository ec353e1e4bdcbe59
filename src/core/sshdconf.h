/* sshdconf.h: reading and writing sshd_config(5) text the way OpenSSH's sshd does (servconf.c:
 * keyword, optional '=', value; cmdline.h splits values as misc.c argv_split does). Pure: no I/O. */
#ifndef KEYDROP_SSHDCONF_H
#define KEYDROP_SSHDCONF_H
#include <stddef.h>

struct sshdconf_line {
	const char *kw;     /* the keyword (not NUL-terminated), as written */
	size_t kwlen;
	const char *rest;   /* what follows the keyword, its blanks and one optional '=', trailing blanks
	                     * dropped: the raw value sshd stores for AuthorizedKeysCommand */
	size_t restlen;
	unsigned lineno;    /* 1-based */
};

/* The next directive of text[*pos..len), skipping blank and comment lines; a NUL byte ends the text.
 * *pos and *lineno (0 before the first call) advance. Returns 1 with l filled, or 0 at the end. */
int sshdconf_next(const char *text, size_t len, size_t *pos, unsigned *lineno, struct sshdconf_line *l);

/* 1 if l's keyword is kw (sshd compares keywords without regard to case). */
int sshdconf_is(const struct sshdconf_line *l, const char *kw);

/* Writes arg as one argument sshd (and cmdline_split) will split back to exactly arg: as is when it holds no blank,
 * quote, backslash or '#', else in double quotes with '"' and '\' escaped. With percent, every '%'
 * is doubled (sshd's percent_expand turns "%%" back into '%' in AuthorizedKeysCommand's arguments).
 * Returns the length written (NUL-terminated), or -1 when arg holds a control character (a line
 * break would end the directive) or out[cap] is too small. */
long sshdconf_quote(const char *arg, int percent, char *out, size_t cap);

/* 1 if name matches the glob pattern (fnmatch without flags, '*' and '?' only: a '[' never
 * matches, so a bracket pattern is never taken for one that includes name). */
int sshdconf_glob(const char *pattern, const char *name);

/* 1 if the two commands are equal once runs of blanks are one space and the ends are trimmed. */
int sshdconf_same_command(const char *a, size_t alen, const char *b, size_t blen);

#endif
