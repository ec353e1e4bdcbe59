/* passcli.h: where a passphrase comes from, for keygen, pubkey, passphrase and check --key:
 * -P/-N TEXT (as ssh-keygen), --passphrase-file FILE (first line; keeps it out of the process
 * list), or the terminal (/dev/tty, no echo), as ssh-keygen asks. */
#ifndef KEYDROP_PASSCLI_H
#define KEYDROP_PASSCLI_H
#include <stddef.h>

#define PASS_MAX 1024 /* bytes; ssh-keygen reads at most 1023 from a terminal */

struct pass {
	char s[PASS_MAX + 2];
	size_t len;
	int set; /* given (even if empty) */
};

/* -P / -N TEXT: copied, then wiped in argv. Returns EXIT_OK, or EXIT_USAGE (too long; message
 * printed). */
int pass_from_arg(const char *cmd, const char *opt, char *arg, struct pass *p);
/* --passphrase-file FILE: its first line, without the line end. A file that group or others can
 * read is refused (so is a longer line). Returns EXIT_OK, EXIT_FAIL or EXIT_USAGE (message
 * printed). */
int pass_from_file(const char *cmd, const char *path, struct pass *p);
/* Where ssh-keygen asks (readpassphrase): on the terminal (/dev/tty) when there is one, whatever
 * stdin is (a script piped into bash still asks its user), with echo off, restoring the terminal on
 * every way out; with no terminal, the next line of stdin, without a prompt. End of input before
 * any byte leaves p unset: nothing was given (a boot script's /dev/null). Returns EXIT_OK, or
 * EXIT_FAIL / EXIT_USAGE with the message printed. */
int pass_prompt(const char *cmd, const char *prompt, struct pass *p);
/* A new passphrase, asked twice ("Enter same passphrase again: "). On a terminal a mismatch is said
 * and asked again, as ssh-keygen; from stdin, two lines that differ are a usage error (ssh-keygen
 * would loop until end of input and then use an empty passphrase). */
int pass_prompt_new(const char *cmd, const char *prompt, struct pass *p);
void pass_wipe(struct pass *p);

#endif
