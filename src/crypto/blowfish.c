/* blowfish.c: Blowfish (Schneier 1993) and the eksblowfish key schedule steps. See blowfish.h. */
#include <string.h>

#include "blowfish.h"
#include "blowfish_pi.h" /* build/gen, made by scripts/mk/blowfish_pi.c */

_Static_assert(BLOWFISH_PI_WORDS == 18 + 4 * 256, "initial state is P then the four S-boxes");

void blowfish_initstate(struct blowfish_state *st)
{
	memcpy(st->p, blowfish_pi, sizeof st->p);
	memcpy(st->s, blowfish_pi + 18, sizeof st->s);
}

uint32_t blowfish_stream2word(const uint8_t *data, size_t len, size_t *pos)
{
	uint32_t w = 0;
	size_t j = *pos;
	for (int i = 0; i < 4; i++) {
		if (j >= len)
			j = 0;
		w = w << 8 | data[j++];
	}
	*pos = j >= len ? 0 : j;
	return w;
}

/* F(x) = ((S1[a] + S2[b]) ^ S3[c]) + S4[d], a..d the bytes of x from the most significant. */
#define BF_F(s, x) ((((s)[0][(x) >> 24] + (s)[1][((x) >> 16) & 0xff]) ^ (s)[2][((x) >> 8) & 0xff]) + (s)[3][(x) & 0xff])
/* Two of the paper's rounds, without the swaps: the halves alternate roles instead. */
#define BF_2ROUNDS(s, p, a, b, k)            \
	do {                                 \
		(b) ^= BF_F(s, a) ^ (p)[k];  \
		(a) ^= BF_F(s, b) ^ (p)[k + 1]; \
	} while (0)

/* The hot loop of bcrypt (each expand step runs it 521 times): inlined into the callers below. */
static inline void bf_encipher(const struct blowfish_state *st, uint32_t *xl, uint32_t *xr)
{
	const uint32_t(*s)[256] = st->s;
	const uint32_t *p = st->p;
	uint32_t a = *xl ^ p[0], b = *xr;
	BF_2ROUNDS(s, p, a, b, 1);
	BF_2ROUNDS(s, p, a, b, 3);
	BF_2ROUNDS(s, p, a, b, 5);
	BF_2ROUNDS(s, p, a, b, 7);
	BF_2ROUNDS(s, p, a, b, 9);
	BF_2ROUNDS(s, p, a, b, 11);
	BF_2ROUNDS(s, p, a, b, 13);
	BF_2ROUNDS(s, p, a, b, 15);
	*xl = b ^ p[17];
	*xr = a;
}

void blowfish_encipher(const struct blowfish_state *st, uint32_t *xl, uint32_t *xr)
{
	bf_encipher(st, xl, xr);
}

void blowfish_ecb_encrypt(const struct blowfish_state *st, uint32_t *data, size_t nblocks)
{
	for (size_t i = 0; i < nblocks; i++)
		bf_encipher(st, &data[2 * i], &data[2 * i + 1]);
}

static void bf_xor_key(struct blowfish_state *st, const uint8_t *key, size_t keylen)
{
	size_t pos = 0;
	for (int i = 0; i < 18; i++)
		st->p[i] ^= blowfish_stream2word(key, keylen, &pos);
}

/* P ^= key words; then every subkey pair, P first and then S, becomes the encryption of the
 * previous pair (zero at first). The loop bcrypt spends its time in (128 of 129 calls). */
void blowfish_expand0state(struct blowfish_state *st, const uint8_t *key, size_t keylen)
{
	uint32_t l = 0, r = 0;
	bf_xor_key(st, key, keylen);
	for (int i = 0; i < 18; i += 2) {
		bf_encipher(st, &l, &r);
		st->p[i] = l;
		st->p[i + 1] = r;
	}
	for (int i = 0; i < 4; i++) {
		for (int k = 0; k < 256; k += 2) {
			bf_encipher(st, &l, &r);
			st->s[i][k] = l;
			st->s[i][k + 1] = r;
		}
	}
}

/* As blowfish_expand0state, the pair XORed with the next 8 bytes of data before each encryption. */
void blowfish_expandstate(struct blowfish_state *st, const uint8_t *data, size_t datalen,
			  const uint8_t *key, size_t keylen)
{
	size_t pos = 0;
	uint32_t l = 0, r = 0;
	bf_xor_key(st, key, keylen);
	for (int i = 0; i < 18 + 4 * 256; i += 2) {
		l ^= blowfish_stream2word(data, datalen, &pos);
		r ^= blowfish_stream2word(data, datalen, &pos);
		bf_encipher(st, &l, &r);
		uint32_t *dst = i < 18 ? &st->p[i] : &st->s[(i - 18) / 256][(i - 18) % 256];
		dst[0] = l;
		dst[1] = r;
	}
}

void blowfish_setkey(struct blowfish_state *st, const uint8_t *key, size_t keylen)
{
	blowfish_initstate(st);
	blowfish_expand0state(st, key, keylen);
}
