/* rand.h: randomness from getrandom() only. Never falls back to a weaker source. */
#ifndef KEYDROP_RAND_H
#define KEYDROP_RAND_H
#include <stddef.h>
#include <bearssl.h>

enum { RAND_OK = 0, RAND_ENOSYS = -1, RAND_EIO = -2 };

/* Fills buf with n random bytes. If the kernel's pool is not initialised yet (early boot), calls
 * on_wait(arg) once (to tell the user what we wait for) and then blocks until it is.
 * Returns RAND_OK, RAND_ENOSYS (no getrandom syscall: kernel < 3.17) or RAND_EIO. */
int rand_bytes(void *buf, size_t n, void (*on_wait)(void *), void *arg);

/* Seeds an HMAC-DRBG (SHA-256) from rand_bytes, for BearSSL's key generators: BearSSL 0.6's own
 * system seeder trusts RDRAND, which is buggy on some AMD CPUs (returns the same value after suspend). */
int rand_drbg_init(br_hmac_drbg_context *drbg, void (*on_wait)(void *), void *arg);

const char *rand_strerror(int err);

#endif
