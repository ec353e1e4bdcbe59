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

/* Encrypts the block held in the variables l, r in place, its 16 rounds unrolled. A macro, not a
 * function: it is blowfish_expand0state's loop body, bcrypt's hot loop when it computes one output
 * block (keys of up to 32 bytes: aes128-ctr; 521 blocks per step), and gcc would not inline a
 * function there, passing the halves through memory instead (measured: 7% slower). Only there:
 * every copy costs 1.1 KiB of the binary, and the other users are cold (see blowfish_encipher). */
#define BF_ENCIPHER(st, l, r)                                  \
	do {                                                   \
		const uint32_t(*s_)[256] = (st)->s;            \
		const uint32_t *p_ = (st)->p;                  \
		uint32_t a_ = (l) ^ p_[0], b_ = (r);           \
		BF_2ROUNDS(s_, p_, a_, b_, 1);                 \
		BF_2ROUNDS(s_, p_, a_, b_, 3);                 \
		BF_2ROUNDS(s_, p_, a_, b_, 5);                 \
		BF_2ROUNDS(s_, p_, a_, b_, 7);                 \
		BF_2ROUNDS(s_, p_, a_, b_, 9);                 \
		BF_2ROUNDS(s_, p_, a_, b_, 11);                \
		BF_2ROUNDS(s_, p_, a_, b_, 13);                \
		BF_2ROUNDS(s_, p_, a_, b_, 15);                \
		(l) = b_ ^ p_[17];                             \
		(r) = a_;                                      \
	} while (0)

/* Two independent blocks under two states, their rounds interleaved: one block's rounds form a
 * chain of dependent S-box lookups that leaves most of the CPU idle; two chains fill it (see
 * blowfish_expand0state2). */
#define BF_ENCIPHER2(st0, l0, r0, st1, l1, r1)                 \
	do {                                                   \
		const uint32_t(*s0_)[256] = (st0)->s;          \
		const uint32_t(*s1_)[256] = (st1)->s;          \
		const uint32_t *p0_ = (st0)->p, *p1_ = (st1)->p; \
		uint32_t a0_ = (l0) ^ p0_[0], b0_ = (r0);      \
		uint32_t a1_ = (l1) ^ p1_[0], b1_ = (r1);      \
		for (int k_ = 1; k_ < 17; k_ += 2) {           \
			BF_2ROUNDS(s0_, p0_, a0_, b0_, k_);    \
			BF_2ROUNDS(s1_, p1_, a1_, b1_, k_);    \
		}                                              \
		(l0) = b0_ ^ p0_[17];                          \
		(r0) = a0_;                                    \
		(l1) = b1_ ^ p1_[17];                          \
		(r1) = a1_;                                    \
	} while (0)

/* The rounds as a loop: the callers (blowfish_ecb_encrypt: 256 blocks per bcrypt output block;
 * blowfish_expandstate: 521 blocks once per bcrypt_hash, against 128 x 521 in the expand0state
 * steps) are under 1% of bcrypt's time, and the unrolled rounds cost 1.1 KiB per copy. */
void blowfish_encipher(const struct blowfish_state *st, uint32_t *xl, uint32_t *xr)
{
	const uint32_t(*s)[256] = st->s;
	const uint32_t *p = st->p;
	uint32_t a = *xl ^ p[0], b = *xr;
	for (int k = 1; k < 17; k += 2)
		BF_2ROUNDS(s, p, a, b, k);
	*xl = b ^ p[17];
	*xr = a;
}

void blowfish_ecb_encrypt(const struct blowfish_state *st, uint32_t *data, size_t nblocks)
{
	for (size_t i = 0; i < nblocks; i++)
		blowfish_encipher(st, &data[2 * i], &data[2 * i + 1]);
}

static void bf_xor_key(struct blowfish_state *st, const uint8_t *key, size_t keylen)
{
	size_t pos = 0;
	for (int i = 0; i < 18; i++)
		st->p[i] ^= blowfish_stream2word(key, keylen, &pos);
}

/* P ^= key words; then every subkey pair, P first and then S, becomes the encryption of the
 * previous pair (zero at first). The loop bcrypt spends its time in when it computes one output
 * block (blowfish_expand0state2 computes two). One loop over P and S, so one copy of the rounds. */
void blowfish_expand0state(struct blowfish_state *st, const uint8_t *key, size_t keylen)
{
	uint32_t l = 0, r = 0;
	bf_xor_key(st, key, keylen);
	for (int i = 0; i < 18 + 4 * 256; i += 2) {
		BF_ENCIPHER(st, l, r);
		uint32_t *dst = i < 18 ? &st->p[i] : &st->s[(i - 18) / 256][(i - 18) % 256];
		dst[0] = l;
		dst[1] = r;
	}
}

void blowfish_expand0state2(struct blowfish_state *st0, const uint8_t *key0,
			    struct blowfish_state *st1, const uint8_t *key1, size_t keylen)
{
	uint32_t l0 = 0, r0 = 0, l1 = 0, r1 = 0;
	bf_xor_key(st0, key0, keylen);
	bf_xor_key(st1, key1, keylen);
	for (int i = 0; i < 18; i += 2) {
		BF_ENCIPHER2(st0, l0, r0, st1, l1, r1);
		st0->p[i] = l0;
		st0->p[i + 1] = r0;
		st1->p[i] = l1;
		st1->p[i + 1] = r1;
	}
	for (int i = 0; i < 4; i++) {
		for (int k = 0; k < 256; k += 2) {
			BF_ENCIPHER2(st0, l0, r0, st1, l1, r1);
			st0->s[i][k] = l0;
			st0->s[i][k + 1] = r0;
			st1->s[i][k] = l1;
			st1->s[i][k + 1] = r1;
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
		blowfish_encipher(st, &l, &r);
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
