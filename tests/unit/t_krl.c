/* t_krl.c: the KRL check on real `ssh-keygen -k` output (OpenSSH 9.2p1, seeds of fuzz_krl: see
 * tests/fuzz/corpus/krl/README) and on broken variants made from them: every truncation, wrong
 * magic and format, unknown and misplaced sections, malformed section contents. */
#include <stdint.h>
#include <string.h>

#include "krl.h"
#include "tap.h"

#define DIR "tests/fuzz/corpus/krl/sshkeygen-"

static uint8_t buf[4096], tmp[4096];

static size_t load(const char *name)
{
	char path[256];
	snprintf(path, sizeof path, DIR "%s.krl", name);
	return tap_slurp(path, (char *)buf, sizeof buf);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

/* Appends one section (type, string data) to tmp[0..n); returns the new length. */
static size_t add_section(size_t n, uint8_t type, const void *data, uint32_t len)
{
	tmp[n] = type;
	put32(tmp + n + 1, len);
	memcpy(tmp + n + 5, data, len);
	return n + 5 + len;
}

static int parse_tmp(size_t n)
{
	struct krl_info ki;
	return krl_parse(tmp, n, &ki);
}

int main(void)
{
	static const struct {
		const char *name;
		uint64_t version;
		size_t nsections;
	} seeds[] = { { "empty", 0, 0 }, { "keys", 3, 1 }, { "cert", 4, 1 }, { "fp", 5, 2 },
		      { "mixed", 9, 4 }, { "range", 10, 1 }, { "sparse", 11, 1 } };
	struct krl_info ki;
	size_t n;

	for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
		n = load(seeds[i].name);
		OK(n > 40, "%s.krl read", seeds[i].name);
		IS_INT(krl_parse(buf, n, &ki), KRL_OK, "ssh-keygen -k -z %llu (%s) parses", (unsigned long long)seeds[i].version,
		       seeds[i].name);
		IS_INT(ki.version, seeds[i].version, "%s: krl_version", seeds[i].name);
		IS_INT(ki.nsections, seeds[i].nsections, "%s: sections", seeds[i].name);
		OK(ki.generated_date > 1700000000u, "%s: generated_date is a plausible time", seeds[i].name);
	}

	/* Every cut of the mixed KRL is refused, except at a section boundary: sections are
	 * length-prefixed, so a KRL cut there is a complete, shorter KRL (fewer revocations). */
	n = load("mixed");
	size_t bounds[8], nb = 0, wrong = 0;
	{
		size_t off = 8 + 4 + 24;
		for (int s = 0; s < 2; s++)
			off += 4 + ((size_t)buf[off] << 24 | (size_t)buf[off + 1] << 16 | (size_t)buf[off + 2] << 8 | buf[off + 3]);
		bounds[nb++] = off;
		while (off < n && nb < 8) {
			off += 5 + ((size_t)buf[off + 1] << 24 | (size_t)buf[off + 2] << 16 | (size_t)buf[off + 3] << 8 | buf[off + 4]);
			bounds[nb++] = off;
		}
	}
	IS_INT(nb, 5, "mixed: header end and four section ends found");
	IS_INT(bounds[nb - 1], n, "mixed: the last section ends at the end of the file");
	for (size_t cut = 0; cut < n; cut++) {
		int at_bound = 0;
		for (size_t b = 0; b < nb; b++)
			at_bound |= bounds[b] == cut;
		int r = krl_parse(buf, cut, &ki);
		if ((r == KRL_OK) != at_bound)
			wrong++;
	}
	IS_INT(wrong, 0, "every cut of mixed.krl is refused except the %zu section boundaries", nb - 1);
	IS_INT(krl_parse(buf, 0, &ki), KRL_E_EMPTY, "no bytes: empty");
	IS_INT(krl_parse(buf, 10, &ki), KRL_E_HEADER, "cut in the header: header truncated");
	IS_INT(krl_parse(buf, bounds[1] + 3, &ki), KRL_E_SECTION, "cut in a section's length: section truncated");

	n = load("empty");
	memcpy(tmp, buf, n);
	tmp[0] = 's';
	IS_INT(parse_tmp(n), KRL_E_MAGIC, "wrong magic");
	IS_INT(krl_parse((const uint8_t *)"SSHKRL\n", 7, &ki), KRL_E_MAGIC, "magic cut short");
	IS_INT(krl_parse((const uint8_t *)"ssh-ed25519 AAAA\n", 17, &ki), KRL_E_MAGIC, "a public key line is no KRL");
	memcpy(tmp, buf, n);
	tmp[11] = 2;
	IS_INT(parse_tmp(n), KRL_E_FORMAT, "format version 2");
	memcpy(tmp, buf, n);
	put32(tmp + 36, 0xffffffffu);
	IS_INT(parse_tmp(n), KRL_E_HEADER, "reserved string longer than the file");

	static const uint8_t fp1[32] = { 1 }, fp2[32] = { 2 }, sig[] = { 0, 0, 0, 1, 'k', 0, 0, 0, 1, 's' };
	uint8_t two[72];
	memcpy(tmp, buf, n);
	IS_INT(parse_tmp(add_section(n, 6, "", 0)), KRL_E_TYPE, "section type 6: unknown");
	IS_INT(parse_tmp(add_section(n, 255, "\0\0\0\1x\0\0\0\0\0", 10)), KRL_E_TYPE,
	       "extension section (OpenSSH >= 9.4): refused, as older sshds do");
	IS_INT(parse_tmp(add_section(n, 0, "", 0)), KRL_E_TYPE, "section type 0: unknown");
	/* fingerprints: 32 bytes each, in any order (sshd keeps them in a tree) */
	put32(two, 32), memcpy(two + 4, fp1, 32), put32(two + 36, 32), memcpy(two + 40, fp2, 32);
	IS_INT(parse_tmp(add_section(n, 5, two, 72)), KRL_OK, "two SHA-256 fingerprints in order");
	put32(two, 32), memcpy(two + 4, fp2, 32), put32(two + 36, 32), memcpy(two + 40, fp1, 32);
	IS_INT(parse_tmp(add_section(n, 5, two, 72)), KRL_OK, "SHA-256 fingerprints out of order: sshd takes them too");
	IS_INT(parse_tmp(add_section(n, 3, two, 72)), KRL_E_SECTION, "32-byte hashes in a SHA-1 section");
	IS_INT(parse_tmp(add_section(n, 5, "", 0)), KRL_OK, "empty fingerprint section (sshd reads it)");
	IS_INT(parse_tmp(add_section(n, 2, "\0\0\0\0", 4)), KRL_OK, "explicit key section with an empty blob (sshd reads it)");
	IS_INT(parse_tmp(add_section(n, 2, "\0\0\0\5ab", 7)), KRL_E_SECTION, "explicit key blob past its section");
	/* certificate sections: CA key, reserved, subsections; sshd's rules for serials */
	static const uint8_t range_bad[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0x21, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 9,
					     0, 0, 0, 0, 0, 0, 0, 1 };
	IS_INT(parse_tmp(add_section(n, 1, range_bad, sizeof range_bad)), KRL_E_SECTION, "serial range with min > max");
	static const uint8_t range_zero[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0x21, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0,
					      0, 0, 0, 0, 0, 0, 0, 5 };
	IS_INT(parse_tmp(add_section(n, 1, range_zero, sizeof range_zero)), KRL_E_SECTION, "serial range from 0 (sshd refuses)");
	static const uint8_t list_bad[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0x20, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 1 };
	IS_INT(parse_tmp(add_section(n, 1, list_bad, sizeof list_bad)), KRL_E_SECTION, "serial list of 7 bytes");
	static const uint8_t list_ok[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0x20, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1 };
	IS_INT(parse_tmp(add_section(n, 1, list_ok, sizeof list_ok)), KRL_OK, "serial list for every CA (empty CA key)");
	static const uint8_t list_zero[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0x20, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0 };
	IS_INT(parse_tmp(add_section(n, 1, list_zero, sizeof list_zero)), KRL_E_SECTION, "serial 0 in a list (sshd refuses)");
	static const uint8_t ca_bad[] = { 0, 0, 0, 4, 'j', 'u', 'n', 'k', 0, 0, 0, 0, 0x20, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1 };
	IS_INT(parse_tmp(add_section(n, 1, ca_bad, sizeof ca_bad)), KRL_E_SECTION, "a CA key that is no key");
	static const uint8_t bm_zero[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0x22, 0, 0, 0, 13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3 };
	IS_INT(parse_tmp(add_section(n, 1, bm_zero, sizeof bm_zero)), KRL_E_SECTION, "bitmap from 0 with bit 0 set (serial 0)");
	static const uint8_t bm_ok[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0x22, 0, 0, 0, 13, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 1, 3 };
	IS_INT(parse_tmp(add_section(n, 1, bm_ok, sizeof bm_ok)), KRL_OK, "bitmap from 8: serials 8 and 9");
	static const uint8_t bm_wrap[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0x22, 0, 0, 0, 13, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					   0xff, 0xff, 0, 0, 0, 1, 3 };
	IS_INT(parse_tmp(add_section(n, 1, bm_wrap, sizeof bm_wrap)), KRL_E_SECTION, "bitmap running past 2^64 - 1");
	static const uint8_t sub_bad[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0x39, 0, 0, 0, 0 };
	IS_INT(parse_tmp(add_section(n, 1, sub_bad, sizeof sub_bad)), KRL_E_SECTION, "certificate extension subsection");
	static const uint8_t id_empty[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0x23, 0, 0, 0, 0 };
	IS_INT(parse_tmp(add_section(n, 1, id_empty, sizeof id_empty)), KRL_OK, "key ID subsection without an ID (sshd reads it)");
	static const uint8_t id_nul[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0x23, 0, 0, 0, 7, 0, 0, 0, 3, 'a', 0, 'b' };
	IS_INT(parse_tmp(add_section(n, 1, id_nul, sizeof id_nul)), KRL_E_SECTION, "a key ID holding a NUL");
	IS_INT(parse_tmp(add_section(n, 1, "\0\0\0", 3)), KRL_E_SECTION, "certificate section cut in its CA key");

	/* signatures: sshd verifies them; keydrop does not, so a signed KRL is refused */
	memcpy(tmp + n, "\4", 1), memcpy(tmp + n + 1, sig, sizeof sig);
	IS_INT(parse_tmp(n + 1 + sizeof sig), KRL_E_SIGNED, "a signature section: refused");

	for (int e = KRL_E_MANY; e <= KRL_OK; e++)
		OK(krl_strerror(e) && *krl_strerror(e), "strerror %d", e);
	return tap_done();
}
