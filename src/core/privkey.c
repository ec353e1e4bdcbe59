/* privkey.c: openssh-key-v1 (PROTOCOL.key §1-3): envelope, private section, encoding. */
#include <string.h>

#include "b64.h"
#include "privkey.h"
#include "secret.h"
#include "sshbuf.h"

#define MAGIC "openssh-key-v1"
#define BEGIN "-----BEGIN OPENSSH PRIVATE KEY-----"
#define END "-----END OPENSSH PRIVATE KEY-----"
#define COLS 70

static const char *find_str(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; k <= n && i <= n - k; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return hay + i;
	return NULL;
}

int privkey_sniff(const char *text, size_t n)
{
	if (find_str(text, n, BEGIN))
		return PK_OK;
	if (find_str(text, n, "PuTTY-User-Key-File-"))
		return PK_PUTTY;
	if (find_str(text, n, "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY"))
		return PK_SSHCOM;
	/* PEM: "-----BEGIN RSA PRIVATE KEY-----", "... EC PRIVATE KEY", "... PRIVATE KEY",
	 * "... ENCRYPTED PRIVATE KEY", "... DSA PRIVATE KEY", "... SSH2 ENCRYPTED PRIVATE KEY". */
	const char *b = find_str(text, n, "-----BEGIN ");
	while (b) {
		size_t rest = n - (size_t)(b - text);
		const char *eol = memchr(b, '\n', rest);
		size_t linelen = eol ? (size_t)(eol - b) : rest;
		if (find_str(b, linelen, "PRIVATE KEY"))
			return PK_PEM;
		b = find_str(b + 1, rest - 1, "-----BEGIN ");
	}
	return PK_NOT_KEY;
}

/* Extracts and decodes the base64 between the armour lines. */
static long unarmour(const char *text, size_t n, uint8_t *work, size_t cap)
{
	const char *b = find_str(text, n, BEGIN);
	if (!b)
		return PK_NOT_KEY;
	b += strlen(BEGIN);
	const char *e = find_str(b, n - (size_t)(b - text), END);
	if (!e)
		return PK_FORMAT;
	long r = b64_decode_spaced(b, (size_t)(e - b), work, cap);
	if (r == -2)
		return PK_TOOBIG;
	return r < 0 ? PK_FORMAT : r;
}

/* Reads the type-specific private fields (after the type string) so we find where they end, and
 * rebuilds the public blob they imply into pubw. */
static int read_private_fields(struct sshbuf_r *r, const uint8_t *type, size_t tlen, struct sshbuf_w *pubw)
{
	const uint8_t *s, *t;
	size_t n, m;
	char name[64];

	if (tlen >= sizeof name)
		return PK_TYPE;
	memcpy(name, type, tlen);
	name[tlen] = '\0';
	sshbuf_put_string(pubw, type, tlen);

	if (strcmp(name, "ssh-ed25519") == 0) {
		if (sshbuf_get_string(r, &s, &n) < 0 || sshbuf_get_string(r, &t, &m) < 0)
			return PK_FORMAT;
		if (n != 32 || m != 64 || memcmp(t + 32, s, 32) != 0)
			return PK_FORMAT;
		sshbuf_put_string(pubw, s, n);
	} else if (strncmp(name, "ecdsa-sha2-nistp", 16) == 0) {
		const uint8_t *c;
		size_t cn;
		if (sshbuf_get_string(r, &c, &cn) < 0 || sshbuf_get_string(r, &s, &n) < 0 ||
		    sshbuf_get_mpint(r, &t, &m) < 0)
			return PK_FORMAT;
		sshbuf_put_string(pubw, c, cn);
		sshbuf_put_string(pubw, s, n);
	} else if (strcmp(name, "ssh-rsa") == 0) {
		const uint8_t *nn, *e;
		size_t nnl, el;
		if (sshbuf_get_mpint(r, &nn, &nnl) < 0 || sshbuf_get_mpint(r, &e, &el) < 0)
			return PK_FORMAT;
		for (int i = 0; i < 4; i++) /* d, iqmp, p, q */
			if (sshbuf_get_mpint(r, &s, &n) < 0)
				return PK_FORMAT;
		sshbuf_put_mpint(pubw, e, el);
		sshbuf_put_mpint(pubw, nn, nnl);
	} else if (strcmp(name, "ssh-dss") == 0) {
		for (int i = 0; i < 4; i++) { /* p, q, g, y */
			if (sshbuf_get_mpint(r, &s, &n) < 0)
				return PK_FORMAT;
			sshbuf_put_mpint(pubw, s, n);
		}
		if (sshbuf_get_mpint(r, &s, &n) < 0) /* x */
			return PK_FORMAT;
	} else if (strcmp(name, "sk-ssh-ed25519@openssh.com") == 0 ||
		   strcmp(name, "sk-ecdsa-sha2-nistp256@openssh.com") == 0) {
		uint8_t flags;
		if (name[3] == 'e' && name[4] == 'c') { /* sk-ecdsa: curve, Q */
			if (sshbuf_get_string(r, &s, &n) < 0)
				return PK_FORMAT;
			sshbuf_put_string(pubw, s, n);
		}
		if (sshbuf_get_string(r, &s, &n) < 0) /* pk or Q */
			return PK_FORMAT;
		sshbuf_put_string(pubw, s, n);
		if (sshbuf_get_string(r, &s, &n) < 0) /* application */
			return PK_FORMAT;
		sshbuf_put_string(pubw, s, n);
		if (sshbuf_get_u8(r, &flags) < 0 || sshbuf_get_string(r, &s, &n) < 0 ||
		    sshbuf_get_string(r, &s, &n) < 0) /* flags, key handle, reserved */
			return PK_FORMAT;
	} else {
		return PK_TYPE;
	}
	return pubw->err ? PK_TOOBIG : PK_OK;
}

/* The bcrypt KDF options: string salt, uint32 rounds (PROTOCOL.key). */
static int read_kdf_options(const uint8_t *opts, size_t ol, struct privkey_parts *out)
{
	struct sshbuf_r o;
	sshbuf_r_init(&o, opts, ol);
	if (sshbuf_get_string(&o, &out->salt, &out->saltlen) < 0 || sshbuf_get_u32(&o, &out->rounds) < 0 ||
	    sshbuf_r_left(&o) != 0)
		return PK_FORMAT;
	return PK_OK;
}

int privkey_decode(const char *text, size_t n, uint8_t *work, size_t cap, struct privkey_parts *out)
{
	struct sshbuf_r r;
	const uint8_t *opts;
	size_t ol;
	uint32_t nkeys;

	memset(out, 0, sizeof *out);
	int kind = privkey_sniff(text, n);
	if (kind != PK_OK)
		return kind;
	long len = unarmour(text, n, work, cap);
	if (len < 0)
		return (int)len;
	sshbuf_r_init(&r, work, (size_t)len);
	if ((size_t)len < sizeof MAGIC || memcmp(work, MAGIC, sizeof MAGIC) != 0)
		return PK_FORMAT;
	r.off = sizeof MAGIC; /* includes the NUL */
	if (sshbuf_get_string(&r, &out->cipher, &out->cipherlen) < 0 ||
	    sshbuf_get_string(&r, &out->kdf, &out->kdflen) < 0 || sshbuf_get_string(&r, &opts, &ol) < 0 ||
	    sshbuf_get_u32(&r, &nkeys) < 0)
		goto bad;
	if (nkeys != 1) {
		memset(out, 0, sizeof *out);
		return nkeys == 0 ? PK_FORMAT : PK_MULTI;
	}
	if (sshbuf_get_string(&r, &out->pub, &out->publen) < 0 ||
	    sshbuf_get_string(&r, &out->section, &out->sectionlen) < 0)
		goto bad;
	/* An AEAD cipher would append its tag here; the ciphers we read leave nothing. */
	if (sshbuf_r_left(&r) != 0 && (out->cipherlen == 4 && memcmp(out->cipher, "none", 4) == 0))
		goto bad;
	int clear_cipher = out->cipherlen == 4 && memcmp(out->cipher, "none", 4) == 0;
	int clear_kdf = out->kdflen == 4 && memcmp(out->kdf, "none", 4) == 0;
	if (clear_cipher != clear_kdf)
		goto bad;
	if (!clear_cipher) {
		/* The public key is stored in clear (PROTOCOL.key): out->pub stays set so fingerprints
		 * work without the passphrase. */
		if (out->kdflen == 6 && memcmp(out->kdf, "bcrypt", 6) == 0 && read_kdf_options(opts, ol, out) != PK_OK)
			goto bad;
		return PK_ENCRYPTED;
	}
	if (ol != 0)
		goto bad;
	int ret = privkey_decode_section(out->section, out->sectionlen, 8, out);
	if (ret != PK_OK)
		memset(out, 0, sizeof *out);
	return ret;
bad:
	memset(out, 0, sizeof *out);
	return PK_FORMAT;
}

int privkey_decode_section(const uint8_t *secp, size_t secl, size_t blocksize, struct privkey_parts *out)
{
	struct sshbuf_r sec;
	const uint8_t *type;
	size_t tl;
	uint32_t c1, c2;
	uint8_t pubbuf[PRIVKEY_BLOB_MAX];
	struct sshbuf_w pubw;
	int ret;

	out->priv = out->comment = NULL;
	out->privlen = out->commentlen = 0;
	if (!out->pub || blocksize == 0 || blocksize > 255 || secl % blocksize != 0)
		return PK_FORMAT;
	sshbuf_r_init(&sec, secp, secl);
	if (sshbuf_get_u32(&sec, &c1) < 0 || sshbuf_get_u32(&sec, &c2) < 0)
		return PK_FORMAT;
	if (c1 != c2)
		return PK_CHECKINT;
	size_t privstart = sec.off;
	if (sshbuf_get_string(&sec, &type, &tl) < 0)
		return PK_FORMAT;
	sshbuf_w_init(&pubw, pubbuf, sizeof pubbuf);
	if ((ret = read_private_fields(&sec, type, tl, &pubw)) != PK_OK)
		goto out;
	out->priv = secp + privstart;
	out->privlen = sec.off - privstart;
	if (sshbuf_get_string(&sec, &out->comment, &out->commentlen) < 0) {
		ret = PK_FORMAT;
		goto out;
	}
	/* Padding: 1, 2, 3, ... up to one block less a byte. */
	for (size_t i = 1; sshbuf_r_left(&sec) > 0; i++) {
		uint8_t b;
		if (sshbuf_get_u8(&sec, &b) < 0 || b != (uint8_t)i || i >= blocksize) {
			ret = PK_FORMAT;
			goto out;
		}
	}
	if (pubw.len != out->publen || memcmp(pubw.p, out->pub, pubw.len) != 0) {
		ret = PK_MISMATCH;
		goto out;
	}
	ret = PK_OK;
out:
	if (ret != PK_OK) {
		out->priv = out->comment = NULL;
		out->privlen = out->commentlen = 0;
	}
	secret_wipe(pubbuf, sizeof pubbuf);
	return ret;
}

long privkey_encode(const uint8_t *pub, size_t publen, const uint8_t *priv, size_t privlen,
		    const char *comment, uint32_t checkint, const struct privkey_seal *seal, char *out,
		    size_t cap)
{
	uint8_t sec[PRIVKEY_BLOB_MAX], file[PRIVKEY_BLOB_MAX], kdfopts[64];
	char b64[PRIVKEY_TEXT_MAX];
	struct sshbuf_w s, f, ko;
	long ret = PK_TOOBIG, blen;
	size_t block = seal ? seal->blocksize : 8;

	sshbuf_w_init(&s, sec, sizeof sec);
	sshbuf_put_u32(&s, checkint);
	sshbuf_put_u32(&s, checkint);
	sshbuf_put_bytes(&s, priv, privlen);
	sshbuf_put_cstring(&s, comment);
	if (block == 0 || block > 255)
		goto out;
	for (uint8_t i = 1; !s.err && s.len % block != 0; i++)
		sshbuf_put_u8(&s, i);
	sshbuf_w_init(&ko, kdfopts, sizeof kdfopts);
	if (seal) {
		sshbuf_put_string(&ko, seal->salt, seal->saltlen);
		sshbuf_put_u32(&ko, seal->rounds);
	}
	if (s.err || ko.err || (seal && seal->crypt(seal->ctx, sec, s.len) != 0))
		goto out;

	sshbuf_w_init(&f, file, sizeof file);
	sshbuf_put_bytes(&f, MAGIC, sizeof MAGIC);
	sshbuf_put_cstring(&f, seal ? seal->cipher : "none");
	sshbuf_put_cstring(&f, seal ? seal->kdf : "none");
	sshbuf_put_string(&f, kdfopts, ko.len);
	sshbuf_put_u32(&f, 1);
	sshbuf_put_string(&f, pub, publen);
	sshbuf_put_string(&f, sec, s.len);
	if (f.err)
		goto out;
	blen = b64_encode(file, f.len, b64, sizeof b64, 1);
	if (blen < 0)
		goto out;

	size_t o = 0, need = strlen(BEGIN) + 1 + (size_t)blen + (size_t)blen / COLS + 1 + strlen(END) + 2;
	if (need > cap)
		goto out;
	memcpy(out, BEGIN "\n", strlen(BEGIN) + 1);
	o = strlen(BEGIN) + 1;
	for (long i = 0; i < blen; i += COLS) {
		size_t k = (size_t)(blen - i < COLS ? blen - i : COLS);
		memcpy(out + o, b64 + i, k);
		o += k;
		out[o++] = '\n';
	}
	memcpy(out + o, END "\n", strlen(END) + 1);
	o += strlen(END) + 1;
	out[o] = '\0';
	ret = (long)o;
out:
	secret_wipe(sec, sizeof sec);
	secret_wipe(file, sizeof file);
	secret_wipe(b64, sizeof b64);
	return ret;
}

const char *privkey_strerror(int err)
{
	switch (err) {
	case PK_OK:
		return "ok";
	case PK_NOT_KEY:
		return "not a private key (OpenSSH, PEM, PKCS#8 or PuTTY .ppk)";
	case PK_PEM:
		return "a PEM/PKCS#8 private key";
	case PK_PUTTY:
		return "a PuTTY .ppk private key";
	case PK_ENCRYPTED:
		return "the private key is passphrase-protected (give the passphrase with -P or --passphrase-file)";
	case PK_FORMAT:
		return "private key is malformed";
	case PK_CHECKINT:
		return "private key is corrupt (check values differ)";
	case PK_MISMATCH:
		return "private key does not match its public key";
	case PK_TOOBIG:
		return "private key is too large";
	case PK_MULTI:
		return "files with several private keys are not supported";
	case PK_TYPE:
		return "private key type is not supported (keydrop reads RSA, Ed25519, and ECDSA on the named curves "
		       "P-256/384/521; not explicit curve parameters)";
	case PK_CIPHER:
		return "the private key is encrypted with a cipher keydrop does not read (it reads aes128/192/256-ctr "
		       "and -cbc with bcrypt, what ssh-keygen writes by default)";
	case PK_ROUNDS:
		return "the private key asks for more than 1024 KDF rounds (refused: deriving would take minutes)";
	case PK_BADPASS:
		return "incorrect passphrase";
	case PK_PEM_ENCRYPTED:
		return "an encrypted PEM/PKCS#8 private key: keydrop reads these only unencrypted (convert it with "
		       "'openssl pkey -in KEY -out NEW', then protect NEW with 'keydrop passphrase -f NEW')";
	case PK_DSA:
		return "a DSA private key: DSA is no longer supported (OpenSSH 9.8 removed it; make a new key with "
		       "'keydrop keygen')";
	case PK_SSHCOM:
		return "an SSH.com (SSH2) private key: keydrop does not read this format (convert it with PuTTYgen: "
		       "Conversions > Import key, then Export OpenSSH key; or 'puttygen KEY -O private-openssh -o NEW')";
	case PK_NEED_PRIVATE:
		return "a PuTTY .ppk file: keydrop reads its public half only ('keydrop pubkey -f KEY.ppk' prints it; for "
		       "the private key, export an OpenSSH key from PuTTYgen: Conversions > Export OpenSSH key)";
	}
	return "private key is invalid";
}
