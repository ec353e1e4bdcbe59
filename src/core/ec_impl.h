/* ec_impl.h: the elliptic-curve implementation keydrop uses everywhere (ECDSA keys, TLS ECDHE and
 * certificate checks): BearSSL's generic constant-time i31 code for P-256/384/521 and its m31 code
 * for Curve25519. BearSSL's br_ec_all_m31 adds a P-256-only implementation (about 8 KiB) that is
 * faster but does not fit the binary's size budget; at one key or one handshake per run the
 * difference is a fraction of a millisecond. */
#ifndef KEYDROP_EC_IMPL_H
#define KEYDROP_EC_IMPL_H
#include <bearssl.h>

extern const br_ec_impl keydrop_ec;

#endif
