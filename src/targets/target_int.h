/* target_int.h: helpers shared by target.c and target_root.c only. */
#ifndef KEYDROP_TARGET_INT_H
#define KEYDROP_TARGET_INT_H
#include <stddef.h>
#include <sys/types.h>

#include "target.h"

/* out = root + path (root's trailing slashes dropped); -1 if it does not fit. */
int target_join(char *out, size_t cap, const char *root, const char *path);
/* NAME's entry in ROOT/etc/passwd (no NSS), reached without leaving the root. Returns 0, -1 when
 * there is no such entry, -2 with err when it cannot be read. */
int target_passwd_in_root(const struct target *t, const char *name, uid_t *uid, gid_t *gid, char *home,
			  size_t cap, char *err, size_t errcap);

#endif
