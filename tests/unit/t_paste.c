/* t_paste.c: the paste normaliser: what it fixes (and reports in fixes), what it refuses (with
 * which code and line), and that a refused value yields no key at all. */
#include <string.h>

#include "b64.h"
#include "paste.h"
#include "tap.h"

#define B1 "AAAAC3NzaC1lZDI1NTE5AAAAIGmi3qqsrT/S3nOj0nWyT/knV744xhXNJ5NMNxXzB45O"
#define B2 "AAAAC3NzaC1lZDI1NTE5AAAAINdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea"
#define K1 "ssh-ed25519 " B1
#define K2 "ssh-ed25519 " B2

static struct paste_result res;

static int parse(const char *s)
{
	paste_free(&res);
	return paste_parse(s, strlen(s), &res);
}

static void good(const char *in, size_t nkeys, const char *first, unsigned fix, const char *what)
{
	int r = parse(in);
	OK(r == PASTE_OK && res.n == nkeys && strcmp(res.keys[0].line, first) == 0 && (res.fixes & fix) == fix,
	   "%s", what);
	if (r != PASTE_OK)
		printf("#   refused: %s\n", res.detail);
	else if (strcmp(res.keys[0].line, first) != 0)
		printf("#   got '%s'\n", res.keys[0].line);
}

static void bad(const char *in, int code, unsigned line, const char *needle, const char *what)
{
	int r = parse(in);
	OK(r == code && res.err == code && res.line == line && res.n == 0 && strstr(res.detail, needle), "%s", what);
	if (r != code || !strstr(res.detail, needle) || res.line != line)
		printf("#   got %d line %u: %s\n", r, res.line, res.detail);
}

/* paste_diagnose on in: code, lines covered, and words in the detail. */
static void diag(const char *in, int code, unsigned nlines, const char *needle, const char *what)
{
	struct paste_diag d;
	struct paste_result r;
	int e = paste_diagnose(in, strlen(in), &d, &r);
	OK(e == code && d.err == code && d.nlines == nlines && strstr(d.detail, needle), "%s", what);
	if (e != code || d.nlines != nlines || !strstr(d.detail, needle))
		printf("#   got %d, %u lines: %s\n", e, d.nlines, d.detail);
	paste_free(&r);
}

/* The first line of tests/vectors/NAME (made by ssh-keygen), without its newline; flip >= 0 flips the
 * low bit of that byte of the key data counted from its end. */
static const char *vec(const char *name, int flip)
{
	static char line[8192];
	char path[256];
	uint8_t blob[6144];
	snprintf(path, sizeof path, "tests/vectors/%s", name);
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(line, 1, sizeof line - 1, f) : 0;
	if (f)
		fclose(f);
	line[n] = '\0';
	line[strcspn(line, "\n")] = '\0';
	char *b = strchr(line, ' '), *e = b ? strchr(b + 1, ' ') : NULL;
	if (flip < 0 || !e)
		return line;
	long bn = b64_decode(b + 1, (size_t)(e - b - 1), blob, sizeof blob);
	if (bn <= flip)
		return line;
	blob[bn - 1 - flip] ^= 1;
	b64_encode(blob, (size_t)bn, b + 1, (size_t)(e - b - 1) + 1, 1);
	b[1 + (e - b - 1)] = ' ';
	return line;
}

/* Keys sshd never lets log in, and keys of types keydrop does not know (issue 7). */
static void unusable(void)
{
	char in[9000];
	const char *unk = "ssh-foo@example.com AAAAE3NzaC1mb29AZXhhbXBsZS5jb21qdW5r future";

	bad(vec("keycheck-cert-ed25519ca.pub", -1), PASTE_CERT, 1, "sshd never accepts a certificate as an authorized key",
	    "a certificate is refused with the reason");
	OK(strstr(res.detail, "ssh-ed25519-cert-v01@openssh.com") && strstr(res.detail, "cert-authority"),
	   "... naming its type and the two ways that work");
	bad(vec("keycheck-cert-rsa512ca.pub", 0), PASTE_BADKEY, 1, "certificate signature is invalid",
	    "a certificate with a flipped signature byte");
	bad(vec("keycheck-e256.pub", 0), PASTE_BADKEY, 1, "not a point sshd accepts", "an ECDSA point off the curve");
	bad(vec("keycheck-p256-smallx.pub", -1), PASTE_BADKEY, 1, "not a point sshd accepts", "an ECDSA point sshd calls weak");
	bad("principals=\"alice\" " K1, PASTE_OPTIONS, 1, "principals= without cert-authority",
	    "principals= without cert-authority (sshd skips the line)");
	good("cert-authority,principals=\"alice\" " K1, 1, "cert-authority,principals=\"alice\" " K1, 0,
	     "principals= with cert-authority is fine");
	bad("1024 65537 1234567890123456789012345678901234567890 me@old", PASTE_NOTKEY, 1, "SSH1 (RSA1) public key",
	    "an SSH1 public key is named");
	bad(unk, PASTE_UNKNOWN, 1, "key type ssh-foo@example.com is not one keydrop knows", "only an unknown type: refused");
	snprintf(in, sizeof in, "%s\n%s\n", unk, K1 " known");
	good(in, 1, K1 " known", 0, "an unknown type next to a known key: the known key is kept");
	OK(res.nskipped == 1 && strcmp(res.skipped[0].type, "ssh-foo@example.com") == 0 && res.skipped[0].srcline == 1,
	   "... and the unknown one is reported as skipped, with its type and line");
	snprintf(in, sizeof in, "%s\n%s\n", unk, unk);
	bad(in, PASTE_UNKNOWN, 1, "ssh-foo@example.com", "two unknown keys and nothing else: refused");
}

int main(void)
{
	unusable();
	good(K1 " me@host\n", 1, K1 " me@host", 0, "a plain line");
	IS_INT(res.keys[0].info.family, KF_ED25519, "... family");
	IS_INT(res.keys[0].commentlen, 7, "... comment length");
	good("\xef\xbb\xbf" K1 " c\r\n", 1, K1 " c", PASTE_FIX_BOM | PASTE_FIX_CR, "BOM and CRLF");
	good(K1 "\r" K2 "\r", 2, K1, PASTE_FIX_CR, "old Mac line ends (lone CR)");
	good("  \t" K1 " \t c d \t\n", 1, K1 " c d", 0, "blanks trimmed, inner comment blanks kept");
	good(K1 " a " K2 " b", 2, K1 " a", PASTE_FIX_SPLIT, "two keys on one line");
	IS_STR(res.keys[1].line, K2 " b", "... second key");
	good(K1 " a@h" K2 " b", 2, K1 " a@h", PASTE_FIX_SPLIT, "run together through the comment");
	good(K1 K2 " b", 2, K1, PASTE_FIX_SPLIT, "run together with no comment");
	good("ssh-ed25519 AAAAC3NzaC1lZDI1\nNTE5AAAAIGmi3qqsrT/S3nOj0nWy\nT/knV744xhXNJ5NMNxXzB45O x\n", 1, K1 " x",
	     PASTE_FIX_WRAP, "base64 wrapped over three lines");
	good("ssh-ed25519\xc2\xa0" B1 "\xc2\xa0me", 1, K1 " me", PASTE_FIX_NBSP, "no-break spaces");
	good("---- BEGIN SSH2 PUBLIC KEY ----\nComment: \"my \\\nkey\"\nx-Private: y\n" B1 "\n---- END SSH2 PUBLIC KEY ----\n", 1,
	     K1 " my key", PASTE_FIX_RFC4716, "RFC 4716 block, quoted comment with continuation");
	good("---- BEGIN SSH2 PUBLIC KEY ----\nAAAAC3NzaC1lZDI1NTE5AAAAIGmi3qqs\nrT/S3nOj0nWyT/knV744xhXNJ5NMNxXzB45O\n---- END SSH2 PUBLIC KEY ----\n",
	     1, K1, PASTE_FIX_RFC4716, "RFC 4716 block, no headers, body over lines");
	good("\"" K1 " me\",\n'" K2 "'\n", 2, K1 " me", PASTE_FIX_QUOTES, "lines in JSON / YAML quotes");
	bad("\"hello\"", PASTE_NOTKEY, 1, "not a public key", "quoted garbage stays garbage");
	good("# comment\n\n" K1 "\n# another\n" K2 "\n", 2, K1, 0, "comments and blanks skipped");
	good("no-pty,command=\"a b,c\" " K1 " x", 1, "no-pty,command=\"a b,c\" " K1 " x", 0, "options kept as written");
	IS_INT(res.keys[0].optslen, 22, "... options length");

	bad("", PASTE_EMPTY, 0, "no public key", "empty");
	bad("# only\n\n", PASTE_EMPTY, 0, "no public key", "only comments");
	bad("SHA256:abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ", PASTE_FINGERPRINT, 1, "SHA256 fingerprint", "SHA256");
	bad(K1 "\n256 SHA256:abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ x (ED25519)\n", PASTE_FINGERPRINT, 2,
	    "SHA256 fingerprint", "ssh-keygen -l output on line 2, no key kept");
	bad("MD5:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef", PASTE_FINGERPRINT, 1, "MD5", "MD5");
	bad(B1 " me", PASTE_NOTYPE, 1, "it holds a ssh-ed25519 key", "bare base64");
	bad("ssh-rsa " B1, PASTE_MISMATCH, 1, "says ssh-rsa but the key data holds a ssh-ed25519 key", "mismatch");
	bad("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGmi3qqsrT/S3nOj0nWyT/knV744xhXNJ5NM", PASTE_TRUNCATED, 1, "truncated",
	    "truncated");
	bad("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGmi3qqsrT/S3nOj0nWyT/knV744xhXNJ5N", PASTE_TRUNCATED, 1, "truncated",
	    "truncated, not a multiple of 4");
	bad("ssh-ed25519", PASTE_NODATA, 1, "without key data", "type only");
	bad(K1 " a\x1b[0m", PASTE_CTRL, 1, "control character 0x1b at column", "escape");
	bad(K1 "\n" K2 " \x07", PASTE_CTRL, 2, "0x07", "bell on line 2");
	bad("hello", PASTE_NOTKEY, 1, "not a public key line", "a word");
	bad("no-pty,bogus " K1, PASTE_OPTIONS, 1, "unknown key option at 'bogus'", "bad option");
	bad("command=\"x " K1, PASTE_OPTIONS, 1, "unterminated quote", "unterminated quote");
	bad("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n", PASTE_PRIVATE, 0,
	    "OpenSSH PRIVATE key", "OpenSSH private key");
	OK(!strstr(res.detail, "b3Bl"), "... not echoed");
	bad("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n", PASTE_PRIVATE, 0, "PEM/PKCS#8", "PEM");
	bad("PuTTY-User-Key-File-2: ssh-rsa\n", PASTE_PRIVATE, 0, "PuTTY", "PuTTY");
	bad("PuTTY-User-Key-File-2: ssh-rsa\n", PASTE_PRIVATE, 0, "paste its public line instead (keydrop pubkey -f KEY.ppk prints it)",
	    "PuTTY: the hint says how to get the public line");
	bad("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n", PASTE_PRIVATE, 0,
	    "(keydrop pubkey -f KEY prints it)", "OpenSSH private key: the hint names keydrop, not ssh-keygen");
	bad("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n", PASTE_PRIVATE, 0,
	    "(keydrop pubkey -f KEY prints it)", "PEM private key: the hint names keydrop");
	bad("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ==", PASTE_PRIVATE, 1, "private key", "private key body");
	bad("---- BEGIN SSH2 PUBLIC KEY ----\n" B1 "\n", PASTE_RFC4716, 1, "no '---- END", "RFC 4716 without END");
	bad("---- BEGIN SSH2 PUBLIC KEY ----\nComment: x\\\n---- END SSH2 PUBLIC KEY ----\n", PASTE_RFC4716, 1,
	    "holds no key data", "RFC 4716: a header ending in '\\' does not swallow the END line");
	bad("---- BEGIN SSH2 PUBLIC KEY ----\nComment: x\\\n  ---- END SSH2 PUBLIC KEY ----\n" K1 "\n", PASTE_RFC4716, 1,
	    "holds no key data", "... nor an indented one (the next key is not read as the block's body)");
	bad(K1 "\n" K1 "X\n", PASTE_TRUNCATED, 2, "truncated", "one bad key refuses all");
	/* One diagnosis (paste_diagnose): the item at the first line of a file, in install's words. */
	diag(K1 " a\n" K2 " b\n", PASTE_OK, 1, "", "diagnose: a plain key line: nothing to say, one line");
	diag(K1 " a@b" K2 " c\n", PASTE_JOINED, 1, "2 keys joined on one line (ssh-ed25519 SHA256:", "diagnose: joined keys");
	diag("---- BEGIN SSH2 PUBLIC KEY ----\nComment: \"x\"\n" B1 "\n---- END SSH2 PUBLIC KEY ----\n" K2 "\n",
	     PASTE_UNREADABLE, 4, "an RFC 4716 (SSH2) public key block (ssh-ed25519 SHA256:",
	     "diagnose: an RFC 4716 block covers its 4 lines, not the key after it");
	diag("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n" K1 "\n",
	     PASTE_PRIVATE, 3, "OpenSSH PRIVATE key", "diagnose: a private key block, 3 lines");
	diag("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPrivate-MAC: 00\n" K1 "\n", PASTE_PRIVATE, 3,
	     "PuTTY PRIVATE key (.ppk)", "diagnose: a .ppk up to Private-MAC");
	diag("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGmi3qqsrT/S3nOj0nWyT/\nknV744xhXNJ5NMNxXzB45O c\n" K2 "\n",
	     PASTE_UNREADABLE, 2, "key data wrapped over 2 lines", "diagnose: key data wrapped onto the next line");
	diag("SHA256:" "um18GVd8wVMNepy+Yz36M2FArQ8CFdIUaS/QsZgZYQI\n", PASTE_FINGERPRINT, 1, "this is a SHA256 fingerprint",
	     "diagnose: a fingerprint");
	diag(B1 " c\n", PASTE_NOTYPE, 1, "key data without its key type", "diagnose: no type");
	paste_free(&res);
	return tap_done();
}
