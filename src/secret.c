/* secret.c */
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "secret.h"

void secret_wipe(void *p, size_t n)
{
	if (p && n)
		explicit_bzero(p, n);
}

int secret_protect(void)
{
	struct rlimit rl = { 0, 0 };
	int ret = setrlimit(RLIMIT_CORE, &rl);

	/* Non-dumpable: no core file and no ptrace attach by other same-uid processes. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		ret = -1;
	return ret;
}
