/* fuzz_pemkey.c: the PEM / PKCS#8 private key reader (armour, base64, strict DER). Invariants: every
 * pointer it returns lies inside the work buffer, and only the documented results come back. */
#include <stddef.h>
#include <stdint.h>

#include "pemkey.h"
#include "privkey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(const uint8_t *work, size_t cap, const uint8_t *p, size_t n)
{
	if (n && (p < work || p + n > work + cap))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t work[PRIVKEY_BLOB_MAX];
	struct pemkey k;
	int r = pemkey_decode((const char *)data, size, work, sizeof work, &k);

	if (r != PK_OK && r != PK_NOT_KEY && r != PK_PEM_ENCRYPTED && r != PK_DSA && r != PK_TYPE && r != PK_MULTI &&
	    r != PK_TOOBIG && r != PK_FORMAT)
		__builtin_trap();
	if (r == PK_OK) {
		if (k.alg == PEMKEY_RSA) {
			inside(work, sizeof work, k.n.p, k.n.n);
			inside(work, sizeof work, k.e.p, k.e.n);
			inside(work, sizeof work, k.d.p, k.d.n);
			inside(work, sizeof work, k.p.p, k.p.n);
			inside(work, sizeof work, k.q.p, k.q.n);
			inside(work, sizeof work, k.iqmp.p, k.iqmp.n);
			if (!k.n.n || !k.e.n || !k.d.n)
				__builtin_trap();
		} else if (k.alg == PEMKEY_EC) {
			size_t fb = (k.curve + 7) / 8;
			if ((k.curve != 256 && k.curve != 384 && k.curve != 521) || k.ecd.n == 0 || k.ecd.n > fb)
				__builtin_trap();
			inside(work, sizeof work, k.ecd.p, k.ecd.n);
			inside(work, sizeof work, k.ecq, k.ecqlen);
		} else if (k.alg == PEMKEY_ED25519) {
			inside(work, sizeof work, k.seed, 32);
			if (k.edpub)
				inside(work, sizeof work, k.edpub, 32);
		} else {
			__builtin_trap();
		}
	}
	if (r == PK_DSA) {
		inside(work, sizeof work, k.dp.p, k.dp.n);
		inside(work, sizeof work, k.dy.p, k.dy.n);
		inside(work, sizeof work, k.dx.p, k.dx.n);
	}
	return 0;
}
