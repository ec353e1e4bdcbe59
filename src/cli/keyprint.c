/* keyprint.c: what the key commands (keygen, hostkeys, fingerprint, pubkey) print about keys. */
#include <stdio.h>

#include "die.h"
#include "fingerprint.h"
#include "keyblob.h"
#include "keyload.h"
#include "keyprint.h"
#include "textsafe.h"

/* As ssh-keygen (mprintf in a UTF-8 locale): control characters and bytes that are not UTF-8 as
 * octal escapes "\\ooo", everything else (tabs and backslashes included) as is. keydrop also escapes
 * the bidi controls, which ssh-keygen prints: they could make the line read differently. */
static void put_escaped(const char *s, size_t n)
{
	enum textsafe_kind k;

	for (size_t i = 0, len; i < n; i += len) {
		len = textsafe_char(s, n, i, &k);
		for (size_t j = 0; j < len; j++)
			if (k == TS_PRINT || k == TS_TAB)
				putchar(s[i + j]);
			else
				printf("\\%03o", (unsigned char)s[i + j]);
	}
}

void cmd_print_key(const uint8_t *blob, size_t n, const char *comment, size_t clen, enum fp_hash h, int art)
{
	struct keyblob_info info;
	char fp[FINGERPRINT_MAX], ra[RANDOMART_MAX];

	keyblob_inspect(blob, n, &info);
	fingerprint_format(blob, n, h, fp);
	printf("%u %s ", info.bits, fp);
	if (comment)
		put_escaped(comment, clen);
	else
		fputs("no comment", stdout);
	printf(" (%s)\n", info.label);
	if (art) {
		fingerprint_randomart(blob, n, h, info.label, info.bits, ra);
		printf("%s\n", ra);
	}
}

void cmd_entropy_wait(void *arg)
{
	msg_err((const char *)arg, "waiting for the kernel's random pool to be initialised (early boot)...");
}

const char *cmd_key_error(const struct keyload *kl, int r, char *buf, size_t cap)
{
	if (r == PK_ROUNDS) {
		/* KEYLOAD_ROUNDS_MAX rounds take about KEYLOAD_ROUNDS_SECONDS here. */
		double s = (double)kl->rounds / KEYLOAD_ROUNDS_MAX * 5.0;
		const char *unit = "s";
		if (s >= 172800)
			s /= 86400, unit = " days";
		else if (s >= 7200)
			s /= 3600, unit = " hours";
		else if (s >= 120)
			s /= 60, unit = " min";
		snprintf(buf, cap, "the private key asks for %lu KDF rounds, about %.0f%s of work (keydrop refuses more "
			 "than %d)", (unsigned long)kl->rounds, s, unit, KEYLOAD_ROUNDS_MAX);
		return buf;
	}
	if (r == PK_CIPHER) {
		snprintf(buf, cap, "the private key is encrypted with '%s', which keydrop does not read (it reads "
			 "aes128/192/256-ctr and -cbc with bcrypt, what ssh-keygen writes by default)", kl->cipher);
		return buf;
	}
	return privkey_strerror(r);
}
