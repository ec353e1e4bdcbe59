/* t_dropbearkey.c: dropbear's key format against files made by dropbear itself (dropbearconvert of
 * ssh-keygen's keys, dropbearkey), tinyssh's key files, and the shapes both readers refuse. */
#include <stdio.h>
#include <string.h>

#include "b64.h"
#include "dropbearkey.h"
#include "privkey.h"
#include "sshbuf.h"
#include "tap.h"

static uint8_t work[PRIVKEY_BLOB_MAX];
static char text[PRIVKEY_TEXT_MAX], line[4096], dbf[DROPBEARKEY_MAX];
static uint8_t out[DROPBEARKEY_MAX], pub[2048], want[2048];

/* The blob of a .pub line "type base64 ...". */
static long pub_blob(const char *path, uint8_t *blob, size_t cap)
{
	if (!tap_slurp(path, line, sizeof line))
		return -1;
	char *b = strchr(line, ' '), *e;
	if (!b)
		return -1;
	b++;
	e = b + strcspn(b, " \n");
	return b64_decode(b, (size_t)(e - b), blob, cap);
}

/* An RSA magnitude of exactly bits bits (top bit, low bit set, 0x5a between) in mag. */
static size_t mag_of(uint8_t *mag, unsigned bits)
{
	size_t l = (bits + 7) / 8;
	memset(mag, 0x5a, l);
	mag[0] = (uint8_t)(1u << ((bits - 1) % 8));
	mag[l - 1] |= 1;
	return l;
}

/* An RSA key file in dropbear's format (openssh 0) or an openssh-key-v1 private part (openssh 1)
 * with an n of nbits and an e of ebits bits; elead zero bytes written before e's value. */
static size_t rsa_bytes(uint8_t *buf, size_t cap, unsigned nbits, unsigned ebits, size_t elead, int openssh)
{
	static uint8_t n[1200], e[1200];
	struct sshbuf_w w;
	size_t nl = mag_of(n, nbits), el = mag_of(e + elead, ebits);

	memset(e, 0, elead);
	sshbuf_w_init(&w, buf, cap);
	sshbuf_put_cstring(&w, "ssh-rsa");
	if (openssh)
		sshbuf_put_mpint(&w, n, nl);
	if (elead)
		sshbuf_put_string(&w, e, elead + el); /* an mpint with extra leading zeros (ebits % 8 != 0) */
	else
		sshbuf_put_mpint(&w, e, el);
	for (int k = openssh; k < 4 + openssh; k++) /* [n,] d, (iqmp,) p, q: any non-zero values */
		sshbuf_put_mpint(&w, n, k >= 2 ? nl / 2 : nl);
	return w.err ? 0 : w.len;
}

int main(void)
{
	static const char *names[] = { "ed25519", "ecdsa384", "rsa2048" };
	struct privkey_parts p;
	size_t publen;
	char path[256];

	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "tests/vectors/sshkeygen-%s", names[i]);
		size_t n = tap_slurp(path, text, sizeof text);
		IS_INT(privkey_decode(text, n, work, sizeof work, &p), PK_OK, "%s: ssh-keygen's key decodes", names[i]);
		snprintf(path, sizeof path, "tests/vectors/dropbear-%s", names[i]);
		size_t dn = tap_slurp(path, dbf, sizeof dbf);
		long l = dropbearkey_from_openssh(p.priv, p.privlen, out, sizeof out);
		OK(l > 0 && (size_t)l == dn && memcmp(out, dbf, dn) == 0,
		   "%s: converted byte for byte as dropbearconvert does", names[i]);
		snprintf(path, sizeof path, "tests/vectors/sshkeygen-%s.pub", names[i]);
		long wl = pub_blob(path, want, sizeof want);
		IS_INT(dropbearkey_parse((const uint8_t *)dbf, dn, pub, sizeof pub, &publen), PK_OK,
		       "%s: dropbear's file parses", names[i]);
		OK(wl > 0 && publen == (size_t)wl && memcmp(pub, want, publen) == 0, "%s: its public key is the .pub's",
		   names[i]);
		/* Every truncation is refused, never read past. */
		int bad = 0;
		for (size_t k = 0; k < dn; k++)
			bad += dropbearkey_parse((const uint8_t *)dbf, k, pub, sizeof pub, &publen) == PK_OK;
		IS_INT(bad, names[i][0] == 'r' ? 1 : 0, "%s: truncated files refused (RSA: also the old p,q-less form)",
		       names[i]);
		memcpy(out, dbf, dn);
		out[dn] = 0;
		IS_INT(dropbearkey_parse(out, dn + 1, pub, sizeof pub, &publen), PK_FORMAT, "%s: a trailing byte is refused",
		       names[i]);
		IS_INT(dropbearkey_parse((const uint8_t *)dbf, dn, pub, 10, &publen), PK_TOOBIG,
		       "%s: a small output buffer is said", names[i]);
		IS_INT(dropbearkey_from_openssh(p.priv, p.privlen, out, 20), PK_TOOBIG, "%s: conversion into a small buffer",
		       names[i]);
		if (i == 0) {
			/* tinyssh's two files are slices of dropbear's ed25519 file */
			l = dropbearkey_from_openssh(p.priv, p.privlen, out, sizeof out);
			IS_INT(l, DROPBEAR_ED25519_LEN, "ed25519 in dropbear's format: 83 bytes");
			uint8_t *sk = out + DROPBEAR_ED25519_SK, *pk = out + DROPBEAR_ED25519_PK;
			IS_INT(tinysshkey_parse(pk, TINYSSH_PK_LEN, sk, TINYSSH_SK_LEN, pub, sizeof pub, &publen), PK_OK,
			       "tinyssh pair reads back");
			OK(publen == (size_t)wl && memcmp(pub, want, publen) == 0, "tinyssh public key is the .pub's");
			OK(memcmp(sk + 32, pk, 32) == 0, "the .ed25519.sk slice ends with the ed25519.pk slice");
			uint8_t other[TINYSSH_SK_LEN];
			memcpy(other, sk, sizeof other); /* sk and pk overlap: change a copy */
			other[63] ^= 1;
			IS_INT(tinysshkey_parse(pk, TINYSSH_PK_LEN, other, TINYSSH_SK_LEN, pub, sizeof pub, &publen), PK_MISMATCH,
			       "a .ed25519.sk of another key is refused");
			IS_INT(tinysshkey_parse(pk, TINYSSH_PK_LEN, NULL, 0, pub, sizeof pub, &publen), PK_OK, "ed25519.pk alone");
			IS_INT(tinysshkey_parse(pk, 31, NULL, 0, pub, sizeof pub, &publen), PK_FORMAT, "a 31-byte .pk");
			IS_INT(tinysshkey_parse(pk, 32, sk, 63, pub, sizeof pub, &publen), PK_FORMAT, "a 63-byte .sk");
			IS_INT(tinysshkey_parse(pk, 32, sk, 64, pub, 20, &publen), PK_TOOBIG, "tinyssh: a small output buffer");
		} else {
			OK(dropbearkey_from_openssh(p.priv, p.privlen, out, sizeof out) != DROPBEAR_ED25519_LEN,
			   "%s: not the size of an ed25519 key (no tinyssh key from it)", names[i]);
		}
	}

	/* tinysshd-makekey's own key directory, as tinysshd-printkey prints it */
	{
		static char tpk[64], tsk[128];
		size_t pkn = tap_slurp("tests/vectors/tinyssh-ed25519.pk", tpk, sizeof tpk);
		size_t skn = tap_slurp("tests/vectors/tinyssh-ed25519.sk", tsk, sizeof tsk);
		long wl = pub_blob("tests/vectors/tinyssh-ed25519.pub", want, sizeof want);
		OK(tinysshkey_parse((const uint8_t *)tpk, pkn, (const uint8_t *)tsk, skn, pub, sizeof pub, &publen) == PK_OK &&
			   wl > 0 && publen == (size_t)wl && memcmp(pub, want, publen) == 0,
		   "tinysshd-makekey's files: the public key tinysshd-printkey prints");
	}

	/* dropbearkey's own ECDSA P-521 key */
	size_t dn = tap_slurp("tests/vectors/dropbear-ecdsa521", dbf, sizeof dbf);
	long wl = pub_blob("tests/vectors/dropbear-ecdsa521.pub", want, sizeof want);
	OK(dropbearkey_parse((const uint8_t *)dbf, dn, pub, sizeof pub, &publen) == PK_OK && wl > 0 &&
		   publen == (size_t)wl && memcmp(pub, want, publen) == 0,
	   "dropbearkey's P-521 key: public key as dropbearkey -y prints it");
	memcpy(out, dbf, dn);
	memcpy(out + 4 + 19 + 4 + 5, "384", 3); /* curve string no longer matches the type */
	IS_INT(dropbearkey_parse(out, dn, pub, sizeof pub, &publen), PK_TYPE, "curve name not the type's");
	memcpy(out, dbf, dn);
	out[4 + 19 + 4 + 8 + 4] = 2; /* compressed point */
	IS_INT(dropbearkey_parse(out, dn, pub, sizeof pub, &publen), PK_FORMAT, "a compressed point is refused");
	memcpy(out, dbf, dn);
	out[4 + 19 + 4 + 8 + 4 + 1 + 66 + 65] ^= 1; /* the last byte of Y: off the curve (dropbearkey -y exits 255) */
	IS_INT(dropbearkey_parse(out, dn, pub, sizeof pub, &publen), DROPBEARKEY_EC_POINT, "a point off the curve is refused");
	memcpy(out, dbf, dn);
	memset(out + 4 + 19 + 4 + 8 + 4 + 1, 0, 132); /* the point (0, 0): not on the curve either */
	IS_INT(dropbearkey_parse(out, dn, pub, sizeof pub, &publen), DROPBEARKEY_EC_POINT, "the point (0, 0) is refused");

	/* dropbear's limits on RSA host keys: what it cannot load is neither written nor called usable */
	{
		static const struct {
			unsigned nbits, ebits;
			int want;
			const char *what;
		} rc[] = {
			{ 2048, 17, PK_OK, "RSA 2048" },
			{ 1024, 17, PK_OK, "RSA 1024 (MIN_RSA_KEYLEN)" },
			{ 1023, 17, DROPBEARKEY_RSA_SIZE, "RSA 1023 bits: under MIN_RSA_KEYLEN" },
			{ 4096, 17, PK_OK, "RSA 4096" },
			{ 4432, 17, PK_OK, "RSA 4432: a 1700-byte file, MAX_PRIVKEY_SIZE" },
			{ 4440, 17, DROPBEARKEY_RSA_SIZE, "RSA 4440: a 1702-byte file, over MAX_PRIVKEY_SIZE" },
			{ 8448, 17, DROPBEARKEY_RSA_SIZE, "RSA 8448: over BUF_MAX_MPINT too" },
			{ 2048, 64, PK_OK, "e of 64 bits" },
			{ 2048, 65, DROPBEARKEY_RSA_SIZE, "e of 65 bits" },
		};
		for (size_t i = 0; i < sizeof rc / sizeof rc[0]; i++) {
			size_t fl = rsa_bytes(out, sizeof out, rc[i].nbits, rc[i].ebits, 0, 0);
			IS_INT(fl ? dropbearkey_parse(out, fl, pub, sizeof pub, &publen) : -1, rc[i].want, "dropbear file, %s",
			       rc[i].what);
			size_t ol = rsa_bytes(work, sizeof work, rc[i].nbits, rc[i].ebits, 0, 1);
			long l = ol ? dropbearkey_from_openssh(work, ol, out, sizeof out) : -1;
			IS_INT(l > 0 ? PK_OK : (int)l, rc[i].want, "conversion, %s", rc[i].what);
		}
		/* BUF_MAX_MPINT is on the length as written: leading zeros count */
		size_t fl = rsa_bytes(out, sizeof out, 1024, 17, 1027, 0);
		IS_INT(fl ? dropbearkey_parse(out, fl, pub, sizeof pub, &publen) : -1, PK_OK,
		       "an e mpint written in 1030 bytes (leading zeros): read");
		fl = rsa_bytes(out, sizeof out, 1024, 17, 1028, 0);
		IS_INT(fl ? dropbearkey_parse(out, fl, pub, sizeof pub, &publen) : -1, DROPBEARKEY_RSA_SIZE,
		       "an e mpint written in 1031 bytes: over BUF_MAX_MPINT");
	}

	static const uint8_t dss[] = { 0, 0, 0, 7, 's', 's', 'h', '-', 'd', 's', 's', 0, 0, 0, 1, 1 };
	IS_INT(dropbearkey_parse(dss, sizeof dss, pub, sizeof pub, &publen), PK_DSA, "a DSS key is refused as DSA");
	static const uint8_t other[] = { 0, 0, 0, 3, 'f', 'o', 'o' };
	IS_INT(dropbearkey_parse(other, sizeof other, pub, sizeof pub, &publen), PK_TYPE, "an unknown type");
	IS_INT(dropbearkey_parse(other, 0, pub, sizeof pub, &publen), PK_FORMAT, "an empty file");
	return tap_done();
}
