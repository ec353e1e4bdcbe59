/* cmd_version.c: keydrop version: what this binary is made of. */
#include <stdio.h>

#include "cmd.h"
#include "die.h"
#include "timefmt.h"

#ifndef KEYDROP_CA_VERSION
#define KEYDROP_CA_VERSION "none embedded"
#endif

int cmd_version(int argc, char **argv, const struct globals *g)
{
	(void)argc;
	(void)argv;
	(void)g;
	char date[TIMEFMT_MAX];

	timefmt_utc((int64_t)KEYDROP_BUILD_EPOCH, 1, date);
	printf("keydrop %s\n", KEYDROP_VERSION);
	printf("BearSSL %s (Debian source)\n", KEYDROP_BEARSSL_VERSION);
	printf("libsodium %s (Debian source, Ed25519 subset)\n", KEYDROP_LIBSODIUM_VERSION);
	printf("CA bundle: %s\n", KEYDROP_CA_VERSION);
	printf("built %s\n", date);
	return EXIT_OK; /* main checks stdout once for every command */
}
