/* cmd_version.c: keydrop version: what this binary is made of. */
#include <stdio.h>

#include "cmd.h"
#include "die.h"
#include "opts.h"
#include "timefmt.h"

#ifndef KEYDROP_CA_VERSION
#define KEYDROP_CA_VERSION "none embedded"
#endif
#ifndef KEYDROP_MUSL_VERSION
#define KEYDROP_MUSL_VERSION "unknown"
#endif

/* The architecture the binary was compiled for, from the compiler's own macros (not from the build
 * machine: a cross build for aarch64 must say aarch64). */
#if defined(__aarch64__)
#define KEYDROP_ARCH "aarch64"
#elif defined(__x86_64__)
#define KEYDROP_ARCH "x86_64"
#else
#error "keydrop is built for x86_64 and aarch64"
#endif

static const char usage[] = "usage: keydrop version\n"
			    "  Prints the versions of keydrop, BearSSL, libsodium and musl, the architecture, the CA\n"
			    "  bundle and the build date.\n";

int cmd_version(int argc, char **argv, const struct globals *gg)
{
	static const struct option longopts[] = { OPTS_END_ROW };
	struct globals gl = *gg;
	struct opts op;
	char date[TIMEFMT_MAX];
	int c;

	static const char *const help[] = { usage, NULL };
	opts_init(&op, "version", argc, argv, "", longopts, &gl, help);
	while ((c = opts_next(&op)) >= 0)
		; /* no options of its own */
	if (c == OPTS_EXIT || (op.rc = opts_no_operands(&op)) != EXIT_OK)
		return op.rc;
	timefmt_utc((int64_t)KEYDROP_BUILD_EPOCH, 1, date);
	printf("keydrop %s\n", KEYDROP_VERSION);
	printf("BearSSL %s (Debian source)\n", KEYDROP_BEARSSL_VERSION);
	printf("libsodium %s (Debian source, Ed25519 subset)\n", KEYDROP_LIBSODIUM_VERSION);
	printf("musl %s (Debian source)\n", KEYDROP_MUSL_VERSION);
	printf("architecture %s (linux, static)\n", KEYDROP_ARCH);
	printf("CA bundle: %s\n", KEYDROP_CA_VERSION);
	printf("built %s\n", date);
	return EXIT_OK; /* main checks stdout once for every command */
}
