/* t_bcrypt.c: Blowfish (blowfish.c) and OpenSSH's bcrypt_pbkdf (bcrypt_pbkdf.c) against published
 * vectors, plus vectors computed by an independent implementation for the key lengths and rounds
 * OpenSSH's key files use, and the argument checks. */
#include <stdint.h>
#include <bearssl.h>

#include "bcrypt_pbkdf.h"
#include "blowfish.h"
#include "tap.h"

static uint32_t be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Encrypts the 8-byte block hex `pt` under `key` (standard key schedule), compares with `ct`. */
static int bf_ecb_matches(const uint8_t *key, size_t keylen, const char *pt_hex, const char *ct_hex)
{
	uint8_t pt[8], ct[8];
	struct blowfish_state st;
	tap_hex(pt_hex, pt, 8);
	tap_hex(ct_hex, ct, 8);
	blowfish_setkey(&st, key, keylen);
	uint32_t l = be32(pt), r = be32(pt + 4);
	blowfish_encipher(&st, &l, &r);
	return l == be32(ct) && r == be32(ct + 4);
}

/* Eric Young's Blowfish vectors as published by Bruce Schneier (schneier.com, "vectors.txt": ecb
 * test data and set_key test data). */
static void test_blowfish(void)
{
	static const char *ecb[][3] = { /* key, plaintext, ciphertext */
		{ "0000000000000000", "0000000000000000", "4EF997456198DD78" },
		{ "FFFFFFFFFFFFFFFF", "FFFFFFFFFFFFFFFF", "51866FD5B85ECB8A" },
		{ "3000000000000000", "1000000000000001", "7D856F9A613063F2" },
		{ "1111111111111111", "1111111111111111", "2466DD878B963C9D" },
		{ "0123456789ABCDEF", "1111111111111111", "61F9C3802281B096" },
		{ "1111111111111111", "0123456789ABCDEF", "7D0CC630AFDA1EC7" },
		{ "0000000000000000", "0000000000000000", "4EF997456198DD78" },
		{ "FEDCBA9876543210", "0123456789ABCDEF", "0ACEAB0FC6A0A28D" },
		{ "7CA110454A1A6E57", "01A1D6D039776742", "59C68245EB05282B" },
		{ "0131D9619DC1376E", "5CD54CA83DEF57DA", "B1B8CC0B250F09A0" },
		{ "07A1133E4A0B2686", "0248D43806F67172", "1730E5778BEA1DA4" },
		{ "3849674C2602319E", "51454B582DDF440A", "A25E7856CF2651EB" },
		{ "04B915BA43FEB5B6", "42FD443059577FA2", "353882B109CE8F1A" },
		{ "0113B970FD34F2CE", "059B5E0851CF143A", "48F4D0884C379918" },
		{ "0170F175468FB5E6", "0756D8E0774761D2", "432193B78951FC98" },
		{ "43297FAD38E373FE", "762514B829BF486A", "13F04154D69D1AE5" },
		{ "07A7137045DA2A16", "3BDD119049372802", "2EEDDA93FFD39C79" },
		{ "04689104C2FD3B2F", "26955F6835AF609A", "D887E0393C2DA6E3" },
		{ "37D06BB516CB7546", "164D5E404F275232", "5F99D04F5B163969" },
		{ "1F08260D1AC2465E", "6B056E18759F5CCA", "4A057A3B24D3977B" },
		{ "584023641ABA6176", "004BD6EF09176062", "452031C1E4FADA8E" },
		{ "025816164629B007", "480D39006EE762F2", "7555AE39F59B87BD" },
		{ "49793EBC79B3258F", "437540C8698F3CFA", "53C55F9CB49FC019" },
		{ "4FB05E1515AB73A7", "072D43A077075292", "7A8E7BFA937E89A3" },
		{ "49E95D6D4CA229BF", "02FE55778117F12A", "CF9C5D7A4986ADB5" },
		{ "018310DC409B26D6", "1D9D5C5018F728C2", "D1ABB290658BC778" },
		{ "1C587F1C13924FEF", "305532286D6F295A", "55CB3774D13EF201" },
		{ "0101010101010101", "0123456789ABCDEF", "FA34EC4847B268B2" },
		{ "1F1F1F1F0E0E0E0E", "0123456789ABCDEF", "A790795108EA3CAE" },
		{ "E0FEE0FEF1FEF1FE", "0123456789ABCDEF", "C39E072D9FAC631D" },
		{ "0000000000000000", "FFFFFFFFFFFFFFFF", "014933E0CDAFF6E4" },
		{ "FFFFFFFFFFFFFFFF", "0000000000000000", "F21E9A77B71C49BC" },
		{ "0123456789ABCDEF", "0000000000000000", "245946885754369A" },
		{ "FEDCBA9876543210", "FFFFFFFFFFFFFFFF", "6B5C5A9C5D9E0A5A" },
	};
	for (size_t i = 0; i < sizeof ecb / sizeof ecb[0]; i++) {
		uint8_t key[8];
		tap_hex(ecb[i][0], key, 8);
		OK(bf_ecb_matches(key, 8, ecb[i][1], ecb[i][2]), "Blowfish ECB vector %zu: key %s", i + 1, ecb[i][0]);
	}

	/* set_key: the first 1..24 bytes of one key, one plaintext: keys shorter than the 72 bytes the
	 * schedule reads, so the key stream wraps around at every length (stream2word). */
	static const char *setkey_ct[24] = {
		"F9AD597C49DB005E", "E91D21C1D961A6D6", "E9C2B70A1BC65CF3", "BE1E639408640F05",
		"B39E44481BDB1E6E", "9457AA83B1928C0D", "8BB77032F960629D", "E87A244E2CC85E82",
		"15750E7A4F4EC577", "122BA70B3AB64AE0", "3A833C9AFFC537F6", "9409DA87A90F6BF2",
		"884F80625060B8B4", "1F85031C19E11968", "79D9373A714CA34F", "93142887EE3BE15C",
		"03429E838CE2D14B", "A4299E27469FF67B", "AFD5AED1C1BC96A8", "10851C0E3858DA9F",
		"E6F51ED79B9DB21F", "64A6E14AFD36B46F", "80C7D7D45A5479AD", "05044B62FA52D080",
	};
	uint8_t long_key[24];
	tap_hex("F0E1D2C3B4A5968778695A4B3C2D1E0F0011223344556677", long_key, sizeof long_key);
	for (size_t n = 1; n <= 24; n++)
		OK(bf_ecb_matches(long_key, n, "FEDCBA9876543210", setkey_ct[n - 1]),
		   "Blowfish set_key vector: %zu-byte key", n);

	/* The initial state's two ends (pi = 3.243F6A88 85A308D3 ... in hexadecimal). */
	struct blowfish_state st;
	blowfish_initstate(&st);
	OK(st.p[0] == 0x243f6a88u && st.p[1] == 0x85a308d3u, "initial P-array starts with pi's digits");
	OK(st.s[3][255] == 0x3ac372e6u, "initial S-box 4 ends with word 1042 of pi's digits");

	/* The two-state expansion equals two one-state expansions (different keys, lengths that wrap). */
	static struct blowfish_state a[2], b[2];
	static const uint8_t k0[] = "first key, 29 bytes long.....", k1[] = "second key, 29 bytes long....";
	for (int j = 0; j < 2; j++) {
		blowfish_setkey(&a[j], j ? k1 : k0, 29);
		b[j] = a[j];
	}
	blowfish_expand0state(&a[0], k1, 29);
	blowfish_expand0state(&a[1], k0, 29);
	blowfish_expand0state2(&b[0], k1, &b[1], k0, 29);
	IS_MEM(&a[0], &b[0], sizeof a[0], "expand0state2: first state as expand0state");
	IS_MEM(&a[1], &b[1], sizeof a[1], "expand0state2: second state as expand0state");
	uint32_t blocks[4] = { 1, 2, 3, 4 }, l = 3, r = 4;
	blowfish_ecb_encrypt(&a[0], blocks, 2);
	blowfish_encipher(&a[0], &l, &r);
	OK(blocks[2] == l && blocks[3] == r && blocks[0] != 1, "ECB encrypts each block as encipher does");

	/* stream2word wraps around within a word and leaves *pos in range. */
	static const uint8_t three[3] = { 1, 2, 3 };
	size_t pos = 0;
	IS_INT(blowfish_stream2word(three, 3, &pos), 0x01020301, "stream2word wraps inside a word");
	IS_INT(pos, 1, "stream2word position after wrapping");
	IS_INT(blowfish_stream2word(three, 3, &pos), 0x02030102, "stream2word continues cyclically");
}

struct kdf_vec {
	const char *pass;
	size_t passlen;
	const char *salt;
	size_t saltlen;
	unsigned rounds;
	const char *key_hex;
};

static void check_kdf(const char *what, size_t idx, const struct kdf_vec *v)
{
	uint8_t want[256], got[256 + 8];
	size_t n = strlen(v->key_hex) / 2;
	tap_hex(v->key_hex, want, sizeof want);
	memset(got, 0xa5, sizeof got);
	int rc = bcrypt_pbkdf(v->pass, v->passlen, (const uint8_t *)v->salt, v->saltlen, got, n, v->rounds);
	OK(rc == 0 && memcmp(got, want, n) == 0, "%s %zu: %zu-byte key, %u rounds", what, idx, n, v->rounds);
	uint8_t canary[8];
	memset(canary, 0xa5, sizeof canary);
	IS_MEM(got + n, canary, sizeof canary, "%s %zu: nothing written past the key", what, idx);
}

#define S(lit) lit, sizeof(lit) - 1

static void test_kdf_published(void)
{
	/* OpenBSD's regress vectors for bcrypt_pbkdf, as published in pyca/bcrypt's
	 * tests/test_bcrypt.py (test_kdf) and RustCrypto's bcrypt-pbkdf tests/test_vectors.rs
	 * (test_openbsd_vectors). */
	static const struct kdf_vec v[] = {
		{ S("password"), S("salt"), 4, "5bbf0cc293587f1c3635555c27796598d47e579071bf427e9d8fbe842aba34d9" },
		{ S("password"), S("\0"), 4, "c12b566235eee04c212598970a579a67" },
		{ S("\0"), S("salt"), 4, "6051be18c2f4f82cbf0efee5471b4bb9" },
		{ S("password\0"), S("salt\0"), 4, "7410e44cf4fa07bfaac8a928b1727fac001375e7bf7384370f48efd121743050" },
		{ S("pass\0wor"), S("sa\0l"), 4, "c2bffd9db38f6569efef4372f4de83c0" },
		{ S("pass\0word"), S("sa\0lt"), 4, "4ba4ac3925c0e8d7f0cdb6bb1684a56f" },
		{ S("password"), S("salt"), 8,
		  "e1367ec5151a33faac4cc1c144cd23fa15d5548493ecc99b9b5d9c0d3b27bec7"
		  "6227ea66088b849b20ab7aa478010246e74bba51723fefa9f9474d6508845e8d" },
		{ S("password"), S("salt"), 42, "833cf0dcf56db65608e8f0dc0ce882bd" },
		{ S("Lorem ipsum dolor sit amet, consectetur adipisicing elit, sed do eiusmod tempor "
		    "incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud "
		    "exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure "
		    "dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. "
		    "Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt "
		    "mollit anim id est laborum."),
		  S("salis\0"), 8, "10978b07253df57f71a162eb0e8ad30a" },
		{ S("\x0d\xb3\xac\x94\xb3\xee\x53\x28\x4f\x4a\x22\x89\x3b\x3c\x24\xae"),
		  S("\x3a\x62\xf0\xf0\xdb\xce\xf8\x23\xcf\xcc\x85\x48\x56\xea\x10\x28"), 8,
		  "204438175eee7ce136c91b49a67923ff" },
		{ S("\x0d\xb3\xac\x94\xb3\xee\x53\x28\x4f\x4a\x22\x89\x3b\x3c\x24\xae"),
		  S("\x3a\x62\xf0\xf0\xdb\xce\xf8\x23\xcf\xcc\x85\x48\x56\xea\x10\x28"), 8,
		  "2054b9fff34e3721440334746828e9ed38de4b72e0a69adc170a13b5e8d64638"
		  "5ea4034ae6d26600ee2332c5ed40ad557c86e3403fbb30e4e1dc1ae06b99a071"
		  "368f518d2c426651c9e7e437fd6c915b1bbfc3a4cea71491490ea7afb7dd0290"
		  "a678a4f441128db1792eab2776b21eb4238e0715add4127dff44e4b3e4cc4c4f"
		  "9970083f3f74bd698873fdf648844f75c9bf7f9e0c4d9e5d89a7783997492966"
		  "616707611cb901de31a19726b6e08c3a8001661f2d5c9dcc33b4aa072f90dd0b"
		  "3f548d5eeba4211397e2fb062e526e1d68f46a4ce256185b4badc2685fbe78e1"
		  "c7657b59f83ab9ab80cf9318d6add1f5933f12d6f36182c8e8115f68030a1244" },
		{ S("\xe1\xbd\x88\xce\xb4\xcf\x85\xcf\x83\xcf\x83\xce\xb5\xcf\x8d\xcf\x82"),
		  S("\xce\xa4\xce\xb7\xce\xbb\xce\xad\xce\xbc\xce\xb1\xcf\x87\xce\xbf\xcf\x82"), 8,
		  "43666c9b09ef33ed8c27e8e8f3e2d8e6" },
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		check_kdf("published bcrypt_pbkdf vector", i + 1, &v[i]);
}

static void test_kdf_computed(void)
{
	/* Not published: computed with pyca/bcrypt 3.2.2 (Debian's python3-bcrypt; its kdf is the
	 * OpenBSD C code), `bcrypt.kdf(pass, salt, keylen, rounds, ignore_few_rounds=True)`, for the
	 * shapes OpenSSH key files use that the published set lacks: 48-byte keys (aes256-ctr key +
	 * IV) with 16-byte salts at ssh-keygen's default 16 rounds and at 1, and odd strides (40, 88,
	 * 33 bytes: a last block that supplies fewer bytes), 50 rounds, a 1024-byte salt. */
	static const char salt16[] = "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f";
	static char salt1024[1024], pass100[100];
	memset(salt1024, 0xa5, sizeof salt1024);
	memset(pass100, 0xff, sizeof pass100);
	const struct kdf_vec v[] = {
		{ S("pass"), salt16, 16, 16,
		  "3709ec7602b1ab21d29ed0c87fa2044b8e5cb3e917363f913351da7b90cedc40f5d54a876216752923c227c454044ab1" },
		{ S("pass"), salt16, 16, 1,
		  "65cc2ac266b26fe18642e54ab16e40804cd22d0a5e8a06f4b7a2dabcf55a11dc0cd8d27c76017b371000e5057cc6ce0d" },
		{ S("correct horse battery staple"), salt16, 16, 50,
		  "eae6ccc51b4effec932ec80d1693b770be19b63ea9f96f9c941d6baf45e3a7d8ff7a3c6c8d256a4c" },
		{ S("password"), S("salt"), 4,
		  "5ba4e7bfc6120c7a55c2723b9314b85840067f4cb91c499436ea92356c3055121b5c5a17279bfe791dad65bfeb984202"
		  "d49ddd7e1b98572aef9052f3715e1abfa91d421ee47e94e39d8f348f1979be32b884732c2af108ba" },
		{ S("password"), S("salt"), 12, "1aa6e4c62c050539d4e087f7bc8b0259f6f1493421aca4abeb8ee4ffeada9319bc" },
		{ pass100, sizeof pass100, salt1024, sizeof salt1024, 2,
		  "87f09fc58699b47b3ed94d6a94165d8e4f6604db0590f08c95102ebf3c9fd63b"
		  "fef02cc1fcd5d5a6ec82d1b65b4d9b7be797e54c70c66f317fba4f71a80fc4f4" },
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		check_kdf("computed bcrypt_pbkdf vector", i + 1, &v[i]);

	/* 512 bytes (stride 16), compared through its SHA-256 (same source, hashlib.sha256). */
	static uint8_t key[512];
	uint8_t h[32], want[32];
	br_sha256_context c;
	tap_hex("2dda17dbebac13937fb202c76b636c0a66476eab02787ddcbd08cb099d588c15", want, sizeof want);
	OK(bcrypt_pbkdf("x", 1, (const uint8_t *)"y", 1, key, sizeof key, 1) == 0, "512-byte key derived");
	br_sha256_init(&c);
	br_sha256_update(&c, key, sizeof key);
	br_sha256_out(&c, h);
	IS_MEM(h, want, 32, "computed bcrypt_pbkdf vector: 512-byte key, 1 round (SHA-256 of it)");
}

static void test_kdf_args(void)
{
	static uint8_t key[BCRYPT_KEY_MAX + 1], salt[BCRYPT_SALT_MAX + 1], untouched[BCRYPT_KEY_MAX + 1];
	memset(key, 0x5a, sizeof key);
	memset(untouched, 0x5a, sizeof untouched);
	IS_INT(bcrypt_pbkdf("p", 1, salt, 16, key, 32, 0), -1, "rounds 0 refused");
	IS_INT(bcrypt_pbkdf("p", 1, salt, 16, key, 0, 16), -1, "keylen 0 refused");
	IS_INT(bcrypt_pbkdf("p", 1, salt, 16, key, BCRYPT_KEY_MAX + 1, 1), -1, "keylen above 1024 refused");
	IS_INT(bcrypt_pbkdf("p", 1, salt, 0, key, 32, 16), -1, "saltlen 0 refused");
	IS_INT(bcrypt_pbkdf("p", 1, salt, BCRYPT_SALT_MAX + 1, key, 32, 1), -1, "saltlen above 1024 refused");
	IS_INT(bcrypt_pbkdf("p", 1, NULL, 16, key, 32, 1), -1, "NULL salt refused");
	IS_INT(bcrypt_pbkdf("p", 1, salt, 16, NULL, 32, 1), -1, "NULL key refused");
	IS_INT(bcrypt_pbkdf(NULL, 1, salt, 16, key, 32, 1), -1, "NULL passphrase with a length refused");
	IS_MEM(key, untouched, sizeof key, "a refused call leaves the key buffer untouched");

	IS_INT(bcrypt_pbkdf("p", 1, salt, BCRYPT_SALT_MAX, key, BCRYPT_KEY_MAX, 1), 0,
	       "1024-byte salt and 1024-byte key accepted");
	OK(key[BCRYPT_KEY_MAX] == 0x5a, "1024-byte key: nothing written past it");
	IS_INT(bcrypt_pbkdf(NULL, 0, salt, 16, key, 32, 1), 0, "empty passphrase accepted (NULL, 0)");
	uint8_t k2[32];
	IS_INT(bcrypt_pbkdf("", 0, salt, 16, k2, 32, 1), 0, "empty passphrase accepted (\"\", 0)");
	IS_MEM(key, k2, 32, "empty passphrase: same key whether pass is NULL or \"\"");
}

int main(void)
{
	test_blowfish();
	test_kdf_published();
	test_kdf_computed();
	test_kdf_args();
	return tap_done();
}
