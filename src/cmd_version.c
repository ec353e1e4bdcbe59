/* cmd_version.c: keydrop version: what this binary is made of. */
#include <stdio.h>
#include <time.h>

#include "cmd.h"
#include "die.h"

#ifndef KEYDROP_CA_VERSION
#define KEYDROP_CA_VERSION "none embedded"
#endif

int cmd_version(int argc, char **argv, const struct globals *g)
{
	(void)argc;
	(void)argv;
	(void)g;
	time_t t = (time_t)KEYDROP_BUILD_EPOCH;
	struct tm tm;
	char date[32] = "unknown";

	if (gmtime_r(&t, &tm))
		strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S UTC", &tm);
	printf("keydrop %s\n", KEYDROP_VERSION);
	printf("BearSSL %s (Debian source)\n", KEYDROP_BEARSSL_VERSION);
	printf("libsodium %s (Debian source, Ed25519 subset)\n", KEYDROP_LIBSODIUM_VERSION);
	printf("CA bundle: %s\n", KEYDROP_CA_VERSION);
	printf("built %s\n", date);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
}
