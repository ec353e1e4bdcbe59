/* osutil.h: facts about the running system that commands need. */
#ifndef KEYDROP_OSUTIL_H
#define KEYDROP_OSUTIL_H
#include <stddef.h>

/* The invoking user's home: $HOME, else the passwd entry. Returns 0 or -1. */
int osutil_home(char *buf, size_t cap);
/* "user@host" as ssh-keygen's default comment. */
void osutil_user_at_host(char *buf, size_t cap);
/* Reads all of fd (stdin) or path into a malloc'ed NUL-terminated buffer of at most max bytes.
 * Returns 0, or -1 with errno (EFBIG when larger). The caller frees (and wipes, if secret). */
int osutil_slurp(const char *path, size_t max, char **out, size_t *len);

#endif
