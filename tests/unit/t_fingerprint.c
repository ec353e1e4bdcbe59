/* t_fingerprint.c: fingerprints and randomart against ssh-keygen's own output for the RFC 8032
 * TEST 1 key (tests/vectors/rfc8032-test1.*, made by ssh-keygen 9.2p1), and fingerprint parsing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "fingerprint.h"
#include "keyblob.h"
#include "tap.h"

static char *slurp(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = '\0';
	return buf;
}

static void check(const uint8_t *blob, size_t n, enum fp_hash h, const char *path)
{
	char want[4096], got[1024], fp[FINGERPRINT_MAX], art[RANDOMART_MAX];
	struct keyblob_info info;

	snprintf(want, sizeof want, "%s", slurp(path));
	keyblob_inspect(blob, n, &info);
	fingerprint_format(blob, n, h, fp);
	fingerprint_randomart(blob, n, h, info.label, info.bits, art);
	snprintf(got, sizeof got, "%u %s rfc8032 test 1 (%s)\n%s\n", info.bits, fp, info.label, art);
	IS_STR(got, want, "ssh-keygen -lv output matches (%s)", path);
}

int main(void)
{
	char line[512];
	uint8_t blob[128], d[32];
	size_t dlen;

	snprintf(line, sizeof line, "%s", slurp("tests/vectors/rfc8032-test1.pub"));
	char *b = strchr(line, ' ') + 1, *e = strchr(b, ' ');
	long n = b64_decode(b, (size_t)(e - b), blob, sizeof blob);
	OK(n == 51, "vector public key decodes");
	check(blob, (size_t)n, FP_SHA256, "tests/vectors/rfc8032-test1.sha256");
	check(blob, (size_t)n, FP_MD5, "tests/vectors/rfc8032-test1.md5");

	IS_INT(fingerprint_parse("SHA256:bbXpuKG6zhzdmnxq256TlqzFBzRl2f6OOg722cYNbU8", d, &dlen), FP_SHA256,
	       "parses a SHA256 fingerprint");
	uint8_t dd[32];
	fingerprint_digest(blob, (size_t)n, FP_SHA256, dd);
	OK(dlen == 32 && memcmp(d, dd, 32) == 0, "parsed digest equals the key's digest");
	IS_INT(fingerprint_parse("MD5:cf:07:be:9d:68:ae:65:54:6d:a0:93:c3:6f:bd:0d:82", d, &dlen), FP_MD5,
	       "parses an MD5 fingerprint");
	IS_INT(fingerprint_parse("MD5:cf:07:be", d, &dlen), -1, "short MD5 fingerprint is rejected");
	IS_INT(fingerprint_parse("SHA256:bbXp", d, &dlen), -1, "short SHA256 fingerprint is rejected");
	return tap_done();
}
