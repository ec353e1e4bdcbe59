/* secret.h: wiping key material and keeping it out of core dumps. */
#ifndef KEYDROP_SECRET_H
#define KEYDROP_SECRET_H
#include <stddef.h>

/* Overwrites p[0..n) with zeros in a way the compiler may not elide. */
void secret_wipe(void *p, size_t n);
/* Sets RLIMIT_CORE to 0 and marks the process non-dumpable while secrets live. Returns 0 or -1. */
int secret_protect(void);

#endif
