/* t_privkey.c: openssh-key-v1 reading (keys made by ssh-keygen, tests/vectors/sshkeygen-*),
 * the errors for keys we refuse, and encode->decode round trips. */
#include <stdio.h>
#include <string.h>

#include "b64.h"
#include "privkey.h"
#include "tap.h"

static uint8_t work[PRIVKEY_BLOB_MAX];
static char text[PRIVKEY_TEXT_MAX], pub[8192], enc[PRIVKEY_TEXT_MAX];

int main(void)
{
	static const char *names[] = { "ed25519", "ecdsa384", "rsa2048" };
	struct privkey_parts p;

	for (int i = 0; i < 3; i++) {
		char path[256];
		uint8_t blob[2048];
		snprintf(path, sizeof path, "tests/vectors/sshkeygen-%s", names[i]);
		size_t n = tap_slurp(path, text, sizeof text);
		IS_INT(privkey_sniff(text, n), PK_OK, "%s sniffs as openssh-key-v1", names[i]);
		IS_INT(privkey_decode(text, n, work, sizeof work, &p), PK_OK, "decodes ssh-keygen's %s key", names[i]);
		snprintf(path, sizeof path, "tests/vectors/sshkeygen-%s.pub", names[i]);
		tap_slurp(path, pub, sizeof pub);
		char *b = strchr(pub, ' ') + 1, *e = strchr(b, ' ');
		long bl = b64_decode(b, (size_t)(e - b), blob, sizeof blob);
		OK(bl > 0 && (size_t)bl == p.publen && memcmp(blob, p.pub, p.publen) == 0,
		   "%s public blob equals ssh-keygen's .pub", names[i]);
		char want[64];
		snprintf(want, sizeof want, "vector %s", i == 0 ? "ed25519" : i == 1 ? "ecdsa" : "rsa");
		OK(p.commentlen == strlen(want) && memcmp(p.comment, want, p.commentlen) == 0, "%s comment", names[i]);

		/* Re-encode the same parts and decode again: identical parts. */
		uint8_t pubc[2048], privc[8192];
		size_t publen = p.publen, privlen = p.privlen;
		memcpy(pubc, p.pub, publen);
		memcpy(privc, p.priv, privlen);
		long tl = privkey_encode(pubc, publen, privc, privlen, want, 0x12345678, NULL, enc, sizeof enc);
		OK(tl > 0, "%s re-encodes", names[i]);
		OK(privkey_decode(enc, (size_t)tl, work, sizeof work, &p) == PK_OK && p.privlen == privlen &&
			   memcmp(p.priv, privc, privlen) == 0,
		   "%s round trip keeps the private part", names[i]);
		int maxcol = 0, col = 0;
		for (long k = 0; k < tl; k++) {
			col = enc[k] == '\n' ? 0 : col + 1;
			maxcol = col > maxcol ? col : maxcol;
		}
		IS_INT(maxcol, 70, "%s: base64 wrapped at 70 columns", names[i]);

		/* Corrupt one check int: the check must catch it. */
		if (i == 0) {
			size_t n2 = tap_slurp("tests/vectors/sshkeygen-ed25519", text, sizeof text);
			struct privkey_parts q;
			IS_INT(privkey_decode(text, n2 - 40, work, sizeof work, &q), PK_FORMAT, "truncated armour is rejected");
		}
	}
	size_t n = tap_slurp("tests/vectors/sshkeygen-encrypted", text, sizeof text);
	IS_INT(privkey_decode(text, n, work, sizeof work, &p), PK_ENCRYPTED, "passphrase-protected key is refused");
	n = tap_slurp("tests/vectors/sshkeygen-pem-rsa", text, sizeof text);
	IS_INT(privkey_decode(text, n, work, sizeof work, &p), PK_PEM, "PEM private key is recognised and refused");
	const char *ppk = "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n";
	IS_INT(privkey_sniff(ppk, strlen(ppk)), PK_PUTTY, "PuTTY .ppk is recognised");
	const char *p8 = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n";
	IS_INT(privkey_sniff(p8, strlen(p8)), PK_PEM, "PKCS#8 is recognised");
	const char *pubtext = "ssh-ed25519 AAAA comment";
	IS_INT(privkey_sniff(pubtext, strlen(pubtext)), PK_NOT_KEY, "a public key line is not a private key");

	/* A key whose two check ints differ (as after a wrong passphrase) is corrupt. */
	n = tap_slurp("tests/vectors/sshkeygen-ed25519", text, sizeof text);
	OK(privkey_decode(text, n, work, sizeof work, &p) == PK_OK, "decode again");
	uint8_t pubc[128], privc[512];
	size_t publen = p.publen, privlen = p.privlen;
	memcpy(pubc, p.pub, publen);
	memcpy(privc, p.priv, privlen);
	long tl = privkey_encode(pubc, publen, privc, privlen, "x", 0xa5a5a5a5, NULL, enc, sizeof enc);
	/* Flip a check-int byte inside the base64 by rebuilding the binary. */
	char *b = strchr(enc, '\n') + 1;
	char flat[PRIVKEY_TEXT_MAX];
	size_t k = 0;
	for (char *q = b; *q && *q != '-'; q++)
		if (*q != '\n')
			flat[k++] = *q;
	long bl = b64_decode(flat, k, work, sizeof work);
	OK(bl > 0, "own encoding decodes as base64");
	/* The private section starts after magic(15) + 3 strings(4+4,4+4,4) + u32 + pub string + u32. */
	size_t off = 15 + 8 + 8 + 4 + 4 + 4 + publen + 4;
	work[off] ^= 1;
	char reenc[PRIVKEY_TEXT_MAX];
	long rl = b64_encode(work, (size_t)bl, reenc, sizeof reenc, 1);
	char armoured[PRIVKEY_TEXT_MAX];
	snprintf(armoured, sizeof armoured, "-----BEGIN OPENSSH PRIVATE KEY-----\n%s\n-----END OPENSSH PRIVATE KEY-----\n", reenc);
	IS_INT(privkey_decode(armoured, strlen(armoured), work, sizeof work, &p), PK_CHECKINT,
	       "differing check ints are detected");
	(void)tl;
	(void)rl;
	return tap_done();
}
