/* main.c: keydrop's dispatch table. `keydrop help` is generated from it. */
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

int main(int argc, char **argv)
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
		if (strcmp(argv[i], commands[k].name) == 0)
			return commands[k].fn(argc - i, argv + i, &g);
	return msg_usage(NULL, "unknown command '%s'", argv[i]);
}
