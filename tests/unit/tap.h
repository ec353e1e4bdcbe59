/* tap.h: minimal TAP for C unit tests: file:line on every failure. Header-only on purpose: each
 * tests/unit/t_*.c is one program. */
#ifndef KEYDROP_TAP_H
#define KEYDROP_TAP_H
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define OK(cond, ...)                                                                     \
	do {                                                                              \
		int ok_ = (cond) ? 1 : 0;                                                 \
		printf("%s %d - ", ok_ ? "ok" : "not ok", ++tap_n);                       \
		printf(__VA_ARGS__);                                                      \
		printf("\n");                                                             \
		if (!ok_) {                                                               \
			tap_failed++;                                                     \
			printf("#   failed at %s:%d: %s\n", __FILE__, __LINE__, #cond);     \
		}                                                                         \
	} while (0)

#define IS_INT(got, want, ...)                                                            \
	do {                                                                              \
		long long g_ = (long long)(got), w_ = (long long)(want);                  \
		OK(g_ == w_, __VA_ARGS__);                                                \
		if (g_ != w_)                                                             \
			printf("#   got %lld, want %lld\n", g_, w_);                          \
	} while (0)

#define IS_STR(got, want, ...)                                                            \
	do {                                                                              \
		const char *g_ = (got), *w_ = (want);                                     \
		int same_ = g_ && w_ && strcmp(g_, w_) == 0;                              \
		OK(same_, __VA_ARGS__);                                                   \
		if (!same_)                                                               \
			printf("#   got  '%s'\n#   want '%s'\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
	} while (0)

#define IS_MEM(got, want, n, ...) OK(memcmp((got), (want), (n)) == 0, __VA_ARGS__)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

/* Hex string to bytes; returns the byte count. For test vectors only. */
static inline size_t tap_hex(const char *hex, unsigned char *out, size_t cap)
{
	size_t n = 0;
	for (; hex[0] && hex[1] && n < cap; hex += 2) {
		unsigned v;
		sscanf(hex, "%2x", &v);
		out[n++] = (unsigned char)v;
	}
	return n;
}
/* A test vector file into buf[0..cap) (NUL-terminated); its length, 0 when it cannot be read. */
static inline size_t tap_slurp(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, cap - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = '\0';
	return n;
}

#endif
