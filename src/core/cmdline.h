/* cmdline.h: the text-to-arguments rules authorized-keys shares with sshd. Pure.
 * - cmdline_split: how sshd splits AuthorizedKeysCommand into arguments (blanks separate; "..."
 *   and '...' quote; a backslash escapes a quote, a backslash, or a blank outside quotes), so a
 *   --chain command means what it would mean as sshd's own AuthorizedKeysCommand.
 * - cmdline_expand: sshd's %-tokens that keydrop fills in itself once the user name is checked.
 * - cmdline_conf: authorized-keys' --config file -> option arguments. */
#ifndef KEYDROP_CMDLINE_H
#define KEYDROP_CMDLINE_H
#include <stddef.h>

#define CMDLINE_ARGS_MAX 64 /* arguments of one command, or options of one config file */
#define CMDLINE_ARG_MAX 4096

struct cmdline {
	char *v[CMDLINE_ARGS_MAX + 1]; /* malloc'ed strings, v[n] == NULL */
	int n;
};

enum {
	CMDLINE_OK = 0,
	CMDLINE_NOMEM = -1,
	CMDLINE_QUOTE = -2,   /* a quote is not closed */
	CMDLINE_TOOMANY = -3, /* more than CMDLINE_ARGS_MAX arguments, or one longer than CMDLINE_ARG_MAX */
	CMDLINE_TOKEN = -4,   /* a % other than %u %t %k %%, or %t/%k without a value */
	CMDLINE_EMPTY = -5,   /* no argument at all */
	CMDLINE_SYNTAX = -6   /* config: a line that is not "name [value]" */
};

/* Appends the arguments of s to cl (cl zeroed by the caller). Returns CMDLINE_OK or an error (cl
 * then holds what was split before; free it). */
int cmdline_split(const char *s, struct cmdline *cl);
/* Expands %u (user), %t (type), %k (key) and %% in s into a malloc'ed *out. type/key may be NULL:
 * then %t/%k are CMDLINE_TOKEN errors. */
int cmdline_expand(const char *s, const char *user, const char *type, const char *key, char **out);
/* A config file text[0..len): one "name value" or "name" per line, '#' comments and blank lines
 * skipped, leading and trailing blanks dropped. "source VALUE" appends VALUE as an operand (it may
 * not start with '-'); every other line appends "--name=value" ("--name" without a value). name
 * is [a-z0-9-]. On CMDLINE_SYNTAX *badline is the 1-based line. */
int cmdline_conf(const char *text, size_t len, struct cmdline *cl, unsigned *badline);
void cmdline_free(struct cmdline *cl);
/* A one-line description of an error code. */
const char *cmdline_strerror(int e);

#endif
