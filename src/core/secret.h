/* secret.h: wiping key material (keeping it out of core dumps: osutil_protect_secrets). */
#ifndef KEYDROP_SECRET_H
#define KEYDROP_SECRET_H
#include <stddef.h>

/* Overwrites p[0..n) with zeros in a way the compiler may not elide. */
void secret_wipe(void *p, size_t n);

#endif
