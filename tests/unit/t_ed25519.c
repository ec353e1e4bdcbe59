/* t_ed25519.c: RFC 8032 §7.1 TEST 1-3, public keys from secret seeds, by keydrop's derivation
 * (ed25519.c, variable-base multiplication) and by libsodium's own seed_keypair, and the SSH
 * encoding keygen builds from them. */
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
