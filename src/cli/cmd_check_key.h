/* cmd_check_key.h: check's client side (cmd_check_key.c), reached from check's option parsing. */
#ifndef KEYDROP_CMD_CHECK_KEY_H
#define KEYDROP_CMD_CHECK_KEY_H

#include "cmd.h"

/* keydrop check --key PATH [--fix]: reports what ssh refuses about the private key PATH (and what
 * makes logins with it fail: its .pub, its directory), prints its fingerprint; fix repairs modes by
 * descriptor. Prints its own lines; returns EXIT_OK, EXIT_PROBLEMS, EXIT_REJECT (a public key or not
 * a regular file) or EXIT_FAIL. */
int cmd_check_key(const char *path, int fix, const struct globals *g);

#endif
