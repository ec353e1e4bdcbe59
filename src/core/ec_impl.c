/* ec_impl.c: dispatch per curve between br_ec_prime_i31 and br_ec_c25519_m31. */
#include "ec_impl.h"

static const br_ec_impl *pick(int curve)
{
	return curve == BR_EC_curve25519 ? &br_ec_c25519_m31 : &br_ec_prime_i31;
}

static const unsigned char *ec_generator(int curve, size_t *len)
{
	return pick(curve)->generator(curve, len);
}

static const unsigned char *ec_order(int curve, size_t *len)
{
	return pick(curve)->order(curve, len);
}

static size_t ec_xoff(int curve, size_t *len)
{
	return pick(curve)->xoff(curve, len);
}

static uint32_t ec_mul(unsigned char *G, size_t Glen, const unsigned char *x, size_t xlen, int curve)
{
	return pick(curve)->mul(G, Glen, x, xlen, curve);
}

static size_t ec_mulgen(unsigned char *R, const unsigned char *x, size_t xlen, int curve)
{
	return pick(curve)->mulgen(R, x, xlen, curve);
}

static uint32_t ec_muladd(unsigned char *A, const unsigned char *B, size_t len, const unsigned char *x,
			  size_t xlen, const unsigned char *y, size_t ylen, int curve)
{
	return pick(curve)->muladd(A, B, len, x, xlen, y, ylen, curve);
}

const br_ec_impl keydrop_ec = {
	(uint32_t)((1 << BR_EC_secp256r1) | (1 << BR_EC_secp384r1) | (1 << BR_EC_secp521r1) |
		   (1 << BR_EC_curve25519)),
	&ec_generator, &ec_order, &ec_xoff, &ec_mul, &ec_mulgen, &ec_muladd,
};
