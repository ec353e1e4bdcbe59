/* keyprint.h: output shared by the key commands (keygen, hostkeys, fingerprint). */
#ifndef KEYDROP_KEYPRINT_H
#define KEYDROP_KEYPRINT_H
#include <stddef.h>
#include <stdint.h>

#include "fingerprint.h"

/* Prints "BITS HASH comment (TYPE)" exactly as ssh-keygen -l ("no comment" when comment is NULL),
 * then the randomart when art. Comment bytes are printed as given, as ssh-keygen does. */
void cmd_print_key(const uint8_t *blob, size_t n, const char *comment, size_t clen, enum fp_hash h, int art);

/* privkey_strerror(r) with what keyload found out: the rounds a key asks for and how long they would
 * take, the cipher it names. buf: at least 256 bytes. */
struct keyload;
const char *cmd_key_error(const struct keyload *kl, int r, char *buf, size_t cap);

/* keygen_generate's wait callback: says what keydrop waits for when getrandom would block
 * (early boot). arg: the command name. */
void cmd_entropy_wait(void *arg);

#endif
