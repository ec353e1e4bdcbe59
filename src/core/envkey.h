/* envkey.h: a public key handed over in an environment variable (PUBLIC_KEY, SSH_PUBLIC_KEY: the
 * way RunPod, Vast and friends pass the user's key to a container), as provider consoles and
 * templates really deliver it: wrapped in quotes, several keys joined by a literal backslash-n typed
 * into a one-line form field or left by JSON escaping, or the word "null" of an unset template
 * field. Turned into authorized_keys text; the key lines themselves are the paste layer's. Pure. */
#ifndef KEYDROP_ENVKEY_H
#define KEYDROP_ENVKEY_H
#include <stddef.h>

enum envkey_result {
	ENVKEY_OK = 0,
	ENVKEY_EMPTY = 1, /* nothing but blanks (after the quotes) */
	ENVKEY_NULL = 2   /* "null", "None", "undefined" (any case): a template's unset value */
};

/* Normalises in[0..n) into out (room for n bytes; the result is never longer): blanks around the
 * value dropped, then one pair of matching quotes (' or ") around the whole value, then every
 * literal \n (and \r\n) outside a double-quoted option value becomes a line break (a command="..."
 * option may hold a backslash-n of its own). *outlen gets the length. */
int envkey_normalise(const char *in, size_t n, char *out, size_t *outlen);

#endif
