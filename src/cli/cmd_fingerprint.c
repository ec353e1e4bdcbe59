/* cmd_fingerprint.c: keydrop fingerprint, like ssh-keygen -l [-v] [-E]: one line per key in a .pub,
 * a private key, or an authorized_keys file. Output matches ssh-keygen byte for byte. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "keyload.h"
#include "keyprint.h"
#include "die.h"
#include "fingerprint.h"
#include "opts.h"
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
	struct keyload *kl = malloc(sizeof *kl);
	int r, ret;
	if (!kl)
		return msg_fail(EXIT_FAIL, "fingerprint", "out of memory");
	/* No passphrase needed: every format keeps the public half in clear (or derivable), and an
	 * encrypted OpenSSH key's comment is inside the encrypted part, so it shows none, as
	 * ssh-keygen -l. */
	r = keyload_parse(text, len, NULL, 0, kl);
	if (r == PK_OK || r == PK_ENCRYPTED || r == PK_DSA || r == PK_CIPHER || r == PK_ROUNDS) {
		cmd_print_key(kl->pair.pub, kl->pair.publen, kl->have_comment ? kl->comment : NULL,
			      strlen(kl->comment), h, art);
		ret = EXIT_OK;
	} else {
		ret = msg_fail(EXIT_REJECT, "fingerprint", "%s: %s", path, privkey_strerror(r));
	}
	keyload_wipe(kl);
	free(kl);
	return ret;
}

/* A key install takes, printed as ssh-keygen -l prints the one line install writes for it. */
static void print_paste_key(const struct paste_key *k, enum fp_hash h, int art)
{
	const char *cm = k->comment;
	size_t cl = k->commentlen;
	if (!cm && k->opts) { /* ssh-keygen: a line with options but no comment shows the options */
		cm = k->opts;
		cl = k->optslen;
	}
	cmd_print_key(k->blob, k->bloblen, cm, cl, h, art);
}

/* Lines that are no key (the paste diagnosis): kept to be said at the end, as warnings when some key
 * was printed, else the first one as the failure. */
struct refusals {
	unsigned n;
	char first[PASTE_DIAG_MAX + 32];
	char more[8][PASTE_DIAG_MAX + 32];
};

static void refuse(struct refusals *rf, const char *where, const char *why)
{
	if (rf->n == 0)
		snprintf(rf->first, sizeof rf->first, "%s: %s", where, why);
	else if (rf->n <= 8)
		snprintf(rf->more[rf->n - 1], sizeof rf->more[0], "%s: %s", where, why);
	rf->n++;
}

int cmd_fingerprint(int argc, char **argv, const struct globals *gg)
{
	struct globals gl = *gg, *g = &gl;
	struct opts op;
	static const struct option longopts[] = { OPTS_END_ROW };
	enum fp_hash h = FP_SHA256;
	int art, c, ret = EXIT_FAIL, found = 0;
	const char *path = NULL;
	char *text = NULL;
	size_t len = 0;
	uint8_t *buf = NULL;

	static const char *const help[] = { usage, NULL };
	opts_init(&op, "fingerprint", argc, argv, "E:f:l", longopts, g, help);
	while ((c = opts_next(&op)) >= 0) {
		switch (c) {
		case 'E':
			if (strcasecmp(op.arg, "sha256") == 0)
				h = FP_SHA256;
			else if (strcasecmp(op.arg, "md5") == 0)
				h = FP_MD5;
			else
				return msg_usage("fingerprint", "unknown hash '%s' (sha256 or md5)", op.arg);
			break;
		case 'f':
			path = op.arg;
			break;
		case 'l':
			break; /* accepted for ssh-keygen muscle memory */
		}
	}
	if (c == OPTS_EXIT)
		return op.rc;
	art = g->verbose; /* -v: randomart, as ssh-keygen -lv */
	if (!path && op.ind < argc)
		path = argv[op.ind++];
	if (!path || op.ind != argc)
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
	int sniff = privkey_sniff(first, flen);
	/* openssl ecparam -genkey writes the curve's parameters first, the key after them. */
	static const char ecparams[] = "-----BEGIN EC PARAMETERS-----";
	if (sniff == PK_NOT_KEY && flen >= sizeof ecparams - 1 && memcmp(first, ecparams, sizeof ecparams - 1) == 0)
		sniff = privkey_sniff(text, len);
	if (sniff != PK_NOT_KEY) {
		osutil_protect_secrets();
		ret = do_private(path, text, len, h, art);
		goto out;
	}
	if (!(buf = malloc(PUBKEY_BLOB_MAX))) {
		ret = msg_fail(EXIT_FAIL, "fingerprint", "out of memory");
		goto out;
	}
	const char *name = strcmp(path, "-") == 0 ? "(stdin)" : path;
	unsigned lineno = 0;
	struct refusals *rf = calloc(1, sizeof *rf);
	if (!rf) {
		ret = msg_fail(EXIT_FAIL, "fingerprint", "out of memory");
		goto out;
	}
	for (const char *p = text, *end = text + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct pubkey pk;
		struct paste_diag d;
		struct paste_result pr;
		char where[64];
		lineno++;
		snprintf(where, sizeof where, "line %u", lineno);
		/* Read as sshd (and ssh-keygen -lf) read authorized_keys: what sshd accepts is shown. */
		int r = pubkey_parse_authline(p, ll, buf, PUBKEY_BLOB_MAX, &pk);
		if (r == PKL_OK && pk.info.family == KF_UNKNOWN) {
			/* Never a fingerprint by guesswork: for a type keydrop does not know it cannot tell
			 * which bytes are the key (a certificate's are not the whole blob). */
			char why[160];
			snprintf(why, sizeof why, "key type %s is not one keydrop knows: no fingerprint", pk.info.type);
			refuse(rf, where, why);
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
			/* Keys joined on one line: ssh-keygen's (and sshd's) reading is printed; install's words
			 * say what else is on the line. */
			if (pk.comment && paste_may_join(pk.comment, pk.commentlen)) {
				if (paste_diagnose(p, ll, &d, &pr) == PASTE_JOINED)
					msg_err("fingerprint", "%s: %s: %s", name, where, d.detail);
				paste_free(&pr);
			}
		} else if (r != PKL_EMPTY) {
			/* What install makes of the text from here: keys in another form (printed as the line
			 * install writes), or its refusal; a block is one item. */
			int e = paste_diagnose(p, (size_t)(end - p), &d, &pr);
			if (d.nlines > 1)
				snprintf(where, sizeof where, "lines %u-%u", lineno, lineno + d.nlines - 1);
			if ((e == PASTE_OK || e == PASTE_UNREADABLE || e == PASTE_JOINED) && pr.n > 0) {
				for (size_t i = 0; i < pr.n; i++)
					print_paste_key(&pr.keys[i], h, art);
				found = 1;
				if (e == PASTE_JOINED)
					msg_err("fingerprint", "%s: %s: %s", name, where, d.detail);
			} else if (e != PASTE_OK && e != PASTE_NOTKEY && e != PASTE_EMPTY) {
				refuse(rf, where, d.detail);
			} else {
				d.nlines = 1; /* text ssh-keygen skips in an authorized_keys file */
			}
			paste_free(&pr);
			for (unsigned k = 1; k < d.nlines && p < end; k++) {
				nl = memchr(p, '\n', (size_t)(end - p));
				p = nl ? nl + 1 : end;
				lineno++;
			}
			nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
			ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		}
		p += ll + 1;
	}
	if (!found) {
		/* The whole text as install reads it (keys spread in ways no single item shows). */
		struct paste_result pr;
		int e = paste_parse(text, len, &pr);
		if (e == PASTE_OK) {
			for (size_t i = 0; i < pr.n; i++)
				print_paste_key(&pr.keys[i], h, art);
			found = 1;
		} else if (!rf->n && e != PASTE_EMPTY) {
			if (pr.line)
				snprintf(rf->first, sizeof rf->first, "line %u: %s", pr.line, pr.detail);
			else
				snprintf(rf->first, sizeof rf->first, "%s", pr.detail);
			rf->n = 1;
		}
		paste_free(&pr);
	}
	if (found) {
		for (unsigned i = 0; i < rf->n; i++)
			if (i <= 8)
				msg_err("fingerprint", "%s: %s (skipped)", name, i ? rf->more[i - 1] : rf->first);
	} else {
		if (rf->n > 1)
			ret = msg_fail(EXIT_REJECT, "fingerprint", "%s: %s (and %u more key lines refused)", name, rf->first,
				       rf->n - 1);
		else if (rf->n)
			ret = msg_fail(EXIT_REJECT, "fingerprint", "%s: %s", name, rf->first);
		else
			ret = msg_fail(EXIT_REJECT, "fingerprint", "%s: no public key found (not a public key, private key or authorized_keys file)",
				       name);
		free(rf);
		goto out;
	}
	free(rf);
	ret = EXIT_OK; /* main checks stdout once for every command */
out:
	if (text) {
		secret_wipe(text, len);
		free(text);
	}
	free(buf);
	return ret;
}
