/* main.c: keydrop's dispatch table. `keydrop help` is generated from it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>

#include "cmd.h"
#include "die.h"
#include "opts.h"

struct command {
	const char *name;
	cmd_fn fn;
	const char *summary;
};

static const struct command commands[] = {
	{ "keygen", cmd_keygen, "create a key pair (ed25519, ecdsa, rsa), like ssh-keygen" },
	{ "hostkeys", cmd_hostkeys, "create missing sshd host keys; print fingerprints" },
	{ "pubkey", cmd_pubkey, "print the public key line of a private key" },
	{ "passphrase", cmd_passphrase, "add, change or remove a private key's passphrase" },
	{ "fingerprint", cmd_fingerprint, "print key fingerprints (randomart with -v)" },
	{ "install", cmd_install, "add public keys to authorized_keys" },
	{ "remove", cmd_remove, "remove keys by fingerprint, comment or managed block" },
	{ "list", cmd_list, "list the keys in authorized_keys (--json)" },
	{ "check", cmd_check, "what sshd (or ssh, --key KEY) would refuse, and why; --fix modes" },
	{ "fetch", cmd_fetch, "fetch keys (gh:USER, https://...), validate and print them" },
	{ "sync", cmd_sync, "make managed block NAME hold exactly what the sources give" },
	{ "authorized-keys", cmd_authorized_keys, "sshd's AuthorizedKeysCommand: a user's keys, cached, quiet" },
	{ "fetch-krl", cmd_fetch_krl, "fetch an OpenSSH KRL for RevokedKeys; validated, never older" },
	{ "sshd-config", cmd_sshd_config, "print or install (--write) the sshd drop-in for authorized-keys" },
	{ "entrypoint", cmd_entrypoint, "a container's start: host keys (--state), PUBLIC_KEY and sources, exec CMD" },
	{ "version", cmd_version, "versions of keydrop, BearSSL, libsodium; build date" },
};

/* Flushed line by line: the list outgrows musl's 1 KiB stdio buffer, and an automatic flush in the
 * middle that fails loses its errno; here each failure is seen by our own fflush, which keeps it.
 * Returns 0, or the errno of the first failed write. */
static int help(FILE *f)
{
	int e = 0;
	errno = 0;
	if (fprintf(f, "usage: keydrop [-q] [-v] COMMAND [ARGS...]\n\ncommands:\n") < 0 || fflush(f) != 0)
		e = errno ? errno : EIO;
	for (size_t i = 0; i < sizeof commands / sizeof commands[0] && !e; i++)
		if (fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary) < 0 || fflush(f) != 0)
			e = errno ? errno : EIO;
	if (!e && (fprintf(f, "\n'keydrop help COMMAND' for its options (before or after operands; '--' ends them).\n"
			      "exit codes: 0 ok, 1 failure, 2 usage, 3 input rejected, 4 check found problems\n") < 0 ||
		   fflush(f) != 0))
		e = errno ? errno : EIO;
	return e;
}

/* help on stdout: EXIT_OK, or EXIT_FAIL with the one line naming the cause. */
static int help_out(void)
{
	int e = help(stdout);
	return e ? msg_fail(EXIT_FAIL, NULL, "cannot write output: %s", strerror(e)) : EXIT_OK;
}

/* A descriptor 0-2 that is closed would be reused by the next open(): a key file or an
 * authorized_keys temp file would then receive what we print. Fill the hole with /dev/null opened
 * read-only, so writes to it still fail (EBADF, as on the closed descriptor) and are reported. */
static void reserve_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* open() takes the lowest free descriptor: this one, as the lower ones are open now. */
		int nfd = open("/dev/null", O_RDONLY | O_NOCTTY);
		if (nfd > fd)
			close(nfd);
	}
}

/* The one check of stdout for every command: a write error (full disk, closed or broken pipe with
 * SIGPIPE ignored, EIO) must not end in exit 0 with a short file. stdio keeps the error flag but not
 * errno, so the final flush reports the cause (stdio retries the buffered bytes; see main); when
 * nothing was left to retry, the message says only that a write failed. A command that failed already has said so in its own
 * one line, and keeps its exit code. */
static int finish_stdout(const char *cmd, int rc)
{
	errno = 0;
	int bad = fflush(stdout) != 0;
	int e = errno;
	bad |= ferror(stdout) != 0;
	errno = 0;
	if (fclose(stdout) != 0) {
		bad = 1;
		if (!e)
			e = errno;
	}
	/* authorized-keys said it already, and exits 0 whatever happens (sshd then falls back) */
	if (!bad || (rc != EXIT_OK && rc != EXIT_PROBLEMS) || strcmp(cmd, "authorized-keys") == 0)
		return rc;
	if (e)
		msg_err(cmd, "cannot write output: %s", strerror(e));
	else
		msg_err(cmd, "cannot write output (a write to stdout failed)");
	return EXIT_FAIL;
}

static const struct command *find(const char *name)
{
	for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
		if (strcmp(name, commands[k].name) == 0)
			return &commands[k];
	return NULL;
}

/* "-q", "-v", "-qv": the global flags before the command name. */
static int global_flags(const char *s, struct globals *g)
{
	if (s[0] != '-' || !s[1])
		return 0;
	for (const char *p = s + 1; *p; p++)
		if (*p != 'q' && *p != 'v')
			return 0;
	for (const char *p = s + 1; *p; p++)
		*(*p == 'q' ? &g->quiet : &g->verbose) = 1;
	return 1;
}

/* keydrop help [COMMAND]: COMMAND's help is exactly `keydrop COMMAND --help` (the command prints
 * it), so the two can never drift apart. */
static int help_cmd(int argc, char **argv, struct globals *g, const char **cmd)
{
	static char helpopt[] = "--help";

	if (argc == 1 || (argc == 2 && (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
					strcmp(argv[1], "-h") == 0))) {
		return help_out();
	}
	if (argc > 2)
		return msg_usage(NULL, "help takes one COMMAND, not %d arguments", argc - 1);
	const struct command *c = find(argv[1]);
	if (!c)
		return argv[1][0] == '-' ? opts_unknown(NULL, argv[1]) : msg_usage(NULL, "unknown command '%s'", argv[1]);
	char *av[] = { (char *)c->name, helpopt, NULL };
	*cmd = c->name;
	return c->fn(2, av, g);
}

static int dispatch(int argc, char **argv, const char **cmd)
{
	struct globals g = { 0, 0 };
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (global_flags(argv[i], &g))
			continue;
		if (strcmp(argv[i], "--") == 0) { /* the command name follows, whatever it looks like */
			i++;
			break;
		}
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			return help_out();
		}
		if (strcmp(argv[i], "--version") == 0) {
			static char name[] = "version";
			char *av[] = { name, NULL };
			*cmd = "version";
			return cmd_version(1, av, &g);
		}
		return opts_unknown(NULL, argv[i]);
	}
	if (i >= argc) {
		(void)help(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[i], "help") == 0)
		return help_cmd(argc - i, argv + i, &g, cmd);
	const struct command *c = find(argv[i]);
	if (!c)
		return msg_usage(NULL, "unknown command '%s'", argv[i]);
	*cmd = c->name;
	return c->fn(argc - i, argv + i, &g);
}

int main(int argc, char **argv)
{
	const char *cmd = NULL; /* NULL: keydrop's own help, messages say just "keydrop: ..." */

	reserve_std_fds();
	/* musl makes stdout line-buffered until its first write finds no terminal; a failed first line
	 * is then dropped with its errno, and the final flush has nothing left to retry. Fully buffered
	 * from the start, the bytes stay in the buffer and the final flush reports the real cause. */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOFBF, 0);
	int rc = dispatch(argc, argv, &cmd);
	return finish_stdout(cmd, rc);
}
