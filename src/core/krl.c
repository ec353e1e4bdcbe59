/* krl.c: OpenSSH KRL structure check (see krl.h; section numbers are PROTOCOL.krl's). */
#include <string.h>

#include "keyblob.h"
#include "krl.h"
#include "sshbuf.h"

enum {
	SEC_CERTIFICATES = 1, SEC_EXPLICIT_KEY = 2, SEC_FP_SHA1 = 3, SEC_SIGNATURE = 4, SEC_FP_SHA256 = 5,
	CERT_SERIAL_LIST = 0x20, CERT_SERIAL_RANGE = 0x21, CERT_SERIAL_BITMAP = 0x22, CERT_KEY_ID = 0x23
};

static int get_u64(struct sshbuf_r *r, uint64_t *v)
{
	uint32_t hi, lo;
	if (sshbuf_get_u32(r, &hi) != 0 || sshbuf_get_u32(r, &lo) != 0)
		return -1;
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

/* sshd reads these with sshbuf_get_cstring: a NUL anywhere but at the end refuses the whole KRL. */
static int get_cstring(struct sshbuf_r *r)
{
	const uint8_t *s, *z;
	size_t n;

	if (sshbuf_get_string(r, &s, &n) != 0)
		return -1;
	z = n ? memchr(s, 0, n) : NULL;
	return z && z < s + n - 1 ? -1 : 0;
}

/* §3, §4: strings filling the section (none is fine, as sshd reads it); a fingerprint is fp bytes.
 * sshd keeps them in a tree: order does not matter. */
static int string_list(struct sshbuf_r *r, size_t fp)
{
	const uint8_t *s;
	size_t n;

	while (sshbuf_r_left(r) > 0)
		if (sshbuf_get_string(r, &s, &n) != 0 || (fp && n != fp))
			return -1;
	return 0;
}

/* §2.3 as sshd reads it: the mpint at most 16384 bits (2049 bytes with a sign byte); serial 0 is
 * never revoked (refused); the bitmap may not run past 2^64 - 1. */
static int serial_bitmap(struct sshbuf_r *sub)
{
	const uint8_t *s;
	size_t n, raw;
	uint64_t lo;
	struct sshbuf_r peek;

	if (get_u64(sub, &lo) != 0)
		return -1;
	peek = *sub; /* the mpint's length as sent, before its leading zeros are dropped */
	if (sshbuf_get_string(&peek, &s, &raw) != 0 || raw > 2049 || sshbuf_get_mpint(sub, &s, &n) != 0 ||
	    n > 2048 || sshbuf_r_left(sub) != 0)
		return -1;
	if (n == 0)
		return 0;
	uint64_t nbits = (uint64_t)n * 8 - 8;
	for (uint8_t top = s[0]; top; top >>= 1)
		nbits++; /* the highest bit set, + 1 */
	if (lo == 0 && (s[n - 1] & 1))
		return -1; /* bit 0 revokes serial lo = 0 */
	return nbits - 1 > UINT64_MAX - lo ? -1 : 0;
}

/* §2: CA key (empty: every CA; else a key sshd can parse), reserved, then subsections. */
static int cert_section(struct sshbuf_r *r)
{
	const uint8_t *s;
	size_t n;
	uint8_t type;
	uint64_t a, b;
	struct keyblob_info ki;

	/* sshd's sshkey_from_blob: any key it knows, a certificate too */
	if (sshbuf_get_string(r, &s, &n) != 0 || (n && (keyblob_inspect(s, n, &ki) != KB_OK || ki.family == KF_UNKNOWN)) ||
	    sshbuf_get_string(r, &s, &n) != 0)
		return -1;
	while (sshbuf_r_left(r) > 0) {
		struct sshbuf_r sub;
		if (sshbuf_get_u8(r, &type) != 0 || sshbuf_get_string(r, &s, &n) != 0)
			return -1;
		sshbuf_r_init(&sub, s, n);
		switch (type) {
		case CERT_SERIAL_LIST: /* §2.1: uint64 serials, none of them 0 */
			while (sshbuf_r_left(&sub) > 0)
				if (get_u64(&sub, &a) != 0 || a == 0)
					return -1;
			break;
		case CERT_SERIAL_RANGE: /* §2.2: 0 < min <= max */
			if (get_u64(&sub, &a) != 0 || get_u64(&sub, &b) != 0 || a == 0 || a > b || sshbuf_r_left(&sub))
				return -1;
			break;
		case CERT_SERIAL_BITMAP:
			if (serial_bitmap(&sub) != 0)
				return -1;
			break;
		case CERT_KEY_ID: /* §2.4: key IDs, C strings */
			while (sshbuf_r_left(&sub) > 0)
				if (get_cstring(&sub) != 0)
					return -1;
			break;
		default:
			return -1;
		}
	}
	return 0;
}

int krl_parse(const uint8_t *p, size_t n, struct krl_info *out)
{
	static const uint8_t magic[8] = { 'S', 'S', 'H', 'K', 'R', 'L', '\n', 0 };
	struct sshbuf_r r;
	const uint8_t *s;
	size_t len;
	uint32_t format;
	uint64_t flags;
	uint8_t type;

	memset(out, 0, sizeof *out);
	if (n == 0)
		return KRL_E_EMPTY;
	if (n < sizeof magic || memcmp(p, magic, sizeof magic) != 0)
		return KRL_E_MAGIC;
	sshbuf_r_init(&r, p + sizeof magic, n - sizeof magic);
	if (sshbuf_get_u32(&r, &format) != 0)
		return KRL_E_HEADER;
	if (format != 1)
		return KRL_E_FORMAT;
	if (get_u64(&r, &out->version) != 0 || get_u64(&r, &out->generated_date) != 0 || get_u64(&r, &flags) != 0 ||
	    sshbuf_get_string(&r, &s, &len) != 0 || get_cstring(&r) != 0)
		return KRL_E_HEADER;
	while (sshbuf_r_left(&r) > 0) {
		struct sshbuf_r sec;
		int bad;
		if (out->nsections == KRL_SECTIONS_MAX)
			return KRL_E_MANY;
		if (sshbuf_get_u8(&r, &type) != 0 || sshbuf_get_string(&r, &s, &len) != 0)
			return KRL_E_SECTION;
		out->nsections++;
		/* §6: sshd verifies a signature section and refuses the whole KRL (then every key) for
		 * one it cannot verify; keydrop does not check KRL signatures the way sshd does, so a
		 * signed KRL is refused rather than passed on unchecked. */
		if (type == SEC_SIGNATURE)
			return KRL_E_SIGNED;
		sshbuf_r_init(&sec, s, len);
		switch (type) {
		case SEC_CERTIFICATES:
			bad = cert_section(&sec);
			break;
		case SEC_EXPLICIT_KEY:
			bad = string_list(&sec, 0);
			break;
		case SEC_FP_SHA1:
			bad = string_list(&sec, 20);
			break;
		case SEC_FP_SHA256:
			bad = string_list(&sec, 32);
			break;
		default:
			return KRL_E_TYPE;
		}
		if (bad)
			return KRL_E_SECTION;
	}
	return KRL_OK;
}

const char *krl_strerror(int e)
{
	switch (e) {
	case KRL_OK:
		return "ok";
	case KRL_E_EMPTY:
		return "empty body (no KRL)";
	case KRL_E_MAGIC:
		return "not an OpenSSH KRL (no SSHKRL magic)";
	case KRL_E_FORMAT:
		return "unsupported KRL format version (1 expected)";
	case KRL_E_HEADER:
		return "KRL header truncated";
	case KRL_E_SECTION:
		return "KRL section truncated or malformed";
	case KRL_E_TYPE:
		return "unknown KRL section type";
	case KRL_E_SIGNED:
		return "signed KRL (keydrop cannot check its signature as sshd would; serve it unsigned)";
	case KRL_E_MANY:
		return "too many KRL sections";
	}
	return "malformed KRL";
}
