/* t_pemkey.c: the PEM / PKCS#8 reader's DER edge cases (hand-built structures: strict lengths,
 * integers, trailing bytes, parameters, armour), ssh-keygen's PEM vector, and the .ppk reader. */
#include <stdio.h>
#include <string.h>

#include "b64.h"
#include "pemkey.h"
#include "ppk.h"
#include "privkey.h"
#include "tap.h"

static uint8_t work[PRIVKEY_BLOB_MAX];
static char text[PRIVKEY_TEXT_MAX];

/* ---- a tiny DER builder -------------------------------------------------------------------------- */
struct buf {
	uint8_t p[4096];
	size_t n;
};

static void put(struct buf *b, const void *s, size_t n)
{
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

/* tag, definite minimal length, contents */
static void tlv(struct buf *b, uint8_t tag, const struct buf *c)
{
	uint8_t h[4] = { tag };
	size_t hl = 2;
	if (c->n < 0x80)
		h[1] = (uint8_t)c->n;
	else if (c->n < 0x100)
		h[1] = 0x81, h[2] = (uint8_t)c->n, hl = 3;
	else
		h[1] = 0x82, h[2] = (uint8_t)(c->n >> 8), h[3] = (uint8_t)c->n, hl = 4;
	put(b, h, hl);
	put(b, c->p, c->n);
}

static void hexput(struct buf *b, const char *hex)
{
	b->n += tap_hex(hex, b->p + b->n, sizeof b->p - b->n);
}

static struct buf hb(const char *hex)
{
	struct buf b = { .n = 0 };
	hexput(&b, hex);
	return b;
}

/* Armours der under LABEL (with extra text before and after when given). */
static size_t armour(const char *label, const struct buf *der, const char *before, const char *after)
{
	char b64[8192];
	long l = b64_encode(der->p, der->n, b64, sizeof b64, 1);
	int n = snprintf(text, sizeof text, "%s-----BEGIN %s-----\n", before, label);
	for (long i = 0; i < l; i += 64)
		n += snprintf(text + n, sizeof text - (size_t)n, "%.64s\n", b64 + i);
	n += snprintf(text + n, sizeof text - (size_t)n, "-----END %s-----\n%s", label, after);
	return (size_t)n;
}

#define SEED "d4ee72dbf913584ad5b6d8f1f769f8ad3afe7c28cbf1d4fbe097a88f44755842"
#define ED_ALG "300506032b6570"

/* PKCS#8 Ed25519 v1 (RFC 8410 §10.3's key) with the given inner octet string hex. */
static struct buf ed_p8(const char *version, const char *alg, const char *inner, const char *tail)
{
	struct buf s = { .n = 0 }, o = hb(inner), out = { .n = 0 };
	hexput(&s, version);
	hexput(&s, alg);
	tlv(&s, 0x04, &o);
	hexput(&s, tail);
	tlv(&out, 0x30, &s);
	return out;
}

static int dec(const char *label, const struct buf *der, struct pemkey *k)
{
	size_t n = armour(label, der, "", "");
	return pemkey_decode(text, n, work, sizeof work, k);
}

/* An ECPrivateKey with d (hex), parameters (hex of the [0] contents, "" = none), public ("" = none). */
static struct buf sec1(const char *d, const char *params, const char *pubhex)
{
	struct buf s = hb("020101"), o = hb(d), t, out = { .n = 0 };
	tlv(&s, 0x04, &o);
	if (*params) {
		t = hb(params);
		tlv(&s, 0xa0, &t);
	}
	if (*pubhex) {
		struct buf bs = { .n = 0 }, bits = hb(pubhex);
		tlv(&bs, 0x03, &bits);
		tlv(&s, 0xa1, &bs);
	}
	tlv(&out, 0x30, &s);
	return out;
}

#define P256 "06082a8648ce3d030107"
#define N256 "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"
#define N256M1 "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550"

static void der_cases(void)
{
	struct pemkey k;
	struct buf d;
	uint8_t seed[32];
	tap_hex(SEED, seed, sizeof seed);

	d = ed_p8("020100", ED_ALG, "0420" SEED, "");
	IS_INT(dec("PRIVATE KEY", &d, &k), PK_OK, "PKCS#8 Ed25519 (RFC 8410 10.3)");
	OK(k.alg == PEMKEY_ED25519 && k.armour == PEMKEY_PKCS8 && k.seed && memcmp(k.seed, seed, 32) == 0 && !k.edpub,
	   "... its seed, no public key");
	d = ed_p8("020101", ED_ALG, "0420" SEED,
		  "812100" "19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1");
	IS_INT(dec("PRIVATE KEY", &d, &k), PK_OK, "OneAsymmetricKey v2 with the public key");
	OK(k.edpub && k.edpub[0] == 0x19 && k.edpub[31] == 0xe1, "... the public key is read");
	d = ed_p8("020100", ED_ALG, "0420" SEED, "812100" "19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1");
	IS_INT(dec("PRIVATE KEY", &d, &k), PK_FORMAT, "a public key in a version 0 structure");
	d = ed_p8("020101", ED_ALG, "0420" SEED, "a0020500" "812100" "19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1");
	IS_INT(dec("PRIVATE KEY", &d, &k), PK_OK, "attributes [0] are skipped");
	d = ed_p8("020100", "300706032b65700500", "0420" SEED, "");
	IS_INT(dec("PRIVATE KEY", &d, &k), PK_FORMAT, "Ed25519 with parameters");
	d = ed_p8("020100", ED_ALG, "041f" SEED, "");
	IS_INT(dec("PRIVATE KEY", &d, &k), PK_FORMAT, "Ed25519 seed of the wrong length");
	d = ed_p8("020100", ED_ALG, "0420" SEED "00", "");
	IS_INT(dec("PRIVATE KEY", &d, &k), PK_FORMAT, "a byte after the inner OCTET STRING");
	d = ed_p8("020100", ED_ALG, "0420" SEED, "00");
	IS_INT(dec("PRIVATE KEY", &d, &k), PK_FORMAT, "a byte left inside the SEQUENCE");
	d = ed_p8("020100", ED_ALG, "0420" SEED, "");
	d.p[d.n++] = 0;
	IS_INT(dec("PRIVATE KEY", &d, &k), PK_FORMAT, "a byte after the SEQUENCE");
	d = ed_p8("02020000", ED_ALG, "0420" SEED, "");
	IS_INT(dec("PRIVATE KEY", &d, &k), PK_FORMAT, "a version INTEGER with a needless leading zero");
	d = ed_p8("0201ff", ED_ALG, "0420" SEED, "");
	IS_INT(dec("PRIVATE KEY", &d, &k), PK_FORMAT, "a negative version");
	d = ed_p8("020102", ED_ALG, "0420" SEED, "");
	IS_INT(dec("PRIVATE KEY", &d, &k), PK_FORMAT, "version 2");
	d = ed_p8("0200", ED_ALG, "0420" SEED, "");
	IS_INT(dec("PRIVATE KEY", &d, &k), PK_FORMAT, "an empty INTEGER");

	/* lengths: long form where the short one fits, indefinite, longer than the data */
	d = hb("30812e020100" ED_ALG "04220420" SEED);
	IS_INT(dec("PRIVATE KEY", &d, &k), PK_FORMAT, "a non-minimal long-form length");
	d = hb("3080020100" ED_ALG "04220420" SEED "0000");
	IS_INT(dec("PRIVATE KEY", &d, &k), PK_FORMAT, "an indefinite length (BER)");
	d = hb("302f020100" ED_ALG "04220420" SEED);
	IS_INT(dec("PRIVATE KEY", &d, &k), PK_FORMAT, "a length beyond the data");
	d = hb("3084000000" "2e020100");
	IS_INT(dec("PRIVATE KEY", &d, &k), PK_FORMAT, "four length bytes");
	d = hb("30");
	IS_INT(dec("PRIVATE KEY", &d, &k), PK_FORMAT, "one byte");

	/* algorithms */
	d = ed_p8("020100", "300506032b656e", "0420" SEED, "");
	IS_INT(dec("PRIVATE KEY", &d, &k), PK_TYPE, "X25519: not a signing key type");
	d = ed_p8("020100", "300506032b6571", "0420" SEED, "");
	IS_INT(dec("PRIVATE KEY", &d, &k), PK_TYPE, "Ed448");
	d = ed_p8("020100", "300b06092a864886f70d01010a", "3000", "");
	IS_INT(dec("PRIVATE KEY", &d, &k), PK_TYPE, "RSASSA-PSS");
	d = ed_p8("020100", "301406072a8648ce380401" "3009020117020105020102", "020103", "");
	IS_INT(dec("PRIVATE KEY", &d, &k), PK_DSA, "PKCS#8 DSA: PK_DSA");
	OK(k.alg == PEMKEY_DSA && k.dp.n == 1 && k.dp.p[0] == 23 && k.dx.n == 1 && k.dy.n == 0, "... p, q, g, x read");

	/* EC */
	d = sec1("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721", P256, "");
	IS_INT(dec("EC PRIVATE KEY", &d, &k), PK_OK, "SEC1 P-256 without its public key");
	OK(k.alg == PEMKEY_EC && k.curve == 256 && k.ecd.n == 32 && !k.ecq, "... curve and scalar");
	d = sec1("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721", "", "");
	IS_INT(dec("EC PRIVATE KEY", &d, &k), PK_FORMAT, "SEC1 naming no curve");
	d = sec1("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721", "06052b8104000a", "");
	IS_INT(dec("EC PRIVATE KEY", &d, &k), PK_TYPE, "secp256k1: PK_TYPE");
	d = sec1("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721", "3003020101", "");
	IS_INT(dec("EC PRIVATE KEY", &d, &k), PK_TYPE, "explicit curve parameters: PK_TYPE");
	d = sec1("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721", "0500", "");
	IS_INT(dec("EC PRIVATE KEY", &d, &k), PK_TYPE, "implicitCA: PK_TYPE");
	d = sec1("0000000000000000000000000000000000000000000000000000000000000000", P256, "");
	IS_INT(dec("EC PRIVATE KEY", &d, &k), PK_FORMAT, "scalar 0");
	d = sec1(N256, P256, "");
	IS_INT(dec("EC PRIVATE KEY", &d, &k), PK_FORMAT, "scalar = the group order");
	d = sec1(N256M1, P256, "");
	IS_INT(dec("EC PRIVATE KEY", &d, &k), PK_OK, "scalar = order - 1");
	d = sec1("01" N256, P256, "");
	IS_INT(dec("EC PRIVATE KEY", &d, &k), PK_FORMAT, "a scalar wider than the field");
	d = sec1("0001", P256, "");
	IS_INT(dec("EC PRIVATE KEY", &d, &k), PK_OK, "a short scalar (leading zeros are stripped)");
	OK(k.ecd.n == 1 && k.ecd.p[0] == 1, "... to one byte");
	d = sec1(N256M1, P256, "0004" "11");
	IS_INT(dec("EC PRIVATE KEY", &d, &k), PK_FORMAT, "a public point of the wrong length");
	d = sec1(N256M1, P256, "0102" N256);
	IS_INT(dec("EC PRIVATE KEY", &d, &k), PK_FORMAT, "a public BIT STRING with unused bits");
	d = sec1(N256M1, P256, "0003" N256);
	IS_INT(dec("EC PRIVATE KEY", &d, &k), PK_OK, "a compressed public point (checked by the caller)");
	OK(k.ecq && k.ecqlen == 33 && k.ecq[0] == 3, "... is read");
	{
		/* PKCS#8 EC: the curve in the algorithm; an inner [0] must agree */
		struct buf s = hb("020100" "301306072a8648ce3d0201" P256), in = sec1(N256M1, "", ""), o = { .n = 0 };
		tlv(&s, 0x04, &in);
		tlv(&o, 0x30, &s);
		IS_INT(dec("PRIVATE KEY", &o, &k), PK_OK, "PKCS#8 EC, inner key without parameters");
		OK(k.curve == 256 && k.armour == PEMKEY_PKCS8, "... curve from the algorithm");
		s = hb("020100" "301006072a8648ce3d020106052b81040022");
		in = sec1(N256M1, P256, "");
		o.n = 0;
		tlv(&s, 0x04, &in);
		tlv(&o, 0x30, &s);
		IS_INT(dec("PRIVATE KEY", &o, &k), PK_FORMAT, "PKCS#8 EC whose inner curve differs");
	}

	/* RSA */
	d = hb("301b" "020100" "020133" "020103" "020107" "020103" "020111" "020101" "020101" "020102");
	IS_INT(dec("RSA PRIVATE KEY", &d, &k), PK_OK, "a (toy) PKCS#1 structure");
	OK(k.alg == PEMKEY_RSA && k.n.n == 1 && k.n.p[0] == 0x33 && k.iqmp.p[0] == 2, "... fields in order");
	d = hb("301b" "020101" "020133" "020103" "020107" "020103" "020111" "020101" "020101" "020102");
	IS_INT(dec("RSA PRIVATE KEY", &d, &k), PK_TYPE, "multi-prime RSA (version 1)");
	d = hb("3018" "020100" "020133" "020103" "020107" "020103" "020111" "020101" "020101");
	IS_INT(dec("RSA PRIVATE KEY", &d, &k), PK_FORMAT, "PKCS#1 missing its coefficient");
	d = hb("301b" "020100" "020100" "020103" "020107" "020103" "020111" "020101" "020101" "020102");
	IS_INT(dec("RSA PRIVATE KEY", &d, &k), PK_FORMAT, "modulus 0");
	d = hb("301c" "020100" "02020033" "020103" "020107" "020103" "020111" "020101" "020101" "020102");
	IS_INT(dec("RSA PRIVATE KEY", &d, &k), PK_FORMAT, "an INTEGER with a needless leading zero");
}

static void armour_cases(void)
{
	struct pemkey k;
	struct buf d = ed_p8("020100", ED_ALG, "0420" SEED, "");
	size_t n;

	n = armour("PRIVATE KEY", &d, "Bag Attributes\n  friendlyName: x\n", "trailing words\n");
	IS_INT(pemkey_decode(text, n, work, sizeof work, &k), PK_OK, "text around the armour is skipped");
	n = armour("PRIVATE KEY", &d, "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n", "");
	IS_INT(pemkey_decode(text, n, work, sizeof work, &k), PK_OK, "an EC PARAMETERS block before the key is skipped");
	n = armour("PRIVATE KEY", &d, "", "");
	memcpy(text + n, text, n);
	IS_INT(pemkey_decode(text, 2 * n, work, sizeof work, &k), PK_MULTI, "two private keys: PK_MULTI");
	n = armour("PRIVATE KEY", &d, "", "");
	IS_INT(pemkey_decode(text, n - 10, work, sizeof work, &k), PK_FORMAT, "no END line");
	n = armour("ENCRYPTED PRIVATE KEY", &d, "", "");
	IS_INT(pemkey_decode(text, n, work, sizeof work, &k), PK_PEM_ENCRYPTED, "ENCRYPTED PRIVATE KEY");
	n = (size_t)snprintf(text, sizeof text, "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
			     "DEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAA\n-----END RSA PRIVATE KEY-----\n");
	IS_INT(pemkey_decode(text, n, work, sizeof work, &k), PK_PEM_ENCRYPTED, "Proc-Type: 4,ENCRYPTED");
	n = (size_t)snprintf(text, sizeof text, "-----BEGIN DSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
			     "DEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAA\n-----END DSA PRIVATE KEY-----\n");
	IS_INT(pemkey_decode(text, n, work, sizeof work, &k), PK_PEM_ENCRYPTED, "an encrypted DSA key: encrypted first");
	d = hb("3012" "020100" "020117" "020105" "020102" "020104" "020103");
	n = armour("DSA PRIVATE KEY", &d, "", "");
	IS_INT(pemkey_decode(text, n, work, sizeof work, &k), PK_DSA, "BEGIN DSA PRIVATE KEY: PK_DSA");
	OK(k.alg == PEMKEY_DSA && k.dy.n == 1 && k.dy.p[0] == 4, "... with y for its fingerprint");
	n = armour("OPENSSH PRIVATE KEY", &d, "", "");
	IS_INT(pemkey_decode(text, n, work, sizeof work, &k), PK_TYPE, "another PRIVATE KEY label: PK_TYPE");
	n = armour("CERTIFICATE", &d, "", "");
	IS_INT(pemkey_decode(text, n, work, sizeof work, &k), PK_NOT_KEY, "no private key block");
	n = (size_t)snprintf(text, sizeof text, "-----BEGIN PRIVATE KEY-----\nMC4C!QAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n"
			     "-----END PRIVATE KEY-----\n");
	IS_INT(pemkey_decode(text, n, work, sizeof work, &k), PK_FORMAT, "a bad base64 character");
	n = (size_t)snprintf(text, sizeof text, "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n"
			     "-----END RSA PRIVATE KEY-----\n");
	IS_INT(pemkey_decode(text, n, work, sizeof work, &k), PK_FORMAT, "END label differs from BEGIN");
}

static void vector_cases(void)
{
	struct pemkey k;
	char pub[4096];
	uint8_t blob[2048];
	size_t n = tap_slurp("tests/vectors/sshkeygen-pem-rsa", text, sizeof text);

	IS_INT(pemkey_decode(text, n, work, sizeof work, &k), PK_OK, "ssh-keygen -m PEM RSA vector");
	tap_slurp("tests/vectors/sshkeygen-pem-rsa.pub", pub, sizeof pub);
	char *b = strchr(pub, ' ') + 1, *e = strchr(b, ' ');
	long bl = b64_decode(b, (size_t)(e - b), blob, sizeof blob);
	/* ssh-rsa blob: string type, mpint e, mpint n (n with a leading zero) */
	OK(bl > 0 && k.n.n == 256 && memcmp(blob + bl - 256, k.n.p, 256) == 0, "... its modulus is the .pub's");
}

static void ppk_cases(void)
{
	struct ppk p;
	uint8_t pub[1024];
	static const char head[] = "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: my key\nPublic-Lines: 2\n"
				   "AAAAC3NzaC1lZDI1NTE5AAAAINbKFBNb+UA8kHnogYrwrs8Y7uBAivgo6JIDhJLa\npnyk\n";
	static const char tail3[] = "Private-Lines: 1\nAAAAILvUKgARPXiAN7XI6Eu2xhu5S/lH46691fql9AfquW1O\n"
				    "Private-MAC: 1233f03e374878b6aa172db87fedc27e25c642e79f96d2396868c2741b5249e7\n";
	size_t n;
#define PPK(...) (n = (size_t)snprintf(text, sizeof text, __VA_ARGS__), ppk_decode(text, n, pub, sizeof pub, &p))

	IS_INT(PPK("%s%s", head, tail3), PK_OK, "a v3 .ppk");
	OK(p.version == 3 && !p.encrypted && p.publen == 51 && p.commentlen == 6 && memcmp(p.comment, "my key", 6) == 0,
	   "... version, comment, blob");
	IS_INT(PPK("junk\r\n%s%s", head, tail3), PK_OK, "text before the header line");
	IS_INT(PPK("PuTTY-User-Key-File-3: ssh-ed25519\r\nEncryption: none\r\nComment: c\r\nPublic-Lines: 1\r\n"
		   "AAAAC3NzaC1lZDI1NTE5AAAAINbKFBNb+UA8kHnogYrwrs8Y7uBAivgo6JIDhJLapnyk\r\n%s", tail3),
	       PK_OK, "CRLF line ends");
	OK(p.commentlen == 1, "... the CR is not in the comment");
	IS_INT(PPK("%s", head), PK_FORMAT, "no private lines");
	IS_INT(PPK("%s%sextra\n", head, tail3), PK_FORMAT, "text after Private-MAC");
	IS_INT(PPK("PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\nComment: x\nPublic-Lines: 2\n"
		   "AAAAC3NzaC1lZDI1NTE5AAAAINbKFBNb+UA8kHnogYrwrs8Y7uBAivgo6JIDhJLa\npnyk\n%s", tail3),
	       PK_FORMAT, "header type differs from the blob's");
	IS_INT(PPK("PuTTY-User-Key-File-1: ssh-rsa\n"), PK_TYPE, "version 1");
	IS_INT(PPK("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: des\n"), PK_FORMAT, "unknown encryption");
	IS_INT(PPK("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: x\nPublic-Lines: 99999\n"), PK_FORMAT,
	       "too many public lines");
	IS_INT(PPK("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: x\nPublic-Lines: 3\n"
		   "AAAAC3NzaC1lZDI1NTE5AAAAINbKFBNb+UA8kHnogYrwrs8Y7uBAivgo6JIDhJLa\npnyk\n%s", tail3),
	       PK_FORMAT, "fewer public lines than announced");
	IS_INT(PPK("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: aes256-cbc\nComment: x\nPublic-Lines: 2\n"
		   "AAAAC3NzaC1lZDI1NTE5AAAAINbKFBNb+UA8kHnogYrwrs8Y7uBAivgo6JIDhJLa\npnyk\n%s", tail3),
	       PK_FORMAT, "encrypted v3 without its Key-Derivation lines");
	IS_INT(PPK("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: aes256-cbc\nComment: x\nPublic-Lines: 2\n"
		   "AAAAC3NzaC1lZDI1NTE5AAAAINbKFBNb+UA8kHnogYrwrs8Y7uBAivgo6JIDhJLa\npnyk\nKey-Derivation: Argon2id\n"
		   "Argon2-Memory: 8192\nArgon2-Passes: 13\nArgon2-Parallelism: 1\nArgon2-Salt: 5bd848075e9aa2bd\n%s", tail3),
	       PK_OK, "encrypted v3 with its Key-Derivation lines");
	OK(p.encrypted, "... is marked encrypted");
	IS_INT(PPK("PuTTY-User-Key-File-2: ssh-ed25519\nEncryption: none\nComment: x\nPublic-Lines: 2\n"
		   "AAAAC3NzaC1lZDI1NTE5AAAAINbKFBNb+UA8kHnogYrwrs8Y7uBAivgo6JIDhJLa\npnyk\n%s", tail3),
	       PK_FORMAT, "a v2 file with a v3 (SHA-256) MAC");
}

int main(void)
{
	der_cases();
	armour_cases();
	vector_cases();
	ppk_cases();
	return tap_done();
}
