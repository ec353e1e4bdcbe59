/* cmd_keys.h: output shared by the key commands (fingerprint, hostkeys). */
#ifndef KEYDROP_CMD_KEYS_H
#define KEYDROP_CMD_KEYS_H
#include <stddef.h>
#include <stdint.h>

#include "fingerprint.h"

/* Prints "BITS HASH comment (TYPE)" exactly as ssh-keygen -l ("no comment" when comment is NULL),
 * then the randomart when art. Comment bytes are printed as given, as ssh-keygen does. */
void cmd_print_key(const uint8_t *blob, size_t n, const char *comment, size_t clen, enum fp_hash h, int art);

#endif
