/* rand.c: getrandom(2) through syscall() so a missing syscall is seen as ENOSYS, not emulated. */
#include <errno.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rand.h"
#include "secret.h"

static long sys_getrandom(void *buf, size_t n, unsigned flags)
{
	return syscall(SYS_getrandom, buf, n, flags);
}

int rand_bytes(void *buf, size_t n, void (*on_wait)(void *), void *arg)
{
	unsigned char *p = buf;
	unsigned flags = GRND_NONBLOCK;
	int told = 0;

	while (n > 0) {
		long r = sys_getrandom(p, n, flags);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN && (flags & GRND_NONBLOCK)) {
				if (!told && on_wait)
					on_wait(arg);
				told = 1;
				flags = 0; /* now block until the pool is initialised */
				continue;
			}
			return errno == ENOSYS ? RAND_ENOSYS : RAND_EIO;
		}
		p += r;
		n -= (size_t)r;
	}
	return RAND_OK;
}

int rand_drbg_init(br_hmac_drbg_context *drbg, void (*on_wait)(void *), void *arg)
{
	unsigned char seed[48];
	int r = rand_bytes(seed, sizeof seed, on_wait, arg);

	if (r == RAND_OK)
		br_hmac_drbg_init(drbg, &br_sha256_vtable, seed, sizeof seed);
	secret_wipe(seed, sizeof seed);
	return r;
}

const char *rand_strerror(int err)
{
	switch (err) {
	case RAND_OK:
		return "ok";
	case RAND_ENOSYS:
		return "getrandom() is not available (kernel older than 3.17); refusing to use a weaker source";
	default:
		return "getrandom() failed";
	}
}
