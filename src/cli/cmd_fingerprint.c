/* cmd_fingerprint.c: keydrop fingerprint, like ssh-keygen -l [-v] [-E]: one line per key in a .pub,
 * a private key, or an authorized_keys file. Output matches ssh-keygen byte for byte. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "keyprint.h"
#include "die.h"
#include "fingerprint.h"
#include "osutil.h"
#include "privkey.h"
#include "pubkey.h"
#include "paste.h"
#include "secret.h"
#include "textsafe.h"

#define FILE_MAX (64u << 20) /* authorized_keys of a few 100k lines */

static const char usage[] = "usage: keydrop fingerprint [-E sha256|md5] [-v] FILE|-\n"
			    "  One line per key: BITS HASH comment (TYPE), as ssh-keygen -l; -v adds the randomart.\n";


/* A private key: ssh-keygen takes the key and comment from PATH.pub when that parses (a .pub
 * without comment shows its own path), else from the private key. */
static int do_private(const char *path, const char *text, size_t len, enum fp_hash h, int art)
{
	char pubpath[4200], *pubtext = NULL;
	size_t publen;
	uint8_t buf[PUBKEY_BLOB_MAX];
	struct pubkey pk;

	if (strcmp(path, "-") != 0 && snprintf(pubpath, sizeof pubpath, "%s.pub", path) < (int)sizeof pubpath &&
	    osutil_slurp(pubpath, 1 << 20, &pubtext, &publen) == 0) {
		const char *p = pubtext, *end = pubtext + publen;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
			int r = pubkey_parse_line(p, ll, buf, sizeof buf, &pk);
			if (r == PKL_OK && !pk.opts) {
				if (pk.comment)
					cmd_print_key(pk.blob, pk.bloblen, pk.comment, pk.commentlen, h, art);
				else
					cmd_print_key(pk.blob, pk.bloblen, pubpath, strlen(pubpath), h, art);
				free(pubtext);
				return EXIT_OK;
			}
			if (r != PKL_EMPTY)
				break;
			p += ll + 1;
		}
		free(pubtext);
	}
	uint8_t *work = malloc(PRIVKEY_BLOB_MAX);
	struct privkey_parts parts;
	int r, ret;
	if (!work)
		return msg_fail(EXIT_FAIL, "fingerprint", "out of memory");
	if ((r = privkey_decode(text, len, work, PRIVKEY_BLOB_MAX, &parts)) == PK_ENCRYPTED && parts.pub) {
		/* The public half of an encrypted key is stored in clear; the comment is not. */
		cmd_print_key(parts.pub, parts.publen, NULL, 0, h, art);
		ret = EXIT_OK;
	} else if (r != PK_OK) {
		ret = msg_fail(EXIT_REJECT, "fingerprint", "%s: %s", path, privkey_strerror(r));
	} else {
		cmd_print_key(parts.pub, parts.publen, (const char *)parts.comment, parts.commentlen, h, art);
		ret = EXIT_OK;
	}
	secret_wipe(work, PRIVKEY_BLOB_MAX);
	free(work);
	return ret;
}

/* Why install would refuse line[0..n) (the paste normaliser's diagnosis: RSA under 1024 bits,
 * truncated or malformed data, a fingerprint, bare base64, SSH1...). 0 when it is no key line at
 * all (text ssh-keygen skips in an authorized_keys file) or one install would take after fixing. */
static int line_reason(const char *line, size_t n, unsigned lineno, char *why, size_t cap)
{
	struct paste_result pr;
	int r = paste_parse(line, n, &pr), show = r != PASTE_OK && r != PASTE_EMPTY && r != PASTE_NOTKEY;

	if (show)
		snprintf(why, cap, "line %u: %s", lineno, pr.detail);
	paste_free(&pr);
	return show;
}

/* Nothing fingerprinted: what the whole text is, if install knows (2: a key install would take after
 * normalising it, 1: install's refusal, 0: nothing to say). */
static int text_reason(const char *text, size_t n, char *why, size_t cap)
{
	struct paste_result pr;
	int r = paste_parse(text, n, &pr), show = r == PASTE_OK ? 2 : r != PASTE_EMPTY;

	if (r == PASTE_OK && (pr.fixes & PASTE_FIX_RFC4716))
		snprintf(why, cap, "an RFC 4716 (SSH.com) public key block, which ssh-keygen -l does not read either: "
				   "convert it with ssh-keygen -i -f FILE (keydrop install takes it as is)");
	else if (r == PASTE_OK)
		snprintf(why, cap, "key text that is not in one-line OpenSSH format (wrapped, quoted or split): "
				   "keydrop install normalises it");
	else if (pr.line)
		snprintf(why, cap, "line %u: %s", pr.line, pr.detail);
	else
		snprintf(why, cap, "%s", pr.detail);
	paste_free(&pr);
	return show;
}

/* 1 if some line of text[0..len) is a key keydrop fingerprints (read as the printing loop reads it). */
static int any_key(const char *text, size_t len, uint8_t *buf)
{
	for (const char *p = text, *end = text + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct pubkey pk;
		if (pubkey_parse_authline(p, ll, buf, PUBKEY_BLOB_MAX, &pk) == PKL_OK && pk.info.family != KF_UNKNOWN)
			return 1;
		p += ll + 1;
	}
	return 0;
}

/* A key line keydrop does not fingerprint: a warning when other keys are printed, else the first
 * one becomes the failure message. */
static void refuse(const char *name, const char *why, int any, unsigned *refused, char *first, size_t cap)
{
	if (any)
		msg_err("fingerprint", "%s: %s (skipped)", name, why);
	else if (*refused == 0)
		snprintf(first, cap, "%s", why);
	(*refused)++;
}

int cmd_fingerprint(int argc, char **argv, const struct globals *g)
{
	static const struct option longopts[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
	enum fp_hash h = FP_SHA256;
	int art = g->verbose, c, ret = EXIT_FAIL, found = 0;
	char first_why[300] = "";
	const char *path = NULL;
	char *text = NULL;
	size_t len = 0;
	uint8_t *buf = NULL;

	optind = 1;
	while ((c = getopt_long(argc, argv, "E:f:vlh", longopts, NULL)) != -1) {
		switch (c) {
		case 'E':
			if (strcasecmp(optarg, "sha256") == 0)
				h = FP_SHA256;
			else if (strcasecmp(optarg, "md5") == 0)
				h = FP_MD5;
			else
				return msg_usage("fingerprint", "unknown hash '%s' (sha256 or md5)", optarg);
			break;
		case 'f':
			path = optarg;
			break;
		case 'v':
			art = 1;
			break;
		case 'l':
			break; /* accepted for ssh-keygen muscle memory */
		case 'h':
			fputs(usage, stdout);
			return EXIT_OK;
		default:
			return msg_usage("fingerprint", "unknown option or missing argument: '%s'", argv[optind - 1]);
		}
	}
	if (!path && optind < argc)
		path = argv[optind++];
	if (!path || optind != argc)
		return msg_usage("fingerprint", "need exactly one FILE (or - for stdin)");
	if (osutil_slurp(path, FILE_MAX, &text, &len) < 0)
		return msg_fail(EXIT_FAIL, "fingerprint", "%s: %s", path,
				osutil_strerror(errno));

	/* ssh-keygen: "PRIVATE KEY" on the first key line means a private key. */
	const char *first = text;
	while (*first == '\n' || *first == ' ' || *first == '\t' || *first == '\r')
		first++;
	const char *eol = strchr(first, '\n');
	size_t flen = eol ? (size_t)(eol - first) : strlen(first);
	if (privkey_sniff(first, flen) != PK_NOT_KEY) {
		osutil_protect_secrets();
		ret = do_private(path, text, len, h, art);
		goto out;
	}
	if (!(buf = malloc(PUBKEY_BLOB_MAX))) {
		ret = msg_fail(EXIT_FAIL, "fingerprint", "out of memory");
		goto out;
	}
	const char *name = strcmp(path, "-") == 0 ? "(stdin)" : path;
	unsigned lineno = 0, refused = 0;
	int any = any_key(text, len, buf);
	for (const char *p = text, *end = text + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct pubkey pk;
		char why[300];
		lineno++;
		/* Read as sshd (and ssh-keygen -lf) read authorized_keys: what sshd accepts is shown. */
		int r = pubkey_parse_authline(p, ll, buf, PUBKEY_BLOB_MAX, &pk);
		if (r == PKL_OK && pk.info.family == KF_UNKNOWN) {
			/* Never a fingerprint by guesswork: for a type keydrop does not know it cannot tell
			 * which bytes are the key (a certificate's are not the whole blob). */
			snprintf(why, sizeof why, "line %u: key type %s is not one keydrop knows: no fingerprint", lineno,
				 pk.info.type);
			refuse(name, why, any, &refused, first_why, sizeof first_why);
		} else if (r == PKL_OK) {
			/* As ssh-keygen: a line with options but no comment shows the options. */
			const char *cm = pk.comment;
			size_t cl = pk.commentlen;
			if (cm && *cm == '#')
				cm = NULL;
			if (!cm && pk.opts) {
				cm = pk.opts;
				cl = pk.optslen;
			}
			if (cm && pk.comment == cm) {
				/* ssh-keygen keeps trailing blanks of the comment (up to the newline). */
				const char *lineend = memchr(p, '\0', ll); /* sshd's line ends there */
				if (!lineend)
					lineend = p + ll;
				while (lineend > cm && (lineend[-1] == '\r' || lineend[-1] == '\n'))
					lineend--;
				cl = (size_t)(lineend - cm);
			}
			cmd_print_key(pk.blob, pk.bloblen, cm, cl, h, art);
			found = 1;
		} else if (r != PKL_EMPTY && line_reason(p, ll, lineno, why, sizeof why)) {
			refuse(name, why, any, &refused, first_why, sizeof first_why);
		}
		p += ll + 1;
	}
	if (!found) {
		char why[300];
		int tr = text_reason(text, len, why, sizeof why);
		if (tr == 2)
			ret = msg_fail(EXIT_REJECT, "fingerprint", "%s: %s", name, why);
		else if (refused > 1)
			ret = msg_fail(EXIT_REJECT, "fingerprint", "%s: %s (and %u more key lines refused)", name, first_why,
				       refused - 1);
		else if (refused)
			ret = msg_fail(EXIT_REJECT, "fingerprint", "%s: %s", name, first_why);
		else if (tr)
			ret = msg_fail(EXIT_REJECT, "fingerprint", "%s: %s", name, why);
		else
			ret = msg_fail(EXIT_REJECT, "fingerprint", "%s: no public key found (not a public key, private key or authorized_keys file)",
				       name);
		goto out;
	}
	ret = EXIT_OK; /* main checks stdout once for every command */
out:
	if (text) {
		secret_wipe(text, len);
		free(text);
	}
	free(buf);
	return ret;
}
