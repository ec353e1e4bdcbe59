/* secret.c */
#include <string.h>

#include "secret.h"

void secret_wipe(void *p, size_t n)
{
	if (p && n)
		explicit_bzero(p, n);
}
