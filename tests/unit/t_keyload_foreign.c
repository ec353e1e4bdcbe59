/* t_keyload_foreign.c: PEM / PKCS#8 / .ppk keys through keyload_parse: the private part comes out in
 * openssh-key-v1 layout (privkey_encode + privkey_decode check it against the public key, as a later
 * re-save as OpenSSH would), mismatched public halves are refused, .ppk comments are kept clean. */
#include <stdio.h>
#include <string.h>

#include "keyload.h"
#include "privkey.h"
#include "tap.h"

static struct keyload kl;
static char text[PRIVKEY_TEXT_MAX], enc[PRIVKEY_TEXT_MAX];
static uint8_t work[PRIVKEY_BLOB_MAX];

/* The loaded pair survives an openssh-key-v1 round trip: priv is in PROTOCOL.key order and matches pub. */
static void resaves(const char *what)
{
	struct privkey_parts p;
	long l = privkey_encode(kl.pair.pub, kl.pair.publen, kl.pair.priv, kl.pair.privlen, "", 0x01020304, NULL, enc,
				sizeof enc);
	OK(l > 0, "%s: encodes as openssh-key-v1", what);
	IS_INT(l > 0 ? privkey_decode(enc, (size_t)l, work, sizeof work, &p) : -1, PK_OK,
	       "%s: ... which decodes, private fields matching the public key", what);
}

#define ED_V1 "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n-----END PRIVATE KEY-----\n"
/* RFC 8410 10.3, with its public key (19bf...) */
#define ED_V2 "-----BEGIN PRIVATE KEY-----\nMHICAQEwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n" \
	      "oB8wHQYKKoZIhvcNAQkJFDEPDA1DdXJkbGUgQ2hhaXJzgSEAGb9ECWmEzf6FQbrB\nZ9w7lshQhqowtrbLDFw4rXAxZuE=\n" \
	      "-----END PRIVATE KEY-----\n"
/* P-256, d = 1, Q = G (SEC 2's generator) */
#define EC_D1 "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABoAoGCCqGSM49\n" \
	      "AwEHoUQDQgAEaxfR8uEsQkf4vOblY6RA8ncDfYEt6zOg9KE5RdiYwpZP40Li/hp/\nm47n60p8D54WK84zV2sxXs7LtkBoN79R9Q==\n" \
	      "-----END EC PRIVATE KEY-----\n"

int main(void)
{
	size_t n = tap_slurp("tests/vectors/sshkeygen-pem-rsa", text, sizeof text);
	IS_INT(keyload_parse(text, n, NULL, 0, &kl), PK_OK, "ssh-keygen's PEM RSA key");
	OK(kl.fmt == KL_PEM_RSA && kl.have_private && !kl.have_comment && kl.pair.bits == 2048, "... PKCS#1, 2048 bits, no comment");
	resaves("PEM RSA");

	IS_INT(keyload_parse(ED_V1, strlen(ED_V1), NULL, 0, &kl), PK_OK, "PKCS#8 Ed25519");
	OK(kl.fmt == KL_PKCS8 && kl.pair.publen == 51 && kl.pair.pub[19] == 0x19 && kl.pair.pub[50] == 0xe1,
	   "... its public key derived from the seed (RFC 8410's 19bf..e1)");
	resaves("PKCS#8 Ed25519");
	IS_INT(keyload_parse(ED_V2, strlen(ED_V2), NULL, 0, &kl), PK_OK, "PKCS#8 v2 Ed25519 with its (matching) public key");
	strcpy(text, ED_V2);
	char *q = strstr(text, "gSEAGb9E");
	q[6] = 'A'; /* another public key */
	IS_INT(keyload_parse(text, strlen(text), NULL, 0, &kl), PK_MISMATCH, "PKCS#8 v2 whose public key is not the seed's");

	IS_INT(keyload_parse(EC_D1, strlen(EC_D1), NULL, 0, &kl), PK_OK, "SEC1 P-256 with d = 1, Q = G");
	OK(kl.fmt == KL_PEM_EC && kl.pair.bits == 256, "... SEC1, 256 bits");
	resaves("SEC1 P-256");
	strcpy(text, EC_D1);
	q = strstr(text, "m47n60p8");
	q[0] = 'n';
	IS_INT(keyload_parse(text, strlen(text), NULL, 0, &kl), PK_MISMATCH, "SEC1 whose stored Q is not d*G");

	/* .ppk: the public half and the comment; a comment with a control character is blanked */
	static const char ppk[] = "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: %s\nPublic-Lines: 2\n"
				  "AAAAC3NzaC1lZDI1NTE5AAAAINbKFBNb+UA8kHnogYrwrs8Y7uBAivgo6JIDhJLa\npnyk\nPrivate-Lines: 1\n"
				  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\nPrivate-MAC: "
				  "1233f03e374878b6aa172db87fedc27e25c642e79f96d2396868c2741b5249e7\n";
	n = (size_t)snprintf(text, sizeof text, ppk, "my key");
	IS_INT(keyload_parse(text, n, NULL, 0, &kl), PK_OK, ".ppk v3");
	OK(kl.fmt == KL_PPK3 && !kl.have_private && kl.have_comment && strcmp(kl.comment, "my key") == 0 && kl.pair.publen == 51,
	   "... public half and comment, no private half");
	n = (size_t)snprintf(text, sizeof text, ppk, "a\x1b[2Jb");
	IS_INT(keyload_parse(text, n, NULL, 0, &kl), PK_OK, ".ppk with an escape sequence in its comment");
	IS_STR(kl.comment, "", "... the comment is blanked");
	keyload_wipe(&kl);
	return tap_done();
}
