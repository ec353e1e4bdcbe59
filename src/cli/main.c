/* main.c: keydrop's dispatch table. `keydrop help` is generated from it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>

#include "cmd.h"
#include "die.h"

struct command {
	const char *name;
	cmd_fn fn;
	const char *summary;
};

static const struct command commands[] = {
	{ "keygen", cmd_keygen, "create a key pair (ed25519, ecdsa, rsa) in OpenSSH format" },
	{ "hostkeys", cmd_hostkeys, "create missing sshd host keys, print their fingerprints" },
	{ "pubkey", cmd_pubkey, "print the public key line of a private key" },
	{ "fingerprint", cmd_fingerprint, "print key fingerprints (and randomart with -v)" },
	{ "install", cmd_install, "add public keys to authorized_keys (keeps everything else byte for byte)" },
	{ "remove", cmd_remove, "remove keys by fingerprint, comment or managed block" },
	{ "list", cmd_list, "list the keys in authorized_keys (--json)" },
	{ "check", cmd_check, "report what sshd would refuse (modes, owners, bad lines); --fix modes" },
	{ "fetch", cmd_fetch, "fetch keys (gh:USER, https://...), validate and print them" },
	{ "sync", cmd_sync, "make managed block NAME hold exactly the keys the sources give now" },
	{ "version", cmd_version, "print versions of keydrop, BearSSL, libsodium and the build date" },
};

static void help(FILE *f)
{
	fprintf(f, "usage: keydrop [-q] [-v] COMMAND [ARGS...]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'keydrop COMMAND --help' for a command's options.\n"
		   "exit codes: 0 ok, 1 failure, 2 usage, 3 input rejected, 4 check found problems\n");
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
	if (!bad || (rc != EXIT_OK && rc != EXIT_PROBLEMS))
		return rc;
	if (e)
		msg_err(cmd, "cannot write output: %s", strerror(e));
	else
		msg_err(cmd, "cannot write output (a write to stdout failed)");
	return EXIT_FAIL;
}

static int dispatch(int argc, char **argv, const char **cmd)
{
	struct globals g = { 0, 0 };
	int i = 1;

	opterr = 0; /* commands report bad options in keydrop's one-line format */

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-q") == 0)
			g.quiet = 1;
		else if (strcmp(argv[i], "-v") == 0)
			g.verbose = 1;
		else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			help(stdout);
			return EXIT_OK;
		} else if (strcmp(argv[i], "--version") == 0) {
			*cmd = "version";
			return cmd_version(0, NULL, &g);
		} else {
			return msg_usage(NULL, "unknown option '%s'", argv[i]);
		}
	}
	if (i >= argc) {
		help(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[i], "help") == 0) {
		help(stdout);
		return EXIT_OK;
	}
	for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
		if (strcmp(argv[i], commands[k].name) == 0) {
			*cmd = commands[k].name;
			return commands[k].fn(argc - i, argv + i, &g);
		}
	return msg_usage(NULL, "unknown command '%s'", argv[i]);
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
