/* fuzz_dropbearkey.c: dropbear's key format and tinyssh's key files. The input is read as a dropbear
 * key file, as an openssh-key-v1 private part to convert, and as a tinyssh pair (32 + 64 bytes).
 * Invariants: the public blob fits and starts with the key's type string; what the converter writes
 * reads back as the public key of the OpenSSH input, found here on its own (RSA's e and n swapped
 * back, ECDSA's curve and point, ed25519's public half); an ed25519 key's tinyssh slices give the
 * same public key. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dropbearkey.h"
#include "sshbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_blob(const uint8_t *pub, size_t publen, size_t cap)
{
	if (publen < 4 || publen > cap)
		__builtin_trap();
	uint32_t tl = (uint32_t)pub[0] << 24 | (uint32_t)pub[1] << 16 | (uint32_t)pub[2] << 8 | pub[3];
	if (tl == 0 || tl > publen - 4)
		__builtin_trap();
}

/* The public blob of the openssh-key-v1 private part in[0..n), read without the converter's code.
 * Returns its length, or 0 (not one of the three types, or cut short). */
static size_t openssh_pub(const uint8_t *in, size_t n, uint8_t *pub, size_t cap)
{
	struct sshbuf_r r;
	struct sshbuf_w w;
	const uint8_t *t, *a, *b;
	size_t tl, al, bl;

	sshbuf_r_init(&r, in, n);
	sshbuf_w_init(&w, pub, cap);
	if (sshbuf_get_string(&r, &t, &tl) < 0)
		return 0;
	sshbuf_put_string(&w, t, tl);
	if (tl == 11 && memcmp(t, "ssh-ed25519", 11) == 0) { /* string pk, string seed || pk: the second's */
		if (sshbuf_get_string(&r, &a, &al) < 0 || sshbuf_get_string(&r, &b, &bl) < 0 || bl != 64)
			return 0;
		sshbuf_put_string(&w, b + 32, 32);
	} else if (tl == 7 && memcmp(t, "ssh-rsa", 7) == 0) { /* n, e in the file; e, n in the blob */
		if (sshbuf_get_mpint(&r, &a, &al) < 0 || sshbuf_get_mpint(&r, &b, &bl) < 0)
			return 0;
		sshbuf_put_mpint(&w, b, bl);
		sshbuf_put_mpint(&w, a, al);
	} else if (tl > 11 && memcmp(t, "ecdsa-sha2-", 11) == 0) { /* curve, Q */
		if (sshbuf_get_string(&r, &a, &al) < 0 || sshbuf_get_string(&r, &b, &bl) < 0)
			return 0;
		sshbuf_put_string(&w, a, al);
		sshbuf_put_string(&w, b, bl);
	} else {
		return 0;
	}
	return w.err ? 0 : w.len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pub[1024], pub2[1024], out[DROPBEARKEY_MAX]; /* pub: RSA up to ~4400 bits fit */
	size_t publen, publen2;
	int r = dropbearkey_parse(data, size, pub, sizeof pub, &publen);

	if (r != PK_OK && r != PK_FORMAT && r != PK_TYPE && r != PK_DSA && r != PK_TOOBIG &&
	    r != DROPBEARKEY_RSA_SIZE && r != DROPBEARKEY_EC_POINT)
		__builtin_trap();
	if (r == PK_OK)
		check_blob(pub, publen, sizeof pub);

	long l = dropbearkey_from_openssh(data, size, out, sizeof out);
	if (l > (long)sizeof out)
		__builtin_trap();
	if (l > 0) {
		r = dropbearkey_parse(out, (size_t)l, pub, sizeof pub, &publen);
		if (r != PK_OK && r != PK_TOOBIG) /* too big: an RSA key larger than pub[] */
			__builtin_trap();
		if (r == PK_OK) {
			check_blob(pub, publen, sizeof pub);
			size_t el = openssh_pub(data, size, pub2, sizeof pub2);
			if (el != publen || memcmp(pub, pub2, publen) != 0) /* another key than the input's */
				__builtin_trap();
		}
		/* an ed25519 key: tinyssh's files are slices of it, and say the same public key */
		if (l == DROPBEAR_ED25519_LEN &&
		    (r != PK_OK || tinysshkey_parse(out + DROPBEAR_ED25519_PK, TINYSSH_PK_LEN, out + DROPBEAR_ED25519_SK,
						    TINYSSH_SK_LEN, pub2, sizeof pub2, &publen2) != PK_OK ||
		     publen2 != publen || memcmp(pub, pub2, publen) != 0))
			__builtin_trap();
	}

	if (size >= TINYSSH_PK_LEN + TINYSSH_SK_LEN) {
		r = tinysshkey_parse(data, TINYSSH_PK_LEN, data + TINYSSH_PK_LEN, size - TINYSSH_PK_LEN, pub, sizeof pub,
				     &publen);
		if (r == PK_OK)
			check_blob(pub, publen, sizeof pub);
	}
	return 0;
}
