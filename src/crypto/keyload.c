/* keyload.c: one entry for every private key file; the OpenSSH format here, the others in
 * keyload_foreign.c. */
#include <stdlib.h>
#include <string.h>

#include "keyblob.h"
#include "keylock.h"
#include "keyload.h"
#include "secret.h"

/* Copies the public blob, type and size out of the parsed envelope. DSA is refused here, once for
 * every format: OpenSSH 9.8 dropped it, and nothing keydrop does with a private key helps there. */
static int take_public(const struct privkey_parts *parts, struct keyload *out)
{
	struct keyblob_info info;

	if (parts->publen > sizeof out->pair.pub)
		return PK_TOOBIG;
	if (keyblob_inspect(parts->pub, parts->publen, &info) != 0)
		return PK_FORMAT;
	if (info.family == KF_UNKNOWN || info.cert)
		return PK_TYPE;
	memcpy(out->pair.pub, parts->pub, parts->publen);
	out->pair.publen = parts->publen;
	out->pair.bits = info.bits;
	return info.family == KF_DSA ? PK_DSA : PK_OK;
}

static int take_private(const struct privkey_parts *parts, struct keyload *out)
{
	if (parts->privlen > sizeof out->pair.priv)
		return PK_TOOBIG;
	memcpy(out->pair.priv, parts->priv, parts->privlen);
	out->pair.privlen = parts->privlen;
	out->have_private = 1;
	size_t cl = parts->commentlen < PRIVKEY_COMMENT_MAX ? parts->commentlen : PRIVKEY_COMMENT_MAX;
	memcpy(out->comment, parts->comment, cl);
	out->comment[cl] = '\0';
	/* A comment that would break the .pub line (or is cut short) is no comment to print. */
	if (cl != parts->commentlen || memchr(out->comment, '\n', cl) || memchr(out->comment, '\r', cl) ||
	    memchr(out->comment, '\0', cl))
		out->comment[0] = '\0';
	out->have_comment = 1;
	return PK_OK;
}

static int load_openssh(const char *text, size_t n, const char *pass, size_t passlen, struct keyload *out)
{
	struct privkey_parts parts;
	uint8_t *work = malloc(PRIVKEY_BLOB_MAX), *sec = NULL;
	size_t secl = 0, block = 0;
	int r;

	if (!work)
		return PK_TOOBIG;
	r = privkey_decode(text, n, work, PRIVKEY_BLOB_MAX, &parts);
	if (r != PK_OK && r != PK_ENCRYPTED)
		goto out;
	int enc = r == PK_ENCRYPTED;
	if ((r = take_public(&parts, out)) != PK_OK)
		goto out;
	out->fmt = KL_OPENSSH;
	if (enc) {
		size_t cl = parts.cipherlen < sizeof out->cipher - 1 ? parts.cipherlen : sizeof out->cipher - 1;
		for (size_t i = 0; i < cl; i++) /* a name from the file, for messages: printable only */
			out->cipher[i] = parts.cipher[i] > 0x20 && parts.cipher[i] < 0x7f ? (char)parts.cipher[i] : '?';
		out->cipher[cl] = '\0';
		out->encrypted = 1;
		out->rounds = parts.rounds;
		if ((r = keylock_check(&parts, KEYLOAD_ROUNDS_MAX)) != PK_OK)
			goto out;
		r = PK_ENCRYPTED;
		if (!pass)
			goto out;
		secl = parts.sectionlen;
		if (!(sec = malloc(secl ? secl : 1))) {
			r = PK_TOOBIG;
			goto out;
		}
		if ((r = keylock_open(&parts, pass, passlen, KEYLOAD_ROUNDS_MAX, sec, &block)) != PK_OK)
			goto out;
		r = privkey_decode_section(sec, secl, block, &parts);
		/* Wrong passphrase: the check ints come out different (anything else that decrypts to
		 * equal check ints and then fails is a broken file). */
		if (r == PK_CHECKINT)
			r = PK_BADPASS;
		if (r != PK_OK)
			goto out;
	}
	r = take_private(&parts, out);
out:
	if (sec) {
		secret_wipe(sec, secl);
		free(sec);
	}
	secret_wipe(work, PRIVKEY_BLOB_MAX);
	free(work);
	return r;
}

int keyload_parse(const char *text, size_t n, const char *pass, size_t passlen, struct keyload *out)
{
	memset(out, 0, sizeof *out);
	int kind = privkey_sniff(text, n);
	int r = kind == PK_PEM || kind == PK_PUTTY ? keyload_foreign(text, n, out)
		: kind == PK_OK                   ? load_openssh(text, n, pass, passlen, out)
						  : kind;
	/* These keep the public half (and the cipher and rounds): fingerprints still work. */
	if (r != PK_OK && r != PK_ENCRYPTED && r != PK_DSA && r != PK_CIPHER && r != PK_ROUNDS)
		keyload_wipe(out);
	return r;
}

void keyload_wipe(struct keyload *k)
{
	secret_wipe(k, sizeof *k);
}
