/* t_sshbuf.c: SSH wire encoding, with the mpint examples of RFC 4251 §5. */
#include "sshbuf.h"
#include "tap.h"

int main(void)
{
	uint8_t buf[64], want[64];
	struct sshbuf_w w;
	struct sshbuf_r r;
	size_t n;

	/* RFC 4251 §5 mpint examples (positive ones; SSH keys never hold negative numbers). */
	static const struct {
		const char *mag, *wire;
	} mp[] = {
		{ "", "00000000" },
		{ "09a378f9b2e332a7", "0000000809a378f9b2e332a7" },
		{ "80", "000000020080" },
		{ "0080", "000000020080" }, /* leading zeros of the magnitude are dropped */
	};
	for (size_t i = 0; i < sizeof mp / sizeof mp[0]; i++) {
		uint8_t mag[16];
		size_t ml = tap_hex(mp[i].mag, mag, sizeof mag), wl = tap_hex(mp[i].wire, want, sizeof want);
		sshbuf_w_init(&w, buf, sizeof buf);
		sshbuf_put_mpint(&w, mag, ml);
		OK(!w.err && w.len == wl && memcmp(buf, want, wl) == 0, "mpint 0x%s encodes as RFC 4251 says", mp[i].mag);
	}

	sshbuf_w_init(&w, buf, sizeof buf);
	sshbuf_put_cstring(&w, "ssh-ed25519");
	sshbuf_put_u32(&w, 0xdeadbeef);
	n = tap_hex("0000000b7373682d65643235353139deadbeef", want, sizeof want);
	OK(!w.err && w.len == n && memcmp(buf, want, n) == 0, "string and uint32 encode big-endian");

	sshbuf_r_init(&r, buf, w.len);
	OK(sshbuf_get_expect(&r, "ssh-ed25519") == 0, "expect matches the type string");
	uint32_t v = 0;
	OK(sshbuf_get_u32(&r, &v) == 0 && v == 0xdeadbeef, "uint32 reads back");
	OK(sshbuf_get_u32(&r, &v) < 0, "reading past the end fails");

	/* A string length that runs past the buffer must fail and leave the reader where it was. */
	n = tap_hex("000000ff6162", want, sizeof want);
	sshbuf_r_init(&r, want, n);
	const uint8_t *s;
	OK(sshbuf_get_string(&r, &s, &n) < 0 && r.off == 0, "truncated string fails without moving");

	/* Extra leading zeros are tolerated (as OpenSSH) and stripped; negative mpints are malformed. */
	n = tap_hex("00000003000001", want, sizeof want);
	sshbuf_r_init(&r, want, n);
	OK(sshbuf_get_mpint(&r, &s, &n) == 0 && n == 1 && s[0] == 1, "mpint with needless leading zeros reads as its value");
	n = tap_hex("0000000180", want, sizeof want);
	sshbuf_r_init(&r, want, n);
	OK(sshbuf_get_mpint(&r, &s, &n) < 0, "negative mpint is rejected");

	/* Writer overflow is sticky. */
	sshbuf_w_init(&w, buf, 6);
	sshbuf_put_cstring(&w, "abc");
	sshbuf_put_u8(&w, 1);
	OK(w.err, "writing past capacity sets the error");

	uint8_t m[] = { 0x00, 0x01, 0xff };
	IS_INT(sshbuf_bits(m, 3), 9, "bit length ignores leading zero bytes");
	return tap_done();
}
