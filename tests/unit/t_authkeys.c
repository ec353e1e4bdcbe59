/* t_authkeys.c: the authorized_keys model: lines kept byte for byte, managed blocks, dedupe by
 * blob, rendering, and sshd's options grammar (auth-options.c) case by case. */
#include <stdlib.h>
#include <string.h>

#include "authkeys.h"
#include "authkeys_apply.h"
#include "b64.h"
#include "fingerprint.h"
#include "tap.h"

#define K1 "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGmi3qqsrT/S3nOj0nWyT/knV744xhXNJ5NMNxXzB45O"
#define K2 "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea"

static const char *render_add(const char *file, const char *block, const char *line, int *err)
{
	static char res[4096];
	struct authkeys ak;
	struct authkeys_out out;
	size_t ll = strlen(line);

	authkeys_parse(&ak, file, strlen(file));
	*err = authkeys_render_add(&ak, block, &line, &ll, 1, 1 << 20, &out);
	authkeys_free(&ak);
	if (*err)
		return NULL;
	snprintf(res, sizeof res, "%.*s", (int)out.len, out.p);
	free(out.p);
	return res;
}

static void options(void)
{
	static const struct {
		const char *opts, *why; /* why NULL: sshd accepts */
	} t[] = {
		{ "no-pty", NULL },
		{ "NO-PTY,No-Agent-Forwarding", NULL },
		{ "restrict,pty,port-forwarding,x11-forwarding,agent-forwarding,user-rc", NULL },
		{ "no-port-forwarding,no-X11-forwarding,no-user-rc,no-touch-required,verify-required", NULL },
		{ "cert-authority,principals=\"a,b\"", NULL },
		{ "command=\"echo \\\"x,y\\\"\"", NULL },
		{ "from=\"10.0.0.0/8,!10.1.*,host.example\"", NULL },
		{ "environment=\"PATH_X=/bin:/usr/bin\"", NULL },
		{ "expiry-time=\"20301231\"", NULL },
		{ "expiry-time=\"203012312359\"", NULL },
		{ "expiry-time=\"20301231235959Z\"", NULL },
		{ "permitopen=\"localhost:8080\",permitopen=\"[::1]:*\"", NULL },
		{ "permitlisten=\"8080\",permitlisten=\"0.0.0.0:22\"", NULL },
		{ "tunnel=\"0\"", NULL },
		{ "tunnel=\"any\"", NULL },
		{ "expiry-time=\"20300101\",expiry-time=\"20310101\"", NULL }, /* sshd keeps the earlier */
		{ "no-ptyx", "unknown key option" },
		{ "frobnicate", "unknown key option" },
		{ "no-pty,,no-agent-forwarding", NULL }, /* sshd skips an empty option */
		{ ",no-pty", NULL },
		{ "no-restrict", "unknown key option" },
		{ "no-pty,", NULL }, /* sshd: the blank before the key ends the options */
		{ "no-pty;no-agent-forwarding", "unknown key option" },
		{ "command=echo", "missing start quote" },
		{ "command=\"echo", "missing end quote" },
		{ "command=\"a\",command=\"b\"", "multiple \"command\" clauses" },
		{ "from=\"a\",from=\"b\"", "multiple \"from\" clauses" },
		{ "principals=\"a\",principals=\"b\"", "multiple \"principals\" clauses" },
		{ "tunnel=\"1\",tunnel=\"2\"", NULL }, /* sshd keeps the last */
		{ "tunnel=\"2147483645\"", NULL },
		{ "tunnel=\"2147483646\"", "invalid tun device" },
		{ "tunnel=\"tun0\"", "invalid tun device" },
		{ "expiry-time=\"2030\"", "invalid expires time" },
		{ "expiry-time=\"20301301\"", "invalid expires time" },
		{ "environment=\"NOEQUALS\"", "invalid environment string" },
		{ "environment=\"=x\"", "invalid environment string" },
		{ "environment=\"A.B=1\"", "invalid environment string" },
		{ "permitopen=\"host\"", "invalid permission port or host" },
		{ "permitopen=\"host:0\"", "invalid permission port or host" },
		{ "permitopen=\"host:65536\"", "invalid permission port or host" },
		{ "permitopen=\":22\"", NULL }, /* hpdelim2: an empty host */
		{ "permitopen=\"host/22\"", NULL },
		{ "permitopen=\"host:ssh\"", NULL }, /* a2port: a service name */
		{ "permitopen=\"[::1]\"", "invalid permission port or host" },
		{ "permitopen=\"[::1\"", "invalid permission port or host" },
		{ "permitlisten=\"-1\"", "invalid permission port or host" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		const char *why = NULL;
		int r = authkeys_opts_check(t[i].opts, strlen(t[i].opts), &why);
		if (!t[i].why)
			OK(r == 0, "sshd accepts %s", t[i].opts);
		else
			OK(r < 0 && why && strcmp(why, t[i].why) == 0, "sshd rejects %s: %s (got %s)", t[i].opts, t[i].why,
			   why ? why : "accepted");
	}
}

/* Lines with odd bytes, read as sshd 9.2 reads them (each row checked against a real sshd login by
 * tests/interop/sshd_oddbytes.t or by hand): a line ends at NUL; LF/VT/FF/CR inside the key data are
 * skipped by OpenSSH's base64 decoder, also around and after the padding; space and tab end it. */
#define B1 "AAAAC3NzaC1lZDI1NTE5AAAAIGmi3qqsrT/S3nOj0nWyT/knV744xhXNJ5NMNxXzB45O"
#define E3 "ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBNOIPkGq+0wn5RxQFlAANjW814QF6OlLd7bhP0b+XP6et4SP5G0wjNoSDF03SDbiE1z4ip0v9TcMitJgCFxK9gVlHs/UUBBesg+CrFfNFd+hXANE4uhyK0MHbP+Oq686yg"
static void oddbytes(void)
{
	static uint8_t work[PUBKEY_BLOB_MAX], want[128], want3[256];
	static const struct {
		const char *s;
		size_t n;
		int ok;   /* sshd reads the key (K1, or the ECDSA key for E3 rows) */
		long odd; /* authkeys_line_odd */
	} t[] = {
#define R(lit, ok, odd) { lit, sizeof lit - 1, ok, odd }
		R(K1 " c", 1, -1),
		R(K1 "\0", 1, 80),
		R(K1 "\0garbage " K2, 1, 80),
		R(K1 " comment\0 more", 1, 88),
		R("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5\0AAAAIGmi3qqsrT/S3nOj0nWyT/knV744xhXNJ5NMNxXzB45O", 0, 32),
		R("\0" K1, 0, 0),
		R("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5\vAAAAIGmi3qqsrT/S3nOj0nWyT/knV744xhXNJ5NMNxXzB45O x", 1, 32),
		R("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5\fAAAAIGmi3qqsrT/S3nOj0nWyT/knV744xhXNJ5NMNxXzB45O", 1, 32),
		R("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5\rAAAAIGmi3qqsrT/S3nOj0nWyT/knV744xhXNJ5NMNxXzB45O", 1, 32),
		R("ssh-ed25519 \v\v" B1 "\f\r user", 1, 12),
		R("ssh-ed25519 AAAA\vC\v3\vNzaC1lZDI1NTE5AAAAIGmi3qqsrT/S3nOj0nWyT/knV744xhXNJ5NMNxXzB45O", 1, 16),
		R("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5\tAAAAIGmi3qqsrT/S3nOj0nWyT/knV744xhXNJ5NMNxXzB45O", 0, -1),
		R("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5\x7f" "AAAAIGmi3qqsrT/S3nOj0nWyT/knV744xhXNJ5NMNxXzB45O", 0, 32),
		R("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5\x80" "AAAAIGmi3qqsrT/S3nOj0nWyT/knV744xhXNJ5NMNxXzB45O", 0, -1),
		R("\v" K1, 0, 0),
		R("\t" K1, 1, -1),
		R("ssh-ed25519\v " B1, 0, 11),
		R(K1 "\x7f", 0, 80),
		R(K1 " x\x7fy", 1, 82),
		R(K1 "\r", 1, -1), /* CRLF */
		R(K1 "\r\r", 1, 80),
		R("no-pty\v " K1, 0, 6),
		R("command=\"true #\v\" " K1, 1, 15),
		R("command=\"true #\0\" " K1, 0, 15),
		R("no-pty,\0" K1, 0, 7),
		R(E3 "==", 3, -1),
		R(E3 "=\v=", 3, 203),
		R(E3 "==\v\r", 3, 204),
		R(E3 "==\vA", 0, 204),
		R(E3 "\v==", 3, 202),
		R(E3 "=", 0, -1),
		R("ssh-ed25519 \v\v\v", 0, 12),
#undef R
	};
	long n1 = b64_decode(B1, strlen(B1), want, sizeof want);
	long n3 = b64_decode(&E3 "=="[20], strlen(E3 "==") - 20, want3, sizeof want3);

	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		struct authkeys ak;
		struct pubkey pk;
		const char *why;
		int got;

		IS_INT(authkeys_parse(&ak, t[i].s, t[i].n), AK_OK, "odd row %zu parses", i);
		got = ak.nlines == 1 && ak.lines[0].kind == AKL_OTHER &&
		      authkeys_line_key(&ak, 0, work, sizeof work, &pk, &why) == PKL_OK;
		if (got && t[i].ok == 3)
			got = pk.bloblen == (size_t)n3 && memcmp(pk.blob, want3, pk.bloblen) == 0 ? 3 : 2;
		else if (got)
			got = pk.bloblen == (size_t)n1 && memcmp(pk.blob, want, pk.bloblen) == 0 ? 1 : 2;
		IS_INT(got, t[i].ok, "odd row %zu: sshd %s the key", i, t[i].ok ? "reads" : "does not read");
		IS_INT(authkeys_line_odd(&ak, 0), t[i].odd, "odd row %zu: first odd byte", i);
		authkeys_free(&ak);
	}
	/* The strict reader (key text given to install) accepts none of this. */
	struct pubkey pk;
	const char *vt = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5\vAAAAIGmi3qqsrT/S3nOj0nWyT/knV744xhXNJ5NMNxXzB45O";
	IS_INT(pubkey_parse_line(vt, strlen(vt), work, sizeof work, &pk), PKL_BASE64, "pubkey_parse_line stays strict");
	/* Skipped bytes never count towards the size limit (else padding would hide a key). */
	size_t big = 12 + 3 * PUBKEY_BLOB_MAX + strlen(B1);
	char *pad = malloc(big);
	if (pad) {
		memcpy(pad, "ssh-ed25519 ", 12);
		memset(pad + 12, '\v', 3 * PUBKEY_BLOB_MAX);
		memcpy(pad + 12 + 3 * PUBKEY_BLOB_MAX, B1, strlen(B1));
		IS_INT(pubkey_parse_authline(pad, big, work, sizeof work, &pk), PKL_OK, "48 KiB of VT before the key data");
		free(pad);
	}
}

/* The hashed lookup (authkeys_index_find, authkeys_plan_install) gives authkeys_find's answers: a
 * deterministic jumble of lines holding 12 synthetic keys with every rule authkeys_find applies
 * (cert-authority, principals=, expiry-time past/future/local, bad options, odd bytes, blocks). */
static void index_agrees(void)
{
	static uint8_t work[PUBKEY_BLOB_MAX];
	enum { NK = 12, NL = 600 };
	static const char *const pre[] = {
		"", "no-pty ", "cert-authority ", "principals=\"a\" ", "expiry-time=\"20200101Z\" ",
		"expiry-time=\"20991231Z\" ", "expiry-time=\"202001010100\" ", "frobnicate ", "  ", "no-ptyx ",
		"cert-authority,principals=\"x\" ", "restrict,command=\"a,b\" ",
	};
	static const char *const post[] = { " c", "", "\0 hidden", " x\ty", "\r" };
	uint8_t blobs[NK][51];
	char b64[NK][72], *file = malloc(NL * 160);
	size_t len = 0;
	uint32_t rnd = 12345;

	if (!file)
		return;
	for (int k = 0; k < NK; k++) {
		memcpy(blobs[k], "\0\0\0\x0bssh-ed25519\0\0\0\x20", 19);
		for (int j = 0; j < 32; j++)
			blobs[k][19 + j] = (uint8_t)(k * 37 + j * 11);
		b64_encode(blobs[k], sizeof blobs[k], b64[k], sizeof b64[k], 1);
	}
	for (int i = 0; i < NL; i++) {
		rnd = rnd * 1103515245u + 12345u;
		int k = (int)(rnd >> 8) % NK, a = (int)(rnd >> 16) % 12, b = (int)(rnd >> 24) % 5;
		if (k == NK - 1) /* key 11 is never in the file */
			k = 0;
		if (k == 10) /* key 10 only on lines that depend on the time, or never let it in */
			a = (int[]){ 2, 3, 4, 6 }[a % 4];
		if (k == 9) /* key 9 only on lines sshd skips */
			a = a % 2 ? 7 : 9;
		if (i % 97 == 0)
			len += (size_t)sprintf(file + len, "# keydrop:begin b%d\n", i);
		if (i % 97 == 50)
			len += (size_t)sprintf(file + len, "# keydrop:end b%d\n", i - 50);
		if (i % 13 == 0) /* VT inside the key data: sshd reads it */
			len += (size_t)sprintf(file + len, "%sssh-ed25519 %.20s\v%s%s\n", pre[a], b64[k], b64[k] + 20, post[b % 2]);
		else
			len += (size_t)sprintf(file + len, "%sssh-ed25519 %s", pre[a], b64[k]);
		if (i % 13 != 0) {
			memcpy(file + len, post[b], strlen(post[b]) + (b == 2)); /* "\0 hidden" holds a NUL */
			len += strlen(post[b]) + (b == 2 ? 8 : 0);
			file[len++] = '\n';
		}
	}
	struct authkeys ak;
	struct authkeys_index ix;
	IS_INT(authkeys_parse(&ak, file, len), AK_OK, "index: jumble parses");
	IS_INT(authkeys_index_build(&ix, &ak, work, sizeof work), AK_OK, "index builds");
	static const long long nows[] = { 1500000000LL, 1577836800LL + 1800, 1577836800LL + 7200, 4200000000LL };
	static const long offs[] = { 0, 3600, -7200 };
	int agree = 1, found = 0;
	for (size_t t = 0; t < 4; t++)
		for (size_t o = 0; o < 3; o++)
			for (int k = 0; k < NK; k++) {
				long lin = authkeys_find(&ak, blobs[k], sizeof blobs[k], work, sizeof work, nows[t], offs[o]);
				long hsh = authkeys_index_find(&ix, &ak, blobs[k], sizeof blobs[k], work, sizeof work, nows[t], offs[o]);
				if (lin != hsh) {
					agree = 0;
					printf("# key %d now %lld gmtoff %ld: linear %ld, hashed %ld\n", k, nows[t], offs[o], lin, hsh);
				}
				found += lin >= 0;
			}
	OK(agree, "index: hashed lookup == linear scan for 12 keys x 4 times x 3 zones");
	OK(found > 60 && found < 4 * 3 * (NK - 1), "... with both outcomes (%d found)", found);
	IS_INT(authkeys_find(&ak, blobs[NK - 1], 51, work, sizeof work, 0, 0), -1, "... an absent key is absent");

	/* The install plan: repeats of a key in the list, then each key as authkeys_find says. */
	struct authkeys_blob list[30];
	long verdict[30];
	for (int i = 0; i < 30; i++) {
		list[i].blob = blobs[(i * 7) % NK];
		list[i].len = sizeof blobs[0];
	}
	IS_INT(authkeys_plan_install(&ak, list, 30, verdict, work, sizeof work, 1577836800LL + 1800, 3600), AK_OK, "plan");
	int same = 1;
	for (int i = 0; i < 30; i++) {
		long want = i >= NK ? AUTHKEYS_REPEAT
				    : authkeys_find(&ak, list[i].blob, list[i].len, work, sizeof work, 1577836800LL + 1800, 3600);
		same &= verdict[i] == want;
	}
	OK(same, "plan: repeats, present lines and additions as the linear scan says");
	/* A short list (8 keys or fewer) is planned by a text scan, not the index: the same answers at
	 * every time and zone, with every key, odd-byte lines (VT in the data, NUL, CR) included. */
	int scan_same = 1, scan_found = 0;
	for (size_t t = 0; t < 4; t++)
		for (size_t o = 0; o < 3; o++)
			for (int first = 0; first + 8 <= NK + 4; first += 4) {
				struct authkeys_blob few[8];
				long v8[8];
				for (int i = 0; i < 8; i++) {
					few[i].blob = blobs[(first + i) % NK];
					few[i].len = sizeof blobs[0];
				}
				few[7] = few[2]; /* a repeat */
				if (authkeys_plan_install(&ak, few, 8, v8, work, sizeof work, nows[t], offs[o]) != AK_OK)
					scan_same = 0;
				for (int i = 0; i < 8; i++) {
					long want = i == 7 ? AUTHKEYS_REPEAT
						    : authkeys_find(&ak, few[i].blob, few[i].len, work, sizeof work, nows[t], offs[o]);
					scan_same &= v8[i] == want;
					scan_found += v8[i] >= 0;
				}
			}
	OK(scan_same, "plan of up to 8 keys (text scan): repeats, present lines and additions as the linear scan says");
	OK(scan_found > 40, "... with keys found (%d)", scan_found);
	IS_INT(authkeys_plan_install(&ak, list, 0, verdict, work, sizeof work, 0, 0), AK_OK, "plan of no keys");
	authkeys_index_free(&ix);
	authkeys_free(&ak);
	free(file);
}

/* Removals that stick: the denial line's grammar, remove -> denial, sync skips, install lifts. */
static void denials(void)
{
	uint8_t b1[64], b2[64], d1[32], d[32];
	long n1 = b64_decode(&K1[12], strlen(&K1[12]), b1, sizeof b1), n2 = b64_decode(&K2[12], strlen(&K2[12]), b2, sizeof b2);
	char dl[AUTHKEYS_DENIED_MAX], fp[FINGERPRINT_MAX], file[1024];
	struct authkeys ak;

	fingerprint_digest(b1, (size_t)n1, FP_SHA256, d1);
	fingerprint_format(b1, (size_t)n1, FP_SHA256, fp);
	authkeys_denied_line(b1, (size_t)n1, dl);
	OK(strncmp(dl, "# keydrop:denied SHA256:", 24) == 0 && strcmp(dl + 17, fp) == 0, "denial line: '# keydrop:denied ' + fingerprint");
	snprintf(file, sizeof file,
		 "%s\n# keydrop:begin a\n%s \r\n%s x\n%sA\n# keydrop:denied %s\n%.40s\n# keydrop:end a\n"
		 "# keydrop:begin b\n%s\n",
		 dl, dl, dl, dl, fp + 7, dl, dl);
	authkeys_parse(&ak, file, strlen(file));
	IS_INT(ak.lines[0].kind, AKL_COMMENT, "a denial outside any block is a comment");
	IS_INT(ak.lines[2].kind, AKL_DENIED, "inside a block: a denial (trailing blank and CR allowed)");
	OK(authkeys_denied_digest(&ak, 2, d) && memcmp(d, d1, 32) == 0, "... its digest is the key's SHA-256");
	OK(ak.lines[3].kind == AKL_COMMENT && ak.lines[4].kind == AKL_COMMENT && ak.lines[5].kind == AKL_COMMENT &&
	   ak.lines[6].kind == AKL_COMMENT, "strict: trailing text, 44 characters, no SHA256: prefix, truncated: comments");
	IS_INT(ak.lines[9].kind, AKL_COMMENT, "a denial after a begin marker without end is a comment");
	IS_INT(authkeys_denied(&ak, NULL, d1), 2, "authkeys_denied: any block");
	IS_INT(authkeys_denied(&ak, "a", d1), 2, "... block a");
	IS_INT(authkeys_denied(&ak, "b", d1), -1, "... not in b (unterminated: no block)");
	IS_INT(authkeys_blob_denied(&ak, b1, (size_t)n1), 2, "authkeys_blob_denied: by blob");
	IS_INT(authkeys_blob_denied(&ak, b2, (size_t)n2), -1, "... another key is not denied");
	authkeys_free(&ak);

	/* remove K1 from block a: its line becomes the denial in place; K1 outside a block just goes. */
	const char *f2 = K1 " top\n# keydrop:begin a\n" K1 " one\r\n" K2 " two\n" K1 " again\n# keydrop:end a\n";
	struct ak_fpsel sel = { FP_SHA256, { 0 }, 32, 0 };
	struct authkeys_out out, o2;
	uint8_t drop[8];
	size_t nd;
	int changed;
	memcpy(sel.digest, d1, 32);
	authkeys_parse(&ak, f2, strlen(f2));
	IS_INT(authkeys_apply_remove(&ak, &sel, 1, NULL, 0, NULL, 1 << 20, drop, &nd, &out, &changed), AK_OK, "remove");
	snprintf(file, sizeof file, "# keydrop:begin a\n%s\r\n%s two\n%s\n# keydrop:end a\n", dl, K2, dl);
	OK(changed && out.len == strlen(file) && memcmp(out.p, file, out.len) == 0,
	   "remove: the block's key lines become denials in place (CRLF kept), the key outside goes");
	OK(nd == 3 && drop[0] == 1 && drop[2] == 2 && drop[4] == 2, "... drop says which (3 lines: 1, 2, 2)");
	authkeys_free(&ak);

	/* sync the block with K1 and K2: K1 stays out, the denial stays. */
	struct ak_newkey nk[2] = { { K1 " one", strlen(K1) + 4, b1, (size_t)n1, NULL, 0 },
				   { K2 " two", strlen(K2) + 4, b2, (size_t)n2, NULL, 0 } };
	uint8_t removed[8], isnew[2];
	authkeys_parse(&ak, out.p, out.len);
	IS_INT(authkeys_apply_sync(&ak, "a", nk, 2, 1 << 20, removed, isnew, &o2, &changed), AK_OK, "sync");
	snprintf(file, sizeof file, "# keydrop:begin a\n%s\r\n%s\n%s two\n# keydrop:end a\n", dl, dl, K2);
	OK(changed && isnew[0] == 2 && isnew[1] == 0 && o2.len == strlen(file) && memcmp(o2.p, file, o2.len) == 0,
	   "sync: the denied key is not added (isnew 2); the denials stay, the keys follow them");
	authkeys_free(&ak);
	free(out.p);
	out = o2;
	authkeys_parse(&ak, out.p, out.len);
	IS_INT(authkeys_apply_sync(&ak, "a", nk, 2, 1 << 20, removed, isnew, &o2, &changed), AK_OK, "sync again");
	OK(!changed && isnew[0] == 2 && isnew[1] == 0, "... changes nothing");
	/* install K1: the denial goes, the key comes back. */
	uint8_t what[2];
	long line[2];
	struct ak_install_plan plan = { what, line, 0, 0, 0 };
	IS_INT(authkeys_apply_install(&ak, "a", nk, 1, 0, 0, 0, 1 << 20, &plan, &o2, &changed), AK_OK, "install");
	snprintf(file, sizeof file, "# keydrop:begin a\n%s two\n%s one\n# keydrop:end a\n", K2, K1);
	OK(changed && plan.nlifted == 2 && what[0] == AKI_ADDED && o2.len == strlen(file) && memcmp(o2.p, file, o2.len) == 0,
	   "install lifts both denials and adds the key");
	free(o2.p);
	authkeys_free(&ak);
	free(out.p);
}

int main(void)
{
	static uint8_t work[PUBKEY_BLOB_MAX];
	const char *file = "# c\n" K1 " one\n\r\n  \t\n# keydrop:begin acct\nno-pty " K2 " two\n# keydrop:end acct\ngarbage";
	struct authkeys ak;
	int err;

	IS_INT(authkeys_parse(&ak, file, strlen(file)), AK_OK, "parse");
	IS_INT(ak.nlines, 8, "8 lines");
	IS_INT(ak.lines[0].kind, AKL_COMMENT, "comment");
	IS_INT(ak.lines[1].kind, AKL_OTHER, "key line");
	IS_INT(ak.lines[2].kind, AKL_BLANK, "CR-only line is blank");
	IS_INT(ak.lines[3].kind, AKL_BLANK, "blanks-only line is blank");
	IS_INT(ak.lines[4].kind, AKL_BEGIN, "begin marker");
	IS_INT(ak.lines[6].kind, AKL_END, "end marker");
	IS_INT(ak.lines[7].has_nl, 0, "last line without newline");
	IS_INT(ak.nblocks, 1, "one block");
	OK(ak.lines[5].block == 1 && ak.lines[1].block == 0 && ak.lines[7].block == 0, "block membership");
	IS_INT(authkeys_block_find(&ak, "acct", 4), 0, "block found by name");
	IS_INT(authkeys_block_find(&ak, "acc", 3), -1, "no prefix match");

	/* Dedupe by blob: the key in the block has options, the search has none. */
	uint8_t blob[128];
	const char *b64 = &K2[12];
	long n = b64_decode(b64, strlen(b64), blob, sizeof blob);
	IS_INT(authkeys_find(&ak, blob, (size_t)n, work, sizeof work, 0, 0), 5, "found by blob despite options");
	{
		/* Lines that do not let the key itself log in do not make it "present". */
		struct authkeys a2;
		const char *f2 = "cert-authority " K2 "\nprincipals=\"x\" " K2 "\nexpiry-time=\"20200101Z\" " K2 "\n";
		authkeys_parse(&a2, f2, strlen(f2));
		IS_INT(authkeys_find(&a2, blob, (size_t)n, work, sizeof work, 1700000000LL, 0), -1,
		       "cert-authority, principals= and a past expiry-time do not count as present");
		authkeys_free(&a2);
		f2 = "cert-authority " K2 "\nno-pty,expiry-time=\"20991231Z\" " K2 "\n";
		authkeys_parse(&a2, f2, strlen(f2));
		IS_INT(authkeys_find(&a2, blob, (size_t)n, work, sizeof work, 1700000000LL, 0), 1,
		       "... a future expiry-time does");
		authkeys_free(&a2);
		f2 = "expiry-time=\"202001010000\" " K2 "\n"; /* local time; 2020-01-01 00:00 UTC is 1577836800 */
		authkeys_parse(&a2, f2, strlen(f2));
		IS_INT(authkeys_find(&a2, blob, (size_t)n, work, sizeof work, 1577836800LL - 3600, 0), 0,
		       "expiry-time one hour ahead (UTC zone): present");
		IS_INT(authkeys_find(&a2, blob, (size_t)n, work, sizeof work, 1577836800LL + 1, 0), -1,
		       "... one second past: not present");
		IS_INT(authkeys_find(&a2, blob, (size_t)n, work, sizeof work, 1577836800LL - 3600, 7200),
		       -1, "... local time in UTC+2 already past");
		authkeys_free(&a2);
	}
	struct pubkey pk;
	const char *why;
	IS_INT(authkeys_line_key(&ak, 7, work, sizeof work, &pk, &why), PKL_NOKEY, "garbage line is not a key");

	/* render_drop: nothing dropped is the same bytes; dropping the block removes just it. */
	uint8_t drop[8] = { 0 };
	struct authkeys_out out;
	authkeys_render_drop(&ak, drop, 1 << 20, &out);
	OK(out.len == strlen(file) && memcmp(out.p, file, out.len) == 0, "render without drops is byte-exact");
	free(out.p);
	drop[4] = drop[5] = drop[6] = 1;
	authkeys_render_drop(&ak, drop, 1 << 20, &out);
	IS_INT(out.len, strlen(file) - strlen("# keydrop:begin acct\nno-pty " K2 " two\n# keydrop:end acct\n"),
	       "drop the block: exactly its bytes are gone");
	free(out.p);
	memset(drop, 0, sizeof drop);
	drop[7] = 1;
	authkeys_render_drop(&ak, drop, 1 << 20, &out);
	OK(out.len == strlen(file) - 7 && out.p[out.len - 1] == '\n', "drop the last line (no newline)");
	free(out.p);
	authkeys_free(&ak);

	IS_STR(render_add("", NULL, K1, &err), K1 "\n", "add to an empty file");
	IS_STR(render_add("# x", NULL, K1, &err), "# x\n" K1 "\n", "add after a last line without newline");
	IS_STR(render_add("# x\n", "a", K1, &err), "# x\n# keydrop:begin a\n" K1 "\n# keydrop:end a\n", "new block");
	IS_STR(render_add("# keydrop:begin a\n" K2 "\n# keydrop:end a\n# tail\n", "a", K1, &err),
	       "# keydrop:begin a\n" K2 "\n" K1 "\n# keydrop:end a\n# tail\n", "into an existing block, before its end");
	OK(render_add("# keydrop:begin a\n" K2 "\n", "a", K1, &err) == NULL && err == AK_UNTERMINATED,
	   "a block without end marker is refused");
	OK(render_add("# keydrop:begin b\n" K2 "\n", "a", K1, &err) == NULL && err == AK_UNTERMINATED,
	   "a new block after another's unterminated begin is refused");
	IS_STR(render_add("# keydrop:begin b\n", NULL, K1, &err), "# keydrop:begin b\n" K1 "\n",
	       "without --source, appending after an unterminated marker is fine");
	const char *nested = "# keydrop:begin a\n# keydrop:begin b\n# keydrop:end b\n# keydrop:end a\n";
	authkeys_parse(&ak, nested, strlen(nested));
	OK(ak.nblocks == 1 && authkeys_block_find(&ak, "a", 1) == 0 && ak.stray == 2, "nested markers: outer block, stray inner");
	authkeys_free(&ak);
	OK(authkeys_name_ok("acct-1.x_y@z:+", 14), "block name charset");
	OK(!authkeys_name_ok("a b", 3) && !authkeys_name_ok("", 0) && !authkeys_name_ok("a\n", 2), "bad block names");
	options();
	denials();
	oddbytes();
	index_agrees();
	const char *o = "no-pty,command=\"a,b\\\" c\",bogus";
	size_t at;
	const char *w;
	OK(authkeys_opts_check_at(o, strlen(o), &w, &at) < 0 && at == 25 && strcmp(w, "unknown key option") == 0,
	   "the refused option's offset");
	IS_INT(authkeys_opt_len(o, strlen(o), 7), 17, "an option's length skips quoted commas and escaped quotes");
	IS_INT(authkeys_opt_len(o, strlen(o), 25), 5, "the last option runs to the end");
	IS_INT(authkeys_opts_flags("no-pty,Cert-Authority,principals=\"a,cert-authority\"", 51),
	       AKO_CERT_AUTHORITY | AKO_PRINCIPALS, "option flags");
	IS_INT(authkeys_opts_flags("command=\"cert-authority\"", 24), 0, "... not inside a quoted value");
	return tap_done();
}
