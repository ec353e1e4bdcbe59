/* privkey.h: the OpenSSH private key format "openssh-key-v1" (PROTOCOL.key): the envelope, the
 * private section, and their encoding. Pure: works on caller-provided buffers; the cipher is the
 * caller's (crypto/keylock.c), given as a callback, so no key derivation happens here. */
#ifndef KEYDROP_PRIVKEY_H
#define KEYDROP_PRIVKEY_H
#include <stddef.h>
#include <stdint.h>

#define PRIVKEY_BLOB_MAX 16384  /* binary key file; RSA-16384 needs about 7.3 KiB */
#define PRIVKEY_TEXT_MAX 24576  /* armoured text */
#define PRIVKEY_COMMENT_MAX 1024

enum privkey_err {
	PK_OK = 0,
	PK_NOT_KEY = -1,     /* no "BEGIN OPENSSH PRIVATE KEY" armour */
	PK_PEM = -2,         /* a PEM/PKCS#8 private key (BEGIN RSA/EC/DSA/ENCRYPTED/PRIVATE KEY) */
	PK_PUTTY = -3,       /* a PuTTY .ppk file */
	PK_ENCRYPTED = -4,   /* passphrase-protected and no passphrase given (the public half is set) */
	PK_FORMAT = -5,      /* structure broken (bad base64, lengths, magic, padding) */
	PK_CHECKINT = -6,    /* the two check ints differ: corrupt */
	PK_MISMATCH = -7,    /* private part does not match the public key */
	PK_TOOBIG = -8,
	PK_MULTI = -9,       /* more than one key in the file */
	PK_TYPE = -10,       /* key type we cannot read */
	PK_CIPHER = -11,     /* encrypted with a cipher or KDF we do not implement */
	PK_ROUNDS = -12,     /* the KDF asks for more rounds than KEYLOAD_ROUNDS_MAX */
	PK_BADPASS = -13,    /* wrong passphrase (the check ints of the decrypted section differ) */
	PK_PEM_ENCRYPTED = -14, /* an encrypted PEM / PKCS#8 key (Proc-Type / ENCRYPTED PRIVATE KEY) */
	PK_DSA = -15,        /* a DSA private key: OpenSSH dropped DSA, so do we */
	PK_NEED_PRIVATE = -16, /* the file holds only the public half in clear (encrypted .ppk) */
	PK_SSHCOM = -17      /* an SSH.com / RFC 4716-style "SSH2 ENCRYPTED PRIVATE KEY" */
};

struct privkey_parts {
	const uint8_t *pub;     /* public key blob (points into the work buffer) */
	size_t publen;
	/* The envelope (always set once the armour decodes): cipher and kdf names (not
	 * NUL-terminated), the bcrypt salt and rounds when kdf is "bcrypt", and the private section
	 * as stored (encrypted unless cipher is "none"). */
	const uint8_t *cipher, *kdf, *salt;
	size_t cipherlen, kdflen, saltlen;
	uint32_t rounds;
	const uint8_t *section;
	size_t sectionlen;
	const uint8_t *priv;    /* key type string + private fields, as in the file */
	size_t privlen;
	const uint8_t *comment; /* not NUL-terminated */
	size_t commentlen;
};

/* Classifies text as a private key of some kind: returns PK_OK (openssh-key-v1 armour), PK_PEM,
 * PK_PUTTY, PK_SSHCOM or PK_NOT_KEY. Used to refuse pasted private keys without echoing them. */
int privkey_sniff(const char *text, size_t n);

/* Decodes an armoured openssh-key-v1 key into work[0..cap) and points out's fields into it.
 * The caller wipes work after use (it holds the private key). On PK_ENCRYPTED the envelope fields
 * and out->pub are set (the public key is stored in clear); decrypt out->section into a buffer of
 * its own and give that to privkey_decode_section. */
int privkey_decode(const char *text, size_t n, uint8_t *work, size_t cap, struct privkey_parts *out);

/* Parses a private section in clear (check ints, type, private fields, comment, padding 1,2,3..
 * up to blocksize) and checks it against out->pub, which must be set. Sets out->priv, privlen,
 * comment, commentlen (pointing into sec). PK_CHECKINT when the check ints differ (for an
 * encrypted key: the passphrase is wrong). */
int privkey_decode_section(const uint8_t *sec, size_t secl, size_t blocksize, struct privkey_parts *out);

/* How to encrypt a private section: names for the envelope, the KDF options, the padding unit,
 * and crypt(), called once on the padded section, in place. NULL means cipher "none". */
struct privkey_seal {
	const char *cipher, *kdf;  /* "aes256-ctr", "bcrypt" */
	const uint8_t *salt;
	size_t saltlen;
	uint32_t rounds;
	size_t blocksize;          /* 16 for AES */
	int (*crypt)(void *ctx, uint8_t *buf, size_t len);
	void *ctx;
};

/* Encodes pub + priv (type string and private fields) + comment with the given check int, padded,
 * sealed (seal may be NULL), base64 at 70 columns, armoured, into out (capacity cap,
 * NUL-terminated). Returns the text length or a negative privkey_err. Wipes its stack buffers. */
long privkey_encode(const uint8_t *pub, size_t publen, const uint8_t *priv, size_t privlen,
		    const char *comment, uint32_t checkint, const struct privkey_seal *seal, char *out,
		    size_t cap);

const char *privkey_strerror(int err);

#endif
