/* keyperm.c: ssh's rule for private key files and keydrop's for their .pub and directory. */
#include <string.h>

#include "keyperm.h"

#define M_ISVTX 01000u

unsigned keyperm_private(uint32_t mode, uint32_t owner, uint32_t uid)
{
	if (owner != uid) /* sshkey_perm_ok: "if the key owned by a different user, then we don't care" */
		return KP_FOREIGN | ((mode & 077) ? KP_OPEN : 0);
	return (mode & 077) ? KP_UNPROTECTED : 0;
}

uint32_t keyperm_private_fixed(uint32_t mode)
{
	return (mode & 0200) | 0400;
}

unsigned keyperm_pub(uint32_t mode, uint32_t owner, uint32_t uid)
{
	return (owner != uid ? KP_FOREIGN : 0) | ((mode & 022) ? KP_WRITABLE : 0);
}

uint32_t keyperm_pub_fixed(uint32_t mode)
{
	(void)mode;
	return 0644;
}

static int is_dot_ssh(const char *name)
{
	return name && strcmp(name, ".ssh") == 0;
}

unsigned keyperm_dir(uint32_t mode, uint32_t owner, uint32_t uid, const char *name)
{
	unsigned f = 0;

	if (owner != uid && owner != 0)
		f |= KP_FOREIGN;
	if (mode & 022) {
		f |= KP_WRITABLE;
		/* A shared directory (/tmp): others may write there by design; changing it breaks them. */
		if ((mode & M_ISVTX) && (mode & 002))
			f |= KP_SHARED;
	} else if (is_dot_ssh(name) && (mode & 077)) {
		f |= KP_NOT_0700;
	}
	return f;
}

uint32_t keyperm_dir_fixed(uint32_t mode, const char *name)
{
	return is_dot_ssh(name) ? 0700 : (mode & 07777 & ~(uint32_t)022);
}

int keyperm_first_key(const char *text, size_t n, uint8_t *buf, size_t cap, struct pubkey *out)
{
	const char *p = text, *end = text + n;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		int r = pubkey_parse_line(p, ll, buf, cap, out);
		if (r == PKL_OK)
			return out->opts ? PKL_NOKEY : PKL_OK;
		if (r != PKL_EMPTY)
			return r;
		p += ll + 1;
	}
	return PKL_EMPTY;
}

int keyperm_pub_match(const char *text, size_t n, const uint8_t *pub, size_t publen, uint8_t *buf, size_t cap,
		      struct pubkey *out)
{
	int r = keyperm_first_key(text, n, buf, cap, out);

	if (r != PKL_OK)
		return r < 0 ? r : PKL_EMPTY;
	return out->bloblen == publen && memcmp(out->blob, pub, publen) == 0 ? KPM_MATCH : KPM_DIFFERENT;
}
