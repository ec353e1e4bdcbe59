/* t_b64.c: RFC 4648 §10 test vectors, strictness, and the unpadded form of SHA256 fingerprints. */
#include <string.h>

#include "b64.h"
#include "tap.h"

int main(void)
{
	static const char *vec[][2] = { { "", "" },	    { "f", "Zg==" },	     { "fo", "Zm8=" },
					{ "foo", "Zm9v" },  { "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" },
					{ "foobar", "Zm9vYmFy" } };
	char out[64];
	uint8_t bin[64];

	for (size_t i = 0; i < sizeof vec / sizeof vec[0]; i++) {
		long n = b64_encode((const uint8_t *)vec[i][0], strlen(vec[i][0]), out, sizeof out, 1);
		IS_INT(n, strlen(vec[i][1]), "encode length '%s'", vec[i][0]);
		IS_STR(out, vec[i][1], "RFC 4648 encode '%s'", vec[i][0]);
		n = b64_decode(vec[i][1], strlen(vec[i][1]), bin, sizeof bin);
		IS_INT(n, strlen(vec[i][0]), "decode length '%s'", vec[i][1]);
		OK(n >= 0 && memcmp(bin, vec[i][0], (size_t)n) == 0, "RFC 4648 decode '%s'", vec[i][1]);
	}
	b64_encode((const uint8_t *)"fo", 2, out, sizeof out, 0);
	IS_STR(out, "Zm8", "unpadded encoding (fingerprints)");
	IS_INT(b64_decode("Zm8", 3, bin, sizeof bin), -1, "missing padding is rejected (as OpenSSH)");
	IS_INT(b64_decode("Zm9=", 4, bin, sizeof bin), -1, "non-canonical trailing bits are rejected");
	IS_INT(b64_decode("Zm 8=", 5, bin, sizeof bin), -1, "blanks inside are rejected");
	IS_INT(b64_decode("Zg===", 5, bin, sizeof bin), -1, "three pad characters are rejected");
	IS_INT(b64_decode("Z===", 4, bin, sizeof bin), -1, "a lone sextet is rejected");
	IS_INT(b64_decode("Zm9vYmFy", 8, bin, 5), -2, "output capacity is enforced");
	IS_INT(b64_encode((const uint8_t *)"foobar", 6, out, 8, 1), -1, "encode capacity counts the NUL");
	return tap_done();
}
