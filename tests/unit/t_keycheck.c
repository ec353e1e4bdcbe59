/* t_keycheck.c: ECDSA points and certificate signatures checked as sshd does, against keys and
 * certificates made by ssh-keygen 9.2p1 and OpenSSH's own test certificates (tests/vectors/README),
 * and the same bytes with one flipped; and the terminal-safety classifier (textsafe.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "fingerprint.h"
#include "keyblob.h"
#include "keycheck.h"
#include "tap.h"
#include "textsafe.h"

static uint8_t blob[8192];

/* Decodes the key data of the first line of tests/vectors/NAME into blob; returns its length. */
static size_t load(const char *name)
{
	char path[256], line[8192];
	snprintf(path, sizeof path, "tests/vectors/%s", name);
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(line, 1, sizeof line - 1, f) : 0;
	if (f)
		fclose(f);
	line[n] = '\0';
	char *b = strchr(line, ' ');
	char *e = b ? strchr(b + 1, ' ') : NULL;
	if (!b || !e) {
		printf("# cannot read %s\n", path);
		return 0;
	}
	long got = b64_decode(b + 1, (size_t)(e - b - 1), blob, sizeof blob);
	return got > 0 ? (size_t)got : 0;
}

static int inspect(size_t n)
{
	struct keyblob_info info;
	return keyblob_inspect(blob, n, &info);
}

/* The point of an ECDSA blob: after "type", "curve" and the point's length. */
static uint8_t *point_of(size_t *qlen)
{
	size_t tl = (size_t)blob[3], cl = (size_t)blob[4 + tl + 3];
	uint8_t *q = blob + 4 + tl + 4 + cl;
	*qlen = (size_t)q[2] << 8 | q[3];
	return q + 4;
}

static void certs(void)
{
	static const char *const good[] = { "keycheck-cert-ed25519ca.pub", "keycheck-cert-ecdsa256ca.pub",
					    "keycheck-cert-ecdsa384ca.pub", "keycheck-cert-ecdsa521ca.pub",
					    "keycheck-cert-rsa512ca.pub", "keycheck-cert-rsa256ca.pub",
					    "keycheck-cert-sshrsaca.pub", "keycheck-cert-ecdsa256user.pub",
					    "keycheck-cert-ecdsa521user.pub", "openssh-ecdsa_sk1-cert.pub",
					    "openssh-ed25519_sk1-cert.pub" };
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		size_t n = load(good[i]);
		struct keyblob_info info;
		OK(n > 0 && keyblob_inspect(blob, n, &info) == KB_OK && info.cert, "%s: a valid certificate", good[i]);
		/* The last byte belongs to the signature (RSA, Ed25519: its bytes; ECDSA: s). */
		blob[n - 1] ^= 1;
		IS_INT(inspect(n), KB_CERTSIG, "%s: a flipped signature byte is refused", good[i]);
		blob[n - 1] ^= 1;
	}
	/* A flipped byte in the signed part (the key id "keycheck" -> "keycheci"), signature intact. */
	size_t n = load("keycheck-cert-ed25519ca.pub");
	uint8_t *kid = memmem(blob, n, "keycheck", 8);
	OK(kid != NULL, "the key id is in the certificate");
	if (kid) {
		kid[7] ^= 0x0e;
		IS_INT(inspect(n), KB_CERTSIG, "a changed key id breaks the signature");
		kid[7] ^= 0x0e;
	}
	IS_INT(inspect(n), KB_OK, "... and restoring it verifies again");

	n = load("keycheck-cert-dsaca.pub");
	IS_INT(inspect(n), KB_CERTUNSUP, "a DSA CA: keydrop says it cannot verify, not that it is valid");

	/* The certificate type field must be user (1) or host (2), as sshd's cert_parse. It sits after
	 * type, nonce and the key: find it through the serial 0 (8 zero bytes) and type 1. */
	n = load("keycheck-cert-ed25519ca.pub");
	uint8_t *t = memmem(blob, n, "\0\0\0\0\0\0\0\0\0\0\0\1", 12);
	OK(t != NULL, "serial and type found");
	if (t) {
		t[11] = 3;
		IS_INT(inspect(n), KB_CERT, "certificate type 3 is refused");
	}

	/* The sk certificates fingerprint as OpenSSH's test data says (the plain key's blob). */
	uint8_t plain[512];
	size_t pl;
	char fp[FINGERPRINT_MAX];
	n = load("openssh-ecdsa_sk1-cert.pub");
	OK(keyblob_plain(blob, n, plain, sizeof plain, &pl) == 0, "sk-ecdsa certificate: plain key");
	fingerprint_format(plain, pl, FP_SHA256, fp);
	IS_STR(fp, "SHA256:Go7HO0CVPYG+BSDSk9ZUJBKGSrtBExp6obTa9iqzIUo", "... fingerprint as OpenSSH's testdata");
	n = load("openssh-ed25519_sk1-cert.pub");
	OK(keyblob_plain(blob, n, plain, sizeof plain, &pl) == 0, "sk-ed25519 certificate: plain key");
	fingerprint_format(plain, pl, FP_SHA256, fp);
	IS_STR(fp, "SHA256:6WZVJ44bqhAWLVP4Ns0TDkoSQSsZo/h2K+mEvOaNFbw", "... fingerprint as OpenSSH's testdata");

	/* keycheck_verify directly: a signature of another type than the CA key. */
	size_t cn = load("keycheck-ca-ed25519.pub");
	uint8_t ca[128];
	memcpy(ca, blob, cn);
	static const uint8_t rsasig[] = "\0\0\0\x0crsa-sha2-256\0\0\0\x01x";
	IS_INT(keycheck_verify(ca, cn, rsasig, sizeof rsasig - 1, (const uint8_t *)"d", 1), KC_SIGFORMAT,
	       "an RSA signature with an Ed25519 CA key is malformed");
}

static void points(void)
{
	static const char *const keys[] = { "keycheck-e256.pub", "sshkeygen-ecdsa384.pub", "keycheck-e521.pub" };
	static const unsigned bits[] = { 256, 384, 521 };
	for (size_t i = 0; i < 3; i++) {
		size_t n = load(keys[i]), ql;
		uint8_t *q = point_of(&ql);
		IS_INT(inspect(n), KB_OK, "%s: ssh-keygen's key is accepted", keys[i]);
		IS_INT(keycheck_ec_point(bits[i], q, ql), KC_OK, "%s: its point is valid", keys[i]);
		q[ql - 1] ^= 1; /* y changed: off the curve */
		IS_INT(keycheck_ec_point(bits[i], q, ql), KC_POINT, "%s: a flipped y byte is off the curve", keys[i]);
		IS_INT(inspect(n), KB_POINT, "%s: ... and the blob is refused", keys[i]);
		q[ql - 1] ^= 1;
		q[1] ^= 0x80; /* x changed (and maybe above p) */
		IS_INT(inspect(n), KB_POINT, "%s: a flipped x byte is refused", keys[i]);
		q[1] ^= 0x80;
		q[0] = 0x02;
		IS_INT(keycheck_ec_point(bits[i], q, ql), KC_POINT, "%s: a compressed-point prefix is refused", keys[i]);
		q[0] = 0x04;
		IS_INT(keycheck_ec_point(bits[i], q, ql - 1), KC_POINT, "%s: a short point is refused", keys[i]);
	}
	size_t n = load("keycheck-p256-smallx.pub");
	IS_INT(inspect(n), KB_POINT, "a point on the curve with x = 5 is refused, as sshd does");
	/* An ECDSA certificate whose certified point is broken: refused for the point, before the signature. */
	n = load("keycheck-cert-ecdsa256user.pub");
	size_t ql;
	uint8_t *q = memmem(blob, n, "nistp256\0\0\0\x41\x04", 13);
	OK(q != NULL, "certified point found");
	if (q) {
		q[13 + 10] ^= 1;
		IS_INT(inspect(n), KB_POINT, "a certificate of an off-curve key is refused");
	}
	(void)ql;
}

static int kind(const char *s, size_t n, size_t *len)
{
	enum textsafe_kind k;
	*len = textsafe_char(s, n, 0, &k);
	return (int)k;
}

static void text(void)
{
	size_t len;
	IS_INT(kind("a", 1, &len), TS_PRINT, "ASCII letter");
	IS_INT(kind("\t", 1, &len), TS_TAB, "tab");
	IS_INT(kind("\x1b", 1, &len), TS_CTRL, "ESC (C0)");
	IS_INT(kind("\x7f", 1, &len), TS_CTRL, "DEL");
	IS_INT(kind("\xc2\x9b", 2, &len), TS_CTRL, "U+009B CSI in UTF-8 is C1");
	IS_INT(len, 2, "... two bytes");
	IS_INT(kind("\xc2\x80", 2, &len), TS_CTRL, "U+0080 is C1");
	IS_INT(kind("\xc2\xa0", 2, &len), TS_PRINT, "U+00A0 is not a control");
	IS_INT(kind("\x9b", 1, &len), TS_STRAY_C1, "a raw 0x9b byte");
	IS_INT(kind("\xe9", 1, &len), TS_INVALID, "a raw Latin-1 byte");
	IS_INT(kind("\xc3\xa9", 2, &len), TS_PRINT, "U+00E9");
	IS_INT(kind("\xe2\x80\xae", 3, &len), TS_BIDI, "U+202E RIGHT-TO-LEFT OVERRIDE");
	IS_INT(len, 3, "... three bytes");
	IS_INT(kind("\xe2\x80\xaa", 3, &len), TS_BIDI, "U+202A");
	IS_INT(kind("\xe2\x80\x8f", 3, &len), TS_BIDI, "U+200F RIGHT-TO-LEFT MARK");
	IS_INT(kind("\xe2\x81\xa6", 3, &len), TS_BIDI, "U+2066");
	IS_INT(kind("\xe2\x81\xa9", 3, &len), TS_BIDI, "U+2069");
	IS_INT(kind("\xe2\x81\xaa", 3, &len), TS_PRINT, "U+206A is not a bidi control");
	IS_INT(kind("\xe2\x80\xaf", 3, &len), TS_PRINT, "U+202F is not a bidi control");
	IS_INT(kind("\xe2\x80", 2, &len), TS_INVALID, "a cut sequence is invalid");
	IS_INT(len, 1, "... one byte at a time");
	IS_INT(kind("\xc0\x9b", 2, &len), TS_INVALID, "an overlong C1 is invalid (and its 0x9b then stray)");
	IS_INT(kind("\xed\xa0\x80", 3, &len), TS_INVALID, "a surrogate is invalid");
	IS_INT(kind("\xf0\x9f\x94\x91", 4, &len), TS_PRINT, "an emoji");
}

int main(void)
{
	points();
	certs();
	text();
	return tap_done();
}
