/* targetcli.h: what install, remove, list and check share: the TARGET options and the walk to the
 * file with its messages. Only cmd_*.c include this. */
#ifndef KEYDROP_TARGETCLI_H
#define KEYDROP_TARGETCLI_H
#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cmd.h"
#include "target.h"

/* getopt_long rows for --user/--home/--file/--root/--fragment (values 'U','H','F','R','G'). */
#define CMDT_LONGOPTS                                                                              \
	{ "user", required_argument, NULL, 'U' }, { "home", required_argument, NULL, 'H' },        \
	{ "file", required_argument, NULL, 'F' }, { "root", required_argument, NULL, 'R' },        \
	{ "fragment", required_argument, NULL, 'G' }

/* CMDT_LONGOPTS as one table (ending with a NULL row) for opts_add: one copy in the binary. */
extern const struct option cmdt_longopts[];

/* The getopt_long row of --source NAME (the managed block), returning val. */
#define CMDT_SOURCE_ROW(val) { "source", required_argument, NULL, val }

/* The TARGET lines of every authorized_keys command's --help: one copy in the binary (a help array
 * element of its own, not pasted into each usage text). */
extern const char cmdt_usage[];

/* Stores a TARGET option in s; returns 1 if c was one. */
int cmdt_target_opt(int c, const char *arg, struct target_spec *s);
/* Refuses contradictory TARGET options (--file with --home or --fragment) and a bad fragment NAME
 * (a block name, not starting with '.') with the usage line: EXIT_USAGE, else
 * EXIT_OK. Commands that read sources call it before any source is read; cmdt_resolve calls it too. */
int cmdt_spec_check(const struct target_spec *s, const char *cmd);
/* With --fragment, --source is refused (usage): the fragment is keydrop's own file, and sync manages
 * block NAME (the fragment's name) in it. Returns EXIT_USAGE or EXIT_OK. */
int cmdt_fragment_source(const struct target_spec *s, const char *source, const char *cmd);

/* target_resolve with the shared messages: --file with --home is a usage error (exit 2), anything
 * else (an unknown user, a path too long) a failure (exit 1). Prints the one error line itself. */
int cmdt_resolve(struct target *t, const struct target_spec *s, const char *cmd);

/* Resolves and opens the target for cmd: home, directory (created if create), lock (if lock), read.
 * Prints the one error line itself. Returns EXIT_OK, EXIT_USAGE or EXIT_FAIL. */
int cmdt_open(struct target *t, const struct target_spec *s, const char *cmd, int create, int lock);

/* target_write with the shared message: the one error line printed here. Returns EXIT_OK or EXIT_FAIL. */
int cmdt_write(struct target *t, const char *data, size_t len, const char *cmd);

/* "BITS SHA256:... comment (LABEL)" as ssh-keygen -l. */
void cmdt_describe(FILE *f, const uint8_t *blob, size_t n, const char *comment, size_t clen);

/* Warns on stderr when the home or .ssh is group/world writable (sshd would ignore the file). */
void cmdt_warn_modes(const struct target *t, const char *cmd);

/* Writes s[0..n) with control characters shown as '?' (file text never drives the terminal): C0
 * and DEL, C1 (U+0080..U+009F, and stray bytes 0x80..0x9f) and bidi controls (textsafe.h). */
void cmdt_put_safe(FILE *f, const char *s, size_t n);
/* The same for a whole authorized_keys line: tabs (blanks of the line) are kept. */
void cmdt_put_line(FILE *f, const char *s, size_t n);

#endif
