/* privkey.h: the OpenSSH private key format "openssh-key-v1" (PROTOCOL.key), unencrypted only
 * (cipher and kdf "none"). Pure: works on caller-provided buffers. */
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
	PK_ENCRYPTED = -4,   /* passphrase-protected: not supported yet */
	PK_FORMAT = -5,      /* structure broken (bad base64, lengths, magic, padding) */
	PK_CHECKINT = -6,    /* the two check ints differ: corrupt */
	PK_MISMATCH = -7,    /* private part does not match the public key */
	PK_TOOBIG = -8,
	PK_MULTI = -9,       /* more than one key in the file */
	PK_TYPE = -10        /* key type we cannot read */
};

struct privkey_parts {
	const uint8_t *pub;     /* public key blob (points into the work buffer) */
	size_t publen;
	const uint8_t *priv;    /* key type string + private fields, as in the file */
	size_t privlen;
	const uint8_t *comment; /* not NUL-terminated */
	size_t commentlen;
};

/* Classifies text as a private key of some kind: returns PK_OK (openssh-key-v1 armour), PK_PEM,
 * PK_PUTTY or PK_NOT_KEY. Used to refuse pasted private keys without echoing them. */
int privkey_sniff(const char *text, size_t n);

/* Decodes an armoured openssh-key-v1 key into work[0..cap) and points out's fields into it.
 * The caller wipes work after use (it holds the private key). On PK_ENCRYPTED only out->pub and
 * out->publen are set (the public key is stored in clear). */
int privkey_decode(const char *text, size_t n, uint8_t *work, size_t cap, struct privkey_parts *out);

/* Encodes pub + priv (type string and private fields) + comment with the given check int, padded,
 * base64 at 70 columns, armoured, into out (capacity cap, NUL-terminated). Returns the text length
 * or a negative privkey_err. Uses a stack buffer that it wipes. */
long privkey_encode(const uint8_t *pub, size_t publen, const uint8_t *priv, size_t privlen,
		    const char *comment, uint32_t checkint, char *out, size_t cap);

const char *privkey_strerror(int err);

#endif
