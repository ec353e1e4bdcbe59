/* t_ed25519.c: RFC 8032 §7.1 TEST 1-3, public keys from secret seeds, by keydrop's derivation
 * (ed25519.c, variable-base multiplication) and by libsodium's own seed_keypair, the SSH
 * encoding keygen builds from them, and the signatures verified (libsodium's verification on
 * BearSSL's SHA-512: sodium_sha512.c). */
#include <sodium/crypto_sign_ed25519.h>

#include "ed25519.h"

#include "fingerprint.h"
#include "keyblob.h"
#include "sshbuf.h"
#include "tap.h"

int main(void)
{
	static const char *vec[][2] = {
		{ "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
		  "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a" },
		{ "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
		  "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c" },
		{ "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
		  "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025" },
	};
	/* RFC 8032 §7.1 TEST 1-3: message, signature (the keys are vec[i][1]). */
	static const char *sig[][2] = {
		{ "", "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b" },
		{ "72", "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00" },
		{ "af82", "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a" },
	};
	for (int i = 0; i < 3; i++) {
		uint8_t seed[32], want[32], pk[32], sk[64];
		tap_hex(vec[i][0], seed, 32);
		tap_hex(vec[i][1], want, 32);
		OK(crypto_sign_ed25519_seed_keypair(pk, sk, seed) == 0, "RFC 8032 TEST %d keypair", i + 1);
		IS_MEM(pk, want, 32, "RFC 8032 TEST %d public key", i + 1);
		IS_MEM(sk, seed, 32, "TEST %d: secret key starts with the seed", i + 1);
		IS_MEM(sk + 32, want, 32, "TEST %d: secret key ends with the public key", i + 1);
		uint8_t ours[32] = { 0 };
		OK(ed25519_public_from_seed(ours, seed) == 0, "TEST %d: ed25519_public_from_seed succeeds", i + 1);
		IS_MEM(ours, want, 32, "RFC 8032 TEST %d public key from keydrop's derivation", i + 1);

		uint8_t msg[2], sg[64];
		size_t mlen = strlen(sig[i][0]) / 2;
		tap_hex(sig[i][0], msg, sizeof msg);
		tap_hex(sig[i][1], sg, sizeof sg);
		OK(crypto_sign_ed25519_verify_detached(sg, msg, mlen, want) == 0, "RFC 8032 TEST %d signature verifies", i + 1);
		sg[5] ^= 1; /* R changed: the hash over R || A || M no longer matches */
		OK(crypto_sign_ed25519_verify_detached(sg, msg, mlen, want) != 0, "TEST %d: altered R refused", i + 1);
		sg[5] ^= 1;
		msg[0] ^= 0x80;
		OK(mlen == 0 || crypto_sign_ed25519_verify_detached(sg, msg, mlen, want) != 0,
		   "TEST %d: altered message refused", i + 1);

		uint8_t blob[64];
		struct sshbuf_w w;
		struct keyblob_info info;
		sshbuf_w_init(&w, blob, sizeof blob);
		sshbuf_put_cstring(&w, "ssh-ed25519");
		sshbuf_put_string(&w, pk, 32);
		OK(!w.err && w.len == 51, "TEST %d SSH blob is 51 bytes", i + 1);
		OK(keyblob_inspect(blob, w.len, &info) == KB_OK && info.bits == 256 && info.family == KF_ED25519,
		   "TEST %d blob inspects as ED25519 256", i + 1);
	}
	return tap_done();
}
